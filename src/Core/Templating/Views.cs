namespace KampungKB.Core.Templating;

// View models for templates/email/*.hbs. Plain data, filled by whoever builds the mail; the templates
// only format. Conventions: Period is "YYYY-MM"; ratios (IsPercent, *Ratio) are 0–1 (0.625 shows as
// "62,5%"); *Local date-times are already in the dinas' time zone, named by TimeZone ("WITA").

/// <summary>One problem found in an upload, located as the cadre sees it in Excel.</summary>
public sealed record ProblemRow(string? Sheet, int? Row, string? Column, string? Text, string Message);

/// <summary>A labelled figure; when <paramref name="IsPercent"/> the value is a ratio 0–1.</summary>
public sealed record FigureRow(string Label, decimal? Value, bool IsPercent = false);

/// <summary>Feedback to the uploader: template <c>feedback-accepted</c> or <c>feedback-rejected</c> by <see cref="Accepted"/>.</summary>
public sealed record FeedbackView(
    bool Accepted,
    string KampungName,
    string? AreaCode,
    string? Kecamatan,
    string? Period,
    string FileName,
    DateTime ReceivedAtLocal,
    string TimeZone,
    int ActivityCount,
    int ParticipantsMale,
    int ParticipantsFemale,
    int ParticipantsTotal,
    IReadOnlyList<FigureRow> KeyFigures,
    IReadOnlyList<ProblemRow> Warnings,
    IReadOnlyList<ProblemRow> Errors,
    bool ReplacesEarlier,
    string DinasName,
    string? UploadLink,
    string? HelpContact)
{
    public bool HasWarnings => Warnings.Count > 0;
    public int WarningCount => Warnings.Count;
    public int ErrorCount => Errors.Count;
}

public enum ReminderStage { BeforeDeadline, AfterDeadline, Escalation, Dinas }

/// <summary>A previous reminder for the same kampung and period, e.g. (2025-11-02, "Pengingat H-3", "Pokja").</summary>
public sealed record PreviousReminderRow(DateOnly SentOn, string StageLabel, string RecipientRole);

/// <summary>
/// One reminder about one kampung's missing report (template <c>reminder</c>, subject
/// <c>reminder.{stage}</c>). <see cref="RecipientName"/> is who reads it: the Pokja (before/after the
/// deadline), the PKB/PLKB (escalation) or the dinas.
/// </summary>
public sealed record ReminderView(
    ReminderStage Stage,
    string RecipientName,
    string KampungName,
    string? AreaCode,
    string? Desa,
    string? Kecamatan,
    string Period,
    DateOnly Deadline,
    int DaysFromDeadline,
    IReadOnlyList<string> Missing,
    string? UploadLink,
    string? UploadEmail,
    string DinasName,
    string? HelpContact,
    string? PkbName,
    IReadOnlyList<PreviousReminderRow> PreviousReminders)
{
    public bool IsBeforeDeadline => Stage == ReminderStage.BeforeDeadline;
    public bool IsAfterDeadline => Stage == ReminderStage.AfterDeadline;
    public bool IsEscalation => Stage == ReminderStage.Escalation;
    public bool IsDinas => Stage == ReminderStage.Dinas;
    public int DaysLeft => Math.Max(0, -DaysFromDeadline);
    public int DaysLate => Math.Max(0, DaysFromDeadline);
    public string StageKey => Stage switch
    {
        ReminderStage.BeforeDeadline => "before-deadline",
        ReminderStage.AfterDeadline => "after-deadline",
        ReminderStage.Escalation => "escalation",
        _ => "dinas",
    };
}

public sealed record CompletenessView(int Expected, int Reported, int OnTime, int Late, int Missing)
{
    public decimal? ReportedRatio => Expected == 0 ? null : (decimal)Reported / Expected;
}

public sealed record KecamatanRow(string Name, int Expected, int Reported, int OnTime, int Late, int Missing)
{
    public decimal? ReportedRatio => Expected == 0 ? null : (decimal)Reported / Expected;
}

/// <summary>A kampung without a report. <paramref name="MonthsMissingInARow"/> counts this period; <paramref name="LastReminder"/> is the last reminder stage sent, if any.</summary>
public sealed record MissingKampungRow(string KampungName, string? AreaCode, string? Kecamatan, string? PkbName, int MonthsMissingInARow, string? LastReminder);

public sealed record CountRow(string Label, int Count);

public sealed record ParticipantsView(int Male, int Female, int Total, int? PreviousTotal)
{
    /// <summary>Participants reported only as a total, without an L/P split.</summary>
    public int Unsplit => Math.Max(0, Total - Male - Female);
    public int? Change => PreviousTotal is { } p ? Total - p : null;
}

/// <summary>An indicator total (stock: latest month; flow: summed) or ratio; <see cref="Change"/> is against the previous period.</summary>
public sealed record IndicatorRow(string Code, string Label, decimal? Value, decimal? Previous, bool IsPercent = false)
{
    public decimal? Change => Value is { } v && Previous is { } p ? v - p : null;
}

public sealed record ClassRow(string Label, int Count, int? PreviousYearCount);

/// <summary>Progress toward the yearly target that at least <see cref="TargetRatio"/> (5%) of kampung rise a class.</summary>
public sealed record ClassTargetView(int Year, int TotalKampung, decimal TargetRatio, int TargetCount, int RaisedThisYear)
{
    public decimal? ProgressRatio => TargetCount == 0 ? null : Math.Min(1m, (decimal)RaisedThisYear / TargetCount);
    public bool Reached => RaisedThisYear >= TargetCount;
}

public sealed record RejectedUploadRow(string KampungName, string FileName, DateTime ReceivedAtLocal, int ErrorCount, string MainReason);

/// <summary>A kampung the system cannot mail (no Pokja email in the registry); <paramref name="Phone"/> lets the dinas call instead.</summary>
public sealed record UnreachableKampungRow(string KampungName, string? AreaCode, string? Kecamatan, string? Phone);

/// <summary>The dinas recap for one period (template <c>recap</c>).</summary>
public sealed record RecapView(
    string DinasName,
    string RegionName,
    string Period,
    string? PreviousPeriod,
    DateOnly Deadline,
    DateTime GeneratedAtLocal,
    string TimeZone,
    CompletenessView Completeness,
    IReadOnlyList<KecamatanRow> Kecamatan,
    IReadOnlyList<MissingKampungRow> MissingKampung,
    int ActivityTotal,
    IReadOnlyList<CountRow> ActivitiesByBidang,
    ParticipantsView Participants,
    IReadOnlyList<CountRow> Partners,
    IReadOnlyList<IndicatorRow> Indicators,
    IReadOnlyList<IndicatorRow> Ratios,
    IReadOnlyList<ClassRow> Classes,
    ClassTargetView ClassTarget,
    IReadOnlyList<RejectedUploadRow> RejectedUploads,
    IReadOnlyList<UnreachableKampungRow> Unreachable,
    string? AttachmentName,
    string? DashboardLink)
{
    public int MaxBidangCount => ActivitiesByBidang.Count == 0 ? 0 : ActivitiesByBidang.Max(r => r.Count);
    public int MaxPartnerCount => Partners.Count == 0 ? 0 : Partners.Max(r => r.Count);
    public int MaxClassCount => Classes.Count == 0 ? 0 : Classes.Max(r => r.Count);
    public int ClassTotal => Classes.Sum(r => r.Count);
}

/// <summary>A rendered mail: subject (plain text), HTML body and a plain-text alternative.</summary>
public sealed record RenderedEmail(string Subject, string Html, string Text);

/// <summary>One kampung still without a report in the dinas' D+7 list: name, area code, kecamatan and its PKB/PLKB (if known).</summary>
public sealed record DinasListRow(string KampungName, string AreaCode, string? Desa, string? Kecamatan, string? PkbName);

/// <summary>
/// The dinas stage (D+7, template <c>reminder-dinas</c>, subject <c>reminder-dinas</c>): ONE mail per
/// kabupaten/kota and period listing every kampung still missing (issue 12 finding 13), instead of one
/// mail per kampung.
/// </summary>
public sealed record DinasReminderView(
    string DinasName,
    string Period,
    DateOnly Deadline,
    int DaysLate,
    IReadOnlyList<DinasListRow> Kampung,
    IReadOnlyList<string> Missing,
    string? HelpContact)
{
    public int Count => Kampung.Count;
}
