using System.Net;
using System.Text.RegularExpressions;
using KampungKB.Cli.Dev;
using KampungKB.Core.Dashboard;
using KampungKB.Core.Outbox.Mail;
using KampungKB.Core.Uploads.Links;
using KampungKB.Integration.Tests.Functions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;

namespace KampungKB.Integration.Tests.Support;

/// <summary>
/// The app's HTTP side end to end, as <c>kkb dev</c> serves it: the Functions app under the local runner
/// (<see cref="FunctionsHarness"/>: the same <c>AddKampungKB</c> as Program.cs) on a free port over the run's Azurite with
/// this test's own name prefix, its links pointing at that port; the sample registry E06 (Kota Banjarmasin 63.71 and
/// Kabupaten Tanah Laut 63.01) imported; mails recorded instead of sent, the app's log lines kept; the blob trigger
/// ingesting what a test or the page stores (unless started with <c>ingest: false</c>, then a test runs
/// <see cref="Runner"/> itself); Chromium (Playwright), started on the first page asked for. The upload page's and the
/// dinas dashboard's tests all start their app here.
/// </summary>
internal sealed class WebHarness : IAsyncDisposable
{
    public const string Banjarmasin = "63.71";
    public const string TanahLaut = "63.01";
    public const string Pelambuan = "63.71.04.1005";
    public const string BanuaAnyar = "63.71.03.1002";
    public const string Sungai = "63.71.05.1003";
    public const string TajauPecah = "63.01.05.2009";
    /// <summary>The hand clock's start for the dashboard's sign-in tests: 12 Nov 2025, 10:00 WITA (October's report is the one due).</summary>
    public static readonly DateTimeOffset DashboardNow = new(2025, 11, 12, 2, 0, 0, TimeSpan.Zero);

    private readonly CancellationTokenSource _stop = new();
    private readonly HandClock? _clock;
    private Task _watch = Task.CompletedTask;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    private WebHarness(FunctionsHarness h, HandClock? clock, RecordingMailSender mail, CapturedLogs logs)
    {
        H = h;
        _clock = clock;
        Mail = mail;
        Logs = logs;
        Stores = TestStores.For(h.Azurite.Tables, h.Names);
    }

    public FunctionsHarness H { get; }
    public LocalFunctionHost Host => H.Host;
    public StorageNames Names => H.Names;
    /// <summary>The blob trigger's runner; with <c>ingest: false</c> a test calls <c>RunOnceAsync</c> itself.</summary>
    public BlobTriggerRunner Runner => H.Runner;
    public AzuriteFixture Azurite => H.Azurite;
    /// <summary>This test's repositories (the same tables the app reads).</summary>
    public Stores Stores { get; }
    public RegistryStore Registry => Stores.Registry;
    public UploadLinks Links => Host.Services.GetRequiredService<UploadLinks>();
    public DashboardStore Dashboard => Host.Services.GetRequiredService<DashboardStore>();
    public RecordingMailSender Mail { get; }
    public CapturedLogs Logs { get; }
    /// <summary>The app's clock when started with <c>now</c>.</summary>
    public HandClock Clock => _clock ?? throw new InvalidOperationException("This harness runs on the system clock (start it with now:).");
    public TimeProvider Time => (TimeProvider?)_clock ?? TimeProvider.System;
    /// <summary><c>http://127.0.0.1:{port}/</c>.</summary>
    public Uri Address => Host.Address;
    /// <summary><c>http://127.0.0.1:{port}/api/</c>: the HTTP functions' routes are relative to it.</summary>
    public Uri Api => new(Host.Address, Host.Host.RoutePrefix + "/");
    /// <summary>The upload page's routes, <c>…/api/kampung/</c> (a kampung's page is <c>{area}</c> below it).</summary>
    public Uri Kampung => new(Api, "kampung/");

    /// <param name="prefix">This test's storage-name prefix.</param>
    /// <param name="ingest">False: no background trigger runner, so result pages stay "being checked" until a test runs <see cref="Runner"/>.</param>
    /// <param name="now">A hand clock for the app, starting there (default: the system clock).</param>
    /// <param name="settings">App settings over the harness' own (storage, templates, signing key, links' base URL).</param>
    /// <param name="transport">The mail transport (default: <see cref="Mail"/> keeps every mail).</param>
    public static async Task<WebHarness> StartAsync(AzuriteFixture azurite, string prefix = "pg", bool ingest = true, DateTimeOffset? now = null,
        IReadOnlyDictionary<string, string?>? settings = null, IMailSender? transport = null)
    {
        var port = Loopback.FreePort();
        var values = new Dictionary<string, string?> { ["Links__BaseUrl"] = $"http://127.0.0.1:{port}" };
        foreach (var (k, v) in settings ?? new Dictionary<string, string?>()) values[k] = v;
        var clock = now is { } start ? new HandClock(start) : null;
        var mail = new RecordingMailSender();
        var logs = new CapturedLogs();
        var h = await FunctionsHarness.StartAsync(azurite, s =>
        {
            s.AddSingleton<IMailSender>(transport ?? mail);
            s.AddSingleton<ILoggerProvider>(logs);
            if (clock is not null) s.AddSingleton<TimeProvider>(clock);
        }, values, port, prefix);
        var web = new WebHarness(h, clock, mail, logs);
        try
        {
            var importer = TestStores.RegistryImporter(PipelineHarness.Engine, azurite.Tables, h.Names, TimeProvider.System, NullLogger<RegistryImporter>.Instance);
            Assert.True((await importer.ImportAsync("daftar.xlsx", PipelineHarness.Example("E06"))).Accepted);
            if (ingest) web._watch = Task.Run(() => h.Runner.WatchAsync(_ => { }, TimeSpan.FromMilliseconds(300), web._stop.Token));
            return web;
        }
        catch
        {
            await web.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// The dashboard's sign-in tests' app: Kota Banjarmasin's dinas settings, the sign-in rate limits, a hand clock at
    /// <see cref="DashboardNow"/>, no background trigger runner.
    /// </summary>
    public static Task<WebHarness> StartDashboardAsync(AzuriteFixture azurite, string prefix, int perAddress = 5, int perIp = 20, IMailSender? transport = null) =>
        StartAsync(azurite, prefix, ingest: false, now: DashboardNow, transport: transport, settings: new Dictionary<string, string?>
        {
            ["Regencies:6371:Name"] = "Kota Banjarmasin",
            ["Regencies:6371:DinasName"] = "DPPKB Kota Banjarmasin",
            ["Regencies:6371:TimeZone"] = "WITA",
            ["Dashboard:LinksPerAddress"] = perAddress.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Dashboard:LinksPerIp"] = perIp.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });

    // ---- the upload page ----

    /// <summary>A kampung's signed upload link (<c>…/api/kampung/{area}#{token}</c>).</summary>
    public async Task<string> LinkAsync(string areaCode, TimeSpan? lifetime = null) =>
        (await Links.IssueAsync((await Registry.GetAsync(areaCode))!, lifetime)).Url;

    /// <summary>The token of a fresh link (its fragment).</summary>
    public async Task<string> TokenAsync(string areaCode, TimeSpan? lifetime = null)
    {
        var url = await LinkAsync(areaCode, lifetime);
        return url[(url.IndexOf('#') + 1)..];
    }

    /// <summary>
    /// Opens a link as the page's script does (posts the fragment's token to <c>/buka</c>, which sets the
    /// kampung's cookie in the page's context), then goes to the page's address; for pages without JavaScript.
    /// </summary>
    public static async Task<IResponse?> OpenAsync(IPage page, string link)
    {
        var hash = link.IndexOf('#');
        var form = page.APIRequest.CreateFormData();
        form.Set("t", link[(hash + 1)..]);
        var opened = await page.APIRequest.PostAsync(link[..hash] + "/buka", new() { Form = form, MaxRedirects = 0 });
        Assert.Equal(303, opened.Status);
        return await page.GotoAsync(link[..hash]);
    }

    /// <summary>The names of every blob in <c>uploads/</c>.</summary>
    public async Task<List<string>> UploadedBlobNamesAsync()
    {
        var list = new List<string>();
        await foreach (var b in Azurite.Blobs.GetBlobContainerClient(Names.Uploads).GetBlobsAsync()) list.Add(b.Name);
        return list;
    }

    /// <summary>Drops a file as the upload page does (<c>uploads/{area}/{name}</c>) and waits until the pipeline has logged it (needs <c>ingest</c>).</summary>
    public async Task<UploadRecord> UploadAsync(string area, string name, byte[] content)
    {
        await H.DropAsync(Names.Uploads, $"{area}/{name}", content);
        for (var i = 0; i < 600; i++)
        {
            var found = (await Stores.Uploads.RecentAsync(area[..5], area, 50)).FirstOrDefault(u => u.FileName == name);
            if (found is not null) return found;
            await Task.Delay(100);
        }
        throw new TimeoutException($"upload {name} was not processed");
    }

    // ---- Chromium ----

    /// <summary>A new browser context's page (downloads accepted), with the dashboard's session cookie when <paramref name="session"/> is given.</summary>
    public async Task<IPage> NewPageAsync(bool javaScript = true, int width = 412, int height = 860, string? session = null)
    {
        if (_browser is null)
        {
            Chromium.Require();
            _playwright = await Playwright.CreateAsync();
            _browser = await Chromium.LaunchAsync(_playwright);
        }
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions
        {
            JavaScriptEnabled = javaScript, ViewportSize = new ViewportSize { Width = width, Height = height }, AcceptDownloads = true,
        });
        if (session is not null) await AddSessionAsync(context, session);
        return await context.NewPageAsync();
    }

    /// <summary>Sets the dashboard's session cookie in a browser context, as signing in does.</summary>
    public Task AddSessionAsync(IBrowserContext context, string session) => context.AddCookiesAsync(
        [new Microsoft.Playwright.Cookie { Name = DashboardGate.SessionCookie, Value = session, Url = Address.ToString().TrimEnd('/') + DashboardGate.CookiePath }]);

    // ---- the dashboard ----

    public Task AddUserAsync(string email, DashboardRole role, params string[] scope) => Dashboard.AddUserAsync(email, role, scope, Time.GetUtcNow());

    /// <summary>A dinas user of <paramref name="scope"/> signed in through the dashboard's own store: the session cookie's value and the session's CSRF token.</summary>
    public async Task<(string Cookie, string Csrf)> SessionAsync(string email, DashboardRole role, params string[] scope)
    {
        var user = await Dashboard.AddUserAsync(email, role, scope, Time.GetUtcNow());
        var (cookie, session) = await Dashboard.StartSessionAsync(user.UserId, Time.GetUtcNow());
        return (cookie, session.Csrf);
    }

    /// <summary>An HTTP client on <see cref="Address"/> carrying the session cookie (no redirects followed, so 303/403 are seen as they are).</summary>
    public HttpClient Client(string? session = null)
    {
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = Address };
        if (session is not null) client.DefaultRequestHeaders.Add("Cookie", $"{DashboardGate.SessionCookie}={session}");
        return client;
    }

    /// <summary>A cookie-keeping client seen from <paramref name="ip"/> (X-Forwarded-For); its paths are relative to <see cref="Api"/>.</summary>
    public Browser NewBrowser(string ip = "198.51.100.7") => new(this, ip);

    /// <summary>Waits until the sign-in requests queued so far are handled (their mails are sent after the answer).</summary>
    public async Task SignInMailsHandledAsync()
    {
        var queue = Host.Services.GetRequiredService<SignInMailQueue>();
        for (var i = 0; queue.Pending > 0; i++)
        {
            if (i > 6000) throw new TimeoutException("sign-in mail queue not drained");
            await Task.Delay(10);
        }
    }

    /// <summary>The sign-in link in the latest mail to <paramref name="email"/>.</summary>
    public string LinkIn(string email)
    {
        var mail = Mail.To(email).LastOrDefault() ?? throw new Xunit.Sdk.XunitException($"no sign-in mail to {email}");
        return Regex.Match(mail.HtmlBody, @"href=""([^""]*/api/dashboard/masuk#[^""]+)""").Groups[1].Value;
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        try { await _watch; } catch (OperationCanceledException) { }
        if (_browser is not null) await _browser.CloseAsync();
        _playwright?.Dispose();
        await H.DisposeAsync();
    }

    /// <summary>One browser over plain HTTP: its cookies, its client IP (sent as X-Forwarded-For) and whether it says Sec-Fetch-Site.</summary>
    internal sealed class Browser(WebHarness owner, string ip)
    {
        private static readonly HttpClient Http = new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false });
        public Dictionary<string, string> Cookies { get; } = new(StringComparer.Ordinal);
        public List<string> SetCookieHeaders { get; } = [];
        public string? FetchSite { get; set; } = "same-origin";

        public async Task<(HttpStatusCode Status, string Body, HttpResponseMessage Response)> SendAsync(HttpMethod method, string path, IDictionary<string, string>? form = null)
        {
            using var request = new HttpRequestMessage(method, new Uri(owner.Api, path.TrimStart('/')));
            if (Cookies.Count > 0) request.Headers.Add("Cookie", string.Join("; ", Cookies.Select(c => $"{c.Key}={c.Value}")));
            request.Headers.Add("X-Forwarded-For", ip);
            if (FetchSite is not null && method == HttpMethod.Post) request.Headers.Add("Sec-Fetch-Site", FetchSite);
            if (form is not null) request.Content = new FormUrlEncodedContent(form);
            var response = await Http.SendAsync(request);
            if (response.Headers.TryGetValues("Set-Cookie", out var set))
                foreach (var header in set)
                {
                    SetCookieHeaders.Add(header);
                    var pair = header.Split(';')[0];
                    var eq = pair.IndexOf('=');
                    var (name, value) = (pair[..eq], pair[(eq + 1)..]);
                    if (value.Length == 0 || header.Contains("expires=Thu, 01 Jan 1970", StringComparison.OrdinalIgnoreCase)) Cookies.Remove(name);
                    else Cookies[name] = value;
                }
            return (response.StatusCode, await response.Content.ReadAsStringAsync(), response);
        }

        public Task<(HttpStatusCode Status, string Body, HttpResponseMessage Response)> GetAsync(string path) => SendAsync(HttpMethod.Get, path);
        public Task<(HttpStatusCode Status, string Body, HttpResponseMessage Response)> PostAsync(string path, IDictionary<string, string> form) => SendAsync(HttpMethod.Post, path, form);

        /// <summary>The CSRF token of the page's first form.</summary>
        public static string Csrf(string body) => Regex.Match(body, @"name=""csrf"" value=""([^""]+)""").Groups[1].Value;

        /// <summary>Opens the sign-in page and asks for a link for <paramref name="email"/>; waits until its mail, if any, is sent.</summary>
        public async Task<(HttpStatusCode Status, string Body, HttpResponseMessage Response)> RequestLinkAsync(string email)
        {
            var answer = await AskLinkAsync(email);
            await owner.SignInMailsHandledAsync();
            return answer;
        }

        /// <summary>Opens the sign-in page and asks for a link for <paramref name="email"/>; returns with the answer, not waiting for the mail.</summary>
        public async Task<(HttpStatusCode Status, string Body, HttpResponseMessage Response)> AskLinkAsync(string email)
        {
            var home = await GetAsync("dashboard");
            return await PostAsync("dashboard/minta", new Dictionary<string, string> { ["email"] = email, ["csrf"] = Csrf(home.Body) });
        }

        /// <summary>Opens a mailed link's page and presses Masuk (posts the fragment's token, as the page's script does).</summary>
        public async Task<(HttpStatusCode Status, string Body, HttpResponseMessage Response)> SignInAsync(string link)
        {
            var page = await GetAsync("dashboard/masuk");
            var token = link[(link.IndexOf('#') + 1)..];
            return await PostAsync("dashboard/masuk", new Dictionary<string, string> { ["t"] = token, ["csrf"] = Csrf(page.Body) });
        }

        /// <summary>Asks for a link, takes it from the mail and signs in; asserts the 303.</summary>
        public async Task SignInAsUserAsync(string email)
        {
            await RequestLinkAsync(email);
            var signed = await SignInAsync(owner.LinkIn(email));
            Assert.Equal(HttpStatusCode.SeeOther, signed.Status);
        }
    }
}
