using Microsoft.Playwright;

namespace KampungKB.Integration.Tests.Page;

/// <summary>What a cadre sees on a phone: Chromium driving the page through the local HTTP-trigger host.</summary>
[Collection(AzuriteCollection.Name)]
public class UploadPageBrowserTests(AzuriteFixture azurite)
{
    private const float ResultTimeout = 60_000;

    private static FilePayload File(string name, byte[] content) => new() { Name = name, MimeType = "application/octet-stream", Buffer = content };

    private static byte[] FaultyCsv() => Encoding.UTF8.GetBytes(string.Join("\n",
        "Kampung KB Pelambuan Sejahtera,,,", "Kelurahan Pelambuan Kec. Banjarmasin Barat,,,", "Bulan: Oktober 2025,,,", ",,,",
        "Tanggal,Nama Kegiatan,Peserta L,Peserta P", "02/10/2025,Rapat Pokja,5,7", "31/11/2025,Penyuluhan,4,banyak") + "\n");

    [SkippableFact]
    public async Task ValidUpload_WithoutJavaScript_ShowsAcceptedSummary()
    {
        Chromium.Require();
        await using var h = await WebHarness.StartAsync(azurite);
        var page = await h.NewPageAsync(javaScript: false);
        var link = await h.LinkAsync(WebHarness.Pelambuan);
        await WebHarness.OpenAsync(page, link);
        await Assertions.Expect(page.Locator("header")).ToContainTextAsync("Pelambuan");

        await page.Locator("#berkas").SetInputFilesAsync(File("kegiatan_oktober_2025_pelambuan.xlsx", PipelineHarness.Example("E01")));
        await page.Locator("#kirim-btn").ClickAsync();

        // The plain form POST answers 303 to the result page, which refreshes itself until ingestion has run.
        var accepted = page.Locator("#diterima");
        await Assertions.Expect(accepted).ToBeVisibleAsync(new() { Timeout = ResultTimeout });
        await Assertions.Expect(accepted).ToContainTextAsync("Oktober 2025");
        await Assertions.Expect(accepted.Locator("dd").Nth(1)).ToHaveTextAsync("5");
        await Assertions.Expect(accepted).ToContainTextAsync("140");

        await page.GotoAsync(link[..link.IndexOf('#')]); // the cookie opens the page again
        await Assertions.Expect(page.Locator("#riwayat")).ToContainTextAsync("kegiatan_oktober_2025_pelambuan.xlsx");
        await Assertions.Expect(page.Locator("#bulan-kosong")).Not.ToContainTextAsync("Oktober 2025");
    }

    [SkippableFact]
    public async Task FaultyFile_ShowsEachProblemWithItsRow()
    {
        Chromium.Require();
        await using var h = await WebHarness.StartAsync(azurite);
        var page = await h.NewPageAsync();
        await page.GotoAsync(await h.LinkAsync(WebHarness.Pelambuan));

        await page.Locator("#berkas").SetInputFilesAsync(File("laporan oktober.csv", FaultyCsv()));
        await page.Locator("#kirim-btn").ClickAsync();

        var rejected = page.Locator("#ditolak");
        await Assertions.Expect(rejected).ToBeVisibleAsync(new() { Timeout = ResultTimeout });
        await Assertions.Expect(rejected).ToContainTextAsync("baris 7, kolom A");
        await Assertions.Expect(rejected).ToContainTextAsync("31/11/2025");
        await Assertions.Expect(rejected).ToContainTextAsync("banyak");
        Assert.True(await rejected.Locator("ol > li").CountAsync() >= 2);
    }

    [SkippableFact]
    public async Task ExpiredTamperedOrRevokedLink_IsRefusedWithoutDetail()
    {
        Chromium.Require();
        await using var h = await WebHarness.StartAsync(azurite);
        var page = await h.NewPageAsync();

        var expired = await h.LinkAsync(WebHarness.Pelambuan, TimeSpan.FromMinutes(-1));
        var valid = await h.LinkAsync(WebHarness.Pelambuan);
        var tampered = valid[..^3] + (valid[^3] == 'A' ? "B" : "A") + valid[^2..];
        var revoked = await h.LinkAsync(WebHarness.BanuaAnyar);
        await h.Links.RevokeAsync(WebHarness.BanuaAnyar);

        foreach (var url in new[] { expired, tampered, revoked, valid[..valid.LastIndexOf('/')] + "/bukan-token" })
        {
            // The link's page posts the fragment to /buka, which answers 403 with the refusal.
            var refusal = page.WaitForResponseAsync(r => r.Status == 403);
            await page.GotoAsync(url);
            await refusal;
            await Assertions.Expect(page.Locator("#refused")).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator("form")).ToHaveCountAsync(0);
            var text = await page.ContentAsync();
            Assert.DoesNotContain("63.71", text);
            Assert.DoesNotContain("Pelambuan", text);
        }

        // A refused link cannot store anything either, even by a direct POST.
        var post = await page.APIRequest.PostAsync(revoked[..revoked.IndexOf('#')], new() { Multipart = MultipartFor(page, "a.csv", FaultyCsv()) });
        Assert.Equal(403, post.Status);
        Assert.Empty(await h.UploadedBlobNamesAsync());
    }

    [SkippableFact]
    public async Task LinkForKampungA_CannotWriteForKampungB()
    {
        Chromium.Require();
        // No pipeline: it would move the upload out of uploads/ before the folder is checked below.
        await using var h = await WebHarness.StartAsync(azurite, ingest: false);
        var page = await h.NewPageAsync();
        var linkA = await h.LinkAsync(WebHarness.Pelambuan);
        await page.GotoAsync(linkA);                                  // the page's script opens the link: A's cookie is set
        await Assertions.Expect(page.Locator("#kirim-btn")).ToBeVisibleAsync();
        var pageA = linkA[..linkA.IndexOf('#')];
        var pageB = pageA[..(pageA.LastIndexOf('/') + 1)] + WebHarness.BanuaAnyar;

        // Whatever the form says, the link decides the folder.
        var form = MultipartFor(page, "../63.71.03.1002/laporan.xlsx", PipelineHarness.Example("E05"));
        form.Set("areaCode", WebHarness.BanuaAnyar);
        var post = await page.APIRequest.PostAsync(pageA, new() { Multipart = form, MaxRedirects = 0 });
        Assert.Equal(303, post.Status);
        // At B's address A's cookie is not even sent (its path is A's page): refused.
        Assert.Equal(403, (await page.APIRequest.PostAsync(pageB, new() { Multipart = MultipartFor(page, "b.xlsx", PipelineHarness.Example("E05")) })).Status);

        // A link whose payload names kampung B but carries A's signature is refused.
        var token = linkA[(linkA.IndexOf('#') + 1)..];
        var payload = Encoding.ASCII.GetString(System.Buffers.Text.Base64Url.DecodeFromChars(token.AsSpan(0, token.IndexOf('.'))));
        var forged = System.Buffers.Text.Base64Url.EncodeToString(Encoding.ASCII.GetBytes(payload.Replace(WebHarness.Pelambuan, WebHarness.BanuaAnyar, StringComparison.Ordinal))) + token[token.IndexOf('.')..];
        var open = page.APIRequest.CreateFormData();
        open.Set("t", forged);
        Assert.Equal(403, (await page.APIRequest.PostAsync(pageB + "/buka", new() { Form = open, MaxRedirects = 0 })).Status);

        var blobs = await h.UploadedBlobNamesAsync();
        var stored = Assert.Single(blobs);
        Assert.StartsWith(WebHarness.Pelambuan + "/", stored, StringComparison.Ordinal);
        Assert.EndsWith("-laporan.xlsx", stored, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task PhoneViewport_360x740_FitsWithLargeTargetsUnder50KB()
    {
        Chromium.Require();
        await using var h = await WebHarness.StartAsync(azurite);
        var page = await h.NewPageAsync(width: 360, height: 740);
        await page.GotoAsync(await h.LinkAsync(WebHarness.Pelambuan));
        await Assertions.Expect(page.Locator("#kirim-btn")).ToBeVisibleAsync();

        Assert.True(Encoding.UTF8.GetByteCount(await page.ContentAsync()) < 50 * 1024);
        Assert.DoesNotContain("#", page.Url, StringComparison.Ordinal); // the token left the address bar
        Assert.True(await page.EvaluateAsync<int>("document.documentElement.scrollWidth") <= 360);
        var button = await page.Locator("#kirim-btn").BoundingBoxAsync();
        Assert.True(button!.Height >= 48 && button.Width >= 300, $"send button {button.Width}x{button.Height}");
        var input = await page.Locator("#berkas").BoundingBoxAsync();
        Assert.True(input!.Height >= 44, $"file input height {input.Height}");
        await Assertions.Expect(page.Locator("#bulan-kosong")).ToBeVisibleAsync();
        Assert.Equal(0, await page.Locator("link[rel=stylesheet], script[src], img").CountAsync());
    }

    private static IFormData MultipartFor(IPage page, string fileName, byte[] content)
    {
        var form = page.APIRequest.CreateFormData();
        form.Set("berkas", File(fileName, content));
        return form;
    }
}
