using System.Collections.Concurrent;
using System.Net;
using System.Text.RegularExpressions;
using KampungKB.Core.Dashboard;
using KampungKB.Core.Outbox.Mail;
using KampungKB.Integration.Tests.Azurite;

namespace KampungKB.Integration.Tests.Dashboard;

/// <summary>
/// Asking for a sign-in link takes the same path to the answer whether or not the address is listed (docs/dashboard.md,
/// "Sign-in"): the mail is sent after the answer, by the app's background queue. Shown without timing: the mail transport
/// waits on a gate the test opens, and the listed address's answer arrives while the gate is still closed.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class SignInMailQueueTests(AzuriteFixture azurite)
{
    private const string Dinas = "kasi.data@dppkb.banjarmasin.go.id";
    private const string Outsider = "orang.luar@gmail.com";

    /// <summary>A mail transport that holds every send until <see cref="Open"/>, then keeps the mail (or answers <paramref name="failWith"/>).</summary>
    private sealed class GatedMail(MailSendResult? failWith = null) : IMailSender
    {
        private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public ConcurrentQueue<MailMessage> Sent { get; } = new();
        public int Waiting;
        public void Open() => _gate.TrySetResult();
        public async Task<MailSendResult> SendAsync(MailMessage message, CancellationToken ct)
        {
            Interlocked.Increment(ref Waiting);
            await _gate.Task.WaitAsync(ct);
            if (failWith is not null) return failWith;
            Sent.Enqueue(message);
            return MailSendResult.Sent(Guid.NewGuid().ToString("N"), "test");
        }
    }

    private static IReadOnlyList<string> SetCookies(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var values) ? values.ToList() : [];

    [SkippableFact]
    public async Task ListedAddress_AnsweredWhileTheMailIsHeld_SameAnswerAsUnlisted_MailSentOnceAfter()
    {
        var mail = new GatedMail();
        await using var d = await WebHarness.StartDashboardAsync(azurite, "dsq", transport: mail);
        await d.AddUserAsync(Dinas, DashboardRole.Regency, "63.71");
        var browser = d.NewBrowser();

        var listed = await browser.AskLinkAsync(Dinas);
        Assert.Equal(HttpStatusCode.OK, listed.Status);
        Assert.Empty(mail.Sent);                      // answered while the transport is still shut
        var unlisted = await d.NewBrowser("198.51.100.8").AskLinkAsync(Outsider);
        Assert.Equal(listed.Status, unlisted.Status);
        Assert.Equal(listed.Body, unlisted.Body);
        Assert.Equal(SetCookies(listed.Response), SetCookies(unlisted.Response));
        Assert.Equal(listed.Response.Content.Headers.ContentType, unlisted.Response.Content.Headers.ContentType);
        Assert.Empty(mail.Sent);

        mail.Open();
        await d.SignInMailsHandledAsync();
        var sent = Assert.Single(mail.Sent);
        Assert.Equal([Dinas], sent.To);
        Assert.Equal(1, Volatile.Read(ref mail.Waiting)); // the outsider's request reached no transport at all
        // The held mail's link still signs in (its 15 minutes count from the request).
        var link = Regex.Match(sent.HtmlBody, @"href=""([^""]*/api/dashboard/masuk#[^""]+)""").Groups[1].Value;
        Assert.Equal(HttpStatusCode.SeeOther, (await browser.SignInAsync(link)).Status);
        Assert.DoesNotContain(d.Logs.Lines, l => l.Contains('@'));
    }

    [SkippableFact]
    public async Task MailServiceRefusesTheSignInMail_AnswerUnchanged_LoggedAsOurError_NoAddressInLogs()
    {
        var mail = new GatedMail(MailSendResult.Permanent("mail-forbidden", 403));
        mail.Open();
        await using var d = await WebHarness.StartDashboardAsync(azurite, "dsr", transport: mail);
        await d.AddUserAsync(Dinas, DashboardRole.Regency, "63.71");

        var listed = await d.NewBrowser().RequestLinkAsync(Dinas);
        var unlisted = await d.NewBrowser("198.51.100.8").RequestLinkAsync(Outsider);
        Assert.Equal((listed.Status, listed.Body), (unlisted.Status, unlisted.Body));
        Assert.Contains(d.Logs.Lines, l => l.Contains("Dashboard sign-in mail for user", StringComparison.Ordinal) && l.Contains("not sent", StringComparison.Ordinal)
            && l.Contains("mail-forbidden", StringComparison.Ordinal));
        Assert.DoesNotContain(d.Logs.Lines, l => l.Contains('@'));
    }
}
