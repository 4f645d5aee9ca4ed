using KampungKB.Core.Dashboard;
using Microsoft.Playwright;

namespace KampungKB.Integration.Tests.Dashboard;

/// <summary>
/// The dashboard's pages in headless Chromium at a phone's 360 and 390 px and a PC's 1280 px: nothing wider than the
/// screen, no word broken inside, the kampung's status and its buttons visible; pictures for docs/dashboard.md
/// (docs/img/dashboard-*.png, written when KKB_SCREENSHOTS=1).
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class DashboardBrowserTests(AzuriteFixture azurite)
{
    [SkippableFact]
    public async Task SignInAndMonthOverview_ReadableAt360_390_1280()
    {
        Chromium.Require();
        await using var d = await WebHarness.StartDashboardAsync(azurite, "dsg");
        await d.AddUserAsync("kasi.data@dppkb.banjarmasin.go.id", DashboardRole.Regency, "63.71");
        // October 2025 as the sample: Pelambuan's activities arrive (on time, 12 Nov is after the 10th: late) and one file is refused.
        await d.H.DropAsync(d.Names.Uploads, "63.71.04.1005/E01_kegiatan_oktober_2025_pelambuan.xlsx", PipelineHarness.Example("E01"));
        await d.Runner.RunOnceAsync();
        var http = d.NewBrowser();
        await http.SignInAsUserAsync("kasi.data@dppkb.banjarmasin.go.id");

        foreach (var width in new[] { 360, 390, 1280 })
        {
            var page = await d.NewPageAsync(width: width, height: 800);
            var signIn = await page.GotoAsync(new Uri(d.Api, "dashboard").ToString());
            Assert.Equal(200, signIn!.Status);
            Assert.True(await page.Locator("#email").IsVisibleAsync());
            await Chromium.AssertReadableAsync(page, width, "sign-in page");
            await Chromium.ScreenshotAsync(page, $"dashboard-masuk-{width}.png");

            await d.AddSessionAsync(page.Context, http.Cookies[DashboardGate.SessionCookie]);
            var overview = await page.GotoAsync(new Uri(d.Api, "dashboard/63.71/2025-10").ToString());
            Assert.Equal(200, overview!.Status);
            Assert.Contains("Oktober 2025", await page.InnerTextAsync("header"));
            Assert.True(await page.Locator("#kecamatan table").IsVisibleAsync());
            Assert.True(await page.Locator("ul.kk li").CountAsync() > 1);
            Assert.Contains("terlambat", await page.InnerTextAsync("#k-63\\.71\\.04\\.1005"));
            Assert.True(await page.GetByText("Kirim pengingat").First.IsVisibleAsync());
            await Chromium.AssertReadableAsync(page, width, "month overview");
            await Chromium.ScreenshotAsync(page, $"dashboard-ringkasan-{width}.png");
            await page.Context.CloseAsync();
        }
    }
}
