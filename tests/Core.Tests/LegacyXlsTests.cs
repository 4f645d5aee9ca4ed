namespace KampungKB.Core.Tests;

/// <summary>
/// .xls files written before Excel 97 (BIFF2–5) and workbooks protected only by Excel's
/// default password are read like any other .xls, not refused. The files are written by <see cref="OldXls"/>.
/// </summary>
public class LegacyXlsTests
{
    private static readonly object?[][] Report =
    [
        ["LAPORAN KEGIATAN KAMPUNG KB MAWAR"],
        ["DESA MAWAR KEC. KARANG TENGAH"],
        ["BULAN OKTOBER 2025"],
        [],
        ["No", "Tanggal", "Nama Kegiatan", "Peserta L", "Peserta P"],
        [1.0, new DateTime(2025, 10, 3), "Rapat Pokja", 6.0, 10.0],
        [2.0, new DateTime(2025, 10, 8), "Penyuluhan KB Pria", 22.0, 0.0],
        [3.0, new DateTime(2025, 10, 15), "Kelas BKB “Ceria” – Sesi 2", 0.0, 27.0],
        [null, null, "JUMLAH", 28.0, 37.0],
    ];

    public static TheoryData<string, string, byte[]> OldFiles() => new()
    {
        { "Excel 2.x worksheet (BIFF2, bare stream)", "laporan_excel2.xls", OldXls.Bare(2, Report) },
        { "Excel 3.0 worksheet (BIFF3, bare stream)", "laporan_excel3.xls", OldXls.Bare(3, Report) },
        { "Excel 4.0 worksheet (BIFF4, bare stream)", "laporan_excel4.xls", OldXls.Bare(4, Report) },
        { "Excel 5.0/95 workbook (BIFF5, compound file)", "laporan_excel95.xls", OldXls.Biff5("Oktober", Report) },
        { "Excel 97-2003, write-protected (VelvetSweatshop)", "laporan_terkunci.xls", OldXls.Biff8VelvetSweatshop("Oktober", Report) },
    };

    [Theory]
    [MemberData(nameof(OldFiles))]
    public void OldAndWriteProtectedXls_ReadAsWritten(string kind, string name, byte[] bytes)
    {
        var r = Engines.Bytes(bytes, name);

        Assert.True(r.IsAccepted, kind + ": " + string.Join("\n", r.Problems.Select(p => p.Code + " " + p.Message)));
        Assert.Equal("xls", r.Format);
        Assert.Equal("2025-10", r.Period?.ToString());
        Assert.Equal(["Rapat Pokja", "Penyuluhan KB Pria", "Kelas BKB “Ceria” – Sesi 2"], r.Activities.Select(a => a.Title));
        Assert.Equal([new DateOnly(2025, 10, 3), new DateOnly(2025, 10, 8), new DateOnly(2025, 10, 15)], r.Activities.Select(a => a.Date));
        Assert.Equal([6, 22, 0], r.Activities.Select(a => a.Male ?? -1));
        Assert.Equal([10, 0, 27], r.Activities.Select(a => a.Female ?? -1));
        Assert.Equal(65, r.Activities.Sum(a => a.Participants));
        Assert.DoesNotContain(r.Problems, p => p.Code == "total-row-mismatch");
    }

    [Fact]
    public void WriteProtectedXls_IsReallyEncrypted()
    {
        // What the cadre's file holds is cipher text: the titles are readable only after decryption.
        var bytes = OldXls.Biff8VelvetSweatshop("Oktober", Report);
        Assert.Equal(-1, bytes.AsSpan().IndexOf(System.Text.Encoding.Unicode.GetBytes("Rapat Pokja")));
        Assert.Equal("Rapat Pokja", Engines.Bytes(bytes, "laporan_terkunci.xls").Activities[0].Title);
    }

    [Fact]
    public void WriteProtectedXls_ItsFiguresAreCheckedLikeAnyOther()
    {
        // The decrypted cells go through the same rules: a wrong total is still named.
        var rows = Report.Select(r => r.ToArray()).ToArray();
        rows[^1] = [null, null, "JUMLAH", 30.0, 37.0];
        var r = Engines.Bytes(OldXls.Biff8VelvetSweatshop("Oktober", rows), "laporan_terkunci.xls");

        var mismatch = Assert.Single(r.Problems, p => p.Code == "total-row-mismatch");
        Assert.Equal(9, mismatch.Row);
    }
}
