using KampungKB.Core.Jobs.Classes;
using KampungKB.Core.Model;
using KampungKB.Core.Outbox.Notifications;
using KampungKB.Core.Store;

namespace KampungKB.Core.Dashboard;

/// <summary>
/// A kampung's status for one month, by the overview's rule (<see cref="MonthOverview"/>, domain.md "Deadline"): an accepted
/// report whose first upload arrived by the end of the deadline day (local time) is on time, later is late; no accepted report
/// but the month's latest upload (one stating that month) was refused is rejected; else missing. Warnings are shown beside it.
/// </summary>
internal static class MonthStatus
{
    /// <summary>The status from the month's stored report (null: none accepted), the kampung's uploads (newest first) and the end of the deadline day. Pure.</summary>
    public static KampungMonthStatus Of(StoredReport? report, ReportingPeriod period, IEnumerable<UploadRecord> uploads, DateTimeOffset deadlineEnd)
    {
        ArgumentNullException.ThrowIfNull(uploads);
        if (report is not null) return report.FirstArrival < deadlineEnd ? KampungMonthStatus.OnTime : KampungMonthStatus.Late;
        var latest = uploads.Where(u => u.Period == period).OrderByDescending(u => u.ReceivedAt).ThenByDescending(u => u.UploadId, StringComparer.Ordinal).FirstOrDefault();
        return latest?.Status == UploadStatus.Rejected ? KampungMonthStatus.Rejected : KampungMonthStatus.Missing;
    }
}

/// <summary>One of the twelve months in the kampung page's strip: <c>YYYY-MM</c>, "Okt 2025", status code and label, its page link.</summary>
/// <remarks><paramref name="Status"/> is the overview's tag (<see cref="OverviewView.Tag"/>: tepat, terlambat, ditolak, belum); <paramref name="Warnings"/>: the accepted report carries warnings.</remarks>
internal sealed record KampungMonthCell(string Period, string Label, string Status, string StatusLabel, string Href, bool Selected, bool Warnings);

/// <summary>One activity of the month as stored: date, title, bidang, participants (L/P), partners.</summary>
internal sealed record KampungActivityRow(string Date, string Title, string? Category, string? Participants, string? Partners);

/// <summary>One stored figure of the month: label and value as the cadre wrote it (Indonesian number format).</summary>
internal sealed record KampungFigureRow(string Code, string Label, string Value);

/// <summary>One problem of an upload: where (sheet, row, column) and the Indonesian message the cadre read.</summary>
internal sealed record KampungProblemRow(string Severity, string? Where, string Message);

/// <summary>
/// One upload of the month: file, when (local time), outcome, counts, problems (those the log keeps, up to 200, and how many
/// more), the session-checked link to its original file (null when retention removed it), and the feedback the cadre got:
/// the feedback mail's state (sent, skipped and why, failed, none) and the feedback page.
/// </summary>
internal sealed record KampungUploadRow(string UploadId, string FileName, string ReceivedAt, string Status, string StatusLabel, int Activities,
    int Errors, int Warnings, IReadOnlyList<KampungProblemRow> Problems, int MoreProblems, string? DownloadHref, string Feedback, bool Pruned,
    string Counts, string? More);

/// <summary>The kampung's class: computed as the BKKBN website does, the registry's official class, the class from checked data when it differs, what would lift it.</summary>
internal sealed record KampungClassView(string Computed, string? Official, string? Checked, string? CheckedReason, IReadOnlyList<string> Lifts,
    string? LiftsTo, IReadOnlyList<string> Missing, string? FiguresAsOf, bool Differs, string? LiftsHeading);

/// <summary>One action button (resend the upload link, send a reminder): where it posts, its one-time id, whether it can go and why not.</summary>
internal sealed record KampungActionView(string Action, string Label, string Href, string ActionId, bool Enabled, string? Why);

/// <summary>Everything the kampung page shows (templates/dashboard/kampung.hbs); every text already Indonesian.</summary>
internal sealed record KampungPageView(
    string RegencyCode, string AreaCode, string Name, string? Village, string? District, string? PokjaPhone, string? PkbName,
    string Period, string PeriodLabel, string MonthHeading, string? PreviousHref, string? NextHref,
    IReadOnlyList<KampungMonthCell> Months,
    string Status, string StatusLabel, bool Warnings, string? ReceivedAt, string? Deadline,
    IReadOnlyList<KampungActivityRow> Activities, IReadOnlyList<KampungFigureRow> Figures, string? Participants,
    IReadOnlyList<KampungUploadRow> Uploads, KampungClassView? Class, IReadOnlyList<KampungActionView> Actions,
    string ExportHref, bool Retired);

/// <summary>What the kampung page is built from, all read before planning (<see cref="KampungPageReader"/>).</summary>
/// <param name="Months">The kampung's twelve months ending with <paramref name="Period"/> (each may be empty).</param>
/// <param name="Uploads">The kampung's uploads, newest first (the upload index; problems not needed).</param>
/// <param name="Detailed">The selected month's uploads with their kept problems (the log lines), by upload id.</param>
/// <param name="Feedback">The feedback mail of each of the selected month's uploads, by upload id (absent: none recorded).</param>
/// <param name="Downloadable">Upload ids whose original is still kept (retention removes it after <c>Retention__Months</c>).</param>
internal sealed record KampungPageInput(
    RegencySettings Regency, RegistryEntry Kampung, ReportingPeriod Period, ReportingPeriod CurrentPeriod,
    IReadOnlyDictionary<ReportingPeriod, ReportMonth> Months,
    IReadOnlyList<UploadRecord> Uploads,
    IReadOnlyDictionary<string, UploadRecord> Detailed,
    IReadOnlyDictionary<string, NotificationRecord> Feedback,
    IReadOnlyList<Activity> Activities,
    KampungClassRow? Class,
    string ActionSeed);

/// <summary>
/// Plans the kampung page from what was read (pure; unit-tested): the twelve-month strip, the month's activities and
/// figures as stored, every upload of the month with its outcome, problems and feedback, the class and the actions.
/// Texts come from <c>templates/dashboard/kampung.json</c>, indicator labels from the recap's labels.
/// </summary>
internal static class KampungPagePlanner
{
    /// <summary>Months in the strip (the selected one last).</summary>
    public const int StripMonths = 12;

    /// <summary>The twelve months ending with <paramref name="period"/>, oldest first.</summary>
    public static IReadOnlyList<ReportingPeriod> Strip(ReportingPeriod period)
    {
        var list = new List<ReportingPeriod>();
        var p = period;
        for (var i = 0; i < StripMonths; i++, p = p.Previous) list.Add(p);
        list.Reverse();
        return list;
    }

    /// <summary>The uploads that belong to <paramref name="period"/>: those stating it, and those of unknown month received in it (local time).</summary>
    public static IReadOnlyList<UploadRecord> OfMonth(IEnumerable<UploadRecord> uploads, ReportingPeriod period, LocalTime zone) =>
        uploads.Where(u => u.Period is { } p ? p == period : ReportingPeriod.Of(DateOnly.FromDateTime(zone.ToLocal(u.ReceivedAt))) == period)
            .OrderByDescending(u => u.ReceivedAt).ThenByDescending(u => u.UploadId, StringComparer.Ordinal).ToList();

    /// <param name="text">A dashboard text by key with its <c>{name}</c> placeholders filled.</param>
    /// <param name="indicatorLabel">An indicator code's Indonesian label (the recap's labels).</param>
    /// <param name="classifier">The class rules, labels and lift texts (null: no class section).</param>
    public static KampungPageView Plan(KampungPageInput input, Func<string, (string Name, string Value)[], string> text,
        Func<string, string> indicatorLabel, KampungClassifier? classifier)
    {
        var classes = classifier?.Catalogue;
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(indicatorLabel);
        string T(string key, params (string, string)[] values) => text(key, values);
        var regency = input.Regency;
        var zone = regency.TimeZone;
        var k = input.Kampung;
        var page = DashboardRoutes.KampungPath(regency.Code, k.AreaCode);
        string Href(ReportingPeriod p) => $"{page}?bulan={p}";

        var cells = Strip(input.Period).Select(p =>
        {
            var report = input.Months.TryGetValue(p, out var m) ? m.Current.GetValueOrDefault(k.AreaCode) : null;
            var deadlineEnd = EndOfDay(regency.DueDate(p), zone);
            var tag = OverviewView.Tag(MonthStatus.Of(report, p, input.Uploads, deadlineEnd));
            var label = IndonesianFormat.MonthName(p.Month)[..3] + " " + p.Year.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return new KampungMonthCell(p.ToString(), label, tag, T("status_" + tag), Href(p), p == input.Period, report?.WarningCount > 0);
        }).ToList();
        var selected = cells[^1];
        var current = input.Months.TryGetValue(input.Period, out var month) ? month.Current.GetValueOrDefault(k.AreaCode) : null;

        var activities = input.Activities.Select(a => new KampungActivityRow(
            IndonesianFormat.Date(a.Date), a.Title, a.Category,
            a.Participants is { } n ? (a.Male is not null || a.Female is not null
                ? T("participants_split", ("total", IndonesianFormat.Number(n, 0)), ("male", IndonesianFormat.Number(a.Male ?? 0, 0)), ("female", IndonesianFormat.Number(a.Female ?? 0, 0)))
                : IndonesianFormat.Number(n, 0)) : null,
            a.Partners.Count > 0 ? string.Join(", ", a.Partners) : null)).ToList();
        var figures = (current?.Indicators ?? new Dictionary<string, decimal>())
            .Select(f => new KampungFigureRow(f.Key, indicatorLabel(f.Key), IndonesianFormat.Number(f.Value)))
            .ToList();

        var uploads = OfMonth(input.Uploads, input.Period, zone).Select(u =>
        {
            var line = input.Detailed.GetValueOrDefault(u.UploadId) ?? u;
            var problems = line.Problems.Select(p => new KampungProblemRow(
                p.Severity == Severity.Error ? T("problem_error") : T("problem_warning"), Where(p, T), p.Message)).ToList();
            var kept = line.Problems.Count;
            var more = Math.Max(0, line.ErrorCount + line.WarningCount - kept);
            var pruned = line.PrunedAt is not null;
            return new KampungUploadRow(u.UploadId, u.FileName, When(u.ReceivedAt, zone),
                u.Status, T("upload_" + (u.Status is UploadStatus.Accepted or UploadStatus.Rejected or UploadStatus.Unchanged or UploadStatus.Superseded or UploadStatus.Archive ? u.Status : "other")),
                u.ActivityCount, u.ErrorCount, u.WarningCount, problems, more,
                pruned ? null : DashboardRoutes.KampungOriginalPath(regency.Code, k.AreaCode, u.UploadId),
                FeedbackText(input.Feedback.GetValueOrDefault(u.UploadId), zone, T), pruned,
                T("kampung_counts", ("activities", IndonesianFormat.Number(u.ActivityCount, 0)), ("errors", IndonesianFormat.Number(u.ErrorCount, 0)), ("warnings", IndonesianFormat.Number(u.WarningCount, 0))),
                more > 0 ? T("kampung_more_problems", ("count", IndonesianFormat.Number(more, 0))) : null);
        }).ToList();

        KampungClassView? cls = null;
        if (input.Class is { } c && classes is not null)
        {
            var official = k.Class is { } oc ? classes.ClassLabel(oc, regency.TopClassLabel) : k.ClassLabel;
            var computed = classes.ClassLabel(c.Now.Class, regency.TopClassLabel);
            var liftsTo = c.Lifts.Count == 0 ? null : classes.ClassLabel(classifier!.ClassAfter(c.Now, c.Lifts), regency.TopClassLabel);
            cls = new KampungClassView(computed, official,
                c.Checked is { } ch ? classes.ClassLabel(ch.Class, regency.TopClassLabel) : null,
                c.Checked is null ? null : ClassReader.CheckedReason(c, classes),
                c.Lifts.Select(classes.LiftText).ToList(),
                liftsTo,
                c.Now.Missing.Select(classes.MissingLabel).ToList(),
                c.FiguresAsOf is { } f ? T("kampung_class_asof", ("month", IndonesianFormat.Month(f.ToString()))) : null,
                official is not null && !string.Equals(official, computed, StringComparison.OrdinalIgnoreCase),
                liftsTo is null ? null : T("kampung_class_lifts", ("class", liftsTo)));
        }

        var actionHref = DashboardRoutes.KampungActionPath(regency.Code, k.AreaCode);
        var noMail = string.IsNullOrWhiteSpace(k.PokjaEmail);
        var actions = new List<KampungActionView>
        {
            new(KampungActions.Link, T("action_link"), actionHref, input.ActionSeed + "-" + KampungActions.Link, !noMail && !k.IsRetired,
                k.IsRetired ? T("action_retired") : noMail ? T("action_no_email") : null),
            new(KampungActions.Reminder, T("action_reminder"), actionHref, input.ActionSeed + "-" + KampungActions.Reminder,
                !noMail && !k.IsRetired && current is null,
                k.IsRetired ? T("action_retired") : noMail ? T("action_no_email") : current is not null ? T("action_reported") : null),
        };

        return new KampungPageView(regency.Code, k.AreaCode, k.Name, k.Village, k.District, k.PokjaPhone, k.PkbName,
            input.Period.ToString(), IndonesianFormat.Month(input.Period.ToString()), T("kampung_month", ("month", IndonesianFormat.Month(input.Period.ToString()))),
            Href(input.Period.Previous), input.Period.CompareTo(input.CurrentPeriod) < 0 ? Href(input.Period.Next) : null,
            cells, selected.Status, selected.StatusLabel, selected.Warnings,
            current is null ? null : When(current.FirstArrival, zone),
            IndonesianFormat.Date(regency.DueDate(input.Period)),
            activities, figures,
            current is { ActivitiesVersion: not null } r
                ? T("participants_split", ("total", IndonesianFormat.Number(r.Participants, 0)), ("male", IndonesianFormat.Number(r.Male, 0)), ("female", IndonesianFormat.Number(r.Female, 0)))
                : null,
            uploads, cls, actions,
            DashboardRoutes.KampungExportPath(regency.Code, k.AreaCode) + $"?bulan={input.Period}", k.IsRetired);
    }

    /// <summary>The first instant after the deadline day in the regency's local time (domain.md: a report is on time through the whole day).</summary>
    public static DateTimeOffset EndOfDay(DateOnly day, LocalTime zone) => new(day.AddDays(1).ToDateTime(TimeOnly.MinValue), zone.Offset);

    /// <summary>"6 November 2025 09.30 WITA": an instant in the regency's local time, as people read it.</summary>
    public static string When(DateTimeOffset at, LocalTime zone)
    {
        var local = zone.ToLocal(at);
        return $"{IndonesianFormat.Date(local)} {IndonesianFormat.Time(local)} {zone.Label}";
    }

    private static string? Where(Problem p, Func<string, (string, string)[], string> t)
    {
        var parts = new List<string>();
        if (!string.IsNullOrWhiteSpace(p.Sheet)) parts.Add(t("where_sheet", [("sheet", p.Sheet!)]));
        if (p.Row is { } row) parts.Add(t("where_row", [("row", row.ToString(System.Globalization.CultureInfo.InvariantCulture))]));
        if (!string.IsNullOrWhiteSpace(p.Column)) parts.Add(t("where_column", [("column", p.Column!)]));
        return parts.Count == 0 ? null : string.Join(", ", parts);
    }

    /// <summary>Why a feedback mail was not sent, each with its own text (others read "skip_other").</summary>
    private static readonly HashSet<string> KnownSkipReasons = [ReminderSkipReasons.NoPokjaEmail, "no-kampung", ReminderSkipReasons.MailRefused];

    private static string FeedbackText(NotificationRecord? mail, LocalTime zone, Func<string, (string, string)[], string> t) => mail switch
    {
        null => t("feedback_none", []),
        { State: NotificationState.Sent } => t("feedback_sent", [("when", When(mail.CompletedAt ?? mail.ClaimedAt, zone))]),
        { State: NotificationState.Skipped } => t("feedback_skipped", [("reason", t("skip_" + (mail.Reason is { } r && KnownSkipReasons.Contains(r) ? r : "other"), []))]),
        { State: NotificationState.Failed } => t("feedback_failed", []),
        _ => t("feedback_pending", []),
    };
}
