using KampungKB.Core.Outbox.Mail;
using KampungKB.Core.Outbox.Notifications;
using KampungKB.Integration.Tests.Azurite;
using KampungKB.Integration.Tests.Recaps;
using Microsoft.Extensions.Logging.Abstractions;

namespace KampungKB.Integration.Tests.Mail;

/// <summary>
/// The outbox's one front door, <c>NotificationLedger.SendOnceAsync</c>, on Azurite: whatever races it or breaks in the middle,
/// the cadre or the dinas gets the message once (conventions 8; docs/mail.md, the outbox).
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class SendOnceTests(AzuriteFixture azurite)
{
    private static readonly MailMessage Message = new(["pokja@example.id"], [], "Laporan diterima", "<p>ok</p>", "ok", []);

    private static NotificationRequest Request(string row) =>
        new(NotificationKeys.FeedbackPartition("63.71"), row, NotificationKinds.Feedback, "63.71") { AreaCode = "63.71.04.1005", Stage = "accepted" };

    private async Task<NotificationHarness> SetUpAsync()
    {
        var h = new NotificationHarness(azurite);
        await h.InitAsync();
        return h;
    }

    [SkippableFact]
    public async Task TwoRunsSendTheSameMessageAtOnce_OneMailGoesOut_TheOtherIsTold_Already()
    {
        var h = await SetUpAsync();
        var mail = new GatedSender();
        var first = new NotificationLedger(h.Tables, h.Names, h.Time);
        var second = new NotificationLedger(h.Tables, h.Names, h.Time);

        // The first run is inside the sender when the second one arrives.
        var running = first.SendOnceAsync(Request("u-race"), Message, mail, default);
        await mail.Entered.Task;
        var other = await second.SendOnceAsync(Request("u-race"), Message, mail, default);
        mail.Release.SetResult();
        var outcome = await running;

        Assert.Equal((NotificationActions.Sent, NotificationActions.Already), (outcome.Action, other.Action));
        Assert.Null(other.Result);
        Assert.Equal(1, mail.Calls);
        var row = Assert.Single(await new NotificationLog(h.Tables, h.Names).ListFeedbackAsync("63.71"));
        Assert.Equal((NotificationState.Sent, "63.71.04.1005", "accepted", 1), (row.State, row.AreaCode, row.Stage, row.Attempt));
    }

    [SkippableFact]
    public async Task ManyRunsRace_ComposeRunsOnce_AndOneMailGoesOut()
    {
        var h = await SetUpAsync();
        var mail = new GatedSender { Open = true };
        var composed = 0;

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() =>
            new NotificationLedger(h.Tables, h.Names, h.Time).SendOnceAsync(Request("u-recap"), _ =>
            {
                Interlocked.Increment(ref composed);
                return Task.FromResult(Message);
            }, mail, default))));

        Assert.Single(outcomes, o => o.Action == NotificationActions.Sent);
        Assert.Equal(5, outcomes.Count(o => o.Action == NotificationActions.Already));
        Assert.Equal((1, 1), (composed, mail.Calls));
    }

    [SkippableFact]
    public async Task SenderThrows_RowStaysClaimed_SweeperSendsItOnceAfterLease_NeverTwice()
    {
        var h = await SetUpAsync();
        var mail = new GatedSender { Open = true, ThrowFirst = true };
        var ledger = new NotificationLedger(h.Tables, h.Names, h.Time);

        await Assert.ThrowsAsync<HttpRequestException>(() => ledger.SendOnceAsync(Request("u-throws"), Message, mail, default));
        Assert.Equal(NotificationState.Claimed, Assert.Single(await new NotificationLog(h.Tables, h.Names).ListFeedbackAsync("63.71")).State);

        // The producer's own retry (the host retrying the upload) while the lease runs: nothing is sent again.
        Assert.Equal(NotificationActions.Already, (await ledger.SendOnceAsync(Request("u-throws"), Message, mail, default)).Action);
        var sweepers = Enumerable.Range(0, 3).Select(_ => new OutboxSweeper(h.Tables, h.Names, mail, h.Time, NullLogger<OutboxSweeper>.Instance)).ToList();
        Assert.Equal(0, (await sweepers[0].SweepAsync()).Sent);

        h.Time.Now += NotificationLedger.Lease;
        var swept = await Task.WhenAll(sweepers.SelectMany(s => new[] { s.SweepAsync(), s.SweepAsync() }));
        Assert.Equal(1, swept.Sum(r => r.Sent));
        h.Time.Now += TimeSpan.FromHours(3);
        Assert.Equal(0, (await sweepers[0].SweepAsync()).Sent);
        Assert.Equal(NotificationActions.Already, (await ledger.SendOnceAsync(Request("u-throws"), Message, mail, default)).Action);

        Assert.Equal((2, 1), (mail.Calls, mail.Delivered));
        var row = Assert.Single(await new NotificationLog(h.Tables, h.Names).ListFeedbackAsync("63.71"));
        Assert.Equal((NotificationState.Sent, 2), (row.State, row.Attempt));
    }

    [SkippableFact]
    public async Task TransientRefusal_WaitsForItsBackoff_ThenTheSweeperSendsItOnce()
    {
        var h = await SetUpAsync();
        var mail = new GatedSender { Open = true, RefuseFirst = true };
        var ledger = new NotificationLedger(h.Tables, h.Names, h.Time);

        var outcome = await ledger.SendOnceAsync(Request("u-busy"), Message, mail, default);
        Assert.Equal((NotificationActions.Failed, MailErrorCodes.Throttled), (outcome.Action, outcome.ErrorCode));
        var sweeper = new OutboxSweeper(h.Tables, h.Names, mail, h.Time, NullLogger<OutboxSweeper>.Instance);
        h.Time.Now += NotificationLedger.Backoff(1) - TimeSpan.FromSeconds(1);
        Assert.Equal(0, (await sweeper.SweepAsync()).Sent);
        h.Time.Now += TimeSpan.FromSeconds(1);
        Assert.Equal(1, (await Task.WhenAll(sweeper.SweepAsync(), sweeper.SweepAsync())).Sum(r => r.Sent));
        Assert.Equal(0, (await sweeper.SweepAsync()).Sent);
        Assert.Equal((2, 1), (mail.Calls, mail.Delivered));
    }

    [SkippableFact]
    public async Task SkipOnce_RecordsTheReasonOnce_AndASkippedRowIsNeverSent()
    {
        var h = await SetUpAsync();
        var mail = new GatedSender { Open = true };
        var ledger = new NotificationLedger(h.Tables, h.Names, h.Time);

        Assert.Equal(NotificationActions.Skipped, (await ledger.SkipOnceAsync(Request("u-skip"), ReminderSkipReasons.NoPokjaEmail, default)).Action);
        Assert.Equal(NotificationActions.Already, (await ledger.SkipOnceAsync(Request("u-skip"), ReminderSkipReasons.NoPokjaEmail, default)).Action);
        Assert.Equal(NotificationActions.Already, (await ledger.SendOnceAsync(Request("u-skip"), Message, mail, default)).Action);

        Assert.Equal(0, mail.Calls);
        var row = Assert.Single(await new NotificationLog(h.Tables, h.Names).ListFeedbackAsync("63.71"));
        Assert.Equal((NotificationState.Skipped, ReminderSkipReasons.NoPokjaEmail), (row.State, row.Reason));
    }

    /// <summary>A mail sender that counts, can hold the first send until released, throw once (a network fault) or refuse once (429).</summary>
    private sealed class GatedSender : IMailSender
    {
        private int _calls, _delivered;
        public bool Open { get; init; }
        public bool ThrowFirst { get; init; }
        public bool RefuseFirst { get; init; }
        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public int Calls => Volatile.Read(ref _calls);
        public int Delivered => Volatile.Read(ref _delivered);

        public async Task<MailSendResult> SendAsync(MailMessage message, CancellationToken ct)
        {
            var call = Interlocked.Increment(ref _calls);
            if (!Open)
            {
                Entered.TrySetResult();
                await Release.Task.WaitAsync(ct);
            }
            if (call == 1 && ThrowFirst) throw new HttpRequestException("connection reset");
            if (call == 1 && RefuseFirst) return MailSendResult.Transient(MailErrorCodes.Throttled, 429);
            Interlocked.Increment(ref _delivered);
            return MailSendResult.Sent($"<{call}@example.id>", "graph");
        }
    }
}
