using KampungKB.Cli.Commands;
using KampungKB.Cli.Dev;
using KampungKB.Core.Ingestion.Validation;

namespace KampungKB.Integration.Tests.Functions;

/// <summary>
/// <c>kkb upload FOLDER.zip --kampung AREA --json</c> (docs/channels.md) against an account in AzureWebJobsStorage, with the local
/// runner as the deployed app: one <c>files</c> item per spreadsheet in the zip, the others under <c>skipped</c>.
/// </summary>
[Collection(AzuriteCollection.Name)]
public class ZipUploadCommandTests(AzuriteFixture azurite)
{
    [SkippableFact]
    public async Task UploadZip_Json_PrintsOneOutcomePerSpreadsheet_AndTheSkippedFiles()
    {
        var zip = Path.Combine(Path.GetTempPath(), $"Laporan Pelambuan {Guid.NewGuid():N}.zip");
        await File.WriteAllBytesAsync(zip, Zips.Of(
            // The activities as a CSV of this test's own (a unique title): the CLI writes to the run's default tables, where
            // UploadCommandTests uploads E01 for the same kampung and month; identical content would make one of them "unchanged".
            ("Laporan Pelambuan/kegiatan oktober 2025.csv", System.Text.Encoding.UTF8.GetBytes(
                "Kelurahan Pelambuan,,,\r\nBulan: Oktober 2025,,,\r\nTanggal,Nama Kegiatan,Peserta L,Peserta P\r\n" +
                $"02/10/2025,Rapat Pokja {Guid.NewGuid():N},4,6\r\n07/10/2025,Penyuluhan KB,3,12\r\n14/10/2025,Kelas BKB,0,15\r\n" +
                "21/10/2025,Posyandu Remaja,8,9\r\n28/10/2025,Pertemuan UPPKA,2,10\r\n")),
            ("Laporan Pelambuan/capaian/E02_data_capaian_oktober_2025_pelambuan.xlsx", PipelineHarness.Example("E02")),
            ("Laporan Pelambuan/foto rapat.jpg", [0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10])));
        try
        {
            var (code, stdout) = await UploadCommandHarness.RunWithAppAsync(azurite, "upload", zip, "--kampung", "63.71.04.1005", "--json", "--timeout", "90");

            Assert.Equal(0, code);
            using var doc = JsonDocument.Parse(stdout);
            var o = doc.RootElement;
            Assert.Equal("archive", o.GetProperty("status").GetString());
            var files = o.GetProperty("files").EnumerateArray().ToList();
            Assert.Equal(2, files.Count);
            string[] keys = ["file", "uploadId", "status", "areaCode", "period", "activities", "indicators", "errors", "warnings", "problems"];
            Assert.All(files, f => Assert.Equal(keys, f.EnumerateObject().Select(p => p.Name).ToArray()));
            var kegiatan = files.Single(f => f.GetProperty("file").GetString()!.EndsWith(".csv", StringComparison.Ordinal));
            Assert.Equal(("accepted", 5, "2025-10", "63.71.04.1005"), (kegiatan.GetProperty("status").GetString(), kegiatan.GetProperty("activities").GetInt32(),
                kegiatan.GetProperty("period").GetString(), kegiatan.GetProperty("areaCode").GetString()));
            Assert.All(files, f => Assert.NotEqual(o.GetProperty("uploadId").GetString(), f.GetProperty("uploadId").GetString()));
            var skipped = Assert.Single(o.GetProperty("skipped").EnumerateArray().ToList());
            Assert.Equal(("Laporan Pelambuan/foto rapat.jpg", ProblemCodes.ArchiveEntryNotSpreadsheet), (skipped.GetProperty("file").GetString(), skipped.GetProperty("reason").GetString()));
        }
        finally { File.Delete(zip); }
    }

    [Fact]
    public void PrintFolder_Text_ALinePerFile_ProblemsUnderTheRejected()
    {
        using var doc = JsonDocument.Parse("""
            {"uploadId":"20251103T020000-aaaaaaaaaaaa","file":"folder.zip","status":"archive","problems":[],
             "files":[{"file":"a/kegiatan.xlsx","uploadId":"u1","status":"accepted","areaCode":"63.71.04.1005","period":"2025-10","activities":5,"indicators":0,"errors":0,"warnings":0,"problems":[]},
                      {"file":"a/salah.csv","uploadId":"u2","status":"rejected","areaCode":"63.71.04.1005","period":"2025-10","activities":1,"indicators":0,"errors":2,"warnings":0,
                       "problems":[{"severity":"error","code":"not-a-number","message":"Isi \"banyak\" bukan angka."}]}],
             "skipped":[{"file":"a/scan.pdf","reason":"archive-entry-not-spreadsheet","message":"bukan lembar kerja"}]}
            """);
        var o = new StringWriter();

        var code = UploadCommand.PrintFolder(new Core.Uploads.UploadOutcome("20251103T020000-aaaaaaaaaaaa", "archive", "63.71.04.1005", null, 0, 0, 0, 0), doc.RootElement, json: false, o);

        Assert.Equal(CommandLine.Rejected, code);
        var lines = o.ToString().TrimEnd().Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        Assert.Equal(5, lines.Count);
        Assert.Contains("2 lembar kerja, 1 diterima, 1 ditolak, 1 berkas lain dilewati", lines[0]);
        Assert.Matches(@"✓ a/kegiatan\.xlsx: diterima; .*Oktober 2025: 5 kegiatan", lines[1]);
        Assert.Matches(@"✗ a/salah\.csv: ditolak", lines[2]);
        Assert.Contains("bukan angka", lines[3]);
        Assert.Contains("a/scan.pdf: dilewati", lines[4]);
    }
}
