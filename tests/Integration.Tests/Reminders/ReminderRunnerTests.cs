using Azure.Data.Tables;
using KampungKB.Core.Notifications;
using KampungKB.Core.Reminders;
using KampungKB.Core.Storage;
using KampungKB.Integration.Tests.Azurite;
using KampungKB.Integration.Tests.Recaps;
using static KampungKB.Integration.Tests.Recaps.NotificationHarness;

namespace KampungKB.Integration.Tests.Reminders;

/// <summary>
/// October 2025, deadline 10 November (WITA): D−3 = 7 Nov, D+1 = 11 Nov, D+3 = 13 Nov, D+7 = 17 Nov. Alpha
/// has reported; Beta, Gamma, Epsilon have a Pokja email; Delta has none (unreachable).
/// </summary>
[Collection(AzuriteCollection.Name)]
public class ReminderRunnerTests(AzuriteFixture azurite)
{
    private static DateOnly Nov(int day) => new(2025, 11, day);

    private async Task<NotificationHarness> SetUpAsync()
    {
        var h = new NotificationHarness(azurite);
        await h.InitAsync();
        await h.WriteAsync(Alpha, October, new DateTimeOffset(2025, 11, 3, 2, 0, 0, TimeSpan.Zero), Figures(100, 60));
        return h;
    }

    private static List<(string Area, string Stage, string Action)> Of(ReminderRunResult r, string? action = null) =>
        r.Items.Where(i => action is null || i.Action == action).Select(i => (i.AreaCode, i.Stage, i.Action)).ToList();

    [SkippableFact]
    public async Task EveryStage_SentOnItsDay_ToItsRecipient_AndNeverTwice()
    {
        if (!azurite.Require()) return;
        var h = await SetUpAsync();

        Assert.Empty((await h.Reminders.RunAsync(Settings, Nov(6))).Items);
        var before = await h.Reminders.RunAsync(Settings, Nov(7));
        Assert.Equal([(Beta, "sent"), (Gamma, "sent"), (Delta, "skipped"), (Epsilon, "sent")], before.Items.Select(i => (i.AreaCode, i.Action)));
        Assert.Equal(ReminderSkipReasons.NoPokjaEmail, before.Items.Single(i => i.AreaCode == Delta).Reason);
        Assert.Equal(3, h.Mail.Sent.Count);
        Assert.Contains(h.Mail.Sent, m => m.To.SequenceEqual(["beta@pokja.example"]));

        var again = await h.Reminders.RunAsync(Settings, Nov(7));
        Assert.All(again.Items, i => Assert.Equal(ReminderActions.Already, i.Action));
        Assert.Equal(3, h.Mail.Sent.Count);

        await h.Reminders.RunAsync(Settings, Nov(11));
        Assert.Equal(6, h.Mail.Sent.Count);                 // after the deadline: Pokja again
        var escalation = await h.Reminders.RunAsync(Settings, Nov(13));
        Assert.Equal(4, escalation.Sent);                    // to the PKB, Delta included (its PKB has an email)
        Assert.Equal(10, h.Mail.Sent.Count);
        Assert.Equal(4, h.Mail.Sent.Skip(6).Count(m => m.To.SequenceEqual(["pkb@bkkbn.example"])));
        var dinas = await h.Reminders.RunAsync(Settings, Nov(17));
        Assert.Equal(1, dinas.Sent);                         // one list of the 4 missing kampung (issue 12 finding 13)
        Assert.Equal(11, h.Mail.Sent.Count);
        Assert.All(h.Mail.Sent.Skip(10), m => Assert.Equal(["rekap@dppkb.example"], m.To));
        Assert.Equal(0, (await h.Reminders.RunAsync(Settings, Nov(17))).Sent);

        var log = await new NotificationLog(h.Tables, h.Names).ListAsync(Regency, October);
        Assert.Equal(13, log.Count);                         // 4 kampung × 3 stages, one row each, and the dinas list
        Assert.Equal(11, log.Count(r => r.State == NotificationState.Sent));
        Assert.Equal(2, log.Count(r => r.Reason == ReminderSkipReasons.NoPokjaEmail));
    }

    [SkippableFact]
    public async Task TenConcurrentRuns_EachMessageSentOnce()
    {
        if (!azurite.Require()) return;
        var h = await SetUpAsync();

        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Task.Run(() => h.Reminders.RunAsync(Settings, Nov(17)))));

        // D+7 catch-up: after-deadline (3 with email), escalation (4), the dinas list (1); before-deadline stale.
        Assert.Equal(8, results.Sum(r => r.Sent));
        Assert.Equal(8, h.Mail.Sent.Count);
        Assert.Equal(8, h.Mail.Sent.Select(m => (string.Join(",", m.To), m.Subject)).Distinct().Count());
        var log = await new NotificationLog(h.Tables, h.Names).ListAsync(Regency, October);
        Assert.Equal(13, log.Count);
    }

    [SkippableFact]
    public async Task CatchUpAfterOutage_SendsMissedStagesOnce_SkipsStaleBeforeDeadline()
    {
        if (!azurite.Require()) return;
        var h = await SetUpAsync();

        // The timer was down from 6 to 14 November.
        var run = await h.Reminders.RunAsync(Settings, Nov(14));

        Assert.All(run.Items.Where(i => i.Stage == ReminderStages.BeforeDeadline), i =>
            Assert.Equal((ReminderActions.Skipped, ReminderSkipReasons.StaleBeforeDeadline), (i.Action, i.Reason)));
        Assert.Equal(3, run.Items.Count(i => i.Stage == ReminderStages.AfterDeadline && i.Action == ReminderActions.Sent));
        Assert.Equal(4, run.Items.Count(i => i.Stage == ReminderStages.Escalation && i.Action == ReminderActions.Sent));
        Assert.DoesNotContain(run.Items, i => i.Stage == ReminderStages.Dinas);
        Assert.Equal(7, h.Mail.Sent.Count);
        Assert.Equal(0, (await h.Reminders.RunAsync(Settings, Nov(15))).Sent);

        // Long after the last stage nothing is sent any more: older stages expire.
        var late = await h.Reminders.RunAsync(Settings, Nov(26));
        Assert.All(late.Items.Where(i => i.Stage == ReminderStages.Dinas), i => Assert.Equal(ReminderActions.Sent, i.Action));
        var expired = await h.Reminders.RunAsync(Settings, Nov(28), dryRun: true);
        Assert.Empty(expired.Items); // on the 28th the October stages are out of the catch-up window
    }

    [SkippableFact]
    public async Task ReportArrived_NoReminderForThatKampung()
    {
        if (!azurite.Require()) return;
        var h = await SetUpAsync();
        await h.Reminders.RunAsync(Settings, Nov(7));
        await h.WriteAsync(Beta, October, new DateTimeOffset(2025, 11, 9, 2, 0, 0, TimeSpan.Zero), Figures(10, 5));

        var after = await h.Reminders.RunAsync(Settings, Nov(11));

        Assert.DoesNotContain(after.Items, i => i.AreaCode == Beta);
        Assert.DoesNotContain(after.Items, i => i.AreaCode == Alpha);
        Assert.DoesNotContain(h.Mail.Sent.Skip(3), m => m.To.Contains("beta@pokja.example"));
    }

    [SkippableFact]
    public async Task TimerFiresInUtc_LocalDayDecides_MidnightWita()
    {
        if (!azurite.Require()) return;
        var h = await SetUpAsync();
        h.Time.Now = new DateTimeOffset(2025, 11, 6, 15, 59, 0, TimeSpan.Zero); // 23:59 WITA on 6 Nov: nothing due
        Assert.Empty((await h.Reminders.RunAsync(Settings)).Items);
        h.Time.Now = new DateTimeOffset(2025, 11, 6, 16, 1, 0, TimeSpan.Zero);  // 00:01 WITA on 7 Nov: D−3
        var run = await h.Reminders.RunAsync(Settings);
        Assert.Equal(Nov(7), run.Today);
        Assert.Equal(3, run.Sent);
    }

    [SkippableFact]
    public async Task CrashBetweenClaimAndSend_ClaimedRowResentOnceAfterLease()
    {
        if (!azurite.Require()) return;
        var h = await SetUpAsync();
        // A run claimed Beta's D+1 reminder and crashed before sending.
        var partition = NotificationKeys.Partition(Regency, October);
        await h.Tables.GetTableClient(h.Names.NotificationsTable).AddEntityAsync(new TableEntity(partition, NotificationKeys.ReminderRow(Beta, ReminderStages.AfterDeadline))
        {
            ["Kind"] = NotificationKinds.Reminder, ["Regency"] = Regency, ["Period"] = "2025-10", ["AreaCode"] = Beta,
            ["Stage"] = ReminderStages.AfterDeadline, ["State"] = NotificationState.Claimed, ["ClaimedAt"] = h.Time.Now, ["Attempt"] = 1,
        });

        var during = await h.Reminders.RunAsync(Settings, Nov(11));
        Assert.Equal(ReminderActions.Already, during.Items.Single(i => i.AreaCode == Beta && i.Stage == ReminderStages.AfterDeadline).Action);
        Assert.DoesNotContain(h.Mail.Sent, m => m.To.Contains("beta@pokja.example"));

        h.Time.Now += NotificationLedger.Lease + TimeSpan.FromMinutes(1);
        var results = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => Task.Run(() => h.Reminders.RunAsync(Settings, Nov(11)))));
        Assert.Single(h.Mail.Sent, m => m.To.Contains("beta@pokja.example"));
        var row = (await new NotificationLog(h.Tables, h.Names).ListAsync(Regency, October)).Single(r => r.RowKey == $"{Beta}_after-deadline");
        Assert.Equal((NotificationState.Sent, 2), (row.State, row.Attempt));
    }

    [SkippableFact]
    public async Task TransientMailFailure_RetriedByNextRun_PermanentIsNot()
    {
        if (!azurite.Require()) return;
        var h = await SetUpAsync();
        h.Mail.Answer = m => m.To.Contains("beta@pokja.example") ? Core.Mail.MailSendResult.Transient("mail-throttled")
            : m.To.Contains("gamma@pokja.example") ? Core.Mail.MailSendResult.Permanent("mail-invalid-address") : null!;
        var first = await h.Reminders.RunAsync(Settings, Nov(7));
        Assert.Equal(2, first.Failed);
        h.Mail.Answer = null;
        Assert.Equal(0, (await h.Reminders.RunAsync(Settings, Nov(7))).Sent); // backoff: not before NextAttemptAt
        h.Time.Now += NotificationLedger.Backoff(1);
        var second = await h.Reminders.RunAsync(Settings, Nov(7));
        Assert.Equal([Beta], second.Items.Where(i => i.Action == ReminderActions.Sent).Select(i => i.AreaCode));
    }
}
