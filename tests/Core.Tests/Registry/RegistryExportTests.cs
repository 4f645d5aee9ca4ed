using KampungKB.Core.Rendering.Exports;

namespace KampungKB.Core.Tests.Registry;

/// <summary>The registry as dinas really have it: the BKKBN Kampung KB website's CSV export and the profile columns.</summary>
public sealed class RegistryExportTests
{
    private static RegistryImport Csv(string text, string name = "kampung_kb_export.csv") =>
        Engines.Default.ReadRegistry(new MemoryStream(new UTF8Encoding(false).GetBytes(text)), name);

    private const string ExportHeader = "no,nama_kampung,provinsi_id,provinsi,kabupaten_id,kabupaten,kecamatan_id,kecamatan,desa_id,desa,Tanggal Pencanangan,klasifikasi\n";

    [Fact]
    public void WebsiteExport_ComposesAreaCodeFromIds_NeverReadsIdsAsNames()
    {
        var r = Csv(ExportHeader +
            "1,Kampung KB Sungai Rasau,63,KALIMANTAN SELATAN,1,TANAH LAUT,6,PELAIHARI,2001,SUNGAI RASAU,2017-08-12,Berkembang\n" +
            "2,Kampung KB Tajau Pecah,63,KALIMANTAN SELATAN,01,TANAH LAUT,11,BATU AMPAR,2005,TAJAU PECAH,12/03/2019,Dasar\n");
        Assert.True(r.IsAccepted, string.Join(" | ", r.Problems.Select(p => p.Code + " " + p.Message)));
        var a = r.Entries[0];
        Assert.Equal(("63.01.06.2001", "SUNGAI RASAU", "PELAIHARI", "TANAH LAUT", 2017), (a.AreaCode, a.Village, a.District, a.Regency, a.YearFounded));
        Assert.Equal(("63.01.11.2005", 2019, KampungClass.Dasar), (r.Entries[1].AreaCode, r.Entries[1].YearFounded, r.Entries[1].Class));
    }

    [Fact]
    public void WebsiteExport_IdsWithoutNameColumns_LeaveNamesEmpty()
    {
        // Today's bug: "desa_id" read as the village ("2001"), "kecamatan_id" as the kecamatan ("6").
        var r = Csv("nama_kampung,provinsi_id,kabupaten_id,kecamatan_id,desa_id\nKampung KB Sungai Rasau,63,29,6,2001\n");
        var e = Assert.Single(r.Entries);
        Assert.Equal(("63.29.06.2001", null, null, null), (e.AreaCode, e.Village, e.District, e.Regency));
    }

    [Theory]
    [InlineData("63.71.02.1011", true)]
    [InlineData("63.71.02.1011-RW05", true)]
    [InlineData("63.71.02.1011-", false)]
    [InlineData("63.71.02.1011x", false)]
    [InlineData("63.71.02.1011-RW/5", false)]
    [InlineData("63.71.02.101", false)]
    public void AreaCode_AcceptsAnRwSuffixOnly(string text, bool valid) => Assert.Equal(valid, AreaCode.TryParse(text, out _));

    [Fact]
    public void WebsiteExport_FullPrefixIds_KeepTheirOwnDigits()
    {
        var r = Csv(ExportHeader + "1,Kampung KB Angsau,63,KALSEL,6301,TANAH LAUT,630106,PELAIHARI,6301061003,ANGSAU,2020,Mandiri\n");
        Assert.Equal("63.01.06.1003", Assert.Single(r.Entries).AreaCode);
    }

    [Fact]
    public void Placeholders_InNameColumns_AreMissingWithAWarning()
    {
        var r = Csv(ExportHeader + "1,Kampung KB Panjaratan,63,KALSEL,1,TANAH LAUT,6,.-,2002,?,2018,Dasar\n");
        Assert.True(r.IsAccepted);
        var e = Assert.Single(r.Entries);
        Assert.Null(e.District);
        Assert.Null(e.Village);
        Assert.Equal(2, r.Problems.Count(p => p.Code == "placeholder-value"));
        Assert.Contains(r.Problems, p => p.Code == "placeholder-value" && p.Text == ".-" && p.Row == 2);
    }

    [Fact]
    public void PlaceholderName_TakesTheVillage()
    {
        var r = Csv(ExportHeader + "1,-,63,KALSEL,1,TANAH LAUT,6,PELAIHARI,2003,KARANG TARUNA,2018,Dasar\n");
        Assert.Equal("Kampung KB KARANG TARUNA", Assert.Single(r.Entries).Name);
    }

    [Fact]
    public void BlankName_StaysMissingRequired()
    {
        var r = Csv(ExportHeader + "1,,63,KALSEL,1,TANAH LAUT,6,PELAIHARI,2003,KARANG TARUNA,2018,Dasar\n");
        Assert.False(r.IsAccepted);
        Assert.Contains(r.Problems, p => p.Code == "missing-required" && p.Row == 2);
    }

    [Fact]
    public void TwoKampungInOneDesa_OneAtRwLevel_BothRegistered()
    {
        var r = Csv(ExportHeader +
            "1,Kampung KB RW 05 Angsau,63,KALSEL,1,TANAH LAUT,6,PELAIHARI,1003,ANGSAU,2021,Dasar\n" +
            "2,Kampung KB Angsau,63,KALSEL,1,TANAH LAUT,6,PELAIHARI,1003,ANGSAU,2017,Berkembang\n");
        Assert.True(r.IsAccepted, string.Join(" | ", r.Problems.Select(p => p.Code)));
        Assert.Equal(["63.01.06.1003-RW05", "63.01.06.1003"], r.Entries.Select(e => e.AreaCode));
        Assert.True(AreaCode.TryParse(r.Entries[0].AreaCode, out var code));
        Assert.Equal(("63.01", "63.01.06", "63.01.06.1003"), (code.Regency, code.District, code.Village));
    }

    [Fact]
    public void SameDesaTwice_WithoutRw_IsStillADuplicate()
    {
        var r = Csv(ExportHeader +
            "1,Kampung KB Angsau,63,KALSEL,1,TANAH LAUT,6,PELAIHARI,1003,ANGSAU,2021,Dasar\n" +
            "2,Kampung KB Angsau Baru,63,KALSEL,1,TANAH LAUT,6,PELAIHARI,1003,ANGSAU,2017,Berkembang\n");
        Assert.False(r.IsAccepted);
        Assert.Contains(r.Problems, p => p.Code == "duplicate-code" && p.Row == 3);
    }

    [Fact]
    public void ActivityReport_AsRegistry_SaysNotARegistry_AndListsColumns()
    {
        var r = Csv("No,Tanggal,Nama Kegiatan,Jumlah Peserta\n1,06/10/2025,Penyuluhan KB,25\n", "kegiatan_oktober.csv");
        var p = Assert.Single(r.Problems);
        Assert.Equal("not-a-registry", p.Code);
        Assert.Contains("desa_id", p.Message, StringComparison.Ordinal);
        Assert.Contains("Kode Wilayah", p.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ProfileColumns_ReadAsCountsFlagsAndLists()
    {
        var b = new XlsxBuilder();
        b.Sheet("Daftar").Row("Kode Wilayah", "Nama Kampung KB", "PKB/PLKB", "SK Pokja", "Jumlah Anggota Pokja", "Anggota Pokja Terlatih", "Sumber Dana",
                "Poktan yang Dimiliki", "Sekretariat", "Rumah DataKu", "Regulasi (SK/Perdes)", "Sumber Data Perencanaan", "Mekanisme Operasional")
            .Row("63.71.04.1005", "Kampung KB A", "Siti Aminah", "No. 12/2019", 15, "Sudah", "APBD, Dana Desa dan CSR", "BKB, BKR, BKL", "Ada", "Tidak", "Perdes 3/2020", "PK21; data rutin", 3)
            .Row("63.71.04.1006", "Kampung KB B", null, "Tidak", 0, 0, 0, 0, "tidak", "belum", "-", null, "Ada")
            .Row("63.71.04.1007", "Kampung KB C", "Budi", null, null, null, null, null, null, null, null, null, 9);
        var r = Engines.Default.ReadRegistry(new MemoryStream(b.Build()), "daftar.xlsx");
        Assert.True(r.IsAccepted, string.Join(" | ", r.Problems.Select(p => p.Code)));
        // The poktan the cell named are kept by the website's names, for the handover's per-poktan Ada/Tidak Ada.
        Assert.Equal(new KampungProfile(true, 15, 1, 3, 3, true, false, true, true, 2, 3, PoktanNamed: "BKB; BKR; BKL"), r.Entries[0].Profile);
        Assert.Equal(["BKB", "BKR", "BKL"], r.Entries[0].Profile!.PoktanNames);
        Assert.Equal(new KampungProfile(false, 0, 0, 0, 0, false, false, null, null, null, null), r.Entries[1].Profile);
        // Only the PKB name is known for C; "Ada" is no count, and 9 mechanisms (of five) cannot be: both unread.
        Assert.Equal(new KampungProfile(PkbAssigned: true), r.Entries[2].Profile);
        Assert.Equal([(3, "Mekanisme Operasional"), (4, "Mekanisme Operasional")],
            r.Problems.Where(p => p.Code == "invalid-profile-value").Select(p => (p.Row ?? 0, p.Message.Contains("Mekanisme Operasional") ? "Mekanisme Operasional" : p.Message)));
    }

    [Fact]
    public void DinasTemplateWorkbook_IsARegistryWithEveryProfileColumn()
    {
        var path = Path.Combine(Repo.Root, "templates", "registry", "templat-daftar-kampung-kb.xlsx");
        using var file = File.OpenRead(path);
        var r = Engines.Default.ReadRegistry(file, Path.GetFileName(path));
        Assert.True(r.IsAccepted, string.Join(" | ", r.Problems.Select(p => p.Code)));
        Assert.All(r.Entries, e => Assert.NotNull(e.Profile));
        Assert.Contains(r.Entries, e => e.Profile!.Mechanisms is not null && e.Profile.PokjaTrained is not null && e.Profile.DataSources is not null);
        // The committed file is what `kkb registry template` writes from today's registry.json (regenerate when it changes).
        var generated = Engines.Default.ReadRegistry(new MemoryStream(RegistryTemplate.Build(Engines.Default)), "baru.xlsx");
        Assert.Equal(generated.Entries.Select(e => (e.AreaCode, e.Name, e.Profile)), r.Entries.Select(e => (e.AreaCode, e.Name, e.Profile)));
    }

    [Fact]
    public void TemplateWorkbook_HoldsTheCommittedFilesSheetsAndCells_TextsAndExamplesFromRegistryJson()
    {
        // What `kkb registry template` writes: its sheet names, headers, hints and example rows (numbers as number cells)
        // are those of the committed template, cell by cell (the package's ids and timestamps differ per write).
        var committed = Cells(File.ReadAllBytes(Path.Combine(Repo.Root, "templates", "registry", "templat-daftar-kampung-kb.xlsx")));
        var generated = Cells(RegistryTemplate.Build(Engines.Default));

        Assert.Equal(["Daftar Kampung KB", "Petunjuk"], generated.Select(c => c.Sheet).Distinct());
        Assert.Equal(committed, generated);
        var hints = generated.Where(c => c.Sheet == "Petunjuk").ToList();
        Assert.Equal([("Petunjuk", "A1", "s", "Kolom"), ("Petunjuk", "B1", "s", "Isi dengan")], hints.Take(2));
        Assert.Contains(hints, c => c.Value == "Boleh dikosongkan."); // an optional column registry.json gives no hint
        Assert.Contains(generated, c => c is { Sheet: "Daftar Kampung KB", Type: "n", Value: "2017" });
        Assert.Contains(generated, c => c is { Sheet: "Daftar Kampung KB", Type: "s", Value: "Belum" });
    }

    /// <summary>Every cell of the workbook as (sheet name, reference, type: s text or n number, shown value), sheet by sheet.</summary>
    private static List<(string Sheet, string Ref, string Type, string Value)> Cells(byte[] xlsx)
    {
        using var doc = DocumentFormat.OpenXml.Packaging.SpreadsheetDocument.Open(new MemoryStream(xlsx), false);
        var wb = doc.WorkbookPart!;
        var strings = wb.SharedStringTablePart?.SharedStringTable.Elements<DocumentFormat.OpenXml.Spreadsheet.SharedStringItem>().Select(i => i.InnerText).ToList() ?? [];
        return wb.Workbook.Sheets!.Elements<DocumentFormat.OpenXml.Spreadsheet.Sheet>().SelectMany(sheet =>
        {
            var part = (DocumentFormat.OpenXml.Packaging.WorksheetPart)wb.GetPartById(sheet.Id!.Value!);
            var cells = part.Worksheet.Descendants<DocumentFormat.OpenXml.Spreadsheet.Cell>().Select(c =>
            {
                var shared = c.DataType?.Value == DocumentFormat.OpenXml.Spreadsheet.CellValues.SharedString;
                var text = c.CellValue?.Text ?? c.InlineString?.InnerText ?? "";
                return (sheet.Name!.Value!, c.CellReference!.Value!, shared || c.InlineString is not null ? "s" : "n",
                    shared ? strings[int.Parse(text, System.Globalization.CultureInfo.InvariantCulture)] : text);
            });
            return cells;
        }).ToList();
    }
}
