
namespace KampungKB.Core.Tests;

public class XlsxLayoutTests
{
    private static IngestionReport Ingest(XlsxBuilder b, string name = "laporan.xlsx") => Engines.Bytes(b.Build(), name);

    private static XlsxBuilder.SheetSpec ActivitySheet(XlsxBuilder b, string name = "Oktober")
    {
        var s = b.Sheet(name);
        s.Row("LAPORAN KEGIATAN KAMPUNG KB").Row("KAMPUNG KB MAWAR").Row("KELURAHAN SUNGAI BIRU - KEC. BANJARMASIN UTARA - KOTA BANJARMASIN").Row("BULAN OKTOBER 2025").Skip();
        return s;
    }

    [Fact]
    public void Banner_TwoRowMergedHeader_ColumnNumbers_TotalAndSignature_AreRecognised()
    {
        var b = new XlsxBuilder();
        ActivitySheet(b)
            .Row("No", "Tgl.", "Nama Keg.", "Bidang", "Jumlah Peserta", null, "Instansi Terkait", "Ket.")
            .Row(null, null, null, null, "L", "P")
            .Row("(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)", "(8)")
            .Row(1, new DateTime(2025, 10, 3), "Rapat  Pokja", "Kelembagaan", 7, 11, "Kelurahan, Puskesmas")
            .Row(2, "08/10/2025", "Penyuluhan KB", "Reproduksi", "-", 26, "Puskesmas dan PKK")
            .Row(null, null, "JUMLAH", null, new Formula("SUM(E9:E10)", 7), new Formula("SUM(F9:F10)", 37))
            .Skip(2)
            .Row(null, "Mengetahui,", null, null, null, "Ketua Pokja")
            .Row(null, "Banjarmasin, 31 Oktober 2025")
            .Row(null, "NIP. 19700101")
            .Merge("E6:F6");

        var r = Ingest(b);

        Assert.True(r.IsAccepted, string.Join("; ", r.Codes()));
        Assert.Equal("2025-10", r.Period.ToString());
        Assert.Equal(new KampungIdentity("Kampung KB Mawar", "Sungai Biru", "Banjarmasin Utara", "Kota Banjarmasin"), r.Kampung);
        Assert.Equal(2, r.Activities.Count);
        var first = r.Activities[0];
        Assert.Equal(("Rapat Pokja", 18, 7, 11), (first.Title, first.Participants, first.Male, first.Female));
        Assert.Equal(["Kelurahan", "Puskesmas"], first.Partners);
        Assert.Equal(9, first.Row);
        var second = r.Activities[1];
        Assert.Equal((new DateOnly(2025, 10, 8), 26, (int?)null), (second.Date, second.Participants, second.Male));
        Assert.Equal(["Puskesmas", "PKK"], second.Partners);
    }

    /// <summary>
    /// The partner column splits on "dan" only between partners: an agency of the BKKBN website's closed partner list
    /// whose name holds "dan" (templates/classes/options.json) stays one partner, as the cadre wrote it.
    /// </summary>
    [Fact]
    public void PartnerCell_AgencyNameWithDan_StaysOnePartner_RealListStillSplits()
    {
        var b = new XlsxBuilder();
        ActivitySheet(b)
            .Row("No", "Tanggal", "Nama Kegiatan", "Jumlah Peserta", "Instansi Terkait")
            .Row(1, "06/10/2025", "Sosialisasi stunting", 20, "Dinas Pemberdayaan Perempuan dan Perlindungan Anak dan Puskesmas")
            .Row(2, "13/10/2025", "Pelatihan UPPKA", 15, "Dinas Koperasi dan UKM; BUMN dan BUMD")
            .Row(3, "20/10/2025", "Kerja bakti", 30, "Babinsa dan Bhabinkamtibmas, Dinas Kesehatan Provinsi dan PKK")
            .Row(4, "27/10/2025", "Penyuluhan", 12, "Dinas  PP dan  PA");

        var r = Ingest(b);

        Assert.True(r.IsAccepted, string.Join("; ", r.Codes()));
        Assert.Equal(4, r.Activities.Count);
        Assert.Equal(["Dinas Pemberdayaan Perempuan dan Perlindungan Anak", "Puskesmas"], r.Activities[0].Partners);
        Assert.Equal(["Dinas Koperasi dan UKM", "BUMN dan BUMD"], r.Activities[1].Partners);
        Assert.Equal(["Babinsa", "Bhabinkamtibmas", "Dinas Kesehatan Provinsi", "PKK"], r.Activities[2].Partners);
        Assert.Equal(["Dinas PP dan PA"], r.Activities[3].Partners);
    }

    [Fact]
    public void TotalRow_DisagreesWithRows_WarnsWithLocation()
    {
        var b = new XlsxBuilder();
        ActivitySheet(b)
            .Row("Tanggal", "Kegiatan", "Jumlah")
            .Row("06/10/2025", "Posyandu", 10)
            .Row("TOTAL", null, new Formula("SUM(C7:C7)+1", 11));

        var r = Ingest(b);

        Assert.True(r.IsAccepted);
        var p = Assert.Single(r.Problems);
        Assert.Equal(("total-row-mismatch", 8, "C", Severity.Warning), (p.Code, p.Row, p.Column, p.Severity));
    }

    [Fact]
    public void HiddenSheet_IsIgnored()
    {
        var b = new XlsxBuilder();
        b.Sheet("helper", hidden: true).Row("Tanggal", "Kegiatan").Row("tidak tanggal", "x");
        ActivitySheet(b).Row("Tanggal", "Kegiatan", "Peserta").Row("06/10/2025", "Posyandu", 10);

        var r = Ingest(b);

        Assert.True(r.IsAccepted, string.Join("; ", r.Codes()));
        Assert.Single(r.Activities);
    }

    [Fact]
    public void SeveralSheetsAndKinds_InOneWorkbook_AreAllRead()
    {
        var b = new XlsxBuilder();
        b.Sheet("Profil")
            .Row("PROFIL KAMPUNG KB")
            .Row("Nama Kampung KB", ":", "Kampung KB Melati")
            .Row("Desa/Kelurahan", ":", "Tajau Pecah")
            .Row("Kecamatan", "Batu Ampar")
            .Row("Kabupaten/Kota", "Kabupaten Tanah Laut")
            .Row("Tahun Pencanangan", 2019)
            .Row("Periode", "November 2025");
        b.Sheet("Kegiatan").Row("Tanggal", "Nama Kegiatan", "L", "P").Row("4 November 2025", "Posyandu Lansia", 14, 29)
            .Skip(2).Row("Uraian", "Jumlah").Row("Jumlah PUS", "1.000").Row("PA", 600).Row("a. PA IUD", 100).Row("b. PA Suntik", 500);
        b.Sheet("Capaian").Row("KK", "Keluarga Balita", "Anggota BKB").Row(1, 2, 3).Row(900, 120, 80);

        var r = Ingest(b, "profil.xlsx");

        Assert.True(r.IsAccepted, string.Join("; ", r.Problems.Select(p => p.Code + " " + p.Message)));
        Assert.Equal("2025-11", r.Period.ToString());
        Assert.Equal(new KampungIdentity("Kampung KB Melati", "Tajau Pecah", "Batu Ampar", "Kabupaten Tanah Laut"), r.Kampung);
        Assert.Single(r.Activities);
        Assert.Equal(43, r.Activities[0].Participants);
        Assert.Equal(1000m, r.Indicators["pus"]);
        Assert.Equal(600m, r.Indicators["kb_active"]);
        Assert.Equal(100m, r.Indicators["kb_active_iud"]);
        Assert.Equal(500m, r.Indicators["kb_active_injectable"]);
        Assert.Equal(900m, r.Indicators["families"]);
        Assert.Equal(120m, r.Indicators["families_with_toddlers"]);
        Assert.Equal(80m, r.Indicators["bkb_members"]);
        Assert.Equal("2019", r.Profile!["yearFounded"]);
    }

    [Fact]
    public void OneRowManyColumns_Indicators_AreRead()
    {
        var b = new XlsxBuilder();
        b.Sheet("Data").Row("Bulan: Agustus 2025").Row("PUS", "PA", "PB", "Unmet Need", "KRS").Row("1.488", "1.051", 19, 210, 96);

        var r = Ingest(b);

        Assert.True(r.IsAccepted, string.Join("; ", r.Codes()));
        Assert.Equal("2025-08", r.Period.ToString());
        Assert.Equal(new Dictionary<string, decimal> { ["pus"] = 1488, ["kb_active"] = 1051, ["kb_new"] = 19, ["unmet_need"] = 210, ["stunting_risk_families"] = 96 },
            r.Indicators.ToDictionary());
    }

    [Fact]
    public void FormulaCells_UseCachedValues()
    {
        var b = new XlsxBuilder();
        b.Sheet("Data").Row("Periode", "Oktober 2025").Row("Jumlah PUS", new Formula("1000+488", 1488)).Row("Peserta KB Aktif", new Formula("B4+B5", 1051))
            .Row("- IUD", 1000).Row("- Pil", 51);

        var r = Ingest(b);

        Assert.True(r.IsAccepted, string.Join("; ", r.Codes()));
        Assert.Equal(1488m, r.Indicators["pus"]);
        Assert.Equal(1051m, r.Indicators["kb_active"]);
    }

    [Fact]
    public void HeaderBelowRow30_IsNotRecognised()
    {
        var b = new XlsxBuilder();
        var s = b.Sheet("Data").Row("Bulan Oktober 2025");
        for (var i = 0; i < 31; i++) s.Row("catatan " + i);
        s.Row("Tanggal", "Kegiatan").Row("06/10/2025", "Posyandu");

        var r = Ingest(b);

        Assert.Contains("empty-report", r.Codes());
    }

    [Fact]
    public void PetunjukPengisian_BelowTable_EndsTable()
    {
        var b = new XlsxBuilder();
        ActivitySheet(b).Row("Tanggal", "Kegiatan", "Peserta").Row("06/10/2025", "Posyandu", 10)
            .Row("Petunjuk pengisian: tulis tanggal seperti 06/10/2025", null, "x");

        var r = Ingest(b);

        Assert.True(r.IsAccepted, string.Join("; ", r.Codes()));
        Assert.Single(r.Activities);
    }

    [Fact]
    public void XlsmName_XlsxBytes_ReadByContent()
    {
        var b = new XlsxBuilder();
        ActivitySheet(b).Row("Tanggal", "Kegiatan").Row("06/10/2025", "Posyandu");

        var r = Engines.Bytes(b.Build(), "laporan.xlsm");
        var renamed = Engines.Bytes(b.Build(), "laporan.csv");

        Assert.True(r.IsAccepted);
        Assert.Equal("xlsm", r.Format);
        Assert.True(renamed.IsAccepted);
        Assert.Equal("xlsx", renamed.Format);
    }

    [Fact]
    public void LegacyXls_Fixture_IsRead()
    {
        var r = Engines.Bytes(File.ReadAllBytes(Path.Combine(Repo.Fixtures, "legacy_banua_anyar.xls")), "kiriman.dat");

        Assert.True(r.IsAccepted, string.Join("; ", r.Codes()));
        Assert.Equal("xls", r.Format);
        Assert.Equal("2025-06", r.Period.ToString());
        Assert.Equal("Banjarmasin Timur", r.Kampung?.District);
        Assert.Equal(170, r.Activities.Sum(a => a.Participants));
    }
}
