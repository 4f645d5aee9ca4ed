using KampungKB.Core.Model;

namespace KampungKB.Core.Rendering.Templating;

// View models for templates/email/*.hbs. Plain data, filled by whoever builds the mail; the templates
// only format. Conventions: Period is "YYYY-MM"; ratios (IsPercent, *Ratio) are 0–1 (0.625 shows as
// "62,5%"); *Local date-times are already in the dinas' time zone, named by TimeZone ("WITA").

/// <summary>One problem found in an upload, located as the cadre sees it in Excel.</summary>
internal sealed record ProblemRow(string? Sheet, int? Row, string? Column, string? Text, string Message)
{
    /// <summary>Whether the mail shows a place column: not when the message already names the row (the place is said once).</summary>
    public bool HasPlace => (Sheet ?? Column) is not null || Row is not null;

    /// <summary>A row whose place is dropped when <paramref name="message"/> already says "baris {row}".</summary>
    public static ProblemRow Of(string? sheet, int? row, string? column, string? text, string message) =>
        row is { } r && message.Contains("baris " + r.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            ? new ProblemRow(null, null, null, text, message)
            : new ProblemRow(sheet, row, column, text, message);
}

/// <summary>A labelled figure; when <paramref name="IsPercent"/> the value is a ratio 0–1.</summary>
internal sealed record FigureRow(string Label, decimal? Value, bool IsPercent = false);

/// <summary>Feedback to the uploader: template <c>feedback-accepted</c> or <c>feedback-rejected</c> by <see cref="Accepted"/>.</summary>
internal sealed record FeedbackView(
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
    string? HelpContact,
    bool IsPage = false)
{
    /// <summary>All errors found, when more than <see cref="Errors"/> lists (the list is cut at the first 200).</summary>
    public int? ErrorTotal { get; init; }
    /// <summary>All warnings found, when more than <see cref="Warnings"/> lists.</summary>
    public int? WarningTotal { get; init; }
    /// <summary>Activity tiles only when the file had activities (an indicator-only file shows none).</summary>
    public bool HasActivities => ActivityCount > 0;
    /// <summary>The L/P tile only when some activity gave a male/female split, not for a total-only column.</summary>
    public bool HasSplit => ParticipantsMale + ParticipantsFemale > 0;
    public bool HasWarnings => Warnings.Count > 0;
    public int WarningCount => Math.Max(WarningTotal ?? 0, Warnings.Count);
    public int ErrorCount => Math.Max(ErrorTotal ?? 0, Errors.Count);
    /// <summary>True when the lists show only the first problems; templates then say so.</summary>
    public bool ErrorsCut => ErrorCount > Errors.Count;
    public int ErrorsListed => Errors.Count;
}

/// <summary>One file of a zip of reports in the combined feedback (template <c>feedback-folder</c>); <see cref="Status"/> as in the upload log, or "skipped".</summary>
internal sealed record FolderFileRow(string Path, string Status, string? Period, int Activities, int Indicators, int Errors, int Warnings, IReadOnlyList<ProblemRow> Problems)
{
    public bool IsAccepted => Status == "accepted";
    public bool IsUnchanged => Status == "unchanged";
    public bool IsSuperseded => Status == "superseded";
    public bool IsRejected => Status == "rejected";
    public bool IsSkipped => Status == "skipped";
    /// <summary>Errors beyond the ones listed (the file's own feedback page lists them all).</summary>
    public int MoreErrors => IsRejected ? Math.Max(0, Errors - Problems.Count) : 0;
    public bool HasIndicators => Indicators > 0;
    /// <summary>An indicator-only file shows its figures, not "0 kegiatan".</summary>
    public bool ShowActivities => Activities > 0 || Indicators == 0;
}

/// <summary>
/// The one feedback for a zip of reports (template <c>feedback-folder</c>): the zip's name, what concerns it as a whole
/// (<see cref="Notes"/>: refusals and notes such as system files left out) and one row per file in path order.
/// </summary>
internal sealed record FolderFeedbackView(
    string KampungName,
    string FileName,
    DateTime ReceivedAtLocal,
    string TimeZone,
    IReadOnlyList<FolderFileRow> Files,
    IReadOnlyList<ProblemRow> Errors,
    IReadOnlyList<ProblemRow> Notes,
    string DinasName,
    string? UploadLink,
    string? HelpContact,
    bool IsPage = false)
{
    public int SpreadsheetCount => Files.Count(f => !f.IsSkipped);
    public int AcceptedCount => Files.Count(f => f.IsAccepted || f.IsUnchanged || f.IsSuperseded);
    public int RejectedCount => Files.Count(f => f.IsRejected);
    public int SkippedCount => Files.Count(f => f.IsSkipped);
    public bool HasErrors => Errors.Count > 0;
    public bool HasNotes => Notes.Count > 0;
    public bool HasRejected => RejectedCount > 0;
}

/// <summary>A previous reminder for the same kampung and period, e.g. (2025-11-02, "Pengingat H-3", "Pokja").</summary>
internal sealed record PreviousReminderRow(DateOnly SentOn, string StageLabel, string RecipientRole);

/// <summary>
/// The latest upload of a kampung for the period, which arrived but could not be accepted: its file
/// name, the local day it arrived, how many errors it had and the first few of them.
/// </summary>
internal sealed record RejectedUploadView(string FileName, DateOnly ReceivedOn, int ErrorCount, IReadOnlyList<ProblemRow> TopProblems)
{
    public int MoreErrors => Math.Max(0, ErrorCount - TopProblems.Count);
}

/// <summary>
/// One reminder about one kampung's missing report (template <c>reminder</c>, subject
/// <c>reminder.{stage}</c>). <see cref="RecipientName"/> is who reads it: the Pokja (before/after the
/// deadline), the PKB/PLKB (escalation) or the dinas.
/// </summary>
internal sealed record ReminderView(
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
    IReadOnlyList<PreviousReminderRow> PreviousReminders,
    RejectedUploadView? Rejected = null)
{
    /// <summary>A reminder to this kampung's Pokja really went out (mail or WhatsApp) before this one; the PKB/PLKB and dinas mails say so only then.</summary>
    public bool PokjaReminded { get; init; }
    /// <summary>The PKB/PLKB was really reminded (for the dinas' mail).</summary>
    public bool PkbReminded { get; init; }
    /// <summary>The registry holds a Pokja email: when false and <see cref="PokjaReminded"/> is false, the mail says that is why.</summary>
    public bool HasPokjaEmail { get; init; }
    /// <summary>The Pokja's phone from the registry, so whoever reads an escalation can call when no reminder reached the Pokja.</summary>
    public string? PokjaPhone { get; init; }
    /// <summary>A file arrived for the period but was rejected: the reminder says "fix and resend", not "not received".</summary>
    public bool IsRejected => Rejected is not null;
    public bool IsBeforeDeadline => Stage == ReminderStage.BeforeDeadline;
    public bool IsAfterDeadline => Stage == ReminderStage.AfterDeadline;
    public bool IsEscalation => Stage == ReminderStage.Escalation;
    public bool IsDinas => Stage == ReminderStage.Dinas;
    public int DaysLeft => Math.Max(0, -DaysFromDeadline);
    public int DaysLate => Math.Max(0, DaysFromDeadline);
    public string StageKey => Stage.Key();
}

/// <summary>How many of the registered kampung reported for the period: on time, late, or not at all; <see cref="ReportedRatio"/> is null when none is expected.</summary>
internal sealed record CompletenessView(int Expected, int Reported, int OnTime, int Late, int Missing)
{
    public decimal? ReportedRatio => Expected == 0 ? null : (decimal)Reported / Expected;
}

/// <summary>The same completeness counts as <see cref="CompletenessView"/> for one kecamatan of the recap.</summary>
internal sealed record KecamatanRow(string Name, int Expected, int Reported, int OnTime, int Late, int Missing)
{
    public decimal? ReportedRatio => Expected == 0 ? null : (decimal)Reported / Expected;
}

/// <summary>
/// A kampung without an accepted report. <paramref name="MonthsMissingInARow"/> counts this period and the kampung's own
/// earlier months without a report; <paramref name="LastReminder"/> is the last reminder stage sent, if any;
/// <paramref name="RejectedReason"/> (with <paramref name="RejectedOn"/>) when the kampung sent a file that was rejected.
/// </summary>
internal sealed record MissingKampungRow(string KampungName, string? AreaCode, string? Kecamatan, string? PkbName, int MonthsMissingInARow, string? LastReminder,
    string? RejectedReason = null, DateTime? RejectedOn = null)
{
    public bool IsRejected => RejectedReason is not null;
}

/// <summary>One labelled count of the recap (e.g. activities per bidang).</summary>
internal sealed record CountRow(string Label, int Count);

/// <summary>Activity participants of the period: laki-laki, perempuan and the total as reported, with the previous period's total when known.</summary>
internal sealed record ParticipantsView(int Male, int Female, int Total, int? PreviousTotal)
{
    /// <summary>Participants reported only as a total, without an L/P split.</summary>
    public int Unsplit => Math.Max(0, Total - Male - Female);
    public int? Change => PreviousTotal is { } p ? Total - p : null;
    /// <summary>Some participants were reported as laki-laki/perempuan (not only as a total).</summary>
    public bool HasSplit => Male + Female > 0;
}

/// <summary>An indicator total (stock: latest month; flow: summed) or ratio; <see cref="Change"/> is against the previous period.</summary>
internal sealed record IndicatorRow(string Code, string Label, decimal? Value, decimal? Previous, bool IsPercent = false)
{
    public decimal? Change => Value is { } v && Previous is { } p ? v - p : null;
}

/// <summary>How many kampung hold one class (Dasar … Paripurna, docs/classification.md), with the count a year earlier when known.</summary>
internal sealed record ClassRow(string Label, int Count, int? PreviousYearCount);

/// <summary>Progress toward the yearly target that at least <see cref="TargetRatio"/> (5%) of kampung rise a class.</summary>
internal sealed record ClassTargetView(int Year, int TotalKampung, decimal TargetRatio, int TargetCount, int RaisedThisYear)
{
    public decimal? ProgressRatio => TargetCount == 0 ? null : Math.Min(1m, (decimal)RaisedThisYear / TargetCount);
    public bool Reached => RaisedThisYear >= TargetCount;
}

/// <summary>A rejected upload of the period: the kampung, the file, when it arrived (local time), its error count and its first error's message.</summary>
internal sealed record RejectedUploadRow(string KampungName, string FileName, DateTime ReceivedAtLocal, int ErrorCount, string MainReason);

/// <summary>A kampung the system cannot mail (no Pokja email in the registry); <paramref name="Phone"/> lets the dinas call instead.</summary>
internal sealed record UnreachableKampungRow(string KampungName, string? AreaCode, string? Kecamatan, string? Phone);

/// <summary>
/// A kampung a later registry import of its kabupaten/kota no longer listed (<see cref="RegistryEntry.IsRetired"/>): kept with
/// its reports, counted neither as registered nor as missing; <paramref name="RetiredOn"/> is the import's local date.
/// </summary>
internal sealed record RetiredKampungRow(string KampungName, string AreaCode, string? Kecamatan, DateOnly RetiredOn);

/// <summary>
/// The previous month's value of every recap figure that has one, for the workbook's "Bulan sebelumnya" column: counted
/// the same way over the same (active) kampung from the previous month's reports, activities and uploads. Labels key the
/// activity fields (bidang), partners and computed classes as the current month shows them; a label absent had 0.
/// </summary>
internal sealed record PreviousMonthView(
    int Activities,
    int Male,
    int Female,
    int IndicatorKampung,
    int RejectedUploads,
    int MissingRejected,
    IReadOnlyDictionary<string, int> Bidang,
    IReadOnlyDictionary<string, int> Partners,
    IReadOnlyDictionary<string, int>? ComputedClasses);

/// <summary>The dinas recap for one period (template <c>recap</c>).</summary>
internal sealed record RecapView(
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
    /// <summary>Coverage and timeliness over the last 12 months, per kecamatan (null: not compiled).</summary>
    public TrendView Trend { get; init; } = TrendView.Empty;
    /// <summary>How many kampung the indicator figures come from (a stock may be carried from up to 3 months back).</summary>
    public int IndicatorKampung { get; init; }
    /// <summary>Of <see cref="IndicatorKampung"/>, how many sent their figures this very month.</summary>
    public int IndicatorKampungThisMonth { get; init; }
    public bool HasIndicators => Indicators.Count > 0 || Ratios.Count > 0;
    /// <summary>Of the kampung without an accepted report, those that sent a file which was rejected.</summary>
    public int MissingRejectedCount => MissingKampung.Count(m => m.IsRejected);
    public bool HasActivities => ActivityTotal > 0;
    public int MaxBidangCount => ActivitiesByBidang.Count == 0 ? 0 : ActivitiesByBidang.Max(r => r.Count);
    public int MaxPartnerCount => Partners.Count == 0 ? 0 : Partners.Max(r => r.Count);
    public int MaxClassCount => Classes.Count == 0 ? 0 : Classes.Max(r => r.Count);
    public int ClassTotal => Classes.Sum(r => r.Count);
    /// <summary>The computed classes (docs/classification.md), rendered by <c>partials/classes.hbs</c>; null when not computed.</summary>
    public ClassRecapView? Classification { get; init; }
    /// <summary>The data-quality review, rendered by <c>partials/quality.hbs</c>; null when not run.</summary>
    public QualityRecapView? Quality { get; init; }
    /// <summary>The second attachment (figures to type into the BKKBN website), rendered by <c>partials/handover.hbs</c>; null when none.</summary>
    public HandoverNoteView? Handover { get; init; }
    /// <summary>The previous month's figures (null: no kampung of the kabupaten had reported yet then).</summary>
    public PreviousMonthView? PreviousMonth { get; init; }
    /// <summary>The kabupaten's retired kampung, shown once as such (not in any count above); area-code order.</summary>
    public IReadOnlyList<RetiredKampungRow> Retired { get; init; } = [];
}

/// <summary>A rendered mail: subject (plain text), HTML body and a plain-text alternative.</summary>
public sealed record RenderedEmail(string Subject, string Html, string Text);

/// <summary>A month on the trend chart's axis: "2025-10", "Okt", and the year under January and the first month.</summary>
internal sealed record TrendMonth(string Period, string Short, string? Year);

/// <summary>
/// One month of one area on the trend chart: kampung expected, on time, late. <see cref="HasData"/> is
/// false before the kabupaten's first report. The *Px heights stack to <see cref="BarPixels"/> pixels
/// (on time at the bottom, then late, then missing) for an email bar made of table cells.
/// </summary>
internal sealed record TrendCell(string Period, bool HasData, int Expected, int OnTime, int Late)
{
    public const int BarPixels = 32;

    public static TrendCell NoData(string period, int expected) => new(period, false, expected, 0, 0);
    public static TrendCell Of(string period, int expected, int onTime, int late) => new(period, true, expected, onTime, late);

    public int Reported => OnTime + Late;
    public int Missing => Math.Max(0, Expected - Reported);
    /// <summary>Coverage: reported / expected (0–1); null without data.</summary>
    public decimal? ReportedRatio => HasData && Expected > 0 ? (decimal)Reported / Expected : null;
    /// <summary>Timeliness: on time / expected (0–1); null without data.</summary>
    public decimal? OnTimeRatio => HasData && Expected > 0 ? (decimal)OnTime / Expected : null;
    public int OnTimePx => Px(OnTime);
    public int LatePx => Px(OnTime + Late) - Px(OnTime);
    public int MissingPx => HasData && Expected > 0 ? BarPixels - Px(OnTime + Late) : 0;
    public int EmptyPx => HasData && Expected > 0 ? 0 : BarPixels;

    private int Px(int count) => !HasData || Expected <= 0 ? 0 : (int)Math.Round((decimal)count * BarPixels / Expected, MidpointRounding.AwayFromZero);
}

/// <summary>The kabupaten/kota (<see cref="IsTotal"/>) or one kecamatan, month by month, oldest first.</summary>
internal sealed record TrendRow(string Name, bool IsTotal, IReadOnlyList<TrendCell> Cells)
{
    public TrendCell Latest => Cells[^1];
}

/// <summary>Coverage and timeliness over the last months, as the recap's chart shows them.</summary>
internal sealed record TrendView(IReadOnlyList<TrendMonth> Months, IReadOnlyList<TrendRow> Rows)
{
    public static readonly TrendView Empty = new([], []);
    public bool HasData => Rows.Any(r => r.Cells.Any(c => c.HasData));
    /// <summary>The first months shown predate the kabupaten's first report (drawn as empty dashed bars).</summary>
    public bool StartsBeforeData => HasData && !Rows[0].Cells[0].HasData;
    public int MonthsWithData => Rows.Count == 0 ? 0 : Rows[0].Cells.Count(c => c.HasData);
}

/// <summary>
/// One kampung still without an accepted report in the dinas' D+7 list: name, area code, kecamatan and its PKB/PLKB
/// (if known); <paramref name="Rejected"/> when it sent a file that was rejected (its date, error count and first
/// problems), else it sent nothing. <paramref name="PokjaReminded"/> / <paramref name="PkbReminded"/> say whether a
/// reminder really went out (mail or WhatsApp); when not, the mail says why (no address in the registry) and gives
/// the Pokja's phone from the registry so the dinas can call.
/// </summary>
internal sealed record DinasListRow(string KampungName, string AreaCode, string? Desa, string? Kecamatan, string? PkbName,
    RejectedUploadView? Rejected = null, bool PokjaReminded = false, bool PkbReminded = false, bool HasPokjaEmail = false, bool HasPkbEmail = false,
    string? PokjaPhone = null)
{
    public bool IsRejected => Rejected is not null;
    /// <summary>Neither the Pokja nor the PKB/PLKB could be reached by the system: the dinas should call.</summary>
    public bool NobodyReminded => !PokjaReminded && !PkbReminded;
}

/// <summary>
/// The dinas stage (D+7, template <c>reminder-dinas</c>, subject <c>reminder-dinas</c>): ONE mail per
/// kabupaten/kota and period listing every kampung still missing (docs/recaps-and-reminders.md), instead of one
/// mail per kampung.
/// </summary>
internal sealed record DinasReminderView(
    string DinasName,
    string Period,
    DateOnly Deadline,
    int DaysLate,
    IReadOnlyList<DinasListRow> Kampung,
    IReadOnlyList<string> Missing,
    string? HelpContact)
{
    public int Count => Kampung.Count;
    /// <summary>Kampung that sent nothing for the period.</summary>
    public int NotSentCount => Kampung.Count(k => !k.IsRejected);
    /// <summary>Kampung whose file arrived but was rejected (sent-but-rejected is its own status, not "not sent").</summary>
    public int RejectedCount => Kampung.Count(k => k.IsRejected);
}

/// <summary>The mail that sends a kampung's upload link again (templates/email/upload-link.hbs): the link and the last day it works.</summary>
internal sealed record UploadLinkView(string KampungName, string? AreaCode, string? Desa, string? Kecamatan, string UploadLink, DateOnly ExpiresOn,
    string DinasName, string? HelpContact);
