using KampungKB.Core.Ingestion.Normalisation;

namespace KampungKB.Core.Tests;

/// <summary>The dates and numbers people type in Indonesian sheets.</summary>
public class IndonesianFormsTests
{
    [Theory]
    [InlineData("5 Jan 2025", 1)] [InlineData("5 Feb. 2025", 2)] [InlineData("5 Mar 2025", 3)] [InlineData("5 Mrt 2025", 3)] [InlineData("5-Mrt.-2025", 3)]
    [InlineData("5 Apr 2025", 4)] [InlineData("5 Mei 2025", 5)] [InlineData("5 Jun 2025", 6)] [InlineData("5 Jul 2025", 7)] [InlineData("5 Agu 2025", 8)]
    [InlineData("5 Agt 2025", 8)] [InlineData("5 Ags. 2025", 8)] [InlineData("5 Sep 2025", 9)] [InlineData("5 Sept 2025", 9)] [InlineData("5 Okt 2025", 10)]
    [InlineData("5 Nov 2025", 11)] [InlineData("5 Nop 2025", 11)] [InlineData("5 Des 2025", 12)] [InlineData("Rabu, 5 Mrt. 2025", 3)] [InlineData("05-11-25", 11)]
    public void MonthAbbreviations_WithOrWithoutDot(string text, int month)
    {
        var d = IndonesianDate.ParseText(text);
        Assert.True(d.IsOk, text);
        Assert.Equal((5, month, 2025), (d.Value.Day, d.Value.Month, d.Value.Year));
    }

    [Theory]
    [InlineData("2025-10-03T00:00:00", 2025, 10, 3)]
    [InlineData("2025-10-03T09:30:00Z", 2025, 10, 3)]
    [InlineData("45933", 2025, 10, 3)]
    public void IsoTextAndSerialsInTextColumns_AreDates(string text, int y, int m, int d) =>
        Assert.Equal(new DateOnly(y, m, d), IndonesianDate.ParseText(text).Value);

    [Theory]
    [InlineData("7/11", 2025, 11, 2025, 11, 7)]
    [InlineData("12 Nov", 2025, 11, 2025, 11, 12)]
    [InlineData("25 Nopember", 2025, 11, 2025, 11, 25)]
    [InlineData("3 Jan", 2025, 12, 2026, 1, 3)]
    [InlineData("30 Des", 2026, 1, 2025, 12, 30)]
    public void DayAndMonthWithoutYear_TakeTheReportsYear(string text, int py, int pm, int y, int m, int d)
    {
        var parsed = IndonesianDate.ParseText(text);
        Assert.Equal(ParseStatus.NoYear, parsed.Status);
        Assert.Equal(new DateOnly(y, m, d), IndonesianDate.WithYearOf(parsed.Value, new ReportingPeriod(py, pm)));
    }

    [Fact]
    public void YearlessDates_InAReport_TakeItsYear()
    {
        var r = Engines.Csv("Kampung KB Mawar, Desa Mawar\nBulan: November 2025\n\nTanggal,Kegiatan,L,P\n7/11,Posyandu,1,2\n12 Nov,Rapat,1,1\n\"Rabu, 25 Nopember\",BKB,0,5\n");

        Assert.True(r.IsAccepted, string.Join("\n", r.Problems.Select(p => p.Message)));
        Assert.Equal([new DateOnly(2025, 11, 7), new DateOnly(2025, 11, 12), new DateOnly(2025, 11, 25)], r.Activities.Select(a => a.Date));
    }

    [Fact]
    public void YearlessDates_WithoutAnyPeriod_AreRefusedForTheUnknownYear()
    {
        var r = Engines.Csv("Tanggal,Kegiatan,L,P\n7/11,Posyandu,1,2\n", "data.csv");
        Assert.Contains(r.Errors, p => p.Code == ProblemCodes.DateYearUnknown && p.Row == 2);
    }

    [Fact]
    public void CommaThousands_InACount_ReadWithAWarning()
    {
        var r = Engines.Csv("Kampung KB Mawar, Desa Mawar\nBulan: Oktober 2025\nUraian,Jumlah\nJumlah KK,\"2,310\"\nJumlah PUS,\"1,488\"\nPeserta KB Aktif,\"1,051\"\n");

        Assert.True(r.IsAccepted, string.Join("\n", r.Problems.Select(p => p.Message)));
        Assert.Equal((2310m, 1488m, 1051m), (r.Indicators["families"], r.Indicators["pus"], r.Indicators["kb_active"]));
        var w = r.Problems.Where(p => p.Code == ProblemCodes.CommaThousands).ToList();
        Assert.Equal(3, w.Count);
        Assert.All(w, p => Assert.Equal(Severity.Warning, p.Severity));
        Assert.Equal("2310", w[0].Args!["value"]);
    }

    [Theory]
    [InlineData("\"12,5\"")]
    [InlineData("\"2,31\"")]
    [InlineData("\"2,3100\"")]
    public void DecimalComma_InACount_ExplainedAsDecimalMark(string cell)
    {
        var r = Engines.Csv("Kampung KB Mawar, Desa Mawar\nBulan: Oktober 2025\nUraian,Jumlah\nJumlah PUS," + cell + "\n");
        Assert.Contains(r.Errors, p => p.Code == ProblemCodes.DecimalCommaCount && p.Row == 4);
    }
}
