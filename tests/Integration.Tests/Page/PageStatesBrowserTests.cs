using KampungKB.Core.Uploads.Links;
using Microsoft.Playwright;
using KampungKB.Core.Rendering.Templating;

namespace KampungKB.Integration.Tests.Page;

/// <summary>Every state of the upload page on a 360 px phone: names the file, shows no zero figures, wraps long names.</summary>
[Collection(AzuriteCollection.Name)]
public class PageStatesBrowserTests(AzuriteFixture azurite)
{
    private const float ResultTimeout = 60_000;
    private static readonly Lazy<PageTemplates> s_texts = new(() => PageTemplates.Load(Path.Combine(PipelineHarness.Root, "templates", "page")));

    private static FilePayload File(string name, byte[] content) => new() { Name = name, MimeType = "application/octet-stream", Buffer = content };

    private static Task AssertFitsAsync(IPage page, int width = 360) => Chromium.AssertReadableAsync(page, width);

    [SkippableFact]
    public async Task BeingChecked_NamesTheUploadedFile()
    {
        Chromium.Require();
        await using var h = await WebHarness.StartAsync(azurite, ingest: false);
        var page = await h.NewPageAsync(javaScript: false, width: 360, height: 740);
        await WebHarness.OpenAsync(page, await h.LinkAsync(WebHarness.Pelambuan));

        await page.Locator("#berkas").SetInputFilesAsync(File("kegiatan_oktober_2025_pelambuan.xlsx", PipelineHarness.Example("E01")));
        await page.Locator("#kirim-btn").ClickAsync();

        var pending = page.Locator("#menunggu");
        await Assertions.Expect(pending).ToBeVisibleAsync();
        await Assertions.Expect(pending).ToContainTextAsync("kegiatan_oktober_2025_pelambuan.xlsx");
        await Assertions.Expect(pending).Not.ToContainTextAsync(s_texts.Value.Texts["summary"]);
        await Chromium.ScreenshotPhonesAsync(page, "page-pending");
    }

    [SkippableFact]
    public async Task TsvFile_TakenByThePage_AndAccepted_NotRefusedAsAType()
    {
        Chromium.Require();
        await using var h = await WebHarness.StartAsync(azurite);
        var page = await h.NewPageAsync(javaScript: false, width: 360, height: 740);
        await WebHarness.OpenAsync(page, await h.LinkAsync(WebHarness.Pelambuan));
        Assert.Contains(".tsv", await page.Locator("#berkas").GetAttributeAsync("accept"));
        Assert.Contains(".ods", await page.Locator("#kirim").InnerTextAsync());
        var tsv = Encoding.UTF8.GetBytes(string.Join("\n", "Kampung KB Pelambuan Sejahtera", "Kelurahan Pelambuan", "Bulan: Oktober 2025", "",
            "Tanggal\tNama Kegiatan\tPeserta L\tPeserta P", "02/10/2025\tRapat Pokja\t5\t7", "15/10/2025\tPenyuluhan KB\t4\t9") + "\n");

        await page.Locator("#berkas").SetInputFilesAsync(File("kegiatan_oktober_2025_pelambuan.tsv", tsv));
        await page.Locator("#kirim-btn").ClickAsync();

        Assert.Equal(0, await page.Locator("#notice").CountAsync());
        await Assertions.Expect(page.Locator("#diterima")).ToBeVisibleAsync(new() { Timeout = ResultTimeout });
        await AssertFitsAsync(page);
    }

    /// <summary>
    /// An OpenDocument spreadsheet (as LibreOffice or a Google Drive download saves it) goes through the page end to end:
    /// taken by the page, stored as the kampung's blob under its own name, ingested by the blob trigger, and the result page
    /// shows it accepted with its two activities and 25 participants, readable at 360 and 390 px.
    /// </summary>
    [SkippableFact]
    public async Task OdsFile_PageToBlobToFeedback_Accepted()
    {
        Chromium.Require();
        await using var h = await WebHarness.StartAsync(azurite);
        var page = await h.NewPageAsync(javaScript: false, width: 360, height: 740);
        await WebHarness.OpenAsync(page, await h.LinkAsync(WebHarness.Pelambuan));
        Assert.Contains(".ods", await page.Locator("#berkas").GetAttributeAsync("accept"));
        var ods = KampungKB.Core.Tests.TestFiles.Ods("Oktober",
            new object?[] { "Kampung KB Pelambuan Sejahtera" }, new object?[] { "Kelurahan Pelambuan Kec. Banjarmasin Barat" }, new object?[] { "Bulan: Oktober 2025" },
            new object?[] { null }, new object?[] { "Tanggal", "Nama Kegiatan", "Peserta L", "Peserta P" },
            new object?[] { new DateTime(2025, 10, 2), "Rapat Pokja", 5d, 7d }, new object?[] { new DateTime(2025, 10, 15), "Penyuluhan KB", 4d, 9d });

        await page.Locator("#berkas").SetInputFilesAsync(File("kegiatan oktober 2025.ods", ods));
        await page.Locator("#kirim-btn").ClickAsync();

        Assert.Equal(0, await page.Locator("#notice").CountAsync());
        var accepted = page.Locator("#diterima");
        await Assertions.Expect(accepted).ToBeVisibleAsync(new() { Timeout = ResultTimeout });
        await Assertions.Expect(accepted).ToContainTextAsync("Oktober 2025");
        await Assertions.Expect(accepted.Locator("dd").Nth(1)).ToHaveTextAsync("2");
        await Assertions.Expect(accepted).ToContainTextAsync("25");
        // The page stored it as the kampung's upload blob (uploads/{area}/…), which the trigger judged: one accepted .ods upload logged.
        var logged = Assert.Single(await new KampungKB.Core.Store.UploadLog(azurite.Tables, h.Names).ListAsync("63.71", WebHarness.Pelambuan));
        Assert.Equal(("kegiatan oktober 2025.ods", KampungKB.Core.Model.UploadStatus.Accepted, 2), (logged.FileName, logged.Status, logged.ActivityCount));
        Assert.Contains(WebHarness.Pelambuan + "/", logged.Path, StringComparison.Ordinal);
        await AssertFitsAsync(page);
        await page.SetViewportSizeAsync(390, 740);
        await AssertFitsAsync(page, 390);
        await Chromium.ScreenshotPhonesAsync(page, "page-accepted-ods");
    }

    /// <summary>
    /// The bare address of <c>./kkb dev</c> is no blank 404: a short Indonesian page (texts from templates/cli) saying the
    /// upload pages open from each kampung's link and how to make the links, readable at 360 and 390 px.
    /// </summary>
    [SkippableFact]
    public async Task DevRoot_IsAShortIndonesianPage_PointingToTheLinks()
    {
        Chromium.Require();
        await using var h = await WebHarness.StartAsync(azurite, ingest: false);
        var root = new Uri(await h.LinkAsync(WebHarness.Pelambuan)).GetLeftPart(UriPartial.Authority) + "/";
        var page = await h.NewPageAsync(javaScript: false, width: 360, height: 740);

        var response = await page.GotoAsync(root);

        Assert.Equal(200, response!.Status);
        Assert.StartsWith("text/html", response.Headers["content-type"], StringComparison.Ordinal);
        Assert.Equal("id", await page.Locator("html").GetAttributeAsync("lang"));
        var texts = KampungKB.Cli.Commands.CliTexts.Default;
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync(texts.T("dev.root_title"));
        await Assertions.Expect(page.Locator("body")).ToContainTextAsync(texts.T("dev.root_text"));
        await Assertions.Expect(page.Locator("code").First).ToHaveTextAsync("./kkb links");
        await Assertions.Expect(page.Locator("code").Nth(1)).ToHaveTextAsync(texts.T("dev.root_recap"));
        await AssertFitsAsync(page);
        await page.SetViewportSizeAsync(390, 740);
        await AssertFitsAsync(page, 390);
        await Chromium.ScreenshotPhonesAsync(page, "dev-root");
    }

    [SkippableFact]
    public async Task IndicatorOnlyFile_ShowsItsIndicators_NoZeroActivityFigures()
    {
        Chromium.Require();
        await using var h = await WebHarness.StartAsync(azurite);
        var page = await h.NewPageAsync(javaScript: false, width: 360, height: 740);
        await WebHarness.OpenAsync(page, await h.LinkAsync(WebHarness.Pelambuan));

        await page.Locator("#berkas").SetInputFilesAsync(File("data_capaian_oktober_2025_pelambuan.xlsx", PipelineHarness.Example("E02")));
        await page.Locator("#kirim-btn").ClickAsync();

        var accepted = page.Locator("#diterima");
        await Assertions.Expect(accepted).ToBeVisibleAsync(new() { Timeout = ResultTimeout });
        var labels = await accepted.Locator("dt").AllTextContentsAsync();
        Assert.DoesNotContain(s_texts.Value.Texts["activities"], labels);
        Assert.DoesNotContain(s_texts.Value.Texts["participants"], labels);
        Assert.Contains(s_texts.Value.Indicators.First(i => i.Key == "families").Value, labels);
        await AssertFitsAsync(page);
        await Chromium.ScreenshotPhonesAsync(page, "page-accepted-indicators");
    }

    [SkippableFact]
    public async Task LongFileName_WrapsInsideItsCard_OnResultAndRecentUploads()
    {
        Chromium.Require();
        await using var h = await WebHarness.StartAsync(azurite);
        var page = await h.NewPageAsync(javaScript: false, width: 360, height: 740);
        var link = await h.LinkAsync(WebHarness.Pelambuan);
        await WebHarness.OpenAsync(page, link);
        var longName = "laporan_kegiatan_kampung_kb_pelambuan_sejahtera_kecamatan_banjarmasin_barat_bulan_oktober_2025_versi_perbaikan_final.csv";
        var csv = Encoding.UTF8.GetBytes(string.Join("\n", "Kampung KB Pelambuan Sejahtera,,,", "Kelurahan Pelambuan,,,", "Bulan: Oktober 2025,,,", ",,,",
            "Tanggal,Nama Kegiatan,Peserta L,Peserta P", "02/10/2025,Rapat Pokja,5,7", "31/11/2025,Penyuluhan,4,banyak") + "\n");

        await page.Locator("#berkas").SetInputFilesAsync(File(longName, csv));
        await page.Locator("#kirim-btn").ClickAsync();
        await Assertions.Expect(page.Locator("#ditolak")).ToBeVisibleAsync(new() { Timeout = ResultTimeout });
        await Assertions.Expect(page.Locator("#ditolak")).ToContainTextAsync(longName);
        await AssertFitsAsync(page);
        await Chromium.ScreenshotPhonesAsync(page, "page-rejected");

        await page.SetViewportSizeAsync(360, 740);
        await page.GotoAsync(link[..link.IndexOf('#')]);
        await Assertions.Expect(page.Locator("#riwayat")).ToContainTextAsync(longName);
        await AssertFitsAsync(page);
        await Chromium.ScreenshotPhonesAsync(page, "page-home-recent");
    }

    [SkippableFact]
    public async Task AcceptedAndRefusedAndNotice_AtPhoneWidths()
    {
        Chromium.Require();
        await using var h = await WebHarness.StartAsync(azurite);
        var page = await h.NewPageAsync(javaScript: false, width: 360, height: 740);
        var link = await h.LinkAsync(WebHarness.Pelambuan);
        await WebHarness.OpenAsync(page, link);
        await AssertFitsAsync(page);
        await Chromium.ScreenshotPhonesAsync(page, "page-home");

        await page.SetViewportSizeAsync(360, 740);
        await page.Locator("#berkas").SetInputFilesAsync(File("foto laporan.jpg", [0xFF, 0xD8, 0xFF, 0xE0]));
        await page.Locator("#kirim-btn").ClickAsync();
        await Assertions.Expect(page.Locator("#notice")).ToContainTextAsync("foto laporan.jpg");
        await Chromium.ScreenshotPhonesAsync(page, "page-notice-type");

        await page.SetViewportSizeAsync(360, 740);
        await page.GotoAsync(link[..link.IndexOf('#')]);
        await page.Locator("#berkas").SetInputFilesAsync(File("kegiatan_oktober_2025_pelambuan.xlsx", PipelineHarness.Example("E01")));
        await page.Locator("#kirim-btn").ClickAsync();
        await Assertions.Expect(page.Locator("#diterima")).ToBeVisibleAsync(new() { Timeout = ResultTimeout });
        await AssertFitsAsync(page);
        await Chromium.ScreenshotPhonesAsync(page, "page-accepted");

        await page.SetViewportSizeAsync(360, 740);
        await page.GotoAsync(link[..link.LastIndexOf('/')] + "/bukan-token");
        await Assertions.Expect(page.Locator("#refused")).ToBeVisibleAsync();
        await AssertFitsAsync(page);
        await Chromium.ScreenshotPhonesAsync(page, "page-refused");
    }

    [SkippableFact]
    public async Task RetiredKampungAndBareAddress_ClearPages_AtPhoneWidth()
    {
        Chromium.Require();
        await using var h = await WebHarness.StartAsync(azurite, ingest: false);
        var page = await h.NewPageAsync(width: 360, height: 740);
        var link = await h.LinkAsync(WebHarness.Pelambuan);

        await page.GotoAsync(link[..link.IndexOf('#')]);              // the address without the link's token
        await Assertions.Expect(page.Locator("#refused")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#refused")).ToContainTextAsync(s_texts.Value.Texts["opening_nolink"]);
        await AssertFitsAsync(page);
        await Chromium.ScreenshotPhonesAsync(page, "page-no-token");

        var importer = TestStores.RegistryImporter(PipelineHarness.Engine, azurite.Tables, h.Names, TimeProvider.System,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<KampungKB.Core.Registry.RegistryImporter>.Instance);
        Assert.Equal(1, (await importer.ImportAsync("daftar.csv", Faults.RetiredKampungTests.BanjarmasinRegistry(WebHarness.Pelambuan))).Retired);
        await page.SetViewportSizeAsync(360, 740);
        await page.GotoAsync(link);
        await Assertions.Expect(page.Locator("#retired")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#retired")).ToContainTextAsync(s_texts.Value.Texts["retired_title"]);
        Assert.Equal(0, await page.Locator("#berkas").CountAsync());
        await AssertFitsAsync(page);
        await Chromium.ScreenshotPhonesAsync(page, "page-retired");
    }
}
