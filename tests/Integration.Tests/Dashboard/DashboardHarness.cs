using System.Collections.Concurrent;
using System.Net;
using System.Text.RegularExpressions;
using KampungKB.Core.Dashboard;
using KampungKB.Core.Outbox.Mail;
using KampungKB.Core.Registry;
using KampungKB.Integration.Tests.Azurite;
using KampungKB.Integration.Tests.Functions;
using KampungKB.Integration.Tests.Pipeline;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace KampungKB.Integration.Tests.Dashboard;

/// <summary>A clock a test moves by hand (link and session expiry).</summary>
internal sealed class HandClock(DateTimeOffset start) : TimeProvider
{
    private long _ticks = start.UtcTicks;
    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);
    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}

/// <summary>Keeps every mail instead of sending it.</summary>
internal sealed class CapturedMail : IMailSender
{
    public ConcurrentQueue<MailMessage> Sent { get; } = new();
    public Task<MailSendResult> SendAsync(MailMessage message, CancellationToken ct)
    {
        Sent.Enqueue(message);
        return Task.FromResult(MailSendResult.Sent(Guid.NewGuid().ToString("N"), "test"));
    }
    public IReadOnlyList<MailMessage> To(string address) => Sent.Where(m => m.To.Contains(address, StringComparer.OrdinalIgnoreCase)).ToList();
}

/// <summary>Keeps every log line (formatted message and exception text) of the app.</summary>
internal sealed class CapturedLogs : ILoggerProvider
{
    public ConcurrentQueue<string> Lines { get; } = new();
    public ILogger CreateLogger(string categoryName) => new Logger(this);
    public void Dispose() { }
    private sealed class Logger(CapturedLogs owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Lines.Enqueue(formatter(state, exception) + " " + exception + " " + string.Join(" ", (state as IEnumerable<KeyValuePair<string, object?>>)?.Select(kv => kv.Value) ?? []));
    }
}

/// <summary>
/// The dashboard end to end as <c>kkb dev</c> serves it: the Functions app under the local runner over the run's Azurite
/// (own table prefix), the sample registry E06 (Kota Banjarmasin, 63.71) imported, mails and logs captured, a hand clock.
/// Requests go through a cookie-less <see cref="HttpClient"/>; each "browser" keeps its own cookies (<see cref="Browser"/>).
/// </summary>
internal sealed class DashboardHarness : IAsyncDisposable
{
    public const string Regency = "63.71";
    public FunctionsHarness H { get; private init; } = null!;
    public CapturedMail Mail { get; private init; } = null!;
    public CapturedLogs Logs { get; private init; } = null!;
    public HandClock Clock { get; private init; } = null!;
    public DashboardStore Store => H.Host.Services.GetRequiredService<DashboardStore>();
    public Uri Base => new(H.Host.Address, H.Host.Host.RoutePrefix + "/");

    /// <param name="transport">The mail transport (default: <see cref="Mail"/> keeps every mail).</param>
    public static async Task<DashboardHarness> StartAsync(AzuriteFixture azurite, string prefix, int perAddress = 5, int perIp = 20, IMailSender? transport = null)
    {
        var mail = new CapturedMail();
        var logs = new CapturedLogs();
        var clock = new HandClock(new DateTimeOffset(2025, 11, 12, 2, 0, 0, TimeSpan.Zero));
        var h = await FunctionsHarness.StartAsync(azurite, s =>
        {
            s.AddSingleton<IMailSender>(transport ?? mail);
            s.AddSingleton<TimeProvider>(clock);
            s.AddSingleton<ILoggerProvider>(logs);
        }, new Dictionary<string, string?>
        {
            ["Regencies:6371:Name"] = "Kota Banjarmasin",
            ["Regencies:6371:DinasName"] = "DPPKB Kota Banjarmasin",
            ["Regencies:6371:TimeZone"] = "WITA",
            ["Dashboard:LinksPerAddress"] = perAddress.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Dashboard:LinksPerIp"] = perIp.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }, prefix: prefix);
        var importer = TestStores.RegistryImporter(PipelineHarness.Engine, azurite.Tables, h.Names, TimeProvider.System, NullLogger<RegistryImporter>.Instance);
        Assert.True((await importer.ImportAsync("daftar.xlsx", PipelineHarness.Example("E06"))).Accepted);
        var d = new DashboardHarness { H = h, Mail = mail, Logs = logs, Clock = clock };
        return d;
    }

    public Task AddUserAsync(string email, DashboardRole role, params string[] scope) => Store.AddUserAsync(email, role, scope, Clock.GetUtcNow());

    public Browser NewBrowser(string ip = "198.51.100.7") => new(this, ip);

    /// <summary>Waits until the sign-in requests queued so far are handled (their mails are sent after the answer).</summary>
    public async Task SignInMailsHandledAsync()
    {
        var queue = H.Host.Services.GetRequiredService<SignInMailQueue>();
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

    public ValueTask DisposeAsync() => H.DisposeAsync();

    /// <summary>One browser: its cookies, its client IP (sent as X-Forwarded-For) and whether it says Sec-Fetch-Site.</summary>
    internal sealed class Browser(DashboardHarness owner, string ip)
    {
        private static readonly HttpClient Client = new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false });
        public Dictionary<string, string> Cookies { get; } = new(StringComparer.Ordinal);
        public List<string> SetCookieHeaders { get; } = [];
        public string? FetchSite { get; set; } = "same-origin";

        public async Task<(HttpStatusCode Status, string Body, HttpResponseMessage Response)> SendAsync(HttpMethod method, string path, IDictionary<string, string>? form = null)
        {
            using var request = new HttpRequestMessage(method, new Uri(owner.Base, path.TrimStart('/')));
            if (Cookies.Count > 0) request.Headers.Add("Cookie", string.Join("; ", Cookies.Select(c => $"{c.Key}={c.Value}")));
            request.Headers.Add("X-Forwarded-For", ip);
            if (FetchSite is not null && method == HttpMethod.Post) request.Headers.Add("Sec-Fetch-Site", FetchSite);
            if (form is not null) request.Content = new FormUrlEncodedContent(form);
            var response = await Client.SendAsync(request);
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
