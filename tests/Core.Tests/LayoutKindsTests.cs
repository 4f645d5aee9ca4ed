
namespace KampungKB.Core.Tests;

/// <summary>Layouts met in the field, on workbooks the tests write.</summary>
public class LayoutKindsTests
{
    private static readonly string[] MonthNames = ["JANUARI", "FEBRUARI", "MARET", "APRIL", "MEI", "JUNI", "JULI", "AGUSTUS", "SEPTEMBER", "OKTOBER", "NOVEMBER", "DESEMBER"];

    private static byte[] YearSheet(string? bulan, int filledMonths)
    {
        var b = new XlsxBuilder();
        var s = b.Sheet("2025").Row("REKAPITULASI DATA KAMPUNG KB MAWAR DESA MAWAR TAHUN 2025");
        if (bulan is not null) s.Row("Bulan", bulan);
        s.Skip().Row(new object?[] { "No", "Indikator" }.Concat(MonthNames).ToArray());
        object?[] Line(double n, string label, double base_) =>
            new object?[] { n, label }.Concat(Enumerable.Range(0, 12).Select(m => m < filledMonths ? (object?)(base_ + m) : null)).ToArray();
        s.Row(Line(1, "Jumlah PUS", 900)).Row(Line(2, "Peserta KB Aktif", 600)).Row(Line(3, "Peserta KB Baru", 10));
        return b.Build();
    }

    [Fact]
    public void YearSheet_MonthFromBulanCell_YearFromBanner()
    {
        var r = Engines.Bytes(YearSheet("Oktober", 11), "rekap_tahunan.xlsx");

        Assert.True(r.IsAccepted, string.Join("\n", r.Problems.Select(p => p.Message)));
        Assert.Equal("2025-10", r.Period?.ToString());
        Assert.Equal((909m, 609m, 19m), (r.Indicators["pus"], r.Indicators["kb_active"], r.Indicators["kb_new"]));
    }

    [Fact]
    public void YearSheet_MonthFromFileName()
    {
        var r = Engines.Bytes(YearSheet(null, 11), "rekap maret.xlsx");

        Assert.Equal("2025-03", r.Period?.ToString());
        Assert.Equal(902m, r.Indicators["pus"]);
    }

    [Fact]
    public void YearSheet_LastFilledMonth_WhenNothingSaysWhich()
    {
        var r = Engines.Bytes(YearSheet(null, 7), "rekap.xlsx");

        Assert.True(r.IsAccepted, string.Join("\n", r.Problems.Select(p => p.Message)));
        Assert.Equal("2025-07", r.Period?.ToString());
        Assert.Equal(606m, r.Indicators["kb_active"]);
    }

    [Fact]
    public void GroupHeaderMergedOverMethods_WithNumberingRow()
    {
        var b = new XlsxBuilder();
        b.Sheet("Capaian").Row("Kampung KB Mawar, Desa Mawar").Row("Bulan: Oktober 2025")
            .Row("Jumlah PUS", "Peserta KB Aktif", null, null, null, null, null, null, null, "Peserta KB Baru")
            .Row(null, "IUD", "MOW", "MOP", "Implan", "Suntik", "Pil", "Kondom", "Jumlah", null)
            .Row("(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)", "(8)", "(9)", "(10)")
            .Row(1488.0, 120.0, 45.0, 6.0, 161.0, 472.0, 201.0, 46.0, 1051.0, 19.0)
            .Merge("A3:A4").Merge("B3:I3").Merge("J3:J4");

        var r = Engines.Bytes(b.Build(), "capaian.xlsx");

        Assert.True(r.IsAccepted, string.Join("\n", r.Problems.Select(p => p.Message)));
        Assert.Equal((1488m, 1051m, 120m, 46m, 19m), (r.Indicators["pus"], r.Indicators["kb_active"], r.Indicators["kb_active_iud"], r.Indicators["kb_active_condom"], r.Indicators["kb_new"]));
    }

    [Fact]
    public void GoogleFormResponses_KampungFromItsColumn_PeriodFromActivityDates()
    {
        var csv = "Timestamp,Nama Kampung KB,Tanggal Kegiatan,Nama Kegiatan,Jumlah Peserta Laki-laki,Jumlah Peserta Perempuan,Keterangan\n" +
                  "01/11/2025 08:15:02,Mawar,28/10/2025,\"Posyandu\nBalita\",2,20,\"baris satu\nbaris dua\"\n" +
                  "02/11/2025 09:00:00,Mawar,30/10/2025,Rapat Pokja,5,6,\n" +
                  "03/11/2025 10:00:00,Mawar,31/10/2025,Kelas BKB,0,12,\n";

        var r = Engines.Csv(csv, "Laporan Kegiatan (Responses) - Form Responses 1.csv");

        Assert.True(r.IsAccepted, string.Join("\n", r.Problems.Select(p => p.Message)));
        Assert.Equal("2025-10", r.Period?.ToString());
        Assert.Equal("Kampung KB Mawar", r.Kampung?.Name);
        Assert.Equal("Posyandu Balita", r.Activities[0].Title);
        Assert.Equal(45, r.Activities.Sum(a => a.Participants));
    }

    [Fact]
    public void CoverSheet_WeekSheets_AndAnEmptyTemplateSheet()
    {
        var b = new XlsxBuilder();
        b.Sheet("Sampul").Row("LAPORAN BULANAN").Row("KAMPUNG KB MAWAR").Row("DESA MAWAR KEC. KARANG TENGAH").Row("BULAN OKTOBER 2025");
        foreach (var (week, day) in new[] { (1, 3), (2, 10), (3, 17) })
            b.Sheet($"Minggu {week}").Row("Tanggal", "Nama Kegiatan", "L", "P")
                .Row(new DateTime(2025, 10, day), $"Posyandu minggu {week}", 1.0, 2.0)
                .Row(new DateTime(2025, 10, day + 1), $"Rapat minggu {week}", 3.0, 4.0);
        b.Sheet("Minggu 4").Row("Tanggal", "Nama Kegiatan", "L", "P").Row(null, null, null, null);
        b.Sheet("Template").Row("No", "Tanggal", "Nama Kegiatan", "L", "P").Row("1", null, null, null, null).Row("2", null, null, null, null);

        var r = Engines.Bytes(b.Build(), "laporan.xlsx");

        Assert.True(r.IsAccepted, string.Join("\n", r.Problems.Select(p => p.Message)));
        Assert.Equal("2025-10", r.Period?.ToString());
        Assert.Equal(6, r.Activities.Count);
        Assert.Equal(30, r.Activities.Sum(a => a.Participants));
        Assert.Equal(["Minggu 1", "Minggu 1", "Minggu 2", "Minggu 2", "Minggu 3", "Minggu 3"], r.Activities.Select(a => a.Sheet));
        Assert.DoesNotContain(r.Problems, p => p.Code == ProblemCodes.RowNotRead);
    }
}
