using KampungKB.Core.Jobs.Reminders;
using KampungKB.Core.Model;
using KampungKB.Core.Outbox.Notifications;
using KampungKB.Core.Store;

namespace KampungKB.Core.Tests.Reminders;

/// <summary>
/// Which kampung get which reminder stage on a local day (domain.md, reminders and escalation), decided without storage:
/// Kota Banjarmasin (WITA, deadline day 10, stages D−3, D+1, D+3, D+7), October 2025 due on 10 November.
/// </summary>
public class ReminderPlanTests
{
    private const string Alpha = "63.71.01.1001", Beta = "63.71.01.1002", Gamma = "63.71.02.1001", Delta = "63.71.02.1002";
    private static readonly ReportingPeriod October = new(2025, 10);
    private static readonly DateTimeOffset Now = new(2025, 11, 20, 0, 0, 0, TimeSpan.Zero);

    private static readonly RegencySettings Regency = RegencySettings.Default("63.71") with
    {
        DinasName = "DPPKB Kota Banjarmasin", Recipients = ["rekap@dppkb.example"],
    };

    private static RegistryEntry Kampung(string area, string? pokja = "pokja@example.id", string? pkb = "pkb@example.id") =>
        new(area, "Kampung KB " + area[^4..], "Desa", "Kec", "Kota Banjarmasin", null, null, 2018, pokja, "0811000000", "Ibu PKB", pkb);

    private static readonly IReadOnlyList<RegistryEntry> Registry =
        [Kampung(Alpha), Kampung(Beta), Kampung(Gamma, pokja: null), Kampung(Delta, pkb: " ")];

    private static ReminderFacts Facts(string[]? reported = null, NotificationRecord[]? log = null, UploadRecord[]? uploads = null) =>
        new((reported ?? []).ToHashSet(StringComparer.Ordinal), (log ?? []).ToDictionary(r => r.RowKey, StringComparer.Ordinal), uploads ?? []);

    private static ReminderPeriodPlan Plan(DateOnly day, ReminderFacts? facts = null, RegencySettings? regency = null, Func<RegistryEntry, string?>? whatsApp = null,
        ReportingPeriod? period = null) =>
        ReminderPlan.Decide(regency ?? Regency, day, period ?? October, Registry, facts ?? Facts(), Now, whatsApp);

    private static List<(string? Area, ReminderStage Stage, string? Skip)> Of(ReminderPeriodPlan plan, string channel = ReminderChannels.Email) =>
        plan.Decisions.Where(d => d.Channel == channel).Select(d => (d.Kampung?.AreaCode, d.Stage.Stage, d.Skip)).ToList();

    private static NotificationRecord Row(string area, ReminderStage stage, string state, bool transient = false, int attempt = 1, DateTimeOffset? claimedAt = null) =>
        new(NotificationKeys.Partition("63.71", October), NotificationKeys.ReminderRow(area, stage), NotificationKinds.Reminder, "63.71", "2025-10", area, stage.Key(),
            state, null, RecipientRoles.Pokja, null, claimedAt ?? Now.AddDays(-5), null, attempt, transient, null, null);

    private static UploadRecord Upload(string area, string status, DateTimeOffset receivedAt, string file = "laporan.xlsx", int errors = 0) =>
        new("u-" + file, "63.71", $"{area}/{file}", file, area, October, status, "hash", 100, receivedAt, receivedAt, 0, errors, 0,
            Enumerable.Range(1, errors).Select(i => new Problem(Severity.Error, "date-invalid", "Kegiatan", i + 4, "C", "31/02/2025", $"Tanggal baris {i + 4} tidak ada")).ToList());

    [Fact]
    public void DayBeforeTheFirstStage_NothingIsDue()
    {
        Assert.Empty(ReminderPlan.Periods(Regency, new DateOnly(2025, 11, 6)));
        Assert.Equal([October], ReminderPlan.Periods(Regency, new DateOnly(2025, 11, 7)));
    }

    [Fact]
    public void DeadlineDay_TheBeforeDeadlineReminderIsStillSent_NothingElseIsDue()
    {
        var plan = Plan(new DateOnly(2025, 11, 10));

        Assert.Equal([(Alpha, ReminderStage.BeforeDeadline, null), (Beta, ReminderStage.BeforeDeadline, null),
            (Gamma, ReminderStage.BeforeDeadline, ReminderSkipReasons.NoPokjaEmail), (Delta, ReminderStage.BeforeDeadline, null)], Of(plan));
        Assert.Equal(["pokja@example.id"], plan.Decisions[0].To);
    }

    [Fact]
    public void DayAfterTheDeadline_AfterAnOutage_BeforeDeadlineIsNeverSentLate_AfterDeadlineIs()
    {
        var plan = Plan(new DateOnly(2025, 11, 11), Facts(reported: [Beta, Gamma, Delta]));

        Assert.Equal([(Alpha, ReminderStage.BeforeDeadline, ReminderSkipReasons.StaleBeforeDeadline), (Alpha, ReminderStage.AfterDeadline, null)], Of(plan));
    }

    [Fact]
    public void EscalationDay_GoesToThePkb_OrIsSkippedWithoutItsAddress_AndAKampungThatReportedLateGetsNothing()
    {
        // Alpha was reminded on the 7th and the 11th and reported late, on the 12th: no escalation for it.
        var log = new[] { Row(Alpha, ReminderStage.BeforeDeadline, NotificationState.Sent), Row(Alpha, ReminderStage.AfterDeadline, NotificationState.Sent) };
        var plan = Plan(new DateOnly(2025, 11, 13), Facts(reported: [Alpha], log: log));

        Assert.DoesNotContain(plan.Decisions, d => d.Kampung?.AreaCode == Alpha);
        Assert.Equal([Beta, Gamma, Delta], plan.Missing.Select(k => k.AreaCode));
        var escalations = plan.Decisions.Where(d => d.Stage.Stage == ReminderStage.Escalation).ToList();
        Assert.Equal([(Beta, null), (Gamma, null), (Delta, ReminderSkipReasons.NoPkbEmail)], escalations.Select(d => (d.Kampung!.AreaCode, d.Skip)));
        Assert.All(escalations, d => Assert.Equal(RecipientRoles.Pkb, d.Stage.RecipientRole));
        Assert.Equal(["pkb@example.id"], escalations[0].To);
        Assert.DoesNotContain(plan.Decisions, d => d.Stage.Stage == ReminderStage.Dinas);
    }

    [Fact]
    public void DinasDay_OneListOfTheKampungStillMissing_AsTheLastDecision()
    {
        var plan = Plan(new DateOnly(2025, 11, 17), Facts(reported: [Alpha, Gamma]));

        var list = plan.Decisions[^1];
        Assert.Equal((null, ReminderStage.Dinas, NotificationKeys.DinasListRow, (string?)null), (list.Kampung, list.Stage.Stage, list.RowKey, list.Skip));
        Assert.Equal(["rekap@dppkb.example"], list.To);
        Assert.Equal([Beta, Delta], plan.Missing.Select(k => k.AreaCode));
        Assert.Single(plan.Decisions, d => d.Stage.Stage == ReminderStage.Dinas);
    }

    [Fact]
    public void DinasDay_WithoutRecipients_IsSkipped_AndWithEveryReportIn_ThereIsNoList()
    {
        var skipped = Plan(new DateOnly(2025, 11, 17), regency: Regency with { Recipients = [] }).Decisions[^1];
        Assert.Equal((ReminderStage.Dinas, ReminderSkipReasons.NoDinasRecipients), (skipped.Stage.Stage, skipped.Skip));

        Assert.Empty(Plan(new DateOnly(2025, 11, 17), Facts(reported: [Alpha, Beta, Gamma, Delta])).Decisions);
    }

    [Fact]
    public void StagesMoreThanTenDaysPast_AreExpired_YoungerOnesStillGoOut()
    {
        // 22 November: D+1 (the 11th) is 11 days past, D+3 (the 13th) 9 days.
        var plan = Plan(new DateOnly(2025, 11, 22), Facts(reported: [Beta, Gamma, Delta]));

        Assert.Equal([(Alpha, ReminderStage.BeforeDeadline, ReminderSkipReasons.StaleBeforeDeadline), (Alpha, ReminderStage.AfterDeadline, ReminderSkipReasons.Expired),
            (Alpha, ReminderStage.Escalation, null), (null, ReminderStage.Dinas, null)], Of(plan));
        Assert.Empty(ReminderPlan.Periods(Regency, new DateOnly(2025, 11, 28)));
        Assert.Equal([October], ReminderPlan.Periods(Regency, new DateOnly(2025, 11, 27)));
    }

    [Theory]
    [InlineData(2026, 1, 31, "2026-02-25", "2026-03-01")]   // due 28 February (clamped): D+1 is in March
    [InlineData(2027, 1, 31, "2027-02-25", "2027-03-01")]
    [InlineData(2028, 1, 31, "2028-02-26", "2028-03-01")]   // leap year: due 29 February
    [InlineData(2025, 12, 10, "2026-01-07", "2026-01-11")]  // December's report is due in the new year
    public void MonthEnds_TheStageDaysFollowTheClampedDeadline(int year, int month, int deadlineDay, string before, string after)
    {
        var regency = Regency with { DeadlineDay = deadlineDay };
        var period = new ReportingPeriod(year, month);
        var (beforeDay, afterDay) = (DateOnly.Parse(before, System.Globalization.CultureInfo.InvariantCulture), DateOnly.Parse(after, System.Globalization.CultureInfo.InvariantCulture));

        Assert.Contains(period, ReminderPlan.Periods(regency, beforeDay));
        Assert.DoesNotContain(period, ReminderPlan.Periods(regency, beforeDay.AddDays(-1)));
        var onTheDay = ReminderPlan.Decide(regency, afterDay, period, Registry, Facts(reported: [Beta, Gamma, Delta]), Now);
        Assert.Equal([(Alpha, ReminderStage.BeforeDeadline, ReminderSkipReasons.StaleBeforeDeadline), (Alpha, ReminderStage.AfterDeadline, null)], Of(onTheDay));
        Assert.Equal(afterDay, onTheDay.Decisions[1].Stage.Day);
        Assert.DoesNotContain(ReminderPlan.Decide(regency, afterDay.AddDays(-1), period, Registry, Facts(reported: [Beta, Gamma, Delta]), Now).Decisions,
            d => d.Stage.Stage == ReminderStage.AfterDeadline);
    }

    // Deadline day 1–3: D−3 falls in the reporting month itself and is sent on that day (docs/recaps-and-reminders.md,
    // "A deadline early in the month"). Dates computed by hand: 1 November − 3 days = 29 October; 3 January 2026 − 3 =
    // 31 December 2025; 2 March 2026 − 3 = 27 February (28 days); 2 March 2028 − 3 = 28 February (leap year).
    [Theory]
    [InlineData(1, 2025, 10, "2025-10-29")]
    [InlineData(2, 2025, 10, "2025-10-30")]
    [InlineData(3, 2025, 10, "2025-10-31")]
    [InlineData(3, 2025, 12, "2025-12-31")]
    [InlineData(2, 2026, 2, "2026-02-27")]
    [InlineData(2, 2028, 2, "2028-02-28")]
    public void EarlyDeadlineDay_TheBeforeDeadlineReminderGoesOutInTheReportingMonth_ThreeDaysBefore(int deadlineDay, int year, int month, string expected)
    {
        var regency = Regency with { DeadlineDay = deadlineDay };
        var period = new ReportingPeriod(year, month);
        var d3 = DateOnly.Parse(expected, System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal(ReportingPeriod.Of(d3), period);
        Assert.Equal([period], ReminderPlan.Periods(regency, d3));
        Assert.Empty(ReminderPlan.Periods(regency, d3.AddDays(-1)));
        var plan = ReminderPlan.Decide(regency, d3, period, Registry, Facts(reported: [Beta, Delta]), Now);
        Assert.Equal([(Alpha, ReminderStage.BeforeDeadline, null), (Gamma, ReminderStage.BeforeDeadline, ReminderSkipReasons.NoPokjaEmail)], Of(plan));
        Assert.All(plan.Decisions, d => Assert.Equal((d3, -3), (d.Stage.Day, d.Stage.Offset)));
    }

    [Fact]
    public void DeadlineOnThe1st_TheOtherStagesKeepTheirDays_AndAMissedD3IsSentOnTheDeadlineDayAtTheLatest()
    {
        // October 2025 due 1 November: D−3 29 October, D+1 2 November, D+3 4 November, D+7 8 November.
        var regency = Regency with { DeadlineDay = 1 };
        Assert.Equal(["2025-10-29", "2025-11-02", "2025-11-04", "2025-11-08"],
            ReminderStages.For(regency, October).Select(s => s.Day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)));
        var facts = Facts(reported: [Beta, Gamma, Delta]);

        // No run from 29 to 31 October (an outage): on the deadline day the D−3 reminder still goes, the day after it never.
        Assert.Equal([(Alpha, ReminderStage.BeforeDeadline, null)], Of(ReminderPlan.Decide(regency, new DateOnly(2025, 11, 1), October, Registry, facts, Now)));
        Assert.Equal([(Alpha, ReminderStage.BeforeDeadline, ReminderSkipReasons.StaleBeforeDeadline), (Alpha, ReminderStage.AfterDeadline, null)],
            Of(ReminderPlan.Decide(regency, new DateOnly(2025, 11, 2), October, Registry, facts, Now)));
        // On 29 October the newest period is October itself; September's stages (due 1 October, D+7 the 8th) are past their catch-up.
        Assert.Equal([October], ReminderPlan.Periods(regency, new DateOnly(2025, 10, 29)));
        Assert.Equal([new ReportingPeriod(2025, 9)], ReminderPlan.Periods(regency, new DateOnly(2025, 10, 18)));
    }

    [Fact]
    public void DeadlineOnThe4th_D3IsTheFirstOfTheNextMonth_TheReportingMonthGetsNoReminder()
    {
        var regency = Regency with { DeadlineDay = 4 };
        Assert.DoesNotContain(October, ReminderPlan.Periods(regency, new DateOnly(2025, 10, 31)));
        Assert.Contains(October, ReminderPlan.Periods(regency, new DateOnly(2025, 11, 1)));
    }

    [Fact]
    public void RejectedUpload_TheLatestOneIsQuoted_WithItsFirstThreeErrors_ButNotAFileThatArrivedAfterTheDay()
    {
        var uploads = new[]
        {
            Upload(Beta, UploadStatus.Rejected, new DateTimeOffset(2025, 11, 12, 1, 0, 0, TimeSpan.Zero), "sesudah.xlsx", 1),   // after the run's day (11th, WITA)
            Upload(Alpha, UploadStatus.Rejected, new DateTimeOffset(2025, 11, 9, 1, 0, 0, TimeSpan.Zero), "baru.xlsx", 5),
            Upload(Alpha, UploadStatus.Rejected, new DateTimeOffset(2025, 11, 8, 1, 0, 0, TimeSpan.Zero), "lama.xlsx", 1),
        };
        var plan = Plan(new DateOnly(2025, 11, 11), Facts(reported: [Gamma, Delta], uploads: uploads));

        var alpha = plan.Decisions.Single(d => d.Kampung?.AreaCode == Alpha && d.Stage.Stage == ReminderStage.AfterDeadline);
        Assert.Equal(("baru.xlsx", new DateOnly(2025, 11, 9), 5, 3, 2), (alpha.Rejected!.FileName, alpha.Rejected.ReceivedOn, alpha.Rejected.ErrorCount,
            alpha.Rejected.TopProblems.Count, alpha.Rejected.MoreErrors));
        Assert.Null(plan.Decisions.Single(d => d.Kampung?.AreaCode == Beta && d.Stage.Stage == ReminderStage.AfterDeadline).Rejected);
        Assert.Equal([Alpha], plan.Rejected.Keys);
    }

    [Fact]
    public void LoggedRows_SentOrRefusedForGood_AreSettled_ALapsedClaimOrATransientFailureIsOpenAgain()
    {
        var log = new[]
        {
            Row(Alpha, ReminderStage.AfterDeadline, NotificationState.Sent),
            Row(Beta, ReminderStage.AfterDeadline, NotificationState.Failed, transient: true),
            Row(Gamma, ReminderStage.AfterDeadline, NotificationState.Claimed, claimedAt: Now - NotificationLedger.Lease),
            Row(Delta, ReminderStage.AfterDeadline, NotificationState.Failed, transient: true, attempt: NotificationLedger.MaxAttempts),
        };
        var plan = Plan(new DateOnly(2025, 11, 11), Facts(log: log));

        Assert.Equal([(Alpha, "sent"), (Beta, null), (Gamma, null), (Delta, "failed")], plan.Decisions
            .Where(d => d.Stage.Stage == ReminderStage.AfterDeadline).Select(d => (d.Kampung!.AreaCode, d.Settled)));
    }

    [Fact]
    public void WhatsApp_OptedInPokjaGetsBothPokjaStagesTwice_MailAndWhatsApp_NeverTheEscalation_NorAStaleStage()
    {
        string? Number(RegistryEntry k) => k.AreaCode switch { Alpha => "628110000001", Beta => "", _ => null };

        var d11 = Plan(new DateOnly(2025, 11, 11), whatsApp: Number);
        Assert.Equal([(Alpha, ReminderStage.AfterDeadline, null), (Beta, ReminderStage.AfterDeadline, ReminderPlan.NoWhatsAppNumber)], Of(d11, ReminderChannels.WhatsApp));
        var alpha = d11.Decisions.Where(d => d.Kampung?.AreaCode == Alpha).ToList();
        Assert.Equal([(ReminderChannels.Email, ReminderStage.BeforeDeadline), (ReminderChannels.WhatsApp, ReminderStage.AfterDeadline), (ReminderChannels.Email, ReminderStage.AfterDeadline)],
            alpha.Select(d => (d.Channel, d.Stage.Stage)));
        Assert.Equal(NotificationKeys.ReminderRow(Alpha, ReminderStage.AfterDeadline) + NotificationKeys.WhatsAppSuffix, alpha[1].RowKey);

        var d13 = Plan(new DateOnly(2025, 11, 13), Facts(reported: [Beta, Gamma, Delta]), whatsApp: Number);
        Assert.Contains(d13.Decisions, d => d.Stage.Stage == ReminderStage.Escalation && d.Channel == ReminderChannels.Email);
        Assert.DoesNotContain(d13.Decisions, d => d.Stage.Stage == ReminderStage.Escalation && d.Channel == ReminderChannels.WhatsApp);
    }

    [Fact]
    public void StageKeys_AreTheStoredStrings_AndReadBack()
    {
        Assert.Equal(["before-deadline", "after-deadline", "escalation", "dinas"], Enum.GetValues<ReminderStage>().Select(s => s.Key()));
        Assert.All(Enum.GetValues<ReminderStage>(), s => Assert.True(ReminderStageKeys.TryParse(s.Key(), out var back) && back == s));
        Assert.False(ReminderStageKeys.TryParse("accepted", out _));
        Assert.Equal("accepted", ReminderStages.Label("accepted", Regency, Labels));
    }

    private static readonly KampungKB.Core.Jobs.Recaps.RecapCatalogue Labels = KampungKB.Core.Jobs.Recaps.RecapCatalogue.Load(Repo.Templates);

    /// <summary>How the reminder mail's earlier reminders, the recap's last reminder and <c>kkb remind</c> name each stored stage (default offsets D−3, D+1, D+3, D+7).</summary>
    [Theory]
    [InlineData("before-deadline", "Pengingat H-3")]
    [InlineData("after-deadline", "Pengingat H+1")]
    [InlineData("escalation", "Eskalasi PKB/PLKB H+3")]
    [InlineData("dinas", "Laporan ke dinas H+7")]
    [InlineData("permintaan-dinas-20251102", "Pengingat dari dinas")]
    [InlineData("rejected", "rejected")]
    [InlineData(null, "")]
    public void StageLabel_NamesTheStageWithItsDayFromTheDeadline(string? key, string label) =>
        Assert.Equal(label, ReminderStages.Label(key, Regency, Labels));

    [Fact]
    public void StageLabel_FollowsTheRegencysOffsets()
    {
        var regency = Regency with { ReminderOffsets = [-5, 0, 2, 10] };
        Assert.Equal(["Pengingat H-5", "Pengingat H+0", "Eskalasi PKB/PLKB H+2", "Laporan ke dinas H+10"],
            Enum.GetValues<ReminderStage>().Select(s => ReminderStages.Label(s, regency, Labels)));
    }

    [Theory]
    [InlineData("reminderStages", "escalation")]
    [InlineData("reminderStages", "on-request")]
    [InlineData("reminderTexts", "greetingPokja")]
    [InlineData("reminderTexts", "dinasListName")]
    public void RecapCatalogue_WithoutAReminderText_RefusesToLoad_NamingIt(string section, string key)
    {
        var dir = Directory.CreateTempSubdirectory("kkb-labels-").FullName;
        try
        {
            foreach (var file in Directory.GetFiles(Repo.Templates, "*", SearchOption.AllDirectories))
            {
                var target = Path.Combine(dir, Path.GetRelativePath(Repo.Templates, file));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(file, target);
            }
            var path = Path.Combine(dir, "messages", "indicator-labels.json");
            var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(path))!;
            json[section]!.AsObject().Remove(key);
            File.WriteAllText(path, json.ToJsonString());
            var e = Assert.Throws<InvalidOperationException>(() => KampungKB.Core.Jobs.Recaps.RecapCatalogue.Load(dir));
            Assert.Contains($"{section} needs", e.Message, StringComparison.Ordinal);
            Assert.Contains($"'{key}'", e.Message, StringComparison.Ordinal);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }
}
