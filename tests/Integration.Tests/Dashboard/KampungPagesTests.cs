using System.Net;
using System.Text;
using KampungKB.Core.Dashboard;
using KampungKB.Core.Model;
using KampungKB.Core.Outbox.Notifications;
using Microsoft.Playwright;
using static KampungKB.Integration.Tests.Support.WebHarness;

namespace KampungKB.Integration.Tests.Dashboard;

/// <summary>The kampung page, its files, exports and actions, and the trends page, over HTTP and in Chromium (docs/dashboard.md).</summary>
[Collection(AzuriteCollection.Name)]
public class KampungPagesTests(AzuriteFixture azurite)
{
    private const int MaxPageBytes = 100 * 1024;

    /// <summary>A report for October 2025 with a date in November: refused (date-outside-period).</summary>
    private static readonly byte[] RefusedCsv = Encoding.UTF8.GetBytes(string.Join("\n", "Kampung KB Pelambuan Sejahtera", "Kelurahan Pelambuan", "Bulan: Oktober 2025", "",
        "Tanggal,Nama Kegiatan,Peserta L,Peserta P", "02/11/2025,Rapat Pokja,5,7") + "\n");

    private static string KampungUrl(string regency, string area, string query = "?bulan=2025-10") => DashboardRoutes.KampungPath(regency, area).TrimStart('/') + query;

    private static FormUrlEncodedContent Form(params (string Key, string Value)[] fields) =>
        new(fields.Select(f => new KeyValuePair<string, string>(f.Key, f.Value)));

    [SkippableFact]
    public async Task KampungPage_ShowsTheMonthAsStored_EveryUpload_AndTheOriginalByteForByte_ReadableOnPhoneAndPc()
    {
        Chromium.Require();
        await using var h = await StartAsync(azurite, "db");
        var refused = await h.UploadAsync(Pelambuan, "kegiatan_salah.csv", RefusedCsv);
        var accepted = await h.UploadAsync(Pelambuan, "kegiatan_oktober_2025_pelambuan.xlsx", PipelineHarness.Example("E01"));
        await h.UploadAsync(Pelambuan, "data_capaian_oktober_2025_pelambuan.xlsx", PipelineHarness.Example("E02"));
        Assert.Equal(UploadStatus.Rejected, refused.Status);
        Assert.Equal(UploadStatus.Accepted, accepted.Status);
        var (cookie, _) = await h.SessionAsync("dinas@banjarmasin.example", DashboardRole.Regency, Banjarmasin);

        var html = await h.Client(cookie).GetStringAsync(KampungUrl(Banjarmasin, Pelambuan));
        Assert.True(Encoding.UTF8.GetByteCount(html) < MaxPageBytes, $"kampung page is {Encoding.UTF8.GetByteCount(html)} bytes");

        foreach (var width in new[] { 360, 390, 1280 })
        {
            var page = await h.NewPageAsync(width: width, height: 800, session: cookie);
            var response = await page.GotoAsync(h.Address + KampungUrl(Banjarmasin, Pelambuan));
            Assert.Equal(200, response!.Status);
            Assert.Equal(12, await page.Locator("#bulan li").CountAsync());
            Assert.Equal(5, await page.Locator("#kegiatan li").CountAsync());
            Assert.Equal(3, await page.Locator("#berkas > ul > li").CountAsync());
            await Assertions.Expect(page.Locator($"#u-{refused.UploadId}")).ToContainTextAsync("ditolak");
            await Assertions.Expect(page.Locator($"#u-{refused.UploadId} ol li")).Not.ToHaveCountAsync(0);
            await Assertions.Expect(page.Locator("#capaian")).ToContainTextAsync("1.488");
            await Assertions.Expect(page.Locator("#kelas")).ToContainTextAsync("Berkembang");
            await Chromium.AssertReadableAsync(page, width, $"kampung page at {width} px");
            if (width == 1280) await Chromium.ScreenshotAsync(page, "dashboard-kampung-1280.png");
            else if (width == 360) await Chromium.ScreenshotPhonesAsync(page, "dashboard-kampung");

            if (width == 390)
            {
                var download = await page.RunAndWaitForDownloadAsync(() => page.Locator($"#u-{accepted.UploadId} a[download]").ClickAsync());
                Assert.Equal("kegiatan_oktober_2025_pelambuan.xlsx", download.SuggestedFilename);
                Assert.Equal(PipelineHarness.Example("E01"), await File.ReadAllBytesAsync((await download.PathAsync())!));
            }
            await page.Context.CloseAsync();
        }
    }

    [SkippableFact]
    public async Task AnotherKabupaten_KampungPageAndFile_Refused_AndAnotherKampungsFile_NotFound()
    {
        await using var h = await StartAsync(azurite, "db");
        var upload = await h.UploadAsync(Pelambuan, "kegiatan_oktober_2025_pelambuan.xlsx", PipelineHarness.Example("E01"));
        var (banjarmasin, _) = await h.SessionAsync("dinas@banjarmasin.example", DashboardRole.Regency, Banjarmasin);
        var (tanahLaut, _) = await h.SessionAsync("dinas@tanahlaut.example", DashboardRole.Regency, TanahLaut);
        var file = DashboardRoutes.KampungOriginalPath(Banjarmasin, Pelambuan, upload.UploadId).TrimStart('/');

        var own = await h.Client(banjarmasin).GetAsync(file);
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Equal(PipelineHarness.Example("E01"), await own.Content.ReadAsByteArrayAsync());

        var other = h.Client(tanahLaut);
        Assert.Equal(HttpStatusCode.Forbidden, (await other.GetAsync(KampungUrl(Banjarmasin, Pelambuan))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await other.GetAsync(file)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await other.GetAsync(DashboardRoutes.KampungExportPath(Banjarmasin, Pelambuan).TrimStart('/'))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await other.GetAsync(DashboardRoutes.TrendsPath(Banjarmasin).TrimStart('/'))).StatusCode);
        // Through its own kabupaten's address: a Banjarmasin kampung, or Pelambuan's upload id under its own kampung, is not found.
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync(KampungUrl(TanahLaut, Pelambuan))).StatusCode);
        var smuggled = await other.GetAsync(DashboardRoutes.KampungOriginalPath(TanahLaut, TajauPecah, upload.UploadId).TrimStart('/'));
        Assert.Equal(HttpStatusCode.NotFound, smuggled.StatusCode);
        Assert.DoesNotContain("PK", Encoding.Latin1.GetString(await smuggled.Content.ReadAsByteArrayAsync())[..2]);
        // No session at all: to the sign-in page, no file.
        var anonymous = await h.Client(null).GetAsync(file);
        Assert.Equal(HttpStatusCode.SeeOther, anonymous.StatusCode);
    }

    [SkippableFact]
    public async Task KirimUlangTautan_SameFormPostedTwice_OneMail_WithoutCsrf_Refused()
    {
        await using var h = await StartAsync(azurite, "db");
        var (cookie, csrf) = await h.SessionAsync("dinas@banjarmasin.example", DashboardRole.Regency, Banjarmasin);
        var client = h.Client(cookie);
        var html = await client.GetStringAsync(KampungUrl(Banjarmasin, Pelambuan));
        var id = System.Text.RegularExpressions.Regex.Match(html, "name=\"id\" value=\"([0-9a-f]{32}-tautan)\"").Groups[1].Value;
        Assert.NotEmpty(id);
        var action = DashboardRoutes.KampungActionPath(Banjarmasin, Pelambuan).TrimStart('/') + "?bulan=2025-10";

        var forged = await client.PostAsync(action, Form(("action", KampungActions.Link), ("id", id)));
        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        Assert.Empty(h.Mail.Sent);

        var first = await client.PostAsync(action, Form(("csrf", csrf), ("action", KampungActions.Link), ("id", id)));
        var second = await client.PostAsync(action, Form(("csrf", csrf), ("action", KampungActions.Link), ("id", id)));
        Assert.Equal(HttpStatusCode.SeeOther, first.StatusCode);
        Assert.EndsWith("hasil=terkirim", first.Headers.Location!.ToString());
        Assert.EndsWith("hasil=sudah", second.Headers.Location!.ToString());
        var mail = Assert.Single(h.Mail.Sent);
        Assert.Equal(["pokja.pelambuan@example.org"], mail.To);
        Assert.Contains("/api/kampung/" + Pelambuan + "#", mail.HtmlBody);
        var rows = await new NotificationLog(azurite.Tables, h.Names).ListAsync(Banjarmasin, new ReportingPeriod(2025, 10));
        Assert.Single(rows, r => r.AreaCode == Pelambuan && r.Kind == KampungActions.LinkKind && r.State == NotificationState.Sent);

        // The reminder is the overview's, once a day whichever page asks.
        var reminderId = System.Text.RegularExpressions.Regex.Match(html, "name=\"id\" value=\"([0-9a-f]{32}-pengingat)\"").Groups[1].Value;
        var reminded = await client.PostAsync(action, Form(("csrf", csrf), ("action", KampungActions.Reminder), ("id", reminderId)));
        var again = await client.PostAsync(DashboardRoutes.RemindPath(Banjarmasin, new ReportingPeriod(2025, 10)).TrimStart('/'), Form(("csrf", csrf), ("area", Pelambuan)));
        Assert.EndsWith("hasil=terkirim", reminded.Headers.Location!.ToString());
        Assert.Contains("pesan=sudah", again.Headers.Location!.ToString());
        Assert.Equal(2, h.Mail.Sent.Count);
    }

    [SkippableFact]
    public async Task Trends_AndExports_ServedToTheRegency_TrendsReadableAt360And1280()
    {
        Chromium.Require();
        await using var h = await StartAsync(azurite, "db");
        await h.UploadAsync(Pelambuan, "kegiatan_oktober_2025_pelambuan.xlsx", PipelineHarness.Example("E01"));
        var (cookie, _) = await h.SessionAsync("dinas@banjarmasin.example", DashboardRole.Regency, Banjarmasin);
        var client = h.Client(cookie);

        foreach (var indicator in TrendIndicators.All)
        {
            var html = await client.GetStringAsync(DashboardRoutes.TrendsPath(Banjarmasin).TrimStart('/') + "?indikator=" + indicator);
            Assert.True(Encoding.UTF8.GetByteCount(html) < MaxPageBytes, $"trends page ({indicator}) is {Encoding.UTF8.GetByteCount(html)} bytes");
            Assert.Contains("<svg", html);
            Assert.DoesNotContain("<script src", html);
        }
        foreach (var width in new[] { 360, 390, 1280 })
        {
            var page = await h.NewPageAsync(width: width, height: 800, session: cookie);
            await page.GotoAsync(h.Address + DashboardRoutes.TrendsPath(Banjarmasin).TrimStart('/') + "?indikator=laporan");
            Assert.Equal(4, await page.Locator("section.kec svg").CountAsync()); // the four kecamatan of Banjarmasin in E06
            await Chromium.AssertReadableAsync(page, width, $"trends page at {width} px");
            if (width == 1280) await Chromium.ScreenshotAsync(page, "dashboard-trends-1280.png");
            else if (width == 360) await Chromium.ScreenshotPhonesAsync(page, "dashboard-trends");
            await page.Context.CloseAsync();
        }

        var kampung = await client.GetAsync(DashboardRoutes.KampungExportPath(Banjarmasin, Pelambuan).TrimStart('/') + "?bulan=2025-10");
        Assert.Equal(HttpStatusCode.OK, kampung.StatusCode);
        Assert.Equal($"kampung-kb-{Pelambuan}-2024-11-2025-10.xlsx", kampung.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        var overview = await client.GetAsync(DashboardRoutes.OverviewExportPath(Banjarmasin, new ReportingPeriod(2025, 10)).TrimStart('/'));
        Assert.Equal(HttpStatusCode.OK, overview.StatusCode);
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        using var reader = ExcelDataReader.ExcelReaderFactory.CreateReader(new MemoryStream(await overview.Content.ReadAsByteArrayAsync()));
        var rows = new List<string>();
        while (reader.Read()) rows.Add($"{reader.GetValue(0)}|{reader.GetValue(4)}");
        Assert.Equal(5, rows.Count); // header + the four Banjarmasin kampung of E06
        Assert.Contains($"{Pelambuan}|terlambat", rows); // uploaded today, long after its deadline
    }
}
