using KampungKB.Core.Jobs.Classes;

namespace KampungKB.Core.Tests.Registry;

/// <summary>
/// The registry read as the BKKBN Kampung KB website stores a profile: its closed option lists (one item per option name,
/// whatever "/" or "dan" it holds), the Pokja board and training flags, and its CSV export with rows lacking ids or
/// carrying the SIGA codes of a kecamatan split.
/// </summary>
public sealed class RegistryWebsiteListsTests
{
    private static RegistryImport Csv(string text) =>
        Engines.Default.ReadRegistry(new MemoryStream(new UTF8Encoding(false).GetBytes(text)), "kampung_kb_export.csv");

    private static readonly OptionLists Options = OptionLists.Load(Repo.Templates);

    [Fact]
    public void ListColumns_WebsiteOptionNames_CountOneEach()
    {
        var b = new XlsxBuilder();
        b.Sheet("Daftar").Row("Kode Wilayah", "Nama Kampung KB", "Kepengurusan Pokja", "Pokja Pernah Dilatih", "Sumber Dana", "Sumber Data Perencanaan", "Mekanisme Operasional", "Jumlah Remaja")
            .Row("63.71.04.1005", "Kampung KB A", "Ada", "Sudah", "Donasi/ Hibah Masyarakat, APBD", "PK dan Pemutahiran Data, Data Rutin BKKBN",
                "Rapat perencanaan kegiatan, Rapat koordinasi dengan dinas/instansi terkait pendukung kegiatan, Sosialisasi Kegiatan, Monitoring dan Evaluasi Kegiatan, Penyusunan Laporan", 120)
            .Row("63.71.04.1006", "Kampung KB B", "Tidak", "Belum", "APBN, arisan warga", "Data Rutin, data posyandu, catatan kader", "Sosialisasi", null);
        var r = Engines.Default.ReadRegistry(new MemoryStream(b.Build()), "daftar.xlsx");
        Assert.True(r.IsAccepted, string.Join(" | ", r.Problems.Select(p => p.Code)));
        var a = r.Entries[0].Profile!;
        Assert.Equal((true, true, 2, 2, 5, 120), (a.PokjaBoard, a.PokjaTrainedFlag, a.FundingSources, a.DataSources, a.Mechanisms, a.Teens));
        var c = r.Entries[1].Profile!;
        // "arisan warga" is no funding option of the website (closed list): not counted, warned. Data sources have "Lainnya":
        // the two free-text sources count once together as Lainnya.
        Assert.Equal((false, false, 1, 2, 1), (c.PokjaBoard, c.PokjaTrainedFlag, c.FundingSources, c.DataSources, c.Mechanisms));
        var warn = Assert.Single(r.Problems, p => p.Code == "unknown-profile-item");
        Assert.Contains("arisan warga", warn.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Dinas Kelautan dan Perikanan", 1)]
    [InlineData("Dinas Kelautan dan Perikanan dan Dinas PP dan PA", 2)]
    [InlineData("Puskesmas, Dinkes dan Babinsa", 3)]
    [InlineData("PKK dan Karang Taruna", 1)]           // two free-text partners: "Lainnya" once
    [InlineData("Puskesmas, PKK, Karang Taruna", 2)]
    public void Partners_AgencyNamesWithDan_AreOne_FreeTextIsLainnyaOnce(string line, int count)
    {
        var m = Options["partners"].Match(line);
        Assert.Equal(count, m.Count(Options["partners"].Other));
    }

    [Fact]
    public void Options_TheWebsitesLists_36AgenciesAndLainnya()
    {
        Assert.Equal(37, Options["partners"].Names.Count);
        Assert.Equal(12, Options["partners"].Names.Count(n => n.Contains(" dan ", StringComparison.Ordinal)));
        Assert.Equal(["APBN", "APBD", "Dana Desa", "Donasi/ Hibah Masyarakat", "Perusahaan (CSR)", "Swadaya Masyarakat"], Options["fundingSources"].Names);
        Assert.Equal(5, Options["mechanisms"].Match(string.Join(", ", Options["mechanisms"].Names)).Count(null));
    }

    [Fact]
    public void WebsiteExport_RowsWithoutIds_AreListed_TheOthersImported()
    {
        var r = Csv("id,nama,provinsi_id,provinsi,kabupaten_id,kabupaten,kecamatan_id,kecamatan,desa_id,desa\n" +
            "1583,Jayamakmur,16,SUMATERA SELATAN,7,BANYUASIN,19,AIR KUMBANG,2005,RIMBA JAYA\n" +
            "17106,Desa Pepe,,,,,,,,\n" +
            "20603,NUSA INDAH,,?,,?,,?,,?\n" +
            "12055,LESTARI,33,,07,,02,,,\n");
        Assert.True(r.IsAccepted, string.Join(" | ", r.Problems.Select(p => p.Code + " " + p.Message)));
        Assert.Equal("16.07.19.2005", Assert.Single(r.Entries).AreaCode);
        Assert.Equal([3, 4, 5], r.Problems.Where(p => p.Code == "registry-row-skipped").Select(p => p.Row ?? 0));
        Assert.All(r.Problems.Where(p => p.Code == "registry-row-skipped"), p => Assert.Equal(Severity.Warning, p.Severity));
    }

    [Fact]
    public void WebsiteExport_SigaColumns_RegisterUnderTheSplitKecamatansCode()
    {
        // The website's regional update: Wonosegoro (09.18) split; its seeder moves the kampung to the siga_* ids (09.22).
        var r = Csv("id,nama_kampung,provinsi,provinsi_id,kabupaten,kabupaten_id,kecamatan,kecamatan_id,desa,desa_id,status_check,siga_provinsi_id,siga_provinsi_nama,siga_kabupaten_id,siga_kabupaten_nama,siga_kecamatan_id,siga_kecamatan_nama,siga_keluarahan_id,siga_kelurahan_nama\n" +
            "19830,TERATAI,JAWA TENGAH,33,KAB. BOYOLALI,09,Wonosegoro,18,Kedungpilang,2009,Pemekaran Kecamatan,33,JAWA TENGAH,09,BOYOLALI,22,WONOSAMODRO,2002,KEDUNGPILANG\n" +
            "2338,MERANTI PANDAK,RIAU,14,KOTA PEKANBARU,71,Rumbai Pesisir,12,Meranti Pandak,1001,Cek,14,,71,,12,,1001,\n");
        Assert.True(r.IsAccepted, string.Join(" | ", r.Problems.Select(p => p.Code + " " + p.Message)));
        Assert.Equal(("33.09.22.2002", "WONOSAMODRO", "KEDUNGPILANG"), (r.Entries[0].AreaCode, r.Entries[0].District, r.Entries[0].Village));
        Assert.Equal(("14.71.12.1001", "Rumbai Pesisir"), (r.Entries[1].AreaCode, r.Entries[1].District));
    }
}
