using KampungKB.Core.Dashboard;
using KampungKB.Integration.Tests.Azurite;
using KampungKB.Integration.Tests.Page;
using KampungKB.Integration.Tests.Pipeline;
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
        PageHarness.RequireChromium();
        await using var d = await DashboardHarness.StartAsync(azurite, "dsg");
        await d.AddUserAsync("kasi.data@dppkb.banjarmasin.go.id", DashboardRole.Regency, "63.71");
        // October 2025 as the sample: Pelambuan's activities arrive (on time, 12 Nov is after the 10th: late) and one file is refused.
        await d.H.DropAsync(d.H.Names.Uploads, "63.71.04.1005/E01_kegiatan_oktober_2025_pelambuan.xlsx", PipelineHarness.Example("E01"));
        await d.H.Runner.RunOnceAsync();
        var http = d.NewBrowser();
        await http.SignInAsUserAsync("kasi.data@dppkb.banjarmasin.go.id");

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = PageHarness.ChromiumPath, Headless = true, Args = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"],
        });
        foreach (var width in new[] { 360, 390, 1280 })
        {
            var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = width, Height = 800 } });
            var page = await context.NewPageAsync();
            var signIn = await page.GotoAsync(new Uri(d.Base, "dashboard").ToString());
            Assert.Equal(200, signIn!.Status);
            Assert.True(await page.Locator("#email").IsVisibleAsync());
            await PageHarness.AssertReadableAsync(page, width, "sign-in page");
            await PageHarness.ScreenshotAsync(page, $"dashboard-masuk-{width}.png");

            await context.AddCookiesAsync([new Cookie
            {
                Name = DashboardGate.SessionCookie, Value = http.Cookies[DashboardGate.SessionCookie], Url = d.Base.ToString(),
            }]);
            var overview = await page.GotoAsync(new Uri(d.Base, "dashboard/63.71/2025-10").ToString());
            Assert.Equal(200, overview!.Status);
            Assert.Contains("Oktober 2025", await page.InnerTextAsync("header"));
            Assert.True(await page.Locator("#kecamatan table").IsVisibleAsync());
            Assert.True(await page.Locator("ul.kk li").CountAsync() > 1);
            Assert.Contains("terlambat", await page.InnerTextAsync("#k-63\\.71\\.04\\.1005"));
            Assert.True(await page.GetByText("Kirim pengingat").First.IsVisibleAsync());
            await PageHarness.AssertReadableAsync(page, width, "month overview");
            await PageHarness.ScreenshotAsync(page, $"dashboard-ringkasan-{width}.png");
            await context.CloseAsync();
        }
    }
}
