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
internal enum Timeliness { OnTime, Late, Missing }

/// <summary>The absolute address of a kabupaten/kota's month on the dashboard (<c>…/api/dashboard/{regency}/{period}</c>).</summary>
/// <summary>The dashboard address of a regency's month overview, for the link in the recap mail; composed by the app from its dashboard URL.</summary>
public delegate string DashboardLinkOf(string regencyCode, ReportingPeriod period);

/// <summary>One kampung in the recap (the .xlsx has one row per kampung).</summary>
internal sealed record RecapKampungRow(
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

/// <summary>
/// A compiled recap: the rendered mail and the .xlsx attachment, with the title figures a caller prints (the region's name,
/// kampung reported of kampung expected); the view the email template renders and the per-kampung rows stay inside Core.
/// </summary>
public sealed record Recap
{
    internal Recap(string regencyCode, ReportingPeriod period, RecapView view, RenderedEmail email, byte[] xlsx, string attachmentName,
        IReadOnlyList<RecapKampungRow> kampung)
    {
        RegencyCode = regencyCode;
        Period = period;
        View = view;
        Email = email;
        Xlsx = xlsx;
        AttachmentName = attachmentName;
        Kampung = kampung;
    }

    /// <summary>The kabupaten/kota code, e.g. <c>63.71</c>.</summary>
    public string RegencyCode { get; init; }
    /// <summary>The recap's month.</summary>
    public ReportingPeriod Period { get; init; }
    internal RecapView View { get; init; }
    /// <summary>The rendered mail (subject, HTML, text).</summary>
    public RenderedEmail Email { get; init; }
    /// <summary>The recap workbook (.xlsx bytes).</summary>
    public byte[] Xlsx { get; init; }
    /// <summary>The workbook's file name, e.g. <c>rekap-kampung-kb-63.71-2025-10.xlsx</c>.</summary>
    public string AttachmentName { get; init; }
    internal IReadOnlyList<RecapKampungRow> Kampung { get; init; }
    /// <summary>The kabupaten/kota's name as the recap's title gives it.</summary>
    public string RegionName => View.RegionName;
    /// <summary>Active kampung with an accepted report for the month (the recap's completeness, domain.md).</summary>
    public int Reported => View.Completeness.Reported;
    /// <summary>Active kampung expected to report for the month.</summary>
    public int Expected => View.Completeness.Expected;

    /// <summary>The second attachment: the month's figures ready to type into the BKKBN Kampung KB website (null: not built).</summary>
    public Handover.HandoverResult? Handover { get; init; }
    /// <summary>The month's data-quality review (null: not run).</summary>
    public Quality.QualityReport? Quality { get; init; }
}

/// <summary>
/// Builds the dinas recap for one kabupaten/kota and period from what is stored, in two steps: <see cref="ReadAsync"/>
/// reads the registry (who should report), the current reports and activities, the upload log (rejections), the
/// notification log (last reminder), the class section and the handover workbook into a <see cref="RecapInput"/>;
/// <see cref="RecapPlanner"/> computes the view and the workbook's rows from it without storage (the arithmetic and its
/// rules are documented there); this class then renders the mail and the .xlsx.
/// </summary>
/// <param name="links">Signs the upload link the handover workbook gives for each kampung the dinas must ask (optional).</param>
/// <param name="dashboardLink">The dashboard's address of the recap's month ("Buka dashboard" in the mail, docs/dashboard.md); the app
/// always wires it, tools that only render may leave it out.</param>
public sealed class RecapCompiler(RegistryStore registry, ReportStore reports, UploadLog uploads, NotificationLog notifications,
    EmailTemplates templates, RecapCatalogue catalogue, TimeProvider time, Uploads.Links.UploadLinks? links = null, DashboardLinkOf? dashboardLink = null)
{
    /// <summary>How many earlier months a stock value may come from when a kampung sent no figures this month.</summary>
    public const int StockLookbackMonths = RecapPlanner.StockLookbackMonths;
    /// <summary>How far back "months missing in a row" counts.</summary>
    public const int HistoryMonths = RecapPlanner.HistoryMonths;
    /// <summary>The yearly target: this share of kampung rise a class.</summary>
    public const decimal ClassTargetRatio = RecapPlanner.ClassTargetRatio;

    private readonly RecapPlanner _planner = new(catalogue);

    /// <summary>Reads, plans and renders the recap; storage faults propagate (the timer's next run compiles it again).</summary>
    public async Task<Recap> CompileAsync(RegencySettings regency, ReportingPeriod period, CancellationToken ct = default)
    {
        var input = await ReadAsync(regency, period, ct).ConfigureAwait(false);
        var plan = _planner.Plan(input);
        regency = input.Regency;
        var view = plan.View with { DashboardLink = dashboardLink?.Invoke(regency.Code, period) };
        var email = templates.RenderRecap(view);
        var xlsx = RecapWorkbook.Build(view, plan.Rows, plan.Activities, catalogue, regency.TimeZone,
            ClassRecap.Sheet(input.Classes, catalogue.Classifier, regency.TopClassLabel),
            Quality.QualityRecap.Sheet(plan.Quality, catalogue.Quality));
        return new Recap(regency.Code, period, view, email, xlsx, view.AttachmentName!, plan.Rows) { Handover = input.Handover, Quality = plan.Quality };
    }

    /// <summary>
    /// The read step: everything the recap of <paramref name="regency"/> and <paramref name="period"/> is computed from.
    /// Each month's pointers are read once (<see cref="ReportMonths"/>), shared by the history, the class section and the
    /// handover workbook; the uploads come from the month's index partitions, not the whole history.
    /// </summary>
    internal async Task<RecapInput> ReadAsync(RegencySettings regency, ReportingPeriod period, CancellationToken ct = default)
    {
        var zone = regency.TimeZone;
        var listed = (await registry.ListAsync(regency.Code, ct, includeRetired: true).ConfigureAwait(false)).OrderBy(k => k.AreaCode, StringComparer.Ordinal).ToList();
        // A retired kampung (no longer in its kabupaten's registry import) is out of every count, and named once as retired.
        var kampung = listed.Where(k => !k.IsRetired).ToList();
        var retired = listed.Where(k => k.IsRetired).ToList();
        regency = regency.WithRegistry(kampung);
        // One read per month for the whole recap: the class section reads its longer history through the same cache.
        var months = new ReportMonths(reports, regency.Code);
        var history = new Dictionary<ReportingPeriod, IReadOnlyDictionary<string, StoredReport>>();
        for (var (p, i) = (period, 0); i <= HistoryMonths; p = p.Previous, i++)
            history[p] = (await months.GetAsync(p, ct).ConfigureAwait(false)).Current.ToDictionary(r => r.Key, r => r.Value, StringComparer.Ordinal);
        var current = history[period];
        var activities = await reports.ListActivitiesAsync(regency.Code, period, current.Values, ct).ConfigureAwait(false);
        var received = await uploads.ListForRecapAsync(regency.Code, period, new DateTimeOffset(period.FirstDay.ToDateTime(TimeOnly.MinValue), zone.Offset),
            EndOfDay(period.Next.LastDay, zone), ct).ConfigureAwait(false);
        // The previous month as this month is read, for the workbook's "Bulan sebelumnya" column.
        var before = period.Previous;
        var previousActivities = await reports.ListActivitiesAsync(regency.Code, before, history[before].Values, ct).ConfigureAwait(false);
        var previousReceived = await uploads.ListForRecapAsync(regency.Code, before, new DateTimeOffset(before.FirstDay.ToDateTime(TimeOnly.MinValue), zone.Offset),
            EndOfDay(before.Next.LastDay, zone), ct).ConfigureAwait(false);
        var log = await notifications.ListAsync(regency.Code, period, ct).ConfigureAwait(false);
        var changes = (await registry.ListClassChangesAsync(regency.Code, ct).ConfigureAwait(false)).ToDictionary(c => c.AreaCode, StringComparer.Ordinal);
        var classes = await new ClassReader(registry, reports, catalogue.Classifier).ReadAsync(regency.Code, period, ct, months).ConfigureAwait(false);
        // The same months feed the handover workbook and the quality review: nothing is read twice.
        var handover = await new Handover.HandoverRun(registry, reports, catalogue.Handover, links).BuildAsync(regency, period, kampung, history, ct).ConfigureAwait(false);
        return new RecapInput(regency, period, kampung, history, activities, received, log, changes, classes, handover, time.GetUtcNow())
        {
            Retired = retired,
            PreviousActivities = previousActivities,
            PreviousUploads = previousReceived,
        };
    }

    /// <summary>The first instant after the deadline day, in the regency's local time.</summary>
    public static DateTimeOffset EndOfDay(DateOnly day, LocalTime zone) => RecapPlanner.EndOfDay(day, zone);
}
