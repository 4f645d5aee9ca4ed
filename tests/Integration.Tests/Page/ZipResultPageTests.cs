using KampungKB.Core.Uploads.Links;
using Microsoft.Extensions.DependencyInjection;

namespace KampungKB.Integration.Tests.Page;

/// <summary>
/// A folder sent as one .zip through the upload page (docs/channels.md), the IngestUpload function run by the local runner, and the
/// result page the cadre lands on: every file of the zip with its outcome. The HTML is kept under .build/gallery.
/// </summary>
[Collection(AzuriteCollection.Name)]
public class ZipResultPageTests(AzuriteFixture azurite)
{
    [SkippableFact]
    public async Task ZipThroughThePage_ResultListsEachFile_WithItsOutcome()
    {
        await using var h = await WebHarness.StartAsync(azurite, "zpg", ingest: false);
        var links = h.Links;
        await links.EnsureAsync();
        var desk = h.Host.Services.GetRequiredService<UploadDesk>();
        var kampung = (await h.Registry.GetAsync(WebHarness.Pelambuan))!;
        var token = new Uri((await links.IssueAsync(kampung)).Url).Fragment[1..]; // links carry the token in the fragment
        var zip = Zips.Of(
            ("Laporan Pelambuan/E01_kegiatan_oktober_2025_pelambuan.xlsx", PipelineHarness.Example("E01")),
            ("Laporan Pelambuan/capaian/E02_data_capaian_oktober_2025_pelambuan.xlsx", PipelineHarness.Example("E02")),
            ("Laporan Pelambuan/kegiatan salah.csv", System.Text.Encoding.UTF8.GetBytes(
                "Kelurahan Pelambuan,,,\r\nBulan: Oktober 2025,,,\r\nTanggal,Nama Kegiatan,Peserta L,Peserta P\r\n07/10/2025,Rapat,banyak,2\r\n")),
            ("Laporan Pelambuan/scan daftar hadir.pdf", "%PDF-1.7\n"u8.ToArray()));

        var sent = await desk.ReceiveAsync(kampung.AreaCode, token, "Laporan Pelambuan.zip", zip, wantsJson: false);
        Assert.Equal(303, sent.StatusCode);
        var dispatch = Assert.Single(await h.Runner.RunOnceAsync(), d => d.Function == "IngestUpload");
        Assert.True(dispatch.Succeeded, dispatch.Error);
        var result = await desk.ResultAsync(kampung.AreaCode, token, new Uri(sent.Location!).Segments[^1]);

        Assert.Equal(200, result.StatusCode);
        var html = result.Body.Replace("<wbr>", "", StringComparison.Ordinal);   // file names carry line-break points
        var dir = Path.Combine(PipelineHarness.Root, ".build", "gallery");
        Directory.CreateDirectory(dir);
        await File.WriteAllTextAsync(Path.Combine(dir, "page-folder.html"), html);
        Assert.Contains("id=\"isi-zip\"", html);
        foreach (var file in new[] { "E01_kegiatan_oktober_2025_pelambuan.xlsx", "E02_data_capaian_oktober_2025_pelambuan.xlsx", "kegiatan salah.csv", "scan daftar hadir.pdf" })
            Assert.Contains(file, html);
        Assert.Contains("Oktober 2025: 5 kegiatan", html);
        Assert.Contains("Dilewati", html);
        Assert.Contains("bukan angka", html);
        Assert.Contains("2 diterima, 1 ditolak", html);

        var home = await desk.HomeAsync(kampung.AreaCode, token);
        Assert.Contains("Folder zip", home.Body);
        Assert.Contains(".zip", home.Body);
    }
}
