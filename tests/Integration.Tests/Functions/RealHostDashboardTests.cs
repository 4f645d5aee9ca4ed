using System.Net;
using System.Text.RegularExpressions;
using KampungKB.Core.Dashboard;
using KampungKB.Core.Uploads.Links;

namespace KampungKB.Integration.Tests.Functions;

/// <summary>
/// The dinas dashboard's sign-in under the real Functions host (<see cref="RealHostFixture"/>, the published app with
/// <c>Mail__Mode=Outbox</c>): <c>POST /api/dashboard/minta</c> answers at once and the worker's hosted
/// <c>SignInMailService</c> sends the mail after the answer (docs/dashboard.md, "Sign-in"). A listed address gets exactly
/// one mail whose link signs in; an unlisted one gets the same answer and no mail.
/// </summary>
[Collection(RealHostCollection.Name)]
public sealed class RealHostDashboardTests(RealHostFixture host)
{
    private const string Dinas = "kasi.data@dppkb.banjarmasin.go.id";
    private const string Outsider = "orang.luar@gmail.com";
    /// <summary>Waiting for the mail the host's worker sends after the answer (it goes at once; the limit only ends a hang, with the log).</summary>
    private static readonly TimeSpan MailLimit = TimeSpan.FromMinutes(5);

    /// <summary>A cookie-keeping browser over plain HTTP on the host (no redirects followed, so a 303 is seen as it is).</summary>
    private sealed class Browser(Uri address, string ip)
    {
        private static readonly HttpClient Http = new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false });
        private readonly Dictionary<string, string> _cookies = new(StringComparer.Ordinal);

        public async Task<(HttpStatusCode Status, string Body)> SendAsync(HttpMethod method, string path, IDictionary<string, string>? form = null)
        {
            using var request = new HttpRequestMessage(method, new Uri(address, "api/" + path));
            if (_cookies.Count > 0) request.Headers.Add("Cookie", string.Join("; ", _cookies.Select(c => $"{c.Key}={c.Value}")));
            request.Headers.Add("X-Forwarded-For", ip);
            if (method == HttpMethod.Post) request.Headers.Add("Sec-Fetch-Site", "same-origin");
            if (form is not null) request.Content = new FormUrlEncodedContent(form);
            using var response = await Http.SendAsync(request);
            if (response.Headers.TryGetValues("Set-Cookie", out var set))
                foreach (var pair in set.Select(h => h.Split(';')[0]))
                {
                    var eq = pair.IndexOf('=');
                    if (pair[(eq + 1)..].Length == 0) _cookies.Remove(pair[..eq]);
                    else _cookies[pair[..eq]] = pair[(eq + 1)..];
                }
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }

        private static string Csrf(string body) => Regex.Match(body, @"name=""csrf"" value=""([^""]+)""").Groups[1].Value;

        public async Task<(HttpStatusCode Status, string Body)> AskLinkAsync(string email)
        {
            var home = await SendAsync(HttpMethod.Get, "dashboard");
            Assert.Equal(HttpStatusCode.OK, home.Status);
            return await SendAsync(HttpMethod.Post, "dashboard/minta", new Dictionary<string, string> { ["email"] = email, ["csrf"] = Csrf(home.Body) });
        }

        public async Task<HttpStatusCode> SignInAsync(string link)
        {
            var page = await SendAsync(HttpMethod.Get, "dashboard/masuk");
            return (await SendAsync(HttpMethod.Post, "dashboard/masuk", new Dictionary<string, string> { ["t"] = link[(link.IndexOf('#') + 1)..], ["csrf"] = Csrf(page.Body) })).Status;
        }
    }

    /// <summary>The mails in the host's outbox folder addressed to <paramref name="address"/>.</summary>
    private List<MimeKit.MimeMessage> MailsTo(string address) =>
        !Directory.Exists(host.Outbox) ? []
        : Directory.GetFiles(host.Outbox, "*.eml", SearchOption.AllDirectories).Select(f => MimeKit.MimeMessage.Load(f))
            .Where(m => m.To.Mailboxes.Any(b => string.Equals(b.Address, address, StringComparison.OrdinalIgnoreCase))).ToList();

    [SkippableFact]
    public async Task SignInLink_ListedAddressGetsExactlyOneMailThatSignsIn_UnlistedGetsTheSameAnswerAndNoMail()
    {
        host.Require();
        Assert.True(LinkOptions.TryParseKey(FunctionsHarness.SigningKey, out var key, out _));
        var store = new DashboardStore(host.Tables, StorageNames.Default, DashboardOptions.From(key, host.Address));
        await store.AddUserAsync(Dinas, DashboardRole.Regency, ["63.71"], DateTimeOffset.UtcNow);

        // The outsider asks first: the queue is handled in order, so once the listed address's mail is out, the outsider's request was handled too.
        var unlisted = await new Browser(host.Address, "198.51.100.8").AskLinkAsync(Outsider);
        var browser = new Browser(host.Address, "198.51.100.7");
        var listed = await browser.AskLinkAsync(Dinas);
        Assert.Equal(HttpStatusCode.OK, listed.Status);
        Assert.Equal((listed.Status, listed.Body), (unlisted.Status, unlisted.Body));

        await host.WaitForAsync(() => Task.FromResult(MailsTo(Dinas).Count > 0), "the sign-in mail in the outbox folder", MailLimit);

        var mail = Assert.Single(MailsTo(Dinas));
        Assert.Empty(MailsTo(Outsider));
        var link = Regex.Match(mail.HtmlBody ?? "", @"href=""([^""]*/api/dashboard/masuk#[^""]+)""").Groups[1].Value;
        Assert.StartsWith(host.Address.ToString().TrimEnd('/') + "/api/dashboard/masuk#", link, StringComparison.Ordinal);
        var signedIn = await browser.SignInAsync(link);
        Assert.True(signedIn == HttpStatusCode.SeeOther, $"signing in with the mailed link answered {(int)signedIn}:\n{host.Tail(30)}");
        var overview = await browser.SendAsync(HttpMethod.Get, "dashboard/63.71");
        Assert.Equal(HttpStatusCode.OK, overview.Status);
        // The trends page, whose literal segment the host would otherwise give to the overview of a month "tren".
        var trends = await browser.SendAsync(HttpMethod.Get, "dashboard/63.71/tren?indikator=laporan");
        Assert.Equal(HttpStatusCode.OK, trends.Status);
        Assert.Contains("Tren 12 bulan", trends.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(Dinas, host.Log, StringComparison.OrdinalIgnoreCase);
    }
}
