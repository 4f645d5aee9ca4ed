using Azure.Data.Tables;
using KampungKB.Core.Jobs.Classes;
using KampungKB.Core.Model;
using KampungKB.Core.Outbox.Notifications;
using KampungKB.Core.Jobs.Reminders;
using KampungKB.Core.Store;
using KampungKB.Core.Rendering.Templating;
using KampungKB.Core.Uploads;
using KampungKB.Core.Registry;

namespace KampungKB.Core.Jobs.Recaps;

/// <summary>Whether a kampung's report for the period arrived by the deadline (end of the deadline day, local time).</summary>
public enum Timeliness { OnTime, Late, Missing }

/// <summary>The absolute address of a kabupaten/kota's month on the dashboard (<c>…/api/dashboard/{regency}/{period}</c>).</summary>
public delegate string DashboardLinkOf(string regencyCode, ReportingPeriod period);

/// <summary>One kampung in the recap (the .xlsx has one row per kampung).</summary>
public sealed record RecapKampungRow(
    string AreaCode,
    string Name,
    string? Village,
    string? District,
    string? ClassLabel,
    Timeliness Status,
    DateTimeOffset? FirstReceivedAt,
    int Activities,
    int Male,
    int Female,
    int Participants,
    int DistinctPartners,
    ReportingPeriod? StocksAsOf,
    IReadOnlyDictionary<string, decimal> Values,
    IReadOnlyDictionary<string, decimal?> Ratios,
    bool HasEmail,
    int MonthsMissingInARow,
    string? LastReminder)
{
    /// <summary>
    /// For a kampung without an accepted report that sent a file for the period: the latest such upload was rejected,
    /// with its first error (sent-but-rejected is its own status, not "belum melapor"). Null otherwise.
    /// </summary>
    public RejectedUploadRow? Rejected { get; init; }
}

/// <summary>A compiled recap: the view the email template renders, the rendered mail and the .xlsx attachment.</summary>
public sealed record Recap(
    string RegencyCode,
    ReportingPeriod Period,
    RecapView View,
    RenderedEmail Email,
    byte[] Xlsx,
    string AttachmentName,
    IReadOnlyList<RecapKampungRow> Kampung)
{
    /// <summary>The second attachment: the month's figures ready to type into the BKKBN Kampung KB website (null: not built).</summary>
    public Handover.HandoverResult? Handover { get; init; }
    /// <summary>The month's data-quality review (null: not run).</summary>
    public Quality.QualityReport? Quality { get; init; }
}

/// <summary>
/// Builds the dinas recap for one kabupaten/kota and period from what is stored: the registry (who should
/// report), the current reports and activities, the upload log (rejections) and the notification log
/// (last reminder). Arithmetic follows domain.md: stocks are each kampung's latest value as of the month
/// end (carried forward at most <see cref="StockLookbackMonths"/> months), summed over kampung and never
/// over months; flows are summed; ratios are recomputed from summed numerators and denominators over the
/// kampung that have both, never averaged.
/// </summary>
/// <param name="links">Signs the upload link the handover workbook gives for each kampung the dinas must ask (optional).</param>
/// <param name="dashboardLink">The dashboard's address of the recap's month ("Buka dashboard" in the mail, docs/dashboard.md); the app
/// always wires it, tools that only render may leave it out.</param>
public sealed class RecapCompiler(TableServiceClient tables, StorageNames names, EmailTemplates templates, RecapCatalogue catalogue, TimeProvider time,
    Uploads.Links.UploadLinks? links = null, DashboardLinkOf? dashboardLink = null)
{
    /// <summary>How many earlier months a stock value may come from when a kampung sent no figures this month.</summary>
    public const int StockLookbackMonths = 3;
    /// <summary>How far back "months missing in a row" counts.</summary>
    public const int HistoryMonths = 12;
    public const decimal ClassTargetRatio = 0.05m;

    private readonly RegistryStore _registry = new(tables, names);
    private readonly ReportStore _reports = new(tables, names);
    private readonly UploadLog _uploads = new(tables, names);
    private readonly NotificationLog _notifications = new(tables, names);

    public async Task<Recap> CompileAsync(RegencySettings regency, ReportingPeriod period, CancellationToken ct = default)
    {
        var zone = regency.TimeZone;
        var kampung = (await _registry.ListAsync(regency.Code, ct).ConfigureAwait(false)).OrderBy(k => k.AreaCode, StringComparer.Ordinal).ToList();
        regency = regency.WithRegistry(kampung);
        // One read per month for the whole recap: the class section reads its longer history through the same cache.
        var months = new ReportMonths(_reports, regency.Code);
        var history = new Dictionary<ReportingPeriod, Dictionary<string, StoredReport>>();
        for (var (p, i) = (period, 0); i <= HistoryMonths; p = p.Previous, i++)
            history[p] = (await months.GetAsync(p, ct).ConfigureAwait(false)).Current.ToDictionary(r => r.Key, r => r.Value, StringComparer.Ordinal);
        var current = history[period];
        var activities = await _reports.ListActivitiesAsync(regency.Code, period, current.Values, ct).ConfigureAwait(false);
        // The month's uploads and those of unknown month received in its window: index partitions, not the whole history.
        var uploads = await _uploads.ListForRecapAsync(regency.Code, period, new DateTimeOffset(period.FirstDay.ToDateTime(TimeOnly.MinValue), zone.Offset),
            EndOfDay(period.Next.LastDay, zone), ct).ConfigureAwait(false);
        var log = await _notifications.ListAsync(regency.Code, period, ct).ConfigureAwait(false);
        var changes = (await _registry.ListClassChangesAsync(regency.Code, ct).ConfigureAwait(false)).ToDictionary(c => c.AreaCode, StringComparer.Ordinal);

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
                k.AreaCode, k.Name, k.Village, k.District, ClassLabel(k.Class, regency) ?? k.ClassLabel,
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
        var previousReports = history[period.Previous].Values.Where(r => registered.Contains(r.AreaCode)).ToList();
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

        var classReport = await new ClassReader(_registry, _reports, catalogue.Classifier).ReadAsync(regency.Code, period, ct, months).ConfigureAwait(false);

        // The same months feed the handover workbook and the quality review: nothing is read twice.
        var monthReports = history.ToDictionary(h => h.Key, h => (IReadOnlyDictionary<string, StoredReport>)h.Value);
        var handover = await new Handover.HandoverRun(tables, names, catalogue.Handover, links).BuildAsync(regency, period, kampung, monthReports, ct).ConfigureAwait(false);
        var quality = new Quality.QualityRun(tables, names, new Quality.QualityReview(catalogue.Quality, catalogue.LabelOf)).Review(regency.Code, period, kampung, monthReports);

        var attachment = $"rekap-kampung-kb-{regency.Code}-{period}.xlsx";
        var view = new RecapView(
            regency.DinasName, regency.Name, period.ToString(), period.Previous.ToString(), due,
            zone.ToLocal(time.GetUtcNow()), zone.Label,
            completeness, byKecamatan, missing,
            registeredActivities.Count, bidang, participants, partners,
            indicators, ratios, classes, target, rejected, unreachable,
            attachment, DashboardLink: dashboardLink?.Invoke(regency.Code, period))
        {
            Classification = ClassRecap.View(classReport, catalogue.Classifier, regency.TopClassLabel),
            Trend = RecapTrend.Build(regency, period, kampung, history),
            IndicatorKampung = rows.Count(r => r.Values.Count > 0),
            IndicatorKampungThisMonth = rows.Count(r => r.StocksAsOf == period || current.TryGetValue(r.AreaCode, out var c) && c.Indicators.Count > 0),
            Quality = Core.Jobs.Quality.QualityRecap.View(quality, catalogue.Quality),
            Handover = Handover.HandoverRecap.Note(handover.Plan),
        };
        var email = templates.RenderRecap(view);
        var xlsx = RecapWorkbook.Build(view, rows, registeredActivities, catalogue, zone, ClassRecap.Sheet(classReport, catalogue.Classifier, regency.TopClassLabel),
            Core.Jobs.Quality.QualityRecap.Sheet(quality, catalogue.Quality));
        return new Recap(regency.Code, period, view, email, xlsx, attachment, rows) { Handover = handover, Quality = quality };
    }

    /// <summary>
    /// How many months in a row, up to and including <paramref name="period"/>, the kampung has no report: its own
    /// months, counted back to its last report. A month in which no one in the kabupaten reported counts like any other;
    /// only months before the kabupaten's first report (before the system was in use) are not counted as missed, and at
    /// most <see cref="HistoryMonths"/> are counted.
    /// </summary>
    internal static int MonthsMissingInARow(string area, ReportingPeriod period, IReadOnlyDictionary<ReportingPeriod, Dictionary<string, StoredReport>> history)
    {
        var firstUsed = history.Where(h => h.Value.Count > 0).Select(h => (ReportingPeriod?)h.Key).Min();
        var run = 0;
        for (var p = period; run < HistoryMonths && history.TryGetValue(p, out var reports) && !reports.ContainsKey(area)
             && (p == period || firstUsed is { } f && p.CompareTo(f) >= 0); p = p.Previous) run++;
        return run;
    }

    /// <summary>The first instant after the deadline day, in the regency's local time.</summary>
    public static DateTimeOffset EndOfDay(DateOnly day, LocalTime zone) =>
        new(day.AddDays(1).ToDateTime(TimeOnly.MinValue), zone.Offset);

    /// <summary>Stocks as of the month end (latest within the lookback) plus this month's flows.</summary>
    private (IReadOnlyDictionary<string, decimal> Values, ReportingPeriod? AsOf) ValuesAsOf(
        string area, ReportingPeriod period, IReadOnlyDictionary<ReportingPeriod, Dictionary<string, StoredReport>> history)
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

    private static List<ClassRow> ClassRows(IReadOnlyList<RegistryEntry> kampung, IReadOnlyDictionary<string, ClassChange> changes, RegencySettings regency, int year)
    {
        var rows = new List<ClassRow>();
        foreach (var c in Enum.GetValues<KampungClass>())
        {
            var now = kampung.Count(k => k.Class == c);
            var atYearStart = kampung.Count(k =>
                (changes.TryGetValue(k.AreaCode, out var ch) && regency.TimeZone.ToLocal(ch.RaisedAt).Year == year ? ch.PreviousClass : k.Class) == c);
            rows.Add(new ClassRow(ClassLabel(c, regency)!, now, atYearStart));
        }
        var unknown = kampung.Count(k => k.Class is null);
        if (unknown > 0) rows.Add(new ClassRow("Belum diklasifikasi", unknown, null));
        return rows;
    }

    internal static string? ClassLabel(KampungClass? c, RegencySettings regency) => c switch
    {
        KampungClass.Dasar => "Dasar",
        KampungClass.Berkembang => "Berkembang",
        KampungClass.Mandiri => "Mandiri",
        KampungClass.Berkelanjutan => regency.TopClassLabel,
        _ => null,
    };

    /// <summary>Rejected uploads of the period, or (period unknown) received from the first day of the period to the end of the next month.</summary>
    private static bool InWindow(UploadRecord u, ReportingPeriod period, LocalTime zone)
    {
        if (u.Period is { } p) return p == period;
        var day = DateOnly.FromDateTime(zone.ToLocal(u.ReceivedAt));
        return day >= period.FirstDay && day <= period.Next.LastDay;
    }

    private static string? LastReminder(IReadOnlyList<NotificationRecord> log, string area, RegencySettings regency) =>
        log.Where(r => r.AreaCode == area && r.Kind == NotificationKinds.Reminder && r.State == NotificationState.Sent)
            .OrderBy(r => ReminderStages.Order(r.Stage))
            .Select(r => ReminderStages.Label(r.Stage, regency))
            .LastOrDefault();

    internal static string NormalizePartner(string partner) =>
        string.Join(' ', partner.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
