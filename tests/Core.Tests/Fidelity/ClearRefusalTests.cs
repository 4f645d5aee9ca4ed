using KampungKB.Core.Ingestion.Intake;

namespace KampungKB.Core.Tests.Fidelity;

/// <summary>
/// Refusals a cadre can act on: which monthly sheet was read and why, a hidden sheet named as hidden, a year-less
/// date blamed on the unknown period, and a report from the future accepted with a word.
/// </summary>
public class ClearRefusalTests
{
    private static string Problems(IngestionReport r) => string.Join("\n", r.Problems.Select(p => $"{p.Code} {p.Sheet}!{p.Row}{p.Column}: {p.Message}"));

    /// <summary>Three monthly sheets, each with its own banner month and a hundred activities of that month.</summary>
    private static byte[] ThreeMonths(bool lastIsOktober = true)
    {
        var b = new XlsxBuilder();
        var months = lastIsOktober ? new[] { (8, "Agustus"), (9, "September"), (10, "Oktober") } : [(10, "Oktober"), (8, "Agustus"), (9, "September")];
        foreach (var (m, name) in months)
        {
            var s = b.Sheet(name.ToUpperInvariant()).Row("Kampung KB Mawar, Desa Mawar").Row($"Bulan: {name} 2025").Row("Tanggal", "Nama Kegiatan", "L", "P");
            for (var i = 0; i < 100; i++) s.Row(new DateTime(2025, m, 1 + i % 28), $"Kegiatan {name} {i + 1}", 1.0, (double)m);
        }
        return b.Build();
    }

    [Theory]
    [InlineData("Laporan Oktober 2025.xlsx")]
    [InlineData("lap_okt_mawar.xlsx")]
    public void ThreeMonthlySheets_FileNameNamesOktober_OnlyThatSheetIsRead_AndSaidSo(string file)
    {
        var r = Engines.Bytes(ThreeMonths(lastIsOktober: false), file);

        Assert.True(r.IsAccepted, Problems(r));
        Assert.Equal(new ReportingPeriod(2025, 10), r.Period);
        Assert.Equal(100, r.Activities.Count);
        Assert.All(r.Activities, a => Assert.Equal(10, a.Date.Month));
        var w = Assert.Single(r.Problems, p => p.Code == ProblemCodes.MonthSheetChosen);
        Assert.Equal(("OKTOBER", "OKTOBER, AGUSTUS, SEPTEMBER"), (w.Sheet, w.Args!["sheets"]));
        Assert.DoesNotContain(r.Problems, p => p.Code == ProblemCodes.DateOutsidePeriod);
    }

    [Fact]
    public void ThreeMonthlySheets_TheLinkSaysSeptember_SeptemberIsRead()
    {
        var r = Engines.Bytes(ThreeMonths(), "Laporan Oktober 2025.xlsx", expected: new ReportingPeriod(2025, 9));

        Assert.All(r.Activities, a => Assert.Equal(9, a.Date.Month));
        Assert.Equal("SEPTEMBER", Assert.Single(r.Problems, p => p.Code == ProblemCodes.MonthSheetChosen).Sheet);
    }

    [Fact]
    public void ThreeMonthlySheets_NoMonthInTheFileName_TheLastIsRead_AndSaidSo()
    {
        var r = Engines.Bytes(ThreeMonths(), "laporan pokja.xlsx");

        Assert.True(r.IsAccepted, Problems(r));
        Assert.Equal(new ReportingPeriod(2025, 10), r.Period);
        Assert.Equal(100, r.Activities.Count);
        Assert.Equal("OKTOBER", Assert.Single(r.Problems, p => p.Code == ProblemCodes.MonthSheetLast).Sheet);
        Assert.DoesNotContain(r.Problems, p => p.Code == ProblemCodes.DateOutsidePeriod);
    }

    [Fact]
    public void FileNameNamesAMonthWithoutASheet_TheLastIsRead_AndSaidSo()
    {
        var r = Engines.Bytes(ThreeMonths(), "laporan november.xlsx");

        Assert.Equal("OKTOBER", Assert.Single(r.Problems, p => p.Code == ProblemCodes.MonthSheetLast).Sheet);
        Assert.Equal(100, r.Activities.Count);
    }

    [Fact]
    public void OneMonthSheetBesideOthers_NoChoiceToMake_NothingSaid()
    {
        var b = new XlsxBuilder();
        b.Sheet("Profil").Row("Kampung KB Mawar, Desa Mawar").Row("Jumlah PUS", 700.0);
        b.Sheet("Oktober").Row("Bulan: Oktober 2025").Row("Tanggal", "Nama Kegiatan", "L", "P").Row(new DateTime(2025, 10, 3), "Rapat", 1.0, 2.0);
        var r = Engines.Bytes(b.Build(), "laporan agustus.xlsx");

        Assert.DoesNotContain(r.Problems, p => p.Code is ProblemCodes.MonthSheetChosen or ProblemCodes.MonthSheetLast);
        Assert.Single(r.Activities);
    }

    [Fact]
    public void ActivitiesOnlyOnAHiddenSheet_RefusedSayingTheSheetIsHidden()
    {
        var b = new XlsxBuilder();
        b.Sheet("Cover").Row("LAPORAN KAMPUNG KB");
        b.Sheet("Kegiatan", hidden: true).Row("Kampung KB Mawar, Desa Mawar").Row("Bulan: Oktober 2025").Row("Tanggal", "Nama Kegiatan", "L", "P")
            .Row(new DateTime(2025, 10, 3), "Rapat Pokja", 5.0, 6.0);
        var r = Engines.Bytes(b.Build(), "laporan.xlsx");

        Assert.False(r.IsAccepted);
        var e = Assert.Single(r.Errors);
        Assert.Equal(ProblemCodes.SheetHidden, e.Code);
        Assert.Contains("\"Kegiatan\"", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(r.Problems, p => p.Code == ProblemCodes.EmptyReport);
    }

    [Fact]
    public void YearlessDates_PeriodUnknown_TheMessageSaysThePeriodIsUnknown()
    {
        var r = Engines.Csv("Kampung KB Mawar, Desa Mawar\nTanggal,Nama Kegiatan,L,P\n12 Nov,Rapat Pokja,5,6\n19/11,Posyandu,2,9\n", "laporan.csv");

        Assert.False(r.IsAccepted);
        Assert.Equal([ProblemCodes.PeriodUnknown, ProblemCodes.DateYearUnknown, ProblemCodes.DateYearUnknown], r.Errors.Select(p => p.Code));
        Assert.DoesNotContain(r.Problems, p => p.Code == ProblemCodes.InvalidDate);
        Assert.All(r.Errors.Where(p => p.Code == ProblemCodes.DateYearUnknown), p => Assert.DoesNotContain("kalender", p.Message, StringComparison.Ordinal));
    }

    [Fact]
    public void YearlessDates_PeriodKnown_StillRead()
    {
        var r = Engines.Csv("Kampung KB Mawar, Desa Mawar\nBulan: November 2025\nTanggal,Nama Kegiatan,L,P\n12 Nov,Rapat Pokja,5,6\n", "laporan.csv");

        Assert.True(r.IsAccepted, Problems(r));
        Assert.Equal(new DateOnly(2025, 11, 12), Assert.Single(r.Activities).Date);
    }

    private static IngestionReport WithToday(string csv, DateOnly today) =>
        Engines.Default.Ingest(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(csv)), new IngestionContext("laporan.csv") { Today = today });

    [Fact]
    public void ReportForAFutureMonth_AcceptedWithAWarning()
    {
        var r = WithToday("Kampung KB Mawar, Desa Mawar\nBulan: Desember 2025\nTanggal,Nama Kegiatan,L,P\n03/12/2025,Rapat Pokja,5,6\n", new DateOnly(2025, 11, 20));

        Assert.True(r.IsAccepted, Problems(r));
        Assert.Contains(r.Problems, p => p.Code == ProblemCodes.PeriodInFuture && p.Severity == Severity.Warning);
        Assert.Single(r.Problems, p => p.Code == ProblemCodes.DateInFuture);
    }

    [Fact]
    public void ActivityDatedAfterToday_InTheCurrentMonth_AcceptedWithAWarningOnItsRow()
    {
        var r = WithToday("Kampung KB Mawar, Desa Mawar\nBulan: November 2025\nTanggal,Nama Kegiatan,L,P\n03/11/2025,Rapat Pokja,5,6\n28/11/2025,Posyandu,2,9\n", new DateOnly(2025, 11, 20));

        Assert.True(r.IsAccepted, Problems(r));
        Assert.Equal(5, Assert.Single(r.Problems, p => p.Code == ProblemCodes.DateInFuture).Row);
        Assert.DoesNotContain(r.Problems, p => p.Code == ProblemCodes.PeriodInFuture);
    }

    [Fact]
    public void PastReport_NoFutureWarnings()
    {
        var r = WithToday("Kampung KB Mawar, Desa Mawar\nBulan: Oktober 2025\nTanggal,Nama Kegiatan,L,P\n31/10/2025,Rapat Pokja,5,6\n", new DateOnly(2025, 11, 1));

        Assert.Empty(r.Problems);
    }
}
