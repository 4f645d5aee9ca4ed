
namespace KampungKB.Core.Tests;

/// <summary>Every non-empty row under a header is stored or named; messages as a cadre reads them.</summary>
public class NoSilentLossTests
{
    private const string Head = "Kampung KB Mawar, Desa Mawar\nPeriode,Juni 2025\n\nTanggal,Nama Kegiatan,Peserta L,Peserta P\n";

    [Theory]
    [InlineData("\"Selasa, 31 Juni 2025\"")]
    [InlineData("\"Kamis, 13 Novmber 2025\"")]
    [InlineData("\"Banjarmasin, 31 Juni 2025\"")]
    [InlineData("31 Juni 2025")]
    public void DateThatLooksLikeSignature_InTheMiddle_IsInvalidDate_AndLaterRowsStay(string badDate)
    {
        var csv = Head + "05/06/2025,Posyandu,1,2\n" + badDate + ",Rapat Pokja,7,9\n19/06/2025,Kelas BKB,0,33\n26/06/2025,PIK-R,4,4\n";

        var r = Engines.Csv(csv);

        Assert.False(r.IsAccepted);
        var p = Assert.Single(r.Errors);
        Assert.Equal((ProblemCodes.InvalidDate, 6), (p.Code, p.Row));
        Assert.Equal(["Posyandu", "Kelas BKB", "PIK-R"], r.Activities.Select(a => a.Title));
    }

    [Fact]
    public void RealSignatureBlock_StillEndsTheTable()
    {
        var csv = Head + "05/06/2025,Posyandu,1,2\n19/06/2025,Kelas BKB,0,33\n\n,,\"Banjarmasin, 30 Juni 2025\"\nMengetahui,,Ketua Pokja\n,,\nSITI AMINAH,,NIP. 19780101\n";

        var r = Engines.Csv(csv);

        Assert.True(r.IsAccepted, string.Join("\n", r.Problems.Select(p => p.Message)));
        Assert.Equal(2, r.Activities.Count);
        Assert.Empty(r.Problems);
    }

    [Fact]
    public void ActivitiesBelowTheTotalRow_AreRead_WithAWarning()
    {
        var csv = Head + "05/06/2025,Posyandu,1,2\nJUMLAH,,1,2\n19/06/2025,Kelas BKB,0,33\n";

        var r = Engines.Csv(csv);

        Assert.True(r.IsAccepted);
        Assert.Equal(["Posyandu", "Kelas BKB"], r.Activities.Select(a => a.Title));
        Assert.Equal(7, Assert.Single(r.Problems, p => p.Code == ProblemCodes.RowsAfterEnd).Row);
    }

    [Fact]
    public void FiguresWithoutDateOrTitle_AreNamed()
    {
        var r = Engines.Csv(Head + "05/06/2025,Posyandu,1,2\n,,5,6\n");

        Assert.Equal(6, Assert.Single(r.Problems, p => p.Code == ProblemCodes.RowNotRead).Row);
    }

    [Fact]
    public void IndicatorList_RowAfterACatatanLine_StillRead()
    {
        var r = Engines.Csv("Kampung KB Mawar, Desa Mawar\nBulan: Juni 2025\nUraian,Jumlah\nJumlah PUS,900\nCatatan: data sementara\nPeserta KB Aktif,600\n");

        Assert.Equal(600m, r.Indicators["kb_active"]);
    }

    [Fact]
    public void CorrectTotalRow_NotFlagged_EvenWithARowInError()
    {
        // L 23, P 47 as written; the second row has its own mistake (a word in the title-less date) but still counts.
        var csv = Head + "05/06/2025,Posyandu,10,20\nbesok,Rapat,3,7\n19/06/2025,Kelas BKB,10,20\nJUMLAH,,23,47\n";

        var r = Engines.Csv(csv);

        Assert.DoesNotContain(r.Problems, p => p.Code == ProblemCodes.TotalRowMismatch);
        Assert.Equal(6, Assert.Single(r.Errors).Row);
    }

    [Fact]
    public void WrongTotalRow_ShowsBothNumbers()
    {
        var r = Engines.Csv(Head + "05/06/2025,Posyandu,10,20\n19/06/2025,Kelas BKB,10,20\nJUMLAH,,23,40\n");

        var p = Assert.Single(r.Problems, p => p.Code == ProblemCodes.TotalRowMismatch);
        Assert.Equal(("C", "23", "20"), (p.Column, p.Text, p.Args!["sum"]));
        Assert.Contains("23", p.Message, StringComparison.Ordinal);
        Assert.Contains("20", p.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RowWithSeveralMistakes_GetsAllOfThem_InRowOrder()
    {
        var r = Engines.Csv(Head + "19/06/2025,,x,\"1,5\"\n31/06/2025,Posyandu,1,2\n");

        Assert.Equal([(5, "B"), (5, "C"), (5, "D"), (6, "A")], r.Errors.Select(p => (p.Row!.Value, p.Column!)));
    }

    [Fact]
    public void Messages_SayLembar_PeriodsAsMonthNames_ExampleDatesInsideTheMonth()
    {
        var r = Engines.Csv(Head + "05/07/2025,Posyandu,1,2\n31/06/2025,Rapat,1,2\n", "laporan.csv");

        var outside = Assert.Single(r.Problems, p => p.Code == ProblemCodes.DateOutsidePeriod);
        Assert.Contains("Juni 2025", outside.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("2025-06", outside.Message, StringComparison.Ordinal);
        var invalid = Assert.Single(r.Problems, p => p.Code == ProblemCodes.InvalidDate);
        Assert.Contains("06/06/2025", invalid.Message, StringComparison.Ordinal);
        Assert.Contains("6 Juni 2025", invalid.Message, StringComparison.Ordinal);
        Assert.All(r.Problems, p => Assert.DoesNotContain("Sheet", p.Message, StringComparison.Ordinal));
        Assert.All(r.Problems.Where(p => p.Sheet is not null), p => Assert.Contains("lembar", p.Message, StringComparison.Ordinal));
    }

    [Fact]
    public void ReadmeSeverities_MatchWhatTheCodesDo()
    {
        var readme = File.ReadAllLines(Path.Combine(Repo.Root, "README.md"));
        string Severity(string code) => readme.Single(l => l.StartsWith("| ", StringComparison.Ordinal) && l.Contains($"`{code}`", StringComparison.Ordinal)).Split('|')[2].Trim();
        var duplicate = Engines.Csv("Kampung KB Mawar, Desa Mawar\nBulan: Juni 2025\nJumlah PUS,900\nJumlah PUS,901\n").Problems.Single(p => p.Code == ProblemCodes.DuplicateIndicator);
        var total = Engines.Csv(Head + "05/06/2025,Posyandu,10,20\nJUMLAH,,1,20\n").Problems.Single(p => p.Code == ProblemCodes.TotalRowMismatch);
        Assert.Equal(("warning", Model.Severity.Warning), (Severity("duplicate-indicator"), duplicate.Severity));
        Assert.Equal(("warning", Model.Severity.Warning), (Severity("total-row-mismatch"), total.Severity));
    }
}
