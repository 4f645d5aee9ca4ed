using KampungKB.Core.Registry;

namespace KampungKB.Core.Tests.Fidelity;

/// <summary>
/// The identity written in the table (a Google Form's "Desa/Kelurahan" and "Kecamatan" on every row, a dinas form
/// with one row per kampung) is identity evidence: it names the kampung, and disagreement is said.
/// </summary>
public class IdentityColumnTests
{
    private static string Problems(IngestionReport r) => string.Join("\n", r.Problems.Select(p => $"{p.Code} {p.Row}{p.Column}: {p.Message}"));

    private const string FormHeader = "Timestamp,Nama Kampung KB,Desa/Kelurahan,Kecamatan,Tanggal Kegiatan,Nama Kegiatan,Jumlah Peserta\n";

    [Fact]
    public void GoogleFormExport_DesaColumnOnEveryRow_IsTheVillage_NotOneMadeFromTheKampungName()
    {
        var csv = FormHeader +
                  "03/10/2025 08:12:44,Harapan Jaya,Sungai Jelai Hulu,Tambang Ulang,03/10/2025,Posyandu,25\n" +
                  "10/10/2025 19:02:10,Harapan Jaya,Sungai Jelai Hulu,Tambang Ulang,10/10/2025,Rapat Pokja,12\n";

        var r = Engines.Csv(csv, "Laporan Kegiatan (Jawaban).csv");

        Assert.True(r.IsAccepted, Problems(r));
        Assert.Equal(("Kampung KB Harapan Jaya", "Sungai Jelai Hulu", "Tambang Ulang"), (r.Kampung?.Name, r.Kampung?.Village, r.Kampung?.District));
        Assert.DoesNotContain(r.Problems, p => p.Code is ProblemCodes.IdentityConflict or ProblemCodes.IdentitySeveral);
    }

    [Fact]
    public void DesaColumn_DisagreesWithTheBanner_IsSaid_TheBannerKept()
    {
        var b = new XlsxBuilder();
        b.Sheet("Oktober").Row("KAMPUNG KB PELAMBUAN SEJAHTERA - KELURAHAN PELAMBUAN").Row("Bulan: Oktober 2025")
            .Row("Tanggal", "Nama Kegiatan", "Desa", "Jumlah Peserta")
            .Row(new DateTime(2025, 10, 3), "Posyandu", "Belitung Selatan", 25.0);
        var r = Engines.Bytes(b.Build(), "laporan.xlsx");

        Assert.True(r.IsAccepted, Problems(r));
        Assert.Equal("Pelambuan", r.Kampung?.Village);
        var w = Assert.Single(r.Problems, p => p.Code == ProblemCodes.IdentityConflict);
        Assert.Equal((4, "C", "Belitung Selatan", "Pelambuan"), (w.Row, w.Column, w.Text, w.Args!["found"]));
    }

    [Fact]
    public void DesaColumn_RowsNameTwoVillages_IsSaid()
    {
        var csv = FormHeader +
                  "03/10/2025 08:12:44,Harapan Jaya,Sungai Jelai Hulu,Tambang Ulang,03/10/2025,Posyandu,25\n" +
                  "10/10/2025 19:02:10,Maju Bersama,Sungai Jelai Hilir,Tambang Ulang,10/10/2025,Rapat Pokja,12\n";

        var r = Engines.Csv(csv, "jawaban.csv");

        var w = Assert.Single(r.Problems, p => p.Code == ProblemCodes.IdentitySeveral);
        Assert.Equal((3, "C", "Sungai Jelai Hilir", "2"), (w.Row, w.Column, w.Text, w.Args!["firstRow"]));
        Assert.Equal("Sungai Jelai Hulu", r.Kampung?.Village);
    }

    private static byte[] DinasForm()
    {
        var b = new XlsxBuilder();
        b.Sheet("Form").Row("FORMULIR CAPAIAN KAMPUNG KB").Row("Bulan: Oktober 2025")
            .Row("No", "Kecamatan", "Desa/Kelurahan", "Nama Kampung KB", "Jumlah PUS", "Peserta KB Aktif")
            .Row(1.0, "Banjarmasin Timur", "Banua Anyar", "Banua Anyar", 700.0, 520.0);
        return b.Build();
    }

    [Fact]
    public void DinasFormOneRowPerKampung_NamesTheKampung()
    {
        var r = Engines.Bytes(DinasForm(), "form capaian.xlsx");

        Assert.True(r.IsAccepted, Problems(r));
        Assert.Equal(("Kampung KB Banua Anyar", "Banua Anyar", "Banjarmasin Timur"), (r.Kampung?.Name, r.Kampung?.Village, r.Kampung?.District));
        Assert.Equal((700m, 520m), (r.Indicators["pus"], r.Indicators["kb_active"]));
    }

    [Fact]
    public void IdentityColumns_AreWhatTheRegistryIsMatchedOn_AndAMismatchWithTheLinkIsSaid()
    {
        RegistryEntry Entry(string code, string name, string village, string district) =>
            new(code, name, village, district, "Kota Banjarmasin", null, null, null, null, null, null, null);
        var banuAnyar = Entry("63.71.03.1002", "Kampung KB Banua Anyar", "Banua Anyar", "Banjarmasin Timur");
        var pelambuan = Entry("63.71.04.1005", "Kampung KB Pelambuan Sejahtera", "Pelambuan", "Banjarmasin Barat");
        var r = Engines.Bytes(DinasForm(), "form capaian.xlsx");

        Assert.Equal("63.71.03.1002", Assert.IsType<Attribution.Found>(KampungMatcher.Find([pelambuan, banuAnyar], r.Kampung, "form capaian.xlsx")).Entry.AreaCode);
        Assert.IsType<Attribution.Mismatch>(KampungMatcher.Confirm(pelambuan, r.Kampung));
    }
}
