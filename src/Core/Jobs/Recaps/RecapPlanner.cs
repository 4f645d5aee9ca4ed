using KampungKB.Core.Jobs.Classes;
using KampungKB.Core.Jobs.Reminders;
using KampungKB.Core.Model;
using KampungKB.Core.Outbox.Notifications;
using KampungKB.Core.Rendering.Templating;
using KampungKB.Core.Store;

namespace KampungKB.Core.Jobs.Recaps;

/// <summary>
/// Everything the recap of one kabupaten/kota and period is computed from, as read from the stores by
/// <see cref="RecapCompiler"/>: plain records, no storage client.
/// </summary>
/// <param name="Regency">The regency's settings, with its registry applied (<see cref="RegencySettings.WithRegistry"/>): deadline, time zone, names.</param>
/// <param name="Period">The reporting month.</param>
/// <param name="Kampung">The active kampung of the regency (retired ones left out by the registry), ordered by area code: who should report.</param>
/// <param name="History">Current reports by area code for <paramref name="Period"/> and the <see cref="RecapPlanner.HistoryMonths"/> months before it; a month absent counts as empty.</param>
/// <param name="Activities">The activity rows of the period's current reports (by area code; a retired kampung's rows may be among them).</param>
/// <param name="Uploads">The period's uploads and those of unknown month received from its first day to the end of the next month.</param>
/// <param name="Notifications">The notification log of the period (reminders sent decide "last reminder").</param>
/// <param name="ClassChanges">Per area code, the latest class rise recorded by a registry import.</param>
/// <param name="Classes">The computed class section (read by <see cref="ClassReader"/> over the same months).</param>
/// <param name="Handover">The BKKBN-website handover workbook, already planned (its links issued).</param>
/// <param name="CompiledAt">When the recap is compiled (UTC); shown in the regency's local time.</param>
internal sealed record RecapInput(
    RegencySettings Regency,
    ReportingPeriod Period,
    IReadOnlyList<RegistryEntry> Kampung,
    IReadOnlyDictionary<ReportingPeriod, IReadOnlyDictionary<string, StoredReport>> History,
    IReadOnlyList<(string AreaCode, Activity Activity)> Activities,
    IReadOnlyList<UploadRecord> Uploads,
    IReadOnlyList<NotificationRecord> Notifications,
    IReadOnlyDictionary<string, ClassChange> ClassChanges,
    ClassReport Classes,
    Handover.HandoverResult Handover,
    DateTimeOffset CompiledAt)
{
    /// <summary>Kampung retired from the registry (<see cref="RegistryEntry.IsRetired"/>): in no count, each named once.</summary>
    public IReadOnlyList<RegistryEntry> Retired { get; init; } = [];
    /// <summary>The activity rows of the previous month's current reports, for the workbook's "Bulan sebelumnya".</summary>
    public IReadOnlyList<(string AreaCode, Activity Activity)> PreviousActivities { get; init; } = [];
    /// <summary>The previous month's uploads, read as <see cref="Uploads"/> is for this month.</summary>
    public IReadOnlyList<UploadRecord> PreviousUploads { get; init; } = [];
}

/// <summary>
/// The recap as planned: the view the mail renders, one row per active kampung (the workbook's rows), the registered
/// kampung's activities (the workbook's activity sheet) and the data-quality review.
/// </summary>
internal sealed record RecapPlan(RecapView View, IReadOnlyList<RecapKampungRow> Rows, IReadOnlyList<(string AreaCode, Activity Activity)> Activities,
    Quality.QualityReport Quality);

/// <summary>
/// The recap's arithmetic, a pure function of a <see cref="RecapInput"/>. It follows domain.md: a report is on time when
/// its first accepted upload arrived before the end of the deadline day in the regency's time zone, late after it, missing
/// without one (a kampung whose latest upload of the month was rejected is missing, with that upload's first error as the
/// reason); only the registry's active kampung count, so a retired kampung's report and activities are left out; stocks
/// are each kampung's latest value as of the month end (carried forward at most <see cref="StockLookbackMonths"/> months),
/// summed over kampung and never over months; flows are summed; ratios are recomputed from summed numerators and
/// denominators over the kampung that have both, never averaged.
/// </summary>
internal sealed class RecapPlanner(RecapCatalogue catalogue)
{
    /// <summary>How many earlier months a stock value may come from when a kampung sent no figures this month.</summary>
    public const int StockLookbackMonths = 3;
    /// <summary>How far back "months missing in a row" counts.</summary>
    public const int HistoryMonths = 12;
    /// <summary>The yearly target: at least this share of a kabupaten's kampung rise a class (domain.md, classes).</summary>
    public const decimal ClassTargetRatio = 0.05m;

    private static readonly IReadOnlyDictionary<string, StoredReport> NoReports = new Dictionary<string, StoredReport>(StringComparer.Ordinal);

    /// <summary>Plans the recap of <paramref name="input"/>; never reads storage, never throws on its data.</summary>
    public RecapPlan Plan(RecapInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var (regency, period, kampung, history) = (input.Regency, input.Period, input.Kampung, input.History);
        var zone = regency.TimeZone;
        var current = history.GetValueOrDefault(period) ?? NoReports;
        var activities = input.Activities;
        var uploads = input.Uploads;
        var log = input.Notifications;
        var changes = input.ClassChanges;

        var due = regency.DueDate(period);
        var deadlineEnd = EndOfDay(due, zone);
        var activitiesByArea = activities.ToLookup(a => a.AreaCode, StringComparer.Ordinal);

        var kampungNames = kampung.ToDictionary(k => k.AreaCode, k => k.Name, StringComparer.Ordinal);
        RejectedUploadRow RejectedRow(UploadRecord u) => new(
            u.AreaCode is { } a && kampungNames.TryGetValue(a, out var n) ? n : u.AreaCode ?? "-",
            u.FileName, zone.ToLocal(u.ReceivedAt), u.ErrorCount,
            u.Problems.FirstOrDefault(p => p.Severity == Severity.Error)?.Message ?? "-");
        // Per kampung, its latest upload of the period when that one was rejected (a later accepted one makes a report).
        var latestRejected = uploads.Where(u => u.AreaCode is not null && InWindow(u, period, zone))
            .GroupBy(u => u.AreaCode!, StringComparer.Ordinal)
            .Select(g => g.OrderByDescending(u => u.ReceivedAt).First())
            .Where(u => u.Status == UploadStatus.Rejected)
            .ToDictionary(u => u.AreaCode!, RejectedRow, StringComparer.Ordinal);

        var rows = new List<RecapKampungRow>();
        foreach (var k in kampung)
        {
            current.TryGetValue(k.AreaCode, out var report);
            var status = report is null ? Timeliness.Missing : report.FirstArrival < deadlineEnd ? Timeliness.OnTime : Timeliness.Late;
            var (values, asOf) = ValuesAsOf(k.AreaCode, period, history);
            var missingRun = MonthsMissingInARow(k.AreaCode, period, history);
            rows.Add(new RecapKampungRow(
                k.AreaCode, k.Name, k.Village, k.District, (k.Class is { } kc ? catalogue.Classifier.Catalogue.ClassLabel(kc, regency.TopClassLabel) : k.ClassLabel),
                status, report?.FirstArrival,
                activitiesByArea[k.AreaCode].Count(), report?.Male ?? 0, report?.Female ?? 0, report?.Participants ?? 0,
                activitiesByArea[k.AreaCode].SelectMany(a => a.Activity.Partners).Select(NormalizePartner).Where(p => p.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).Count(),
                asOf, values,
                catalogue.Ratios.ToDictionary(r => r.Code, r => RatioOf(r, [values])),
                !string.IsNullOrWhiteSpace(k.PokjaEmail), missingRun, LastReminder(log, k.AreaCode, regency))
            {
                Rejected = report is null ? latestRejected.GetValueOrDefault(k.AreaCode) : null,
            });
        }

        var registered = kampung.Select(k => k.AreaCode).ToHashSet(StringComparer.Ordinal);
        var previousValues = kampung.Select(k => ValuesAsOf(k.AreaCode, period.Previous, history).Values).ToList();
        var currentValues = rows.Select(r => r.Values).ToList();

        var indicators = catalogue.Indicators
            .Select(i => new IndicatorRow(i.Code, i.Label, Sum(currentValues, i.Code), Sum(previousValues, i.Code)))
            .Where(r => r.Value is not null || r.Previous is not null)
            .ToList();
        var ratios = catalogue.Ratios
            .Select(r => new IndicatorRow(r.Code, r.Label, RatioOf(r, currentValues), RatioOf(r, previousValues), IsPercent: true))
            .Where(r => r.Value is not null || r.Previous is not null)
            .ToList();

        var completeness = new CompletenessView(rows.Count, rows.Count(r => r.Status != Timeliness.Missing),
            rows.Count(r => r.Status == Timeliness.OnTime), rows.Count(r => r.Status == Timeliness.Late), rows.Count(r => r.Status == Timeliness.Missing));
        var byKecamatan = rows
            .GroupBy(r => r.AreaCode[..8], StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new KecamatanRow(g.Select(r => r.District).FirstOrDefault(d => !string.IsNullOrWhiteSpace(d)) ?? g.Key,
                g.Count(), g.Count(r => r.Status != Timeliness.Missing), g.Count(r => r.Status == Timeliness.OnTime),
                g.Count(r => r.Status == Timeliness.Late), g.Count(r => r.Status == Timeliness.Missing)))
            .ToList();
        var pkb = kampung.ToDictionary(k => k.AreaCode, k => k.PkbName, StringComparer.Ordinal);
        var missing = rows.Where(r => r.Status == Timeliness.Missing)
            .Select(r => new MissingKampungRow(r.Name, r.AreaCode, r.District, pkb[r.AreaCode], r.MonthsMissingInARow, r.LastReminder,
                r.Rejected?.MainReason, r.Rejected?.ReceivedAtLocal))
            .ToList();

        var registeredActivities = activities.Where(a => registered.Contains(a.AreaCode)).ToList();
        var bidang = registeredActivities
            .GroupBy(a => catalogue.BidangOf(a.Activity.Category))
            .Select(g => new CountRow(g.Key, g.Count()))
            .OrderByDescending(r => r.Count).ThenBy(r => r.Label, StringComparer.Ordinal)
            .ToList();
        var partners = registeredActivities
            .SelectMany(a => a.Activity.Partners.Select(NormalizePartner).Where(p => p.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase))
            .GroupBy(p => p, StringComparer.OrdinalIgnoreCase)
            .Select(g => new CountRow(g.First(), g.Count()))
            .OrderByDescending(r => r.Count).ThenBy(r => r.Label, StringComparer.Ordinal)
            .Take(20)
            .ToList();
        var previousReports = (history.GetValueOrDefault(period.Previous) ?? NoReports).Values.Where(r => registered.Contains(r.AreaCode)).ToList();
        var participants = new ParticipantsView(rows.Sum(r => r.Male), rows.Sum(r => r.Female), rows.Sum(r => r.Participants),
            previousReports.Count == 0 ? null : previousReports.Sum(r => r.Participants));

        var classes = ClassRows(kampung, changes, regency, period.Year);
        var raised = changes.Values.Count(c => registered.Contains(c.AreaCode) && zone.ToLocal(c.RaisedAt).Year == period.Year);
        var target = new ClassTargetView(period.Year, kampung.Count, ClassTargetRatio, (int)Math.Ceiling(kampung.Count * ClassTargetRatio), raised);

        var rejected = uploads
            .Where(u => u.Status == UploadStatus.Rejected && InWindow(u, period, zone))
            .OrderBy(u => u.ReceivedAt)
            .Select(RejectedRow)
            .ToList();
        var unreachable = kampung.Where(k => string.IsNullOrWhiteSpace(k.PokjaEmail))
            .Select(k => new UnreachableKampungRow(k.Name, k.AreaCode, k.District, k.PokjaPhone))
            .ToList();

        var quality = Quality.QualityRun.Review(new Quality.QualityReview(catalogue.Quality, catalogue.LabelOf), regency.Code, period, kampung, history);

        var attachment = AttachmentName(regency.Code, period);
        var view = new RecapView(
            regency.DinasName, regency.Name, period.ToString(), period.Previous.ToString(), due,
            zone.ToLocal(input.CompiledAt), zone.Label,
            completeness, byKecamatan, missing,
            registeredActivities.Count, bidang, participants, partners,
            indicators, ratios, classes, target, rejected, unreachable,
            attachment, DashboardLink: null)
        {
            Classification = ClassRecap.View(input.Classes, catalogue.Classifier, regency.TopClassLabel),
            Trend = RecapTrend.Build(regency, period, kampung, history),
            IndicatorKampung = rows.Count(r => r.Values.Count > 0),
            IndicatorKampungThisMonth = rows.Count(r => r.StocksAsOf == period || current.TryGetValue(r.AreaCode, out var c) && c.Indicators.Count > 0),
            Quality = Quality.QualityRecap.View(quality, catalogue.Quality),
            Handover = Handover.HandoverRecap.Note(input.Handover.Plan),
            Retired = input.Retired.Where(k => k.RetiredAt is not null)
                .Select(k => new RetiredKampungRow(k.Name, k.AreaCode, k.District, DateOnly.FromDateTime(zone.ToLocal(k.RetiredAt!.Value)))).ToList(),
            PreviousMonth = PreviousMonth(input, kampung),
        };
        return new RecapPlan(view, rows, registeredActivities, quality);
    }

    /// <summary>
    /// The previous month's figures counted as this month's are (same active kampung, same rules), so every comparable
    /// row of the workbook's summary has its "Bulan sebelumnya"; null when no kampung of the kabupaten had reported by then
    /// (before the system was in use: nothing to compare).
    /// </summary>
    private PreviousMonthView? PreviousMonth(RecapInput input, IReadOnlyList<RegistryEntry> kampung)
    {
        var (regency, history) = (input.Regency, input.History);
        var before = input.Period.Previous;
        if (!history.Where(h => h.Key.CompareTo(before) <= 0).Any(h => h.Value.Count > 0)) return null;
        var zone = regency.TimeZone;
        var registered = kampung.Select(k => k.AreaCode).ToHashSet(StringComparer.Ordinal);
        var previous = history.GetValueOrDefault(before) ?? NoReports;
        var reports = previous.Values.Where(r => registered.Contains(r.AreaCode)).ToList();
        var activities = input.PreviousActivities.Where(a => registered.Contains(a.AreaCode)).ToList();
        var uploads = input.PreviousUploads.Where(u => InWindow(u, before, zone)).ToList();
        var missingRejected = uploads.Where(u => u.AreaCode is { } a && registered.Contains(a) && !previous.ContainsKey(a))
            .GroupBy(u => u.AreaCode!, StringComparer.Ordinal)
            .Count(g => g.OrderByDescending(u => u.ReceivedAt).First().Status == UploadStatus.Rejected);
        var cat = catalogue.Classifier.Catalogue;
        var classes = input.Classes.Kampung.Any(k => k.Previous is not null)
            ? Enum.GetValues<KampungClass>().ToDictionary(c => cat.ClassLabel(c, regency.TopClassLabel), c => input.Classes.Kampung.Count(k => k.Previous?.Class == c), StringComparer.Ordinal)
            : null;
        return new PreviousMonthView(
            reports.Sum(r => r.ActivityCount), reports.Sum(r => r.Male), reports.Sum(r => r.Female),
            kampung.Count(k => ValuesAsOf(k.AreaCode, before, history).Values.Count > 0),
            uploads.Count(u => u.Status == UploadStatus.Rejected), missingRejected,
            activities.GroupBy(a => catalogue.BidangOf(a.Activity.Category)).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal),
            activities.SelectMany(a => a.Activity.Partners.Select(NormalizePartner).Where(p => p.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase))
                .GroupBy(p => p, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.Count(), StringComparer.OrdinalIgnoreCase),
            classes);
    }

    /// <summary>
    /// How many months in a row, up to and including <paramref name="period"/>, the kampung has no report: its own
    /// months, counted back to its last report. A month in which no one in the kabupaten reported counts like any other;
    /// only months before the kabupaten's first report (before the system was in use) are not counted as missed, and at
    /// most <see cref="HistoryMonths"/> are counted.
    /// </summary>
    internal static int MonthsMissingInARow(string area, ReportingPeriod period, IReadOnlyDictionary<ReportingPeriod, IReadOnlyDictionary<string, StoredReport>> history)
    {
        var firstUsed = history.Where(h => h.Value.Count > 0).Select(h => (ReportingPeriod?)h.Key).Min();
        var run = 0;
        for (var p = period; run < HistoryMonths && history.TryGetValue(p, out var reports) && !reports.ContainsKey(area)
             && (p == period || firstUsed is { } f && p.CompareTo(f) >= 0); p = p.Previous) run++;
        return run;
    }

    /// <summary>The first instant after the deadline day, in the regency's local time (a report is on time before it).</summary>
    public static DateTimeOffset EndOfDay(DateOnly day, LocalTime zone) =>
        new(day.AddDays(1).ToDateTime(TimeOnly.MinValue), zone.Offset);

    /// <summary>The recap workbook's file name: <c>rekap-kampung-kb-{regency}-{YYYY-MM}.xlsx</c>.</summary>
    public static string AttachmentName(string regencyCode, ReportingPeriod period) => $"rekap-kampung-kb-{regencyCode}-{period}.xlsx";

    /// <summary>Stocks as of the month end (latest within the lookback) plus this month's flows.</summary>
    private (IReadOnlyDictionary<string, decimal> Values, ReportingPeriod? AsOf) ValuesAsOf(
        string area, ReportingPeriod period, IReadOnlyDictionary<ReportingPeriod, IReadOnlyDictionary<string, StoredReport>> history)
    {
        var values = new Dictionary<string, decimal>(StringComparer.Ordinal);
        ReportingPeriod? asOf = null;
        var p = period;
        for (var i = 0; i <= StockLookbackMonths; i++, p = p.Previous)
        {
            if (!history.TryGetValue(p, out var reports) || !reports.TryGetValue(area, out var r) || r.Indicators.Count == 0) continue;
            foreach (var ind in catalogue.Indicators.Where(x => !x.IsFlow))
                if (r.Indicators.TryGetValue(ind.Code, out var v)) values[ind.Code] = v;
            asOf = p;
            break;
        }
        if (history.TryGetValue(period, out var now) && now.TryGetValue(area, out var cur))
            foreach (var ind in catalogue.Indicators.Where(x => x.IsFlow))
                if (cur.Indicators.TryGetValue(ind.Code, out var v)) values[ind.Code] = v;
        return (values, asOf);
    }

    private static decimal? Sum(IEnumerable<IReadOnlyDictionary<string, decimal>> values, string code)
    {
        decimal? total = null;
        foreach (var v in values)
            if (v.TryGetValue(code, out var x)) total = (total ?? 0) + x;
        return total;
    }

    /// <summary>Σ numerators / Σ denominators over the kampung that report both (never an average of ratios).</summary>
    internal static decimal? RatioOf(RecapCatalogue.Ratio ratio, IEnumerable<IReadOnlyDictionary<string, decimal>> values)
    {
        decimal num = 0, den = 0;
        var any = false;
        foreach (var v in values)
        {
            if (!v.TryGetValue(ratio.Denominator, out var d) || d <= 0 || !ratio.Numerator.All(v.ContainsKey)) continue;
            num += ratio.Numerator.Sum(n => v[n]);
            den += d;
            any = true;
        }
        return any ? num / den : null;
    }

    /// <summary>The recap's class table: each class as templates/classes/classification.json names it (the top class as the dinas calls it), then the kampung without a class.</summary>
    private List<ClassRow> ClassRows(IReadOnlyList<RegistryEntry> kampung, IReadOnlyDictionary<string, ClassChange> changes, RegencySettings regency, int year)
    {
        var rows = new List<ClassRow>();
        foreach (var c in Enum.GetValues<KampungClass>())
        {
            var now = kampung.Count(k => k.Class == c);
            var atYearStart = kampung.Count(k =>
                (changes.TryGetValue(k.AreaCode, out var ch) && regency.TimeZone.ToLocal(ch.RaisedAt).Year == year ? ch.PreviousClass : k.Class) == c);
            rows.Add(new ClassRow(catalogue.Classifier.Catalogue.ClassLabel(c, regency.TopClassLabel), now, atYearStart));
        }
        var unknown = kampung.Count(k => k.Class is null);
        if (unknown > 0) rows.Add(new ClassRow(catalogue.Classifier.Catalogue.Texts["unclassified"], unknown, null));
        return rows;
    }

    /// <summary>Rejected uploads of the period, or (period unknown) received from the first day of the period to the end of the next month.</summary>
    private static bool InWindow(UploadRecord u, ReportingPeriod period, LocalTime zone)
    {
        if (u.Period is { } p) return p == period;
        var day = DateOnly.FromDateTime(zone.ToLocal(u.ReceivedAt));
        return day >= period.FirstDay && day <= period.Next.LastDay;
    }

    private string? LastReminder(IReadOnlyList<NotificationRecord> log, string area, RegencySettings regency) =>
        log.Where(r => r.AreaCode == area && r.Kind == NotificationKinds.Reminder && r.State == NotificationState.Sent)
            .OrderBy(r => ReminderStages.Order(r.Stage))
            .Select(r => ReminderStages.Label(r.Stage, regency, catalogue))
            .LastOrDefault();

    internal static string NormalizePartner(string partner) =>
        string.Join(' ', partner.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
