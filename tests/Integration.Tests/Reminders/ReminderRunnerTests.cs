using Azure.Data.Tables;
using KampungKB.Core.Outbox.Notifications;
using KampungKB.Core.Jobs.Reminders;
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
        var h = await NotificationHarness.StartAsync(azurite);
        await h.WriteAsync(Alpha, October, new DateTimeOffset(2025, 11, 3, 2, 0, 0, TimeSpan.Zero), Figures(100, 60));
        return h;
    }

    private static List<(string Area, string Stage, string Action)> Of(ReminderRunResult r, string? action = null) =>
        r.Items.Where(i => action is null || i.Action == action).Select(i => (i.AreaCode, i.Stage.Key(), i.Action)).ToList();

    [SkippableFact]
    public async Task EveryStage_SentOnItsDay_ToItsRecipient_AndNeverTwice()
    {
        var h = await SetUpAsync();

        Assert.Empty((await h.Reminders.RunAsync(Settings, Nov(6))).Items);
        var before = await h.Reminders.RunAsync(Settings, Nov(7));
        Assert.Equal([(Beta, "sent"), (Gamma, "sent"), (Delta, "skipped"), (Epsilon, "sent")], before.Items.Select(i => (i.AreaCode, i.Action)));
        Assert.Equal(ReminderSkipReasons.NoPokjaEmail, before.Items.Single(i => i.AreaCode == Delta).Reason);
        Assert.Equal(3, h.Mail.Sent.Count);
        Assert.Contains(h.Mail.Sent, m => m.To.SequenceEqual(["beta@pokja.example"]));
        Assert.Contains("Yth. Pokja Kampung KB Beta,", h.Mail.Sent.First(m => m.To.SequenceEqual(["beta@pokja.example"])).TextBody, StringComparison.Ordinal);

        var again = await h.Reminders.RunAsync(Settings, Nov(7));
        Assert.All(again.Items, i => Assert.Equal(ReminderActions.Already, i.Action));
        Assert.Equal(3, h.Mail.Sent.Count);

        await h.Reminders.RunAsync(Settings, Nov(11));
        Assert.Equal(6, h.Mail.Sent.Count);                 // after the deadline: Pokja again
        // It names the reminder sent before by its stage and day from the deadline.
        Assert.Contains("Pengingat H-3", h.Mail.Sent.Skip(3).First(m => m.To.SequenceEqual(["beta@pokja.example"])).TextBody, StringComparison.Ordinal);
        var escalation = await h.Reminders.RunAsync(Settings, Nov(13));
        Assert.Equal(4, escalation.Sent);                    // to the PKB, Delta included (its PKB has an email)
        Assert.Equal(10, h.Mail.Sent.Count);
        Assert.Equal(4, h.Mail.Sent.Skip(6).Count(m => m.To.SequenceEqual(["pkb@bkkbn.example"])));
        Assert.All(h.Mail.Sent.Skip(6).Take(4), m => Assert.Contains("Yth. Ibu PKB,", m.TextBody, StringComparison.Ordinal));
        var dinas = await h.Reminders.RunAsync(Settings, Nov(17));
        Assert.Equal(1, dinas.Sent);                         // one list of the 4 missing kampung (docs/recaps-and-reminders.md)
        Assert.Equal("4 kampung", dinas.Items.Single(i => i.Stage == ReminderStage.Dinas).KampungName); // as `kkb remind` prints the list
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
        var h = await SetUpAsync();

        // The timer was down from 6 to 14 November.
        var run = await h.Reminders.RunAsync(Settings, Nov(14));

        Assert.All(run.Items.Where(i => i.Stage == ReminderStage.BeforeDeadline), i =>
            Assert.Equal((ReminderActions.Skipped, ReminderSkipReasons.StaleBeforeDeadline), (i.Action, i.Reason)));
        Assert.Equal(3, run.Items.Count(i => i.Stage == ReminderStage.AfterDeadline && i.Action == ReminderActions.Sent));
        Assert.Equal(4, run.Items.Count(i => i.Stage == ReminderStage.Escalation && i.Action == ReminderActions.Sent));
        Assert.DoesNotContain(run.Items, i => i.Stage == ReminderStage.Dinas);
        Assert.Equal(7, h.Mail.Sent.Count);
        Assert.Equal(0, (await h.Reminders.RunAsync(Settings, Nov(15))).Sent);

        // Long after the last stage nothing is sent any more: older stages expire.
        var late = await h.Reminders.RunAsync(Settings, Nov(26));
        Assert.All(late.Items.Where(i => i.Stage == ReminderStage.Dinas), i => Assert.Equal(ReminderActions.Sent, i.Action));
        var expired = await h.Reminders.RunAsync(Settings, Nov(28), dryRun: true);
        Assert.Empty(expired.Items); // on the 28th the October stages are out of the catch-up window
    }

    [SkippableFact]
    public async Task ReportArrived_NoReminderForThatKampung()
    {
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
        var h = await SetUpAsync();
        // A run claimed Beta's D+1 reminder and crashed before sending.
        var partition = NotificationKeys.Partition(Regency, October);
        await h.Tables.GetTableClient(h.Names.NotificationsTable).AddEntityAsync(new TableEntity(partition, NotificationKeys.ReminderRow(Beta, ReminderStage.AfterDeadline))
        {
            ["Kind"] = NotificationKinds.Reminder, ["Regency"] = Regency, ["Period"] = "2025-10", ["AreaCode"] = Beta,
            ["Stage"] = ReminderStage.AfterDeadline.Key(), ["State"] = NotificationState.Claimed, ["ClaimedAt"] = h.Time.Now, ["Attempt"] = 1,
        });

        var during = await h.Reminders.RunAsync(Settings, Nov(11));
        Assert.Equal(ReminderActions.Already, during.Items.Single(i => i.AreaCode == Beta && i.Stage == ReminderStage.AfterDeadline).Action);
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
        var h = await SetUpAsync();
        h.Mail.Answer = m => m.To.Contains("beta@pokja.example") ? Core.Outbox.Mail.MailSendResult.Transient("mail-throttled")
            : m.To.Contains("gamma@pokja.example") ? Core.Outbox.Mail.MailSendResult.Permanent("mail-invalid-address") : null!;
        var first = await h.Reminders.RunAsync(Settings, Nov(7));
        Assert.Equal(2, first.Failed);
        h.Mail.Answer = null;
        Assert.Equal(0, (await h.Reminders.RunAsync(Settings, Nov(7))).Sent); // backoff: not before NextAttemptAt
        h.Time.Now += NotificationLedger.Backoff(1);
        var second = await h.Reminders.RunAsync(Settings, Nov(7));
        Assert.Equal([Beta], second.Items.Where(i => i.Action == ReminderActions.Sent).Select(i => i.AreaCode));
    }
}

/// <summary>What a reminder tells: a rejected file is "arrived, fix it", and every Pokja/PKB reminder carries the kampung's own link.</summary>
[Collection(AzuriteCollection.Name)]
public class ReminderContentTests(AzuriteFixture azurite)
{
    private static DateOnly Nov(int day) => new(2025, 11, day);

    private static KampungKB.Core.Store.UploadRecord Rejected(string area, string file, DateTimeOffset at, int errors) => new(
        $"{at:yyyyMMdd'T'HHmmss}-{Guid.NewGuid():N}"[..28], Regency, area + "/" + file, file, area, October, KampungKB.Core.Model.UploadStatus.Rejected,
        "hash", 1234, at, at, 0, errors, 0,
        Enumerable.Range(1, errors).Select(i => new KampungKB.Core.Model.Problem(KampungKB.Core.Model.Severity.Error, "date-invalid", "Kegiatan", 4 + i, "B", "31/13/2025", $"Tanggal nomor {i} tidak dikenali")).ToList());

    [SkippableFact]
    public async Task RejectedFile_ReminderSaysArrivedAndNeedsFixing_WithTopProblemsAndLink()
    {
        var h = await NotificationHarness.StartAsync(azurite);
        await h.WriteAsync(Alpha, October, new DateTimeOffset(2025, 11, 3, 2, 0, 0, TimeSpan.Zero), Figures(100, 60));
        await new KampungKB.Core.Store.UploadLog(h.Tables, h.Names).RecordAsync(Rejected(Beta, "laporan oktober beta.xlsx", new DateTimeOffset(2025, 11, 5, 2, 0, 0, TimeSpan.Zero), 5));

        var run = await h.Reminders.RunAsync(Settings, Nov(7));

        Assert.True(run.Items.Single(i => i.AreaCode == Beta).FileRejected);
        Assert.False(run.Items.Single(i => i.AreaCode == Gamma).FileRejected);
        var beta = h.Mail.Sent.Single(m => m.To.SequenceEqual(["beta@pokja.example"]));
        var gamma = h.Mail.Sent.Single(m => m.To.SequenceEqual(["gamma@pokja.example"]));
        Assert.NotEqual(Subject(gamma.Subject, "Kampung KB Gamma"), Subject(beta.Subject, "Kampung KB Beta"));
        Assert.Contains("laporan oktober beta.xlsx", beta.TextBody!);
        Assert.Contains("Tanggal nomor 1 tidak dikenali", beta.TextBody!);
        Assert.Contains("Tanggal nomor 3 tidak dikenali", beta.TextBody!);
        Assert.DoesNotContain("Tanggal nomor 4 tidak dikenali", beta.TextBody!);   // only the top three
        Assert.DoesNotContain("laporan oktober beta.xlsx", gamma.TextBody!);
        Assert.Equal(Beta, await LinkArea(h, beta.HtmlBody));
    }

    [SkippableFact]
    public async Task EveryPokjaAndPkbReminder_CarriesTheKampungsOwnUploadLink()
    {
        var h = await NotificationHarness.StartAsync(azurite);
        await h.WriteAsync(Alpha, October, new DateTimeOffset(2025, 11, 3, 2, 0, 0, TimeSpan.Zero), Figures(100, 60));

        var run = await h.Reminders.RunAsync(Settings, Nov(17));

        var toPeople = h.Mail.Sent.Where(m => !m.To.SequenceEqual(["rekap@dppkb.example"])).ToList();
        Assert.Equal(7, toPeople.Count);                 // after-deadline to 3 Pokja, escalation to 4 PKB/PLKB
        var areas = run.Items.Where(i => i.Action == ReminderActions.Sent && i.RecipientRole != "Dinas").Select(i => (string?)i.AreaCode).Order().ToList();
        var linked = new List<string?>();
        foreach (var m in toPeople)
        {
            var area = await LinkArea(h, m.HtmlBody);
            Assert.Equal(area, await LinkArea(h, m.TextBody!));   // the plain-text part carries the same link
            linked.Add(area);
        }
        Assert.Equal(areas, linked.Order().ToList());
    }

    /// <summary>The subject with the kampung name taken out, so two kampung's subjects compare by kind.</summary>
    private static string Subject(string subject, string kampung) => subject.Replace(kampung, "", StringComparison.Ordinal);

    /// <summary>The area code signed into the one upload link in a mail body.</summary>
    private static async Task<string?> LinkArea(NotificationHarness h, string body)
    {
        var tokens = System.Text.RegularExpressions.Regex.Matches(body, @"/api/kampung/[0-9.]+(?:-RW[0-9]+)?#([A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+)").Select(m => m.Groups[1].Value).Distinct().ToList();
        Assert.Single(tokens);
        return (await h.Links.VerifyAsync(tokens[0])).Claims?.AreaCode;
    }
}
