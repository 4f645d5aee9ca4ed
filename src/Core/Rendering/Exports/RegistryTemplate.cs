using KampungKB.Core.Ingestion.Intake;
using KampungKB.Core.Ingestion.Layouts;

namespace KampungKB.Core.Rendering.Exports;

/// <summary>
/// The registry workbook a dinas can fill: one column per registry field of <c>templates/layouts/registry.json</c>
/// (its display name, so the file is always read back by the same synonyms), two example rows, and a
/// "Petunjuk" sheet with each column's hint. The BKKBN id columns are left out: the template uses Kode Wilayah.
/// </summary>
public static class RegistryTemplate
{
    private static readonly HashSet<string> Left = new(StringComparer.Ordinal) { "provinceId", "regencyId", "districtId", "villageId", "province",
        "sigaProvinceId", "sigaRegencyId", "sigaDistrictId", "sigaVillageId", "sigaRegency", "sigaDistrict", "sigaVillage" };

    /// <summary>The registry workbook a dinas can fill (.xlsx bytes) for the layouts <paramref name="engine"/> reads by:
    /// every registry column of the templates, two example rows, a hint sheet.</summary>
    public static byte[] Build(IngestionEngine engine) => Build(engine.Layouts);

    internal static byte[] Build(LayoutCatalogue catalogue)
    {
        var fields = catalogue.Registry.Ordered.Where(f => !Left.Contains(f.Field)).ToList();
        var examples = new[]
        {
            new Dictionary<string, XlsxCell>
            {
                ["areaCode"] = "63.71.02.1011", ["name"] = "Kampung KB Antasan Besar", ["village"] = "Antasan Besar", ["district"] = "Banjarmasin Tengah",
                ["regency"] = "Kota Banjarmasin", ["class"] = "Berkembang", ["yearFounded"] = 2017, ["pokjaEmail"] = "pokja.antasanbesar@contoh.id",
                ["pokjaPhone"] = "0812 5000 1011", ["whatsAppOptIn"] = "Ya", ["pkbName"] = "Siti Aminah", ["pkbEmail"] = "siti.aminah@contoh.go.id",
                ["pokjaBoard"] = "Ada", ["pokjaDecree"] = "No. 12/2019", ["pokjaMembers"] = 15, ["pokjaTrained"] = 4, ["pokjaTrainedFlag"] = "Sudah",
                ["fundingSources"] = "APBD, Dana Desa, Perusahaan (CSR), Donasi/ Hibah Masyarakat", ["teens"] = 120,
                ["poktanOwned"] = "BKB, BKR, BKL", ["secretariat"] = "Ada", ["rumahDataKu"] = "Tidak", ["pkbAssigned"] = "Ada",
                ["regulation"] = "SK Lurah 3/2020", ["dataSources"] = "PK dan Pemutahiran Data, Data Rutin BKKBN",
                ["mechanisms"] = "Rapat perencanaan kegiatan, Sosialisasi Kegiatan, Monitoring dan Evaluasi Kegiatan",
            },
            new Dictionary<string, XlsxCell>
            {
                ["areaCode"] = "63.71.02.1011", ["name"] = "Kampung KB RW 05 Antasan Besar", ["village"] = "Antasan Besar", ["district"] = "Banjarmasin Tengah",
                ["regency"] = "Kota Banjarmasin", ["class"] = "Dasar", ["yearFounded"] = 2022, ["pokjaPhone"] = "0813 5000 0505", ["rw"] = 5,
                ["pokjaBoard"] = "Ada", ["pokjaDecree"] = "Ada", ["pokjaMembers"] = 7, ["pokjaTrained"] = 0, ["pokjaTrainedFlag"] = "Belum", ["fundingSources"] = "Dana Desa", ["poktanOwned"] = 1,
                ["secretariat"] = "Tidak", ["rumahDataKu"] = "Tidak", ["pkbAssigned"] = "Ada", ["regulation"] = "Tidak", ["dataSources"] = 1, ["mechanisms"] = 1,
            },
        };
        var list = new XlsxSheet("Daftar Kampung KB",
            fields.Select(f => new XlsxColumn(f.DisplayName, Math.Clamp(f.DisplayName.Length + 4, 12, 32))).ToArray(),
            examples.Select(e => (IReadOnlyList<XlsxCell>)fields.Select(f => e.GetValueOrDefault(f.Field)).ToArray()).ToArray());
        var help = new XlsxSheet("Petunjuk",
            [new XlsxColumn("Kolom", 30), new XlsxColumn("Isi dengan", 90)],
            fields.Select(f => (IReadOnlyList<XlsxCell>)[f.DisplayName, f.Hint ?? (f.Required ? "Wajib diisi." : "Boleh dikosongkan.")]).ToArray());
        return XlsxWorkbookWriter.ToBytes([list, help]);
    }
}
