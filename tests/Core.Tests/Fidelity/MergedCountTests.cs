using static KampungKB.Core.Tests.TestFiles;

namespace KampungKB.Core.Tests.Fidelity;

/// <summary>
/// Merged cells fill their span for text and dates (a date merged over two activities belongs to both), never
/// for counts: a count merged down belongs to its first row (counted once), a count merged across L and P is the
/// row's total with its split unknown. The JUMLAH row the cadre wrote then agrees.
/// </summary>
public class MergedCountTests
{
    private static readonly object?[] Banner = ["Kampung KB Mawar, Desa Mawar"];
    private static readonly object?[] Month = ["Bulan: Oktober 2025"];

    /// <summary>A two-day training, its 25 participants merged over both days (D5:D6); JUMLAH 68 as the cadre counted.</summary>
    private static byte[] TwoDayXlsx(double jumlah)
    {
        var b = new XlsxBuilder();
        b.Sheet("Oktober").Row(Banner).Row(Month).Row("Tanggal", "Nama Kegiatan", "Bidang", "Jumlah Peserta")
            .Row(new DateTime(2025, 10, 3), "Rapat Pokja", "Kelembagaan", 11.0)
            .Row(new DateTime(2025, 10, 8), "Pelatihan Kader BKB (hari 1)", "Pengasuhan", 25.0)
            .Row(new DateTime(2025, 10, 9), "Pelatihan Kader BKB (hari 2)", "Pengasuhan", null)
            .Row(new DateTime(2025, 10, 20), "Posyandu", "Kesehatan", 32.0)
            .Row("JUMLAH", null, null, jumlah)
            .Merge("D5:D6").Merge("C5:C6");
        return b.Build();
    }

    private static byte[] TwoDayOds() => Ods("Oktober", Banner, Month, new object?[] { "Tanggal", "Nama Kegiatan", "Bidang", "Jumlah Peserta" },
        new object?[] { new DateTime(2025, 10, 3), "Rapat Pokja", "Kelembagaan", 11.0 },
        new object?[] { new DateTime(2025, 10, 8), "Pelatihan Kader BKB (hari 1)", new Span("Pengasuhan", 2), new Span(25.0, 2) },
        new object?[] { new DateTime(2025, 10, 9), "Pelatihan Kader BKB (hari 2)", new Span(null), new Span(null) },
        new object?[] { new DateTime(2025, 10, 20), "Posyandu", "Kesehatan", 32.0 },
        new object?[] { "JUMLAH", null, null, 68.0 });

    private static byte[] TwoDayHtml() => Html(Banner, Month, new object?[] { "Tanggal", "Nama Kegiatan", "Bidang", "Jumlah Peserta" },
        new object?[] { new DateTime(2025, 10, 3), "Rapat Pokja", "Kelembagaan", 11.0 },
        new object?[] { new DateTime(2025, 10, 8), "Pelatihan Kader BKB (hari 1)", new Span("Pengasuhan", 2), new Span(25.0, 2) },
        new object?[] { new DateTime(2025, 10, 9), "Pelatihan Kader BKB (hari 2)", new Span(null), new Span(null) },
        new object?[] { new DateTime(2025, 10, 20), "Posyandu", "Kesehatan", 32.0 },
        new object?[] { "JUMLAH", null, null, 68.0 });

    public static TheoryData<string, byte[]> TwoDayFiles() => new()
    {
        { "laporan.xlsx", TwoDayXlsx(68) },
        { "laporan.ods", TwoDayOds() },
        { "export.xls", TwoDayHtml() },
    };

    [Theory]
    [MemberData(nameof(TwoDayFiles))]
    public void CountMergedOverTwoRows_CountedOnce_OnTheFirstRow_AndTheCadresJumlahAgrees(string name, byte[] bytes)
    {
        var r = Engines.Bytes(bytes, name);

        Assert.True(r.IsAccepted, string.Join("\n", r.Problems.Select(p => p.Message)));
        Assert.Equal(68, r.Activities.Sum(a => a.Participants ?? 0));
        Assert.Equal([11, 25, null, 32], r.Activities.Select(a => a.Participants));
        Assert.Equal("Pengasuhan", r.Activities[2].Category); // text still fills its span
        Assert.DoesNotContain(r.Problems, p => p.Code == ProblemCodes.TotalRowMismatch);
        var w = Assert.Single(r.Problems, p => p.Code == ProblemCodes.MergedCountRows);
        Assert.Equal((6, "D", "5"), (w.Row, w.Column, w.Args!["firstRow"]));
    }

    [Fact]
    public void CountMergedOverTwoRows_AWrongJumlah_IsStillNamed_AgainstTheCountOnce()
    {
        var r = Engines.Bytes(TwoDayXlsx(93), "laporan.xlsx");

        var p = Assert.Single(r.Problems, p => p.Code == ProblemCodes.TotalRowMismatch);
        Assert.Equal(("93", "68"), (p.Text, p.Args!["sum"]));
    }

    [Fact]
    public void MaleAndFemaleMergedOverTwoRows_EachCountedOnce()
    {
        var b = new XlsxBuilder();
        b.Sheet("Oktober").Row(Banner).Row(Month).Row("Tanggal", "Nama Kegiatan", "L", "P")
            .Row(new DateTime(2025, 10, 8), "Pelatihan hari 1", 10.0, 15.0)
            .Row(new DateTime(2025, 10, 9), "Pelatihan hari 2", null, null)
            .Row(new DateTime(2025, 10, 20), "Posyandu", 2.0, 30.0)
            .Row("JUMLAH", null, 12.0, 45.0)
            .Merge("C4:C5").Merge("D4:D5");
        var r = Engines.Bytes(b.Build(), "laporan.xlsx");

        Assert.True(r.IsAccepted, string.Join("\n", r.Problems.Select(p => p.Message)));
        Assert.Equal([(10, 15), (null, null), (2, 30)], r.Activities.Select(a => (a.Male, a.Female)));
        Assert.DoesNotContain(r.Problems, p => p.Code == ProblemCodes.TotalRowMismatch);
        Assert.Equal(2, r.Problems.Count(p => p.Code == ProblemCodes.MergedCountRows));
    }

    [Fact]
    public void WholeActivityMergedOverTwoRows_IsOneActivity()
    {
        var b = new XlsxBuilder();
        b.Sheet("Oktober").Row(Banner).Row(Month).Row("Tanggal", "Nama Kegiatan", "Jumlah Peserta")
            .Row(new DateTime(2025, 10, 8), "Pelatihan Kader", 25.0)
            .Row(null, null, null)
            .Row(new DateTime(2025, 10, 20), "Posyandu", 32.0)
            .Row("JUMLAH", null, 57.0)
            .Merge("A4:A5").Merge("B4:B5").Merge("C4:C5");
        var r = Engines.Bytes(b.Build(), "laporan.xlsx");

        Assert.True(r.IsAccepted, string.Join("\n", r.Problems.Select(p => p.Message)));
        Assert.Equal(["Pelatihan Kader", "Posyandu"], r.Activities.Select(a => a.Title));
        Assert.Equal(57, r.Activities.Sum(a => a.Participants));
        Assert.DoesNotContain(r.Problems, p => p.Code == ProblemCodes.TotalRowMismatch);
    }

    /// <summary>"Sosialisasi" has 30 participants merged across L and P (C5:D5), and no split.</summary>
    private static byte[] AcrossXlsx(bool jumlahColumn, bool totalRowMerged)
    {
        var b = new XlsxBuilder();
        var s = b.Sheet("Oktober").Row(Banner).Row(Month);
        if (jumlahColumn)
        {
            s.Row("Tanggal", "Nama Kegiatan", "L", "P", "Jumlah")
                .Row(new DateTime(2025, 10, 3), "Rapat Pokja", 5.0, 6.0, 11.0)
                .Row(new DateTime(2025, 10, 9), "Sosialisasi Stunting", 30.0, null, 30.0)
                .Row("JUMLAH", null, 5.0, 6.0, 41.0)
                .Merge("C5:D5");
        }
        else
        {
            s.Row("Tanggal", "Nama Kegiatan", "L", "P")
                .Row(new DateTime(2025, 10, 3), "Rapat Pokja", 5.0, 6.0)
                .Row(new DateTime(2025, 10, 9), "Sosialisasi Stunting", 30.0, null)
                .Row("JUMLAH", null, totalRowMerged ? 41.0 : 5.0, totalRowMerged ? null : 6.0)
                .Merge("C5:D5");
            if (totalRowMerged) s.Merge("C6:D6");
        }
        return b.Build();
    }

    public static TheoryData<string, byte[], bool> AcrossFiles() => new()
    {
        { "lp-merged.xlsx", AcrossXlsx(jumlahColumn: false, totalRowMerged: true), true },
        { "lp-merged-jumlah.xlsx", AcrossXlsx(jumlahColumn: true, totalRowMerged: false), true },
        { "lp-merged-jumlah-split.xlsx", AcrossXlsx(jumlahColumn: false, totalRowMerged: false), false },
        { "lp-merged.xls", Html(Banner, Month, new object?[] { "Tanggal", "Nama Kegiatan", "L", "P" },
            new object?[] { new DateTime(2025, 10, 3), "Rapat Pokja", 5.0, 6.0 },
            new object?[] { new DateTime(2025, 10, 9), "Sosialisasi Stunting", new Span(30.0, 1, 2) },
            new object?[] { "JUMLAH", null, new Span(41.0, 1, 2) }), true },
        { "lp-merged.ods", Ods("Oktober", Banner, Month, new object?[] { "Tanggal", "Nama Kegiatan", "L", "P" },
            new object?[] { new DateTime(2025, 10, 3), "Rapat Pokja", 5.0, 6.0 },
            new object?[] { new DateTime(2025, 10, 9), "Sosialisasi Stunting", new Span(30.0, 1, 2), new Span(null) },
            new object?[] { "JUMLAH", null, new Span(41.0, 1, 2), new Span(null) }), true },
    };

    [Theory]
    [MemberData(nameof(AcrossFiles))]
    public void CountMergedAcrossLAndP_IsTheRowsTotal_NotThirtyPlusThirty(string name, byte[] bytes, bool totalAgrees)
    {
        var r = Engines.Bytes(bytes, name);

        Assert.True(r.IsAccepted, string.Join("\n", r.Problems.Select(p => p.Message)));
        var a = r.Activities.Single(x => x.Title == "Sosialisasi Stunting");
        Assert.Equal((30, (int?)null, (int?)null), (a.Participants, a.Male, a.Female));
        Assert.Equal(41, r.Activities.Sum(x => x.Participants));
        Assert.DoesNotContain(r.Problems, p => p.Code == ProblemCodes.TotalMismatch);
        var w = Assert.Single(r.Problems, p => p.Code == ProblemCodes.MergedCountColumns);
        Assert.Equal((5, "C", "30"), (w.Row, w.Column, w.Args!["value"]));
        // L 5 + P 6 on the JUMLAH row leave the 30 out: a cadre's total that disagrees is named; one that agrees is not.
        Assert.Equal(!totalAgrees, r.Problems.Any(p => p.Code == ProblemCodes.TotalRowMismatch));
    }

    [Fact]
    public void IndicatorLabelMergedOverTwoColumns_ValueBesideItIsRead()
    {
        var b = new XlsxBuilder();
        b.Sheet("Capaian").Row(Banner).Row(Month).Row("Uraian", null, "Jumlah")
            .Row("Jumlah PUS", null, 700.0).Row("Peserta KB Aktif", null, 520.0)
            .Merge("A3:B3").Merge("A4:B4").Merge("A5:B5");
        var r = Engines.Bytes(b.Build(), "capaian.xlsx");

        Assert.True(r.IsAccepted, string.Join("\n", r.Problems.Select(p => p.Message)));
        Assert.Equal((700m, 520m), (r.Indicators["pus"], r.Indicators["kb_active"]));
    }
}
