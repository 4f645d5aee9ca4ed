using System.Net;
using KampungKB.Core.Dashboard;
using KampungKB.Core.Store;
using KampungKB.Integration.Tests.Azurite;

namespace KampungKB.Integration.Tests.Dashboard;

/// <summary>
/// The dashboard's sign-in and access rules through the HTTP functions, as <c>kkb dev</c> serves them, on Azurite
/// (docs/dashboard.md): the mailed link works once and only within 15 minutes, an outsider learns nothing about the
/// list, another kabupaten/kota's pages are refused for the link and the cookie alike, every POST needs its CSRF token,
/// sign-in requests are rate-limited per address and per IP, and no address appears in any log line.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class DashboardSecurityTests(AzuriteFixture azurite)
{
    private const string Dinas = "kasi.data@dppkb.banjarmasin.go.id";
    private const string OtherDinas = "staf@dppkb.banjarbaru.go.id";
    private const string Province = "perwakilan@kalsel.bkkbn.go.id";

    [SkippableFact]
    public async Task MailedLink_SignsInOnce_CookieIsHttpOnlyLax12h_OverviewListsEveryKampung()
    {
        await using var d = await WebHarness.StartDashboardAsync(azurite, "dsa");
        await d.AddUserAsync(Dinas, DashboardRole.Regency, "63.71");
        var browser = d.NewBrowser();

        var asked = await browser.RequestLinkAsync(Dinas);
        Assert.Equal(HttpStatusCode.OK, asked.Status);
        var link = d.LinkIn(Dinas);
        Assert.StartsWith(d.Address.ToString().TrimEnd('/') + "/api/dashboard/masuk#", link); // the mailed link points at the app that sent it
        // A mail scanner GETs the link: that uses nothing.
        Assert.Equal(HttpStatusCode.OK, (await d.NewBrowser().GetAsync("dashboard/masuk")).Status);

        var signed = await browser.SignInAsync(link);
        Assert.Equal(HttpStatusCode.SeeOther, signed.Status);
        var session = browser.SetCookieHeaders.Single(c => c.StartsWith(DashboardGate.SessionCookie + "=", StringComparison.Ordinal));
        Assert.Contains("httponly", session, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", session, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/api/dashboard", session, StringComparison.OrdinalIgnoreCase);
        var expires = DateTimeOffset.Parse(System.Text.RegularExpressions.Regex.Match(session, "expires=([^;]+)", System.Text.RegularExpressions.RegexOptions.IgnoreCase).Groups[1].Value,
            System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(expires - d.Clock.GetUtcNow(), TimeSpan.FromHours(11.9), TimeSpan.FromHours(12.1));

        // Home goes to the user's kabupaten; the overview names every active kampung of the registry.
        var home = await browser.GetAsync("dashboard");
        Assert.Equal(HttpStatusCode.SeeOther, home.Status);
        Assert.Equal("/api/dashboard/63.71", home.Response.Headers.Location!.OriginalString);
        var overview = await browser.GetAsync("dashboard/63.71");
        Assert.Equal(HttpStatusCode.OK, overview.Status);
        Assert.Contains("Oktober 2025", overview.Body);          // 12 Nov 2025: October's report is the one due
        foreach (var k in await d.Registry.ListAsync("63.71"))
            Assert.Contains(System.Net.WebUtility.HtmlEncode(k.Name).Replace("&#39;", "'"), overview.Body.Replace("<wbr>", ""));
        Assert.Contains("belum melapor", overview.Body);
        Assert.True(System.Text.Encoding.UTF8.GetByteCount(overview.Body) < 100_000);

        // The same link a second time, in another browser: refused.
        var again = await d.NewBrowser().SignInAsync(link);
        Assert.Equal(HttpStatusCode.BadRequest, again.Status);
        Assert.Contains("Tautan tidak berlaku", again.Body);
        Assert.Contains(d.Logs.Lines, l => l.Contains("Dashboard sign-in refused", StringComparison.Ordinal)); // the logs are the app's
        Assert.DoesNotContain(d.Logs.Lines, l => l.Contains('@'));
    }

    [SkippableFact]
    public async Task ListedAndUnlistedAddress_GetTheSamePage_OnlyTheListedOneAMail()
    {
        await using var d = await WebHarness.StartDashboardAsync(azurite, "dsb");
        await d.AddUserAsync(Dinas, DashboardRole.Regency, "63.71");
        var listed = await d.NewBrowser().RequestLinkAsync(Dinas);
        var unlisted = await d.NewBrowser().RequestLinkAsync("orang.luar@gmail.com");
        Assert.Equal(listed.Status, unlisted.Status);
        Assert.Equal(listed.Body, unlisted.Body);
        Assert.Single(d.Mail.To(Dinas));
        Assert.Empty(d.Mail.To("orang.luar@gmail.com"));
        Assert.DoesNotContain(d.Logs.Lines, l => l.Contains('@'));
    }

    [SkippableFact]
    public async Task ExpiredTamperedAndMalformedLinks_Refused_TamperingUsesNothing()
    {
        await using var d = await WebHarness.StartDashboardAsync(azurite, "dsc");
        await d.AddUserAsync(Dinas, DashboardRole.Regency, "63.71");
        var b = d.NewBrowser();

        await b.RequestLinkAsync(Dinas);
        var first = d.LinkIn(Dinas);
        var token = first[(first.IndexOf('#') + 1)..];
        var tampered = first[..^1] + (first[^1] == 'A' ? "B" : "A");
        Assert.Equal(HttpStatusCode.BadRequest, (await b.SignInAsync(tampered)).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await b.SignInAsync(first[..(first.IndexOf('#') + 1)] + "x")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await b.SignInAsync(first[..(first.IndexOf('#') + 1)] + token + "'; DROP")).Status);
        Assert.Equal(HttpStatusCode.SeeOther, (await b.SignInAsync(first)).Status);   // the real one still works

        await b.RequestLinkAsync(Dinas);
        var second = d.LinkIn(Dinas);
        d.Clock.Advance(TimeSpan.FromMinutes(16));
        Assert.Equal(HttpStatusCode.BadRequest, (await d.NewBrowser().SignInAsync(second)).Status);

        // A removed address's link no longer signs in, and its session ends at once.
        await b.RequestLinkAsync(Dinas);
        var third = d.LinkIn(Dinas);
        Assert.Equal(HttpStatusCode.OK, (await b.GetAsync("dashboard/63.71")).Status);
        Assert.True(await d.Dashboard.RemoveUserAsync(Dinas));
        Assert.Equal(HttpStatusCode.SeeOther, (await b.GetAsync("dashboard/63.71")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await d.NewBrowser().SignInAsync(third)).Status);
    }

    [SkippableFact]
    public async Task AnotherKabupatensPages_RefusedForItsCookieAndItsLink_ProvinceOpensOnlyItsOwn()
    {
        await using var d = await WebHarness.StartDashboardAsync(azurite, "dsd");
        await d.AddUserAsync(OtherDinas, DashboardRole.Regency, "63.72");
        await d.AddUserAsync(Province, DashboardRole.Province, "63");
        var other = d.NewBrowser();
        await other.SignInAsUserAsync(OtherDinas);
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync("dashboard/63.72")).Status);
        foreach (var path in new[] { "dashboard/63.71", "dashboard/63.71/2025-10", "dashboard/64.71", "dashboard/63.7x" })
        {
            var refused = await other.GetAsync(path);
            Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
            Assert.DoesNotContain("Pelambuan", refused.Body);
        }
        var page = await other.GetAsync("dashboard/63.72");
        var remind = await other.PostAsync("dashboard/63.71/2025-10/pengingat",
            new Dictionary<string, string> { ["area"] = "63.71.04.1005", ["csrf"] = WebHarness.Browser.Csrf(page.Body) });
        Assert.Equal(HttpStatusCode.Forbidden, remind.Status);
        Assert.DoesNotContain(d.Mail.Sent, m => !m.To.Contains(OtherDinas) && !m.To.Contains(Province));

        // No cookie, or a forged one: to the sign-in page, nothing shown.
        var stranger = d.NewBrowser();
        Assert.Equal(HttpStatusCode.SeeOther, (await stranger.GetAsync("dashboard/63.71")).Status);
        stranger.Cookies[DashboardGate.SessionCookie] = other.Cookies[DashboardGate.SessionCookie][..^2] + "zz";
        Assert.Equal(HttpStatusCode.SeeOther, (await stranger.GetAsync("dashboard/63.72")).Status);

        var province = d.NewBrowser();
        await province.SignInAsUserAsync(Province);
        Assert.Equal(HttpStatusCode.OK, (await province.GetAsync("dashboard")).Status);
        Assert.Equal(HttpStatusCode.OK, (await province.GetAsync("dashboard/63.71")).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await province.GetAsync("dashboard/64.71")).Status);
        Assert.DoesNotContain(d.Logs.Lines, l => l.Contains('@'));
    }

    [SkippableFact]
    public async Task EveryPost_WithoutItsCsrfTokenOrFromAnotherSite_Refused_RemindSentOnceThrough()
    {
        await using var d = await WebHarness.StartDashboardAsync(azurite, "dse");
        await d.AddUserAsync(Dinas, DashboardRole.Regency, "63.71");
        var kampung = (await d.Registry.ListAsync("63.71")).First(k => !string.IsNullOrWhiteSpace(k.PokjaEmail));

        // Before sign-in: asking for a link and using one need the form's token too.
        var b = d.NewBrowser();
        var home = await b.GetAsync("dashboard");
        Assert.Equal(HttpStatusCode.BadRequest, (await b.PostAsync("dashboard/minta", new Dictionary<string, string> { ["email"] = Dinas })).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await b.PostAsync("dashboard/minta", new Dictionary<string, string> { ["email"] = Dinas, ["csrf"] = "salah" })).Status);
        b.FetchSite = "cross-site";
        Assert.Equal(HttpStatusCode.BadRequest, (await b.PostAsync("dashboard/minta", new Dictionary<string, string> { ["email"] = Dinas, ["csrf"] = WebHarness.Browser.Csrf(home.Body) })).Status);
        Assert.Empty(d.Mail.To(Dinas));
        b.FetchSite = "same-origin";
        await b.RequestLinkAsync(Dinas);
        var link = d.LinkIn(Dinas);
        var noToken = await b.PostAsync("dashboard/masuk", new Dictionary<string, string> { ["t"] = link[(link.IndexOf('#') + 1)..] });
        Assert.Equal(HttpStatusCode.BadRequest, noToken.Status);
        Assert.Equal(HttpStatusCode.SeeOther, (await b.SignInAsync(link)).Status); // refused posts did not use the link

        var overview = await b.GetAsync("dashboard/63.71/2025-10");
        var csrf = WebHarness.Browser.Csrf(overview.Body);
        var path = "dashboard/63.71/2025-10/pengingat";
        Assert.Equal(HttpStatusCode.Forbidden, (await b.PostAsync(path, new Dictionary<string, string> { ["area"] = kampung.AreaCode })).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await b.PostAsync(path, new Dictionary<string, string> { ["area"] = kampung.AreaCode, ["csrf"] = csrf[..^1] + "x" })).Status);
        b.FetchSite = "cross-site";
        Assert.Equal(HttpStatusCode.Forbidden, (await b.PostAsync(path, new Dictionary<string, string> { ["area"] = kampung.AreaCode, ["csrf"] = csrf })).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await b.PostAsync("dashboard/keluar", new Dictionary<string, string> { ["csrf"] = csrf })).Status);
        Assert.Empty(d.Mail.To(kampung.PokjaEmail!));
        b.FetchSite = "same-origin";

        // With its token: one reminder through the outbox; a second tap the same day sends nothing more.
        var sent = await b.PostAsync(path, new Dictionary<string, string> { ["area"] = kampung.AreaCode, ["csrf"] = csrf });
        Assert.Equal(HttpStatusCode.SeeOther, sent.Status);
        Assert.Contains("pesan=terkirim", sent.Response.Headers.Location!.OriginalString);
        var twice = await b.PostAsync(path, new Dictionary<string, string> { ["area"] = kampung.AreaCode, ["csrf"] = csrf });
        Assert.Contains("pesan=sudah", twice.Response.Headers.Location!.OriginalString);
        Assert.Single(d.Mail.To(kampung.PokjaEmail!));
        var after = await b.GetAsync("dashboard/63.71/2025-10?pesan=terkirim");
        Assert.Contains("Pengingat sudah dikirim ke Pokja.", after.Body);
        Assert.Contains("sudah diingatkan 1×", after.Body);

        // Sign-out with its token ends the session: the old cookie opens nothing.
        var cookie = b.Cookies[DashboardGate.SessionCookie];
        Assert.Equal(HttpStatusCode.SeeOther, (await b.PostAsync("dashboard/keluar", new Dictionary<string, string> { ["csrf"] = csrf })).Status);
        var replay = d.NewBrowser();
        replay.Cookies[DashboardGate.SessionCookie] = cookie;
        Assert.Equal(HttpStatusCode.SeeOther, (await replay.GetAsync("dashboard/63.71")).Status);
        Assert.DoesNotContain(d.Logs.Lines, l => l.Contains('@'));
    }

    [SkippableFact]
    public async Task SignInRequests_LimitedPerAddressAndPerIp_ListedOrNot()
    {
        await using var d = await WebHarness.StartDashboardAsync(azurite, "dsf", perAddress: 3, perIp: 7);
        await d.AddUserAsync(Dinas, DashboardRole.Regency, "63.71");
        // Per address, from different IPs: the fourth is refused, for the listed and the unlisted address alike.
        foreach (var address in new[] { Dinas, "tidak.terdaftar@gmail.com" })
        {
            for (var i = 0; i < 3; i++) Assert.Equal(HttpStatusCode.OK, (await d.NewBrowser($"203.0.113.{i + 1}").RequestLinkAsync(address)).Status);
            var limited = await d.NewBrowser("203.0.113.99").RequestLinkAsync(address);
            Assert.Equal((HttpStatusCode)429, limited.Status);
            Assert.Contains("Terlalu sering", limited.Body);
        }
        Assert.Equal(3, d.Mail.To(Dinas).Count);
        // Per IP, with different addresses: the eighth is refused.
        for (var i = 0; i < 7; i++) Assert.Equal(HttpStatusCode.OK, (await d.NewBrowser("192.0.2.50").RequestLinkAsync($"orang{i}@contoh.go.id")).Status);
        Assert.Equal((HttpStatusCode)429, (await d.NewBrowser("192.0.2.50").RequestLinkAsync("orang8@contoh.go.id")).Status);
        // A new window counts again.
        d.Clock.Advance(TimeSpan.FromMinutes(16));
        Assert.Equal(HttpStatusCode.OK, (await d.NewBrowser("192.0.2.50").RequestLinkAsync(Dinas)).Status);
        Assert.Equal(4, d.Mail.To(Dinas).Count);
        Assert.DoesNotContain(d.Logs.Lines, l => l.Contains('@'));
    }
}
