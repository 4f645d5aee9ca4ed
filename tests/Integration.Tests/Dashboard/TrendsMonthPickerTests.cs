using System.Net;
using System.Text.RegularExpressions;
using KampungKB.Core.Dashboard;
using KampungKB.Integration.Tests.Azurite;
using KampungKB.Integration.Tests.Pipeline;
using static KampungKB.Integration.Tests.Support.WebHarness;

namespace KampungKB.Integration.Tests.Dashboard;

/// <summary>The trends page's month picker (docs/dashboard.md, "Trends"): server-rendered links, the 12 months end at the chosen month.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class TrendsMonthPickerTests(AzuriteFixture azurite)
{
    private static string Trends(string query) => DashboardRoutes.TrendsPath(Banjarmasin).TrimStart('/') + query;

    private static IReadOnlyList<string> Links(string html, string text) =>
        Regex.Matches(html, @"<a href=""([^""]+)""[^>]*>([^<]*)</a>").Where(m => m.Groups[2].Value.Contains(text, StringComparison.Ordinal))
            .Select(m => System.Net.WebUtility.HtmlDecode(m.Groups[1].Value)).ToList();

    [SkippableFact]
    public async Task ChosenMonth_EndsTheTwelveMonths_PickerAndTabsKeepIt_ReadableAt360_390_1280()
    {
        Chromium.Require();
        await using var h = await StartAsync(azurite, "dt");
        // October 2025's activities: the month's reporting rate is 1 of Banjarmasin's 4 kampung.
        await h.UploadAsync(Pelambuan, "kegiatan_oktober_2025_pelambuan.xlsx", PipelineHarness.Example("E01"));
        var (cookie, _) = await h.SessionAsync("dinas@banjarmasin.example", DashboardRole.Regency, Banjarmasin);
        var client = h.Client(cookie);

        var html = await client.GetStringAsync(Trends("?indikator=laporan&bulan=2025-10"));
        Assert.Contains("November 2024 sampai Oktober 2025", html);
        Assert.Equal(["/api/dashboard/63.71/tren?indikator=laporan&bulan=2025-09"], Links(html, "‹ September"));
        Assert.Equal(["/api/dashboard/63.71/tren?indikator=laporan&bulan=2025-11"], Links(html, "November ›"));
        Assert.Equal(["/api/dashboard/63.71/tren?indikator=cpr&bulan=2025-10"], Links(html, "CPR"));
        Assert.Contains("<title>2025-10: 25,0%</title>", html); // the last point is October's 1 of 4

        // Two months later: October is the tenth of the twelve months; the chart ends in December.
        var later = await client.GetStringAsync(Trends("?indikator=laporan&bulan=2025-12"));
        Assert.Contains("Januari 2025 sampai Desember 2025", later);
        Assert.Contains("<title>2025-10: 25,0%</title>", later);
        // A month after the one now due, or none: the months end at the month now due, with no later month offered.
        var due = await client.GetStringAsync(Trends("?indikator=laporan&bulan=2999-01"));
        var plain = await client.GetStringAsync(Trends("?indikator=laporan"));
        Assert.Equal(Regex.Match(plain, @"<h2 style=""margin:0 0 8px"">([^<]+)</h2>").Groups[1].Value, Regex.Match(due, @"<h2 style=""margin:0 0 8px"">([^<]+)</h2>").Groups[1].Value);
        Assert.DoesNotContain(" ›</a>", plain);
        // Another kabupaten's user is refused whatever the month.
        var (other, _) = await h.SessionAsync("dinas@tanahlaut.example", DashboardRole.Regency, TanahLaut);
        Assert.Equal(HttpStatusCode.Forbidden, (await h.Client(other).GetAsync(Trends("?bulan=2025-10"))).StatusCode);

        foreach (var (width, month) in new[] { (360, "2025-10"), (390, "2025-10"), (1280, "2025-10"), (360, "2026-01"), (390, "2026-01") })
        {
            var page = await h.NewPageAsync(width: width, height: 800, session: cookie);
            await page.GotoAsync(h.Address + Trends("?indikator=laporan&bulan=" + month));
            Assert.True(await page.Locator("#bulan a.btn").First.IsVisibleAsync());
            // The earlier and the later month sit side by side on one line, each in one line of text, from a 360 px phone up.
            var buttons = page.Locator("#bulan a.btn");
            Assert.Equal(2, await buttons.CountAsync());
            var (before, after) = ((await buttons.Nth(0).BoundingBoxAsync())!, (await buttons.Nth(1).BoundingBoxAsync())!);
            Assert.True(Math.Abs(before.Y - after.Y) < 1 && before.X + before.Width <= after.X,
                $"month buttons at {width} px are not on one line: ({before.X},{before.Y} {before.Width}x{before.Height}) and ({after.X},{after.Y} {after.Width}x{after.Height})");
            foreach (var i in new[] { 0, 1 })
                Assert.Equal(1, await buttons.Nth(i).EvaluateAsync<int>(
                    "e => { const r = document.createRange(); r.selectNodeContents(e); return new Set([...r.getClientRects()].filter(x => x.width > 0).map(x => Math.round(x.bottom))).size; }"));
            await Chromium.AssertReadableAsync(page, width, $"trends page with its month picker at {width} px");
            if (month == "2025-10") await Chromium.ScreenshotAsync(page, $"dashboard-trends-bulan-{width}.png");
            await page.Context.CloseAsync();
        }
    }
}
