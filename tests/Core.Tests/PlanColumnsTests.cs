
namespace KampungKB.Core.Tests;

/// <summary>
/// Planned and target columns ("Tanggal Rencana", "Rencana Kegiatan", "Jumlah Sasaran", "Target") are never
/// read as what happened ("Tanggal Pelaksanaan", "Jumlah Hadir", "Realisasi"); a table that holds only the
/// plan is named as one (<c>plan-only</c>, <c>plan-skipped</c>), a planned row not yet held too (<c>plan-not-held</c>).
/// </summary>
public class PlanColumnsTests
{
    private static string Why(IngestionReport r) => string.Join("\n", r.Problems.Select(p => $"{p.Severity} {p.Code} {p.Sheet}!{p.Row}: {p.Message}"));

    private static readonly object?[] Banner = ["LAPORAN KEGIATAN KAMPUNG KB MAWAR DESA MAWAR BULAN OKTOBER 2025"];

    private static DateTime D(int day) => new(2025, 10, day);

    /// <summary>Six activities: planned 220 participants on the plan's dates, 197 counted on the days held (4 dates moved).</summary>
    private static object?[][] PlanBeforeActual(string planDate, string actualDate, string title, string planCount, string actualCount) =>
    [
        Banner, [],
        ["No", planDate, actualDate, title, planCount, actualCount],
        ["1", D(2), D(3), "Penyuluhan KB", 40.0, 35.0],
        ["2", D(7), D(7), "Posyandu", 50.0, 48.0],
        ["3", D(9), D(14), "Kelas BKB", 30.0, 27.0],
        ["4", D(16), D(16), "Rapat Pokja", 20.0, 18.0],
        ["5", D(21), D(23), "Kelas BKR", 40.0, 36.0],
        ["6", D(27), D(30), "Pertemuan UPPKA", 40.0, 33.0],
    ];

    private static readonly DateOnly[] HeldOn = [new(2025, 10, 3), new(2025, 10, 7), new(2025, 10, 14), new(2025, 10, 16), new(2025, 10, 23), new(2025, 10, 30)];

    [Theory]
    [InlineData("xlsx", "Tanggal Rencana", "Tanggal Pelaksanaan", "Nama Kegiatan", "Jumlah Sasaran", "Jumlah Hadir")]
    [InlineData("csv", "Rencana Tanggal", "Tanggal Realisasi", "Kegiatan", "Target", "Realisasi")]
    [InlineData("html", "Tgl Rencana", "Tgl Pelaksanaan", "Uraian Kegiatan", "Target Peserta", "Jumlah Yang Hadir")]
    [InlineData("xls", "Jadwal Rencana", "Hari/Tanggal", "Nama Kegiatan", "Sasaran Peserta", "Peserta")]
    [InlineData("xml", "Tanggal Rencana Kegiatan", "Waktu Pelaksanaan", "Jenis Kegiatan", "Target Sasaran", "Jumlah Peserta")]
    public void PlannedColumnsBeforeActualOnes_TheActualAreRead(string format, string planDate, string actualDate, string title, string planCount, string actualCount)
    {
        var (bytes, name) = FigureFiles.Write(format, "kegiatan oktober", "Kegiatan", PlanBeforeActual(planDate, actualDate, title, planCount, actualCount));

        var r = Engines.Bytes(bytes, name);

        Assert.True(r.IsAccepted, Why(r));
        Assert.Equal(HeldOn, r.Activities.Select(a => a.Date));
        Assert.Equal(197, r.Activities.Sum(a => a.Participants));
    }

    [Fact]
    public void TwoRowHeader_PlanAndActualUnderMergedParents_TheActualAreRead()
    {
        var b = new XlsxBuilder();
        var s = b.Sheet("Kegiatan").Row(Banner).Skip()
            .Row("No", "Tanggal", null, "Nama Kegiatan", "Jumlah Peserta", null)
            .Row(null, "Rencana", "Pelaksanaan", null, "Sasaran", "Hadir")
            .Merge("B3:C3").Merge("E3:F3").Merge("A3:A4").Merge("D3:D4");
        foreach (var r in PlanBeforeActual("", "", "", "", "").Skip(3)) s.Row(r);

        var r2 = Engines.Bytes(b.Build(), "kegiatan oktober.xlsx");

        Assert.True(r2.IsAccepted, Why(r2));
        Assert.Equal(HeldOn, r2.Activities.Select(a => a.Date));
        Assert.Equal(197, r2.Activities.Sum(a => a.Participants));
    }

    [Theory]
    [InlineData("xlsx")]
    [InlineData("csv")]
    [InlineData("html")]
    public void OnlyAPlan_IsRefusedAsAPlan_NotAcceptedAsActivities(string format)
    {
        var (bytes, name) = FigureFiles.Write(format, "rencana kegiatan oktober 2025", "Rencana",
            Banner, [], ["No", "Rencana Kegiatan", "Tanggal Rencana", "Jumlah Sasaran", "Keterangan"],
            ["1", "Penyuluhan KB", D(2), 40.0, null], ["2", "Posyandu", D(7), 50.0, "balai desa"], ["3", "Kelas BKB", D(9), 30.0, null]);

        var r = Engines.Bytes(bytes, name);

        Assert.False(r.IsAccepted);
        Assert.Empty(r.Activities);
        var plan = Assert.Single(r.Errors);
        Assert.Equal(ProblemCodes.PlanOnly, plan.Code);
        Assert.Equal((format == "xlsx" ? "Rencana" : "rencana kegiatan oktober 2025", 3, "3"), (plan.Sheet, plan.Row, plan.Args!["count"]));
        Assert.DoesNotContain(r.Problems, p => p.Code == ProblemCodes.EmptyReport);
    }

    [Fact]
    public void PlanSheetBesideTheActivities_IsNamedAsSkipped()
    {
        var b = new XlsxBuilder();
        b.Sheet("Kegiatan").Row(Banner).Row("Tanggal", "Nama Kegiatan", "Jumlah Peserta").Row(D(3), "Penyuluhan KB", 35.0).Row(D(7), "Posyandu", 48.0);
        b.Sheet("Rencana Nov").Row("Tanggal Rencana", "Rencana Kegiatan", "Target").Row(new DateTime(2025, 11, 4), "Posyandu", 50.0).Row(new DateTime(2025, 11, 11), "Kelas BKB", 30.0);

        var r = Engines.Bytes(b.Build(), "laporan oktober.xlsx");

        Assert.True(r.IsAccepted, Why(r));
        Assert.Equal(["Penyuluhan KB", "Posyandu"], r.Activities.Select(a => a.Title));
        var skipped = Assert.Single(r.Problems, p => p.Code == ProblemCodes.PlanSkipped);
        Assert.Equal(("Rencana Nov", 1, "2", Severity.Warning), (skipped.Sheet, skipped.Row, skipped.Args!["count"], skipped.Severity));
    }

    [Theory]
    [InlineData("xlsx")]
    [InlineData("csv")]
    public void PlannedRowNotYetHeld_IsNamed_AndNotCounted(string format)
    {
        var (bytes, name) = FigureFiles.Write(format, "kegiatan oktober", "Kegiatan",
            Banner, [], ["Tanggal Rencana", "Tanggal Pelaksanaan", "Nama Kegiatan", "Jumlah Sasaran", "Jumlah Hadir"],
            [D(2), D(3), "Penyuluhan KB", 40.0, 35.0], [D(28), null, "Kelas BKR", 40.0, null], [D(7), D(7), "Posyandu", 50.0, 48.0]);

        var r = Engines.Bytes(bytes, name);

        Assert.True(r.IsAccepted, Why(r));
        Assert.Equal(["Penyuluhan KB", "Posyandu"], r.Activities.Select(a => a.Title));
        Assert.Equal(83, r.Activities.Sum(a => a.Participants));
        Assert.Equal(5, Assert.Single(r.Problems, p => p.Code == ProblemCodes.PlanNotHeld).Row);
    }
}
