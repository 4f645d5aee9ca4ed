
namespace KampungKB.Core.Tests;

/// <summary>
/// Indicator lists as the dinas must read them (domain.md "Indicators"): every label | number row of a list
/// is a figure or is named (<c>indicator-unknown</c>); the programme's common wordings are figures; a sum
/// rule whose parts were not all recognised says it could not be checked; a unit column is never a header.
/// </summary>
public class IndicatorListTests
{
    private static readonly object?[] Banner1 = ["DATA CAPAIAN KAMPUNG KB MAWAR, DESA MAWAR"];
    private static readonly object?[] Banner2 = ["Bulan: Oktober 2025"];

    private static IngestionReport Read(string format, params object?[][] body)
    {
        var (bytes, name) = FigureFiles.Write(format, "capaian", "Capaian", [Banner1, Banner2, [], .. body]);
        return Engines.Bytes(bytes, name);
    }

    private static string Why(IngestionReport r) => string.Join("\n", r.Problems.Select(p => $"{p.Severity} {p.Code} {p.Row}: {p.Message}"));

    /// <summary>The Kampung KB website's own wordings and the programme's abbreviations, 13 figures that agree.</summary>
    private static readonly object?[][] WebsiteWordings =
    [
        ["No", "Uraian", "Jumlah"],
        ["1", "Total PUS", 200.0],
        ["2", "PUS Menggunakan IUD", 10.0],
        ["3", "PUS Menggunakan MOW", 2.0],
        ["4", "PUS Menggunakan MOP", 1.0],
        ["5", "PUS Menggunakan Implan", 15.0],
        ["6", "PUS Menggunakan Suntik", 50.0],
        ["7", "PUS Menggunakan Pil", 20.0],
        ["8", "PUS Menggunakan Kondom", 2.0],
        ["9", "Jumlah PUS Menggunakan Kontrasepsi", 100.0],
        ["10", "Karena Hamil", 10.0],
        ["11", "Karena Ingin Anak Segera", 30.0],
        ["12", "Ingin Anak Ditunda (IAT)", 35.0],
        ["13", "Tidak Ingin Anak Lagi (TIAL)", 25.0],
    ];

    [Theory]
    [MemberData(nameof(AllFormats))]
    public void WebsiteWordings_AreAllFigures(string format)
    {
        var r = Read(format, WebsiteWordings);

        Assert.True(r.IsAccepted, Why(r));
        Assert.Equal(13, r.Indicators.Count);
        Assert.Equal((200m, 100m, 10m, 50m, 2m), (r.Indicators["pus"], r.Indicators["kb_active"], r.Indicators["kb_active_iud"], r.Indicators["kb_active_injectable"], r.Indicators["kb_active_condom"]));
        Assert.Equal((10m, 30m, 35m, 25m), (r.Indicators["pus_not_kb_pregnant"], r.Indicators["pus_not_kb_want_child_soon"], r.Indicators["pus_not_kb_want_child_later"], r.Indicators["pus_not_kb_no_more_children"]));
        Assert.DoesNotContain(r.Problems, p => p.Code == ProblemCodes.IndicatorUnknown);
    }

    public static TheoryData<string> AllFormats() => new(FigureFiles.Formats);

    [Theory]
    [InlineData("Peserta KB IUD", "Peserta KB Suntik", "Jumlah PUS", "IAS", "IAT", "TIAL")]
    [InlineData("- IUD", "- Suntik", "Jumlah Pasangan Usia Subur (PUS)", "PUS Ingin Anak Segera", "PUS Ingin Anak Tunda", "PUS Tidak Ingin Anak Lagi")]
    [InlineData("Pengguna IUD", "Pengguna Suntik", "Total Pasangan Usia Subur", "Ingin Anak Segera (IAS)", "Ingin Anak Kemudian", "Tidak Ingin Punya Anak Lagi")]
    public void OtherCommonWordings_AreFigures(string iud, string suntik, string pus, string ias, string iat, string tial)
    {
        var r = Read("xlsx", ["Indikator", "Jumlah"], [pus, 120.0], ["Peserta KB Aktif", 60.0], [iud, 20.0], [suntik, 40.0], [ias, 20.0], [iat, 25.0], [tial, 15.0]);

        Assert.True(r.IsAccepted, Why(r));
        Assert.Equal([("kb_active", 60m), ("kb_active_injectable", 40m), ("kb_active_iud", 20m), ("pus", 120m),
                      ("pus_not_kb_no_more_children", 15m), ("pus_not_kb_want_child_later", 25m), ("pus_not_kb_want_child_soon", 20m)],
            r.Indicators.OrderBy(i => i.Key, StringComparer.Ordinal).Select(i => (i.Key, i.Value)));
    }

    [Theory]
    [InlineData("xlsx")]
    [InlineData("csv")]
    [InlineData("html")]
    public void UnknownLabelWithANumber_IsNamed_NotDropped(string format)
    {
        var r = Read(format, ["Uraian", "Jumlah"], ["Jumlah PUS", 200.0], ["Jumlah Jiwa", 812.0], ["Peserta KB Aktif", 120.0], ["Akseptor MKJP Lestari", 14.0]);

        Assert.Equal((200m, 120m), (r.Indicators["pus"], r.Indicators["kb_active"]));
        var unknown = r.Problems.Where(p => p.Code == ProblemCodes.IndicatorUnknown).ToList();
        Assert.Equal([(6, "Jumlah Jiwa", "812"), (8, "Akseptor MKJP Lestari", "14")], unknown.Select(p => (p.Row!.Value, p.Args!["label"], p.Args!["value"])));
        Assert.All(unknown, p => Assert.Equal(Severity.Warning, p.Severity));
        var sheet = format == "xlsx" ? "Capaian" : "capaian"; // a CSV or HTML file's one sheet is named after the file
        Assert.All(unknown, p => Assert.Equal(sheet, p.Sheet));
        Assert.Contains("\"Jumlah Jiwa\"", unknown[0].Message, StringComparison.Ordinal);
        Assert.Contains("812", unknown[0].Message, StringComparison.Ordinal);
        Assert.Contains($"lembar \"{sheet}\"", unknown[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownRowsBeforeTheFirstKnownLabel_OfAHeaderlessList_AreNamedToo()
    {
        var r = Read("csv", ["Jumlah Jiwa", 812.0], ["Jumlah PUS", 200.0], ["Peserta KB Aktif", 120.0]);

        Assert.Equal(4, Assert.Single(r.Problems, p => p.Code == ProblemCodes.IndicatorUnknown).Row);
    }

    [Fact]
    public void PusSum_WhoseReasonsWereNotRecognised_SaysItCouldNotBeChecked()
    {
        // Methods 100 + reasons 30 + 35 = 165, not 200: the website would refuse it; with the reasons
        // unrecognised the rule cannot run, and must say so rather than pass.
        var r = Read("xlsx", ["Uraian", "Jumlah"], ["Jumlah PUS", 200.0], ["Peserta KB Aktif", 100.0],
            ["Alasan: ingin anak", 30.0], ["Alasan: sudah cukup anak", 35.0]);

        Assert.Equal(2, r.Problems.Count(p => p.Code == ProblemCodes.IndicatorUnknown));
        var notChecked = Assert.Single(r.Problems, p => p.Code == ProblemCodes.SumNotChecked);
        Assert.Equal("pus", notChecked.Args!["rule"]);
        Assert.Contains("Alasan: ingin anak", notChecked.Message, StringComparison.Ordinal);
        Assert.Contains("Alasan: sudah cukup anak", notChecked.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MethodSum_WhoseMethodsWereNotRecognised_SaysItCouldNotBeChecked()
    {
        var r = Read("csv", ["Uraian", "Jumlah"], ["Jumlah PUS", 200.0], ["Peserta KB Aktif", 100.0], ["Metode jangka panjang", 40.0], ["Metode jangka pendek", 70.0]);

        var notChecked = Assert.Single(r.Problems, p => p.Code == ProblemCodes.SumNotChecked);
        Assert.Equal("methods", notChecked.Args!["rule"]);
    }

    [Fact]
    public void PusSum_WithEveryPartRecognised_StillRefusesAnInconsistency()
    {
        var rows = WebsiteWordings.Select(r => (object?[])r.Clone()).ToArray();
        rows[1][2] = 230.0; // Total PUS 230 ≠ 100 + 10 + 30 + 35 + 25
        var r = Read("csv", rows);

        Assert.False(r.IsAccepted);
        Assert.Contains(r.Errors, p => p.Code == ProblemCodes.PusSumMismatch);
        Assert.DoesNotContain(r.Problems, p => p.Code == ProblemCodes.SumNotChecked);
    }

    [Fact]
    public void CompleteRules_AreNotQuestioned_ByAnUnrelatedUnknownRow()
    {
        var r = Read("csv", [.. WebsiteWordings, ["14", "Jumlah Jiwa", 812.0]]);

        Assert.True(r.IsAccepted, Why(r));
        Assert.Single(r.Problems, p => p.Code == ProblemCodes.IndicatorUnknown);
        Assert.DoesNotContain(r.Problems, p => p.Code == ProblemCodes.SumNotChecked);
    }

    [Fact]
    public void YearSheet_UnknownLabel_IsNamedWithTheReportMonthsValue()
    {
        string[] months = ["JANUARI", "FEBRUARI", "MARET", "APRIL", "MEI", "JUNI", "JULI", "AGUSTUS", "SEPTEMBER", "OKTOBER", "NOVEMBER", "DESEMBER"];
        object?[] Line(string n, string label, double first) => new object?[] { n, label }.Concat(Enumerable.Range(0, 10).Select(m => (object?)(first + m))).ToArray();
        var b = new XlsxBuilder();
        b.Sheet("2025").Row("REKAPITULASI DATA KAMPUNG KB MAWAR DESA MAWAR TAHUN 2025").Row("Bulan", "Oktober").Skip()
            .Row(new object?[] { "No", "Indikator" }.Concat(months).ToArray())
            .Row(Line("1", "Jumlah PUS", 900)).Row(Line("2", "Jumlah Jiwa", 3000)).Row(Line("3", "Peserta KB Aktif", 600));

        var r = Engines.Bytes(b.Build(), "rekap tahunan.xlsx");

        Assert.Equal((909m, 609m), (r.Indicators["pus"], r.Indicators["kb_active"]));
        var unknown = Assert.Single(r.Problems, p => p.Code == ProblemCodes.IndicatorUnknown);
        Assert.Equal((6, "L", "Jumlah Jiwa", "3009"), (unknown.Row!.Value, unknown.Column, unknown.Args!["label"], unknown.Args!["value"]));
    }

    // ---------- unit columns ----------

    /// <summary>Eleven figures with a unit column; "KK" is also a label of Jumlah KK, so it once made a row look like a header.</summary>
    private static readonly object?[][] WithUnits =
    [
        ["No", "Indikator", "Jumlah", "Satuan"],
        ["1", "Jumlah Kepala Keluarga", 250.0, "KK"],
        ["2", "Jumlah Jiwa", 900.0, "Jiwa"],
        ["3", "Keluarga yang memiliki Balita", 40.0, "KK"],
        ["4", "Keluarga yang memiliki Remaja", 30.0, "Kel"],
        ["5", "Keluarga yang memiliki Lansia", 20.0, "KK"],
        ["6", "Jumlah PUS", 180.0, "Pasang"],
        ["7", "Peserta KB Aktif", 120.0, "Orang"],
        ["8", "Peserta KB Baru", 4.0, "Org"],
        ["9", "Anggota BKB", 22.0, "KK"],
        ["10", "Anggota BKR", 12.0, "KK"],
        ["11", "Anggota BKL", 9.0, "Kel"],
        ["12", "Unmet Need", 10.0, "%"],
    ];

    [Theory]
    [MemberData(nameof(AllFormats))]
    public void UnitColumn_IsNotAHeader_EveryFigureIsRead(string format)
    {
        var r = Read(format, WithUnits);

        Assert.True(r.IsAccepted, Why(r));
        Assert.Equal(11, r.Indicators.Count);
        Assert.Equal((250m, 40m, 30m, 20m, 180m, 120m, 4m, 22m, 12m, 9m, 10m),
            (r.Indicators["families"], r.Indicators["families_with_toddlers"], r.Indicators["families_with_teens"], r.Indicators["families_with_elderly"],
             r.Indicators["pus"], r.Indicators["kb_active"], r.Indicators["kb_new"], r.Indicators["bkb_members"], r.Indicators["bkr_members"], r.Indicators["bkl_members"], r.Indicators["unmet_need"]));
        Assert.Equal(6, Assert.Single(r.Problems, p => p.Code == ProblemCodes.IndicatorUnknown).Row);
    }

    [Theory]
    [InlineData("xlsx")]
    [InlineData("csv")]
    [InlineData("html")]
    public void UnitColumn_BesideAnEmptyValue_IsNotAHeaderEither(string format)
    {
        // "Keluarga yang memiliki Remaja | (empty) | KK": two labels, no figure; in the middle of a list one label more is not a header.
        var r = Read(format, ["Indikator", "Jumlah", "Satuan"], ["Jumlah KK", 250.0, "KK"], ["Keluarga yang memiliki Remaja", null, "KK"],
            ["Keluarga yang memiliki Balita", 40.0, "KK"], ["Anggota BKB", 22.0, "KK"], ["Jumlah PUS", 180.0, "Pasang"]);

        Assert.True(r.IsAccepted, Why(r));
        Assert.Equal((250m, 40m, 22m, 180m), (r.Indicators["families"], r.Indicators["families_with_toddlers"], r.Indicators["bkb_members"], r.Indicators["pus"]));
        Assert.False(r.Indicators.ContainsKey("families_with_teens"));
    }

    [Theory]
    [InlineData("csv")]
    [InlineData("xlsx")]
    public void OneRowIndicatorTable_UnknownColumn_IsNamed(string format)
    {
        var r = Read(format, ["KK", "PUS", "Jumlah Jiwa", "PA"], [250.0, 180.0, 900.0, 120.0]);

        Assert.Equal((250m, 180m, 120m), (r.Indicators["families"], r.Indicators["pus"], r.Indicators["kb_active"]));
        var unknown = Assert.Single(r.Problems, p => p.Code == ProblemCodes.IndicatorUnknown);
        Assert.Equal((5, "C", "Jumlah Jiwa", "900"), (unknown.Row!.Value, unknown.Column, unknown.Args!["label"], unknown.Args!["value"]));
    }

    [Fact]
    public void OneRowIndicatorTable_WithKkAsAHeader_StillReads()
    {
        var r = Read("csv", ["KK", "PUS", "PA", "PB"], [250.0, 180.0, 120.0, 4.0]);

        Assert.True(r.IsAccepted, Why(r));
        Assert.Equal((250m, 180m, 120m, 4m), (r.Indicators["families"], r.Indicators["pus"], r.Indicators["kb_active"], r.Indicators["kb_new"]));
    }
}
