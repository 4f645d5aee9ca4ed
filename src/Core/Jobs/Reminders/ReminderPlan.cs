using KampungKB.Core.Jobs.Recaps;
using KampungKB.Core.Model;
using KampungKB.Core.Outbox.Notifications;
using KampungKB.Core.Rendering.Templating;
using KampungKB.Core.Store;

namespace KampungKB.Core.Jobs.Reminders;

/// <summary>
/// What the plan decided about one message: send it to <see cref="To"/>, record it as skipped for <see cref="Skip"/>, or
/// leave it, because its row is already settled (<see cref="Settled"/>, the row's state). <see cref="Kampung"/> is null for
/// the dinas list (row <see cref="NotificationKeys.DinasListRow"/>). For WhatsApp, <see cref="To"/> holds the number (never logged).
/// </summary>
internal sealed record ReminderDecision(
    ReportingPeriod Period, ReminderStageDay Stage, RegistryEntry? Kampung, string Channel, string RowKey,
    IReadOnlyList<string> To, string? Skip, string? Settled, RejectedUploadView? Rejected)
{
    public bool IsSettled => Settled is not null;
}

/// <summary>What the run read for one period: the kampung with an accepted report, the period's notification log by row key, its uploads (newest first).</summary>
internal sealed record ReminderFacts(
    IReadOnlySet<string> Reported, IReadOnlyDictionary<string, NotificationRecord> Log, IReadOnlyList<UploadRecord> Uploads);

/// <summary>One period's plan: the active kampung still without a report, their latest rejected files, and every decision in sending order.</summary>
internal sealed record ReminderPeriodPlan(
    ReportingPeriod Period, IReadOnlyList<RegistryEntry> Missing, IReadOnlyDictionary<string, RejectedUploadView> Rejected,
    IReadOnlyList<ReminderDecision> Decisions);

/// <summary>
/// The pure half of <see cref="ReminderRunner"/> (domain.md, reminders and escalation): from the registry, the reports, the
/// notification log and the uploads of a period, which kampung get which stage on a local day, on which channel, and why a
/// due stage is not sent. No storage, no clock: <c>now</c> only decides whether a logged row is still open.
/// Rules: a stage is due from its day on; a "before the deadline" stage found due only after the deadline (catch-up after an
/// outage) is never sent late (<see cref="ReminderSkipReasons.StaleBeforeDeadline"/>); a stage more than
/// <see cref="CatchUpDays"/> days past is <see cref="ReminderSkipReasons.Expired"/>; no address is a skip naming whose
/// address is missing; a kampung with a report gets nothing; an opted-in Pokja also gets the two Pokja stages on WhatsApp;
/// the dinas gets one list of every kampung still missing from its stage's day on.
/// </summary>
internal static class ReminderPlan
{
    /// <summary>A stage whose day is more than this many days past is not sent any more (recorded as expired).</summary>
    public const int CatchUpDays = 10;

    /// <summary>How many of a rejected file's problems a reminder quotes.</summary>
    public const int TopProblems = 3;

    /// <summary>Opted in to WhatsApp, but the registry holds no usable number: recorded once per stage so the dinas sees it.</summary>
    public const string NoWhatsAppNumber = "no-whatsapp-number";

    /// <summary>
    /// The periods whose stages are current on <paramref name="day"/>, newest first, each from its first stage's day until
    /// <see cref="CatchUpDays"/> after its last: the three months before the day's month and the day's month itself once
    /// its first stage has come. A deadline day of 1–3 puts D−3 in the reporting month itself (October's report due on
    /// 2 November: D−3 is 30 October); the reminder goes out on that day, as for any other deadline, because D−3 is
    /// there to give the cadre three days before the deadline (domain.md, reminders: "before the deadline (D−3)"), not
    /// on the 1st of the next month, which would leave 0–2 days (docs/recaps-and-reminders.md, "Reminder stages").
    /// </summary>
    public static IReadOnlyList<ReportingPeriod> Periods(RegencySettings regency, DateOnly day)
    {
        var list = new List<ReportingPeriod>();
        for (var (period, i) = (ReportingPeriod.Of(day), 0); i < 4; period = period.Previous, i++)
        {
            var stages = ReminderStages.For(regency, period);
            if (day >= stages[0].Day && day <= stages[^1].Day.AddDays(CatchUpDays)) list.Add(period);
        }
        return list;
    }

    /// <param name="regency">With its registry applied (<see cref="RegencySettings.WithRegistry"/>).</param>
    /// <param name="kampung">The active kampung of the regency, in area-code order.</param>
    /// <param name="whatsAppNumber">Null while WhatsApp is off; else per kampung null (not opted in), "" (opted in, no usable number) or the number.</param>
    public static ReminderPeriodPlan Decide(RegencySettings regency, DateOnly day, ReportingPeriod period, IReadOnlyList<RegistryEntry> kampung,
        ReminderFacts facts, DateTimeOffset now, Func<RegistryEntry, string?>? whatsAppNumber = null)
    {
        var stages = ReminderStages.For(regency, period);
        var due = regency.DueDate(period);
        // As of the run's day: a dry run for an earlier date does not quote a file that arrived later.
        var asOf = RecapCompiler.EndOfDay(day, regency.TimeZone);
        var rejected = LatestRejected(facts.Uploads.Where(u => u.ReceivedAt < asOf).ToList(), period, regency);
        var missing = kampung.Where(k => !facts.Reported.Contains(k.AreaCode)).ToList();
        string? Settled(string rowKey) =>
            facts.Log.TryGetValue(rowKey, out var existing) && !NotificationLedger.IsOpen(existing, now) ? existing.State : null;

        var decisions = new List<ReminderDecision>();
        foreach (var k in missing)
        foreach (var stage in stages.Where(s => s.Day <= day && s.Stage != ReminderStage.Dinas))
        {
            var rowKey = NotificationKeys.ReminderRow(k.AreaCode, stage.Stage);
            var to = Recipients(stage, k, regency);
            var skip = stage.Stage == ReminderStage.BeforeDeadline && day > due ? ReminderSkipReasons.StaleBeforeDeadline
                : day.DayNumber - stage.Day.DayNumber > CatchUpDays ? ReminderSkipReasons.Expired
                : to.Count == 0 ? stage.Stage == ReminderStage.Escalation ? ReminderSkipReasons.NoPkbEmail : ReminderSkipReasons.NoPokjaEmail
                : null;
            if (whatsAppNumber is not null && skip is not (ReminderSkipReasons.StaleBeforeDeadline or ReminderSkipReasons.Expired)
                && stage.Stage is ReminderStage.BeforeDeadline or ReminderStage.AfterDeadline && whatsAppNumber(k) is { } number)
            {
                var waRow = rowKey + NotificationKeys.WhatsAppSuffix;
                decisions.Add(new(period, stage, k, ReminderChannels.WhatsApp, waRow, [number], number.Length == 0 ? NoWhatsAppNumber : null,
                    Settled(waRow), null));
            }
            decisions.Add(new(period, stage, k, ReminderChannels.Email, rowKey, to, skip, Settled(rowKey), rejected.GetValueOrDefault(k.AreaCode)));
        }
        if (stages[^1] is { Stage: ReminderStage.Dinas } dinas && dinas.Day <= day && missing.Count > 0)
        {
            var skip = day.DayNumber - dinas.Day.DayNumber > CatchUpDays ? ReminderSkipReasons.Expired
                : regency.Recipients.Count == 0 ? ReminderSkipReasons.NoDinasRecipients : null;
            decisions.Add(new(period, dinas, null, ReminderChannels.Email, NotificationKeys.DinasListRow, regency.Recipients, skip,
                Settled(NotificationKeys.DinasListRow), null));
        }
        return new ReminderPeriodPlan(period, missing, rejected, decisions);
    }

    private static IReadOnlyList<string> Recipients(ReminderStageDay stage, RegistryEntry k, RegencySettings regency) => stage.Stage switch
    {
        ReminderStage.Escalation => string.IsNullOrWhiteSpace(k.PkbEmail) ? [] : [k.PkbEmail.Trim()],
        ReminderStage.Dinas => regency.Recipients,
        _ => string.IsNullOrWhiteSpace(k.PokjaEmail) ? [] : [k.PokjaEmail.Trim()],
    };

    /// <summary>Per kampung, its latest upload for <paramref name="period"/> when that upload was rejected (uploads are newest first).</summary>
    internal static Dictionary<string, RejectedUploadView> LatestRejected(IReadOnlyList<UploadRecord> uploads, ReportingPeriod period, RegencySettings regency)
    {
        var map = new Dictionary<string, RejectedUploadView>(StringComparer.Ordinal);
        foreach (var latest in uploads.Where(u => u.AreaCode is not null && u.Period == period).GroupBy(u => u.AreaCode!).Select(g => g.First()))
        {
            if (latest.Status != UploadStatus.Rejected) continue;
            var errors = latest.Problems.Where(p => p.Severity == Severity.Error).ToList();
            map[latest.AreaCode!] = new RejectedUploadView(
                latest.FileName, DateOnly.FromDateTime(regency.TimeZone.ToLocal(latest.ReceivedAt)), Math.Max(latest.ErrorCount, errors.Count),
                errors.Take(TopProblems).Select(p => ProblemRow.Of(p.Sheet, p.Row, p.Column, p.Text, p.Message)).ToList());
        }
        return map;
    }
}
