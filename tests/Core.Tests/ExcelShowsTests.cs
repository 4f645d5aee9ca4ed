using static KampungKB.Core.Tests.TestFiles;

namespace KampungKB.Core.Tests;

/// <summary>
/// What Excel shows is what is read (docs/ingestion.md), on workbooks the tests write in every format that can
/// carry the feature: hidden rows, merged cells, formulas without saved values, ISO date cells.
/// </summary>
public class ExcelShowsTests
{
    private static readonly object?[] Banner = ["Kampung KB Mawar, Desa Mawar"];
    private static readonly object?[] Month = ["Bulan: Oktober 2025"];
    private static readonly object?[] Header = ["Tanggal", "Nama Kegiatan", "Bidang", "L", "P"];

    private static object?[] Act(int day, string title, double l, double p) => [new DateTime(2025, 10, day), title, "Kelembagaan", l, p];

    private static byte[] XlsxWithHiddenRows()
    {
        var b = new XlsxBuilder();
        var s = b.Sheet("Oktober").Row(Banner).Row(Month).Row(Header);
        s.Row(new DateTime(2024, 1, 5), "Contoh: Posyandu", "Contoh", 1.0, 1.0).HideLast();
        s.Row(Act(3, "Rapat Pokja", 5, 6)).Row(Act(8, "Penyuluhan dibatalkan", 9, 9)).HideLast().Row(Act(15, "Posyandu", 2, 20));
        return b.Build();
    }

    public static TheoryData<string, byte[]> HiddenRowFiles() => new()
    {
        { "laporan.xlsx", XlsxWithHiddenRows() },
        { "laporan.ods", Ods("Oktober", Banner, Month, Header, new Hidden([new DateTime(2024, 1, 5), "Contoh", "Contoh", 1.0, 1.0]), Act(3, "Rapat Pokja", 5, 6), new Hidden(Act(8, "Penyuluhan dibatalkan", 9, 9)), Act(15, "Posyandu", 2, 20)) },
        { "laporan.xls", SpreadsheetMl("Oktober", Banner, Month, Header, new Hidden([new DateTime(2024, 1, 5), "Contoh", "Contoh", 1.0, 1.0]), Act(3, "Rapat Pokja", 5, 6), new Hidden(Act(8, "Penyuluhan dibatalkan", 9, 9)), Act(15, "Posyandu", 2, 20)) },
        { "export.xls", Html(Banner, Month, Header, new Hidden([new DateTime(2024, 1, 5), "Contoh", "Contoh", 1.0, 1.0]), Act(3, "Rapat Pokja", 5, 6), new Hidden(Act(8, "Penyuluhan dibatalkan", 9, 9)), Act(15, "Posyandu", 2, 20)) },
    };

    [Theory]
    [MemberData(nameof(HiddenRowFiles))]
    public void HiddenRows_NotRead_WarningCountsThem(string name, byte[] bytes)
    {
        var r = Engines.Bytes(bytes, name);

        Assert.True(r.IsAccepted, string.Join("\n", r.Problems.Select(p => p.Message)));
        Assert.Equal(["Rapat Pokja", "Posyandu"], r.Activities.Select(a => a.Title));
        var w = Assert.Single(r.Problems, p => p.Code == ProblemCodes.HiddenRowsSkipped);
        Assert.Equal((Severity.Warning, "2"), (w.Severity, w.Args!["count"]));
    }

    private static byte[] XlsxMerged()
    {
        var b = new XlsxBuilder();
        b.Sheet("Oktober").Row(Banner).Row(Month)
            .Row("Tanggal", "Nama Kegiatan", "Bidang", "Jumlah Peserta", null)
            .Row(null, null, null, "L", "P")
            .Row(new DateTime(2025, 10, 3), "Rapat Pokja", "Kelembagaan", 5.0, 6.0)
            .Row(null, "Kelas BKB", null, 0.0, 12.0)
            .Row(new DateTime(2025, 10, 9), "Posyandu", "Kesehatan", 2.0, 20.0)
            .Merge("A3:A4").Merge("B3:B4").Merge("C3:C4").Merge("D3:E3").Merge("A5:A6").Merge("C5:C6");
        return b.Build();
    }

    public static TheoryData<string, byte[]> MergedFiles() => new()
    {
        { "laporan.xlsx", XlsxMerged() },
        { "laporan.ods", Ods("Oktober", Banner, Month, new object?[] { new Span("Tanggal", 2), new Span("Nama Kegiatan", 2), new Span("Bidang", 2), new Span("Jumlah Peserta", 1, 2), new Span(null) },
            new object?[] { new Span(null), new Span(null), new Span(null), "L", "P" },
            new object?[] { new Span(new DateTime(2025, 10, 3), 2), "Rapat Pokja", new Span("Kelembagaan", 2), 5.0, 6.0 },
            new object?[] { new Span(null), "Kelas BKB", new Span(null), 0.0, 12.0 },
            new object?[] { new DateTime(2025, 10, 9), "Posyandu", "Kesehatan", 2.0, 20.0 }) },
        { "laporan.xls", SpreadsheetMl("Oktober", Banner, Month, new object?[] { new Span("Tanggal", 2), new Span("Nama Kegiatan", 2), new Span("Bidang", 2), new Span("Jumlah Peserta", 1, 2) },
            new object?[] { new Span(null), new Span(null), new Span(null), "L", "P" },
            new object?[] { new Span(new DateTime(2025, 10, 3), 2), "Rapat Pokja", new Span("Kelembagaan", 2), 5.0, 6.0 },
            new object?[] { new Span(null), "Kelas BKB", new Span(null), 0.0, 12.0 },
            new object?[] { new DateTime(2025, 10, 9), "Posyandu", "Kesehatan", 2.0, 20.0 }) },
        { "export.xls", Html(Banner, Month, new object?[] { new Span("Tanggal", 2), new Span("Nama Kegiatan", 2), new Span("Bidang", 2), new Span("Jumlah Peserta", 1, 2) },
            new object?[] { new Span(null), new Span(null), new Span(null), "L", "P" },
            new object?[] { new Span(new DateTime(2025, 10, 3), 2), "Rapat Pokja", new Span("Kelembagaan", 2), 5.0, 6.0 },
            new object?[] { new Span(null), "Kelas BKB", new Span(null), 0.0, 12.0 },
            new object?[] { new DateTime(2025, 10, 9), "Posyandu", "Kesehatan", 2.0, 20.0 }) },
    };

    [Theory]
    [MemberData(nameof(MergedFiles))]
    public void MergedDateAndBidang_BelongToEveryRowTheySpan(string name, byte[] bytes)
    {
        var r = Engines.Bytes(bytes, name);

        Assert.True(r.IsAccepted, string.Join("\n", r.Problems.Select(p => p.Message)));
        Assert.Equal(3, r.Activities.Count);
        var bkb = r.Activities.Single(a => a.Title == "Kelas BKB");
        Assert.Equal((new DateOnly(2025, 10, 3), "Kelembagaan", 0, 12), (bkb.Date, bkb.Category, bkb.Male, bkb.Female));
        Assert.Equal(45, r.Activities.Sum(a => a.Participants));
    }

    private static byte[] Indicators(object total, object unmet)
    {
        var b = new XlsxBuilder();
        b.Sheet("Capaian").Row("Kampung KB Mawar, Desa Mawar").Row("Bulan: Oktober 2025").Row("Uraian", "Jumlah")
            .Row("Jumlah PUS", 700.0).Row("Peserta KB Aktif", total)
            .Row("- IUD", 90.0).Row("- Suntik", 390.0).Row("- Pil", 150.0)
            .Row("Unmet Need", unmet).Row("Ingin Anak Tunda (IAT)", 40.0).Row("Tidak Ingin Anak Lagi (TIAL)", 30.0);
        return b.Build();
    }

    [Fact]
    public void UncalculatedSumAndPlus_EvaluatedAsExcelWould()
    {
        var r = Engines.Bytes(Indicators(new Formula("SUM(B6:B8)", double.NaN), new Formula("=$B$10+B11", double.NaN)), "capaian.xlsx");

        Assert.True(r.IsAccepted, string.Join("\n", r.Problems.Select(p => p.Message)));
        Assert.Equal(630m, r.Indicators["kb_active"]);
        Assert.Equal(70m, r.Indicators["unmet_need"]);
    }

    [Fact]
    public void UncalculatedOtherFormula_RefusedNamingTheCells()
    {
        var r = Engines.Bytes(Indicators(new Formula("SUMIF(A6:A8,\"*\",B6:B8)", double.NaN), new Formula("B10+B11", double.NaN)), "capaian.xlsx");

        Assert.False(r.IsAccepted);
        var p = Assert.Single(r.Problems, p => p.Code == ProblemCodes.FormulaNotCalculated);
        Assert.Equal(("Capaian", "B5", "1"), (p.Sheet, p.Args!["cells"], p.Args["count"]));
        Assert.Equal(70m, r.Indicators["unmet_need"]);
    }

    [Fact]
    public void CachedFormulas_ReadByTheirSavedValues()
    {
        var r = Engines.Bytes(Indicators(new Formula("SUM(B6:B8)", 630), new Formula("B10+B11", 70)), "capaian.xlsx");

        Assert.True(r.IsAccepted);
        Assert.Equal((630m, 70m), (r.Indicators["kb_active"], r.Indicators["unmet_need"]));
    }

    [Fact]
    public void IsoDateCells_AreDates()
    {
        var b = new XlsxBuilder();
        b.Sheet("Oktober").Row(Banner).Row(Month).Row(Header)
            .Row(new IsoDate(new DateTime(2025, 10, 3)), "Rapat Pokja", "Kelembagaan", 5.0, 6.0)
            .Row(new IsoDate(new DateTime(2025, 10, 21, 9, 30, 0)), "Posyandu", "Kesehatan", 2.0, 20.0);

        var r = Engines.Bytes(b.Build(), "laporan.xlsx");

        Assert.True(r.IsAccepted, string.Join("\n", r.Problems.Select(p => p.Message)));
        Assert.Equal([new DateOnly(2025, 10, 3), new DateOnly(2025, 10, 21)], r.Activities.Select(a => a.Date));
    }
    [Theory]
    [InlineData("<c r=\"B7\"><f>SUM(B8:B14)</f><v></v></c>", true)]
    [InlineData("<c r=\"B7\"><f>SUM(B8:B14)</f></c>", true)]
    [InlineData("<x:c r=\"B7\"><x:f>A1+A2</x:f></x:c>", true)]
    [InlineData("<c r=\"B8\"><f t=\"shared\" si=\"0\"/><v/></c>", true)]
    [InlineData("<c r=\"B7\"><f>SUM(B8:B14)</f><v>820</v></c>", false)]
    [InlineData("<c r=\"B8\"><f t=\"shared\" si=\"0\"/><v>5</v></c><c r=\"C1\" t=\"s\"><v>3</v></c>", false)]
    [InlineData("<c r=\"A1\" t=\"inlineStr\"><is><t>&lt;f&gt; in text</t></is></c>", false)]
    public void UncalculatedFormulaScan_FindsOnlyFormulasWithoutValues(string cells, bool expected)
    {
        var sheet = "<worksheet><sheetData><row r=\"7\">" + string.Concat(Enumerable.Repeat("<c r=\"A1\"><v>1</v></c>", 20_000)) + cells + "</row></sheetData></worksheet>";
        using var z = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(sheet));
        Assert.Equal(expected, Ingestion.Intake.FormulaScan.HasUncalculatedFormula(z));
    }
    [Fact]
    public void HeadingAndSignatureMergedAcrossTheTable_AreNotActivities()
    {
        var b = new XlsxBuilder();
        b.Sheet("Oktober").Row(Banner).Row(Month).Row(Header)
            .Row("MINGGU I", null, null, null, null)
            .Row(Act(3, "Rapat Pokja", 5, 6))
            .Row("MINGGU II", null, null, null, null)
            .Row(Act(10, "Posyandu", 2, 20))
            .Row("Banjarmasin, 31 Oktober 2025", null, null, null, null)
            .Merge("A4:E4").Merge("A6:E6").Merge("A8:E8");

        var r = Engines.Bytes(b.Build(), "laporan.xlsx");

        Assert.True(r.IsAccepted, string.Join("\n", r.Problems.Select(p => p.Message)));
        Assert.Equal(["Rapat Pokja", "Posyandu"], r.Activities.Select(a => a.Title));
        Assert.Empty(r.Problems);
    }
}
