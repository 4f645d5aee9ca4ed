using Azure.Data.Tables;
using Azure.Storage.Blobs;
using KampungKB.Core.Jobs.Handover;
using KampungKB.Core.Jobs.Recaps;
using KampungKB.Core.Model;
using KampungKB.Core.Store;
using KampungKB.Core.Uploads.Links;

namespace KampungKB.Core.Dashboard;

/// <summary>
/// The dashboard's kampung page, its downloads (the original file, the months as .xlsx), its two actions, and the trends
/// page (docs/dashboard.md). Every answer first passes <see cref="DashboardGate"/> (session, the regency's access rule, CSRF
/// on a POST); a kampung of another kabupaten/kota, or an upload of another kampung, is answered 404 like one that does not
/// exist. Reads are by key only (<see cref="KampungPageReader"/>), so a page costs the same in a kabupaten of 150 kampung
/// with three years of uploads as in a new one (docs/performance.md, "Dashboard").
/// </summary>
public sealed class KampungPages
{
    private readonly DashboardTemplates templates;
    private readonly RecapCatalogue catalogue;
    private readonly IReadOnlyList<RegencySettings> configured;
    private readonly DashboardGate gate;
    private readonly KampungActions actions;
    private readonly UploadLinks links;
    private readonly TimeProvider time;
    private readonly RegistryStore _registry;
    private readonly ReportStore _reports;
    private readonly KampungPageReader _reader;
    private readonly MonthOverview _overview;

    internal KampungPages(RegistryStore registry, ReportStore reports, KampungPageReader reader, MonthOverview overview, DashboardTemplates templates,
        RecapCatalogue catalogue, IReadOnlyList<RegencySettings> configured, DashboardGate gate, KampungActions actions, UploadLinks links, TimeProvider time)
    {
        _registry = registry;
        _reports = reports;
        _reader = reader;
        _overview = overview;
        this.templates = templates;
        this.catalogue = catalogue;
        this.configured = configured;
        this.gate = gate;
        this.actions = actions;
        this.links = links;
        this.time = time;
    }

    /// <summary>Page names this class renders (checked at start-up with the templates).</summary>
    public static readonly IReadOnlyList<string> PageNames = ["kampung", "trends", "kampung-missing"];

    /// <summary>GET the kampung page of <paramref name="month"/> (<c>?bulan=YYYY-MM</c>; default the month now due).</summary>
    public async Task<DashboardResponse> KampungAsync(DashboardRequest request, string regencyCode, string areaCode, string? month, string? notice = null,
        CancellationToken ct = default)
    {
        var access = await gate.OpenAsync(request, regencyCode, ct).ConfigureAwait(false);
        if (access.Refused is { } refused) return refused;
        if (await KampungOfAsync(regencyCode, areaCode, ct).ConfigureAwait(false) is not { } kampung) return NotFound(access, regencyCode, "kampung_not_found", "kampung_not_found_text");
        var regency = await RegencyAsync(regencyCode, ct).ConfigureAwait(false);
        var (period, due) = Month(regency, month);
        var input = await _reader.ReadAsync(regency, kampung, period, due, KampungActions.NewActionSeed(), ct).ConfigureAwait(false);
        var view = KampungPagePlanner.Plan(input, templates.Text, catalogue.LabelOf, catalogue.Classifier);
        return templates.Page("kampung", Frame(access, regency, templates.Text("kampung_title", ("name", kampung.Name)),
            $"{kampung.Village ?? kampung.AreaCode} · {regency.Name}", notice, current: null), view);
    }

    /// <summary>GET an upload's original (only this kampung's, only while retention keeps it), as a download.</summary>
    public async Task<DashboardResponse> OriginalAsync(DashboardRequest request, string regencyCode, string areaCode, string uploadId, CancellationToken ct = default)
    {
        var access = await gate.OpenAsync(request, regencyCode, ct).ConfigureAwait(false);
        if (access.Refused is { } refused) return refused;
        if (await KampungOfAsync(regencyCode, areaCode, ct).ConfigureAwait(false) is not { } kampung
            || await _reader.OpenOriginalAsync(kampung, uploadId, ct).ConfigureAwait(false) is not { } original)
            return NotFound(access, regencyCode, "file_not_found", "file_not_found_text");
        return new DashboardResponse(200, null, "application/octet-stream", File: original.Content, FileName: original.FileName);
    }

    /// <summary>GET the month overview of <paramref name="period"/> as .xlsx: one row per active kampung (the overview's statuses, the month's counts).</summary>
    public async Task<DashboardResponse> OverviewExportAsync(DashboardRequest request, string regencyCode, string period, CancellationToken ct = default)
    {
        var access = await gate.OpenAsync(request, regencyCode, ct).ConfigureAwait(false);
        if (access.Refused is { } refused) return refused;
        var regency = await RegencyAsync(regencyCode, ct).ConfigureAwait(false);
        var (month, _) = Month(regency, period);
        if (month.ToString() != period) return NotFound(access, regencyCode, "not_found_title", "period_invalid");
        var overviewTask = _overview.ReadAsync(regency, month, ct);
        var reportsTask = _reports.ListMonthAsync(regencyCode, month, ct);
        var (overview, reports) = (await overviewTask.ConfigureAwait(false), await reportsTask.ConfigureAwait(false));
        var rows = overview.Kampung.Select(k =>
        {
            var r = reports.Current.GetValueOrDefault(k.AreaCode);
            return new OverviewExportRow(k.AreaCode, k.Name, k.Village, k.District, templates.Text("status_" + OverviewView.Tag(k.Status)), k.FirstArrival,
                r?.ActivitiesVersion is null ? null : r.ActivityCount, r?.ActivitiesVersion is null ? null : r.Participants, k.WarningCount,
                k.RejectedFile is null ? null : templates.Text("x_rejected_file", ("file", k.RejectedFile), ("errors", IndonesianFormat.Number(k.ErrorCount, 0))),
                k.Phone, k.RemindersSent);
        }).ToList();
        return new DashboardResponse(200, null, DashboardResponse.Xlsx, File: DashboardExport.Overview(month, rows, regency.TimeZone, k => templates.Text(k)),
            FileName: DashboardExport.OverviewFileName(regencyCode, month));
    }

    /// <summary>
    /// GET the month's handover workbook (docs/handover.md): the same workbook <c>kkb handover --regency CODE --period YYYY-MM</c>
    /// writes and the recap mail attaches (<see cref="HandoverRun.RunAsync"/>, upload links issued for the kampung the dinas has to
    /// ask), named <c>ketik-situs-kampung-kb-{regency}-{period}.xlsx</c>. Every text goes through the recap workbook writer, so a
    /// name starting with <c>= + - @</c> stays inert. A month that is malformed or not yet due is a 404 page.
    /// </summary>
    public async Task<DashboardResponse> HandoverAsync(DashboardRequest request, string regencyCode, string period, CancellationToken ct = default)
    {
        var access = await gate.OpenAsync(request, regencyCode, ct).ConfigureAwait(false);
        if (access.Refused is { } refused) return refused;
        var regency = configured.FirstOrDefault(r => r.Code == regencyCode) ?? RegencySettings.Default(regencyCode);
        var (month, _) = Month(regency, period);
        if (month.ToString() != period) return NotFound(access, regencyCode, "not_found_title", "period_invalid");
        var result = await new HandoverRun(_registry, _reports, catalogue.Handover, links).RunAsync(regency, month, ct).ConfigureAwait(false);
        return new DashboardResponse(200, null, DashboardResponse.Xlsx, File: result.Xlsx, FileName: result.Plan.AttachmentName);
    }

    /// <summary>GET the kampung's twelve months ending with <paramref name="month"/> as .xlsx.</summary>
    public async Task<DashboardResponse> KampungExportAsync(DashboardRequest request, string regencyCode, string areaCode, string? month, CancellationToken ct = default)
    {
        var access = await gate.OpenAsync(request, regencyCode, ct).ConfigureAwait(false);
        if (access.Refused is { } refused) return refused;
        if (await KampungOfAsync(regencyCode, areaCode, ct).ConfigureAwait(false) is not { } kampung) return NotFound(access, regencyCode, "kampung_not_found", "kampung_not_found_text");
        var regency = await RegencyAsync(regencyCode, ct).ConfigureAwait(false);
        var (period, due) = Month(regency, month);
        var input = await _reader.ReadAsync(regency, kampung, period, due, KampungActions.NewActionSeed(), ct).ConfigureAwait(false);
        var view = KampungPagePlanner.Plan(input, templates.Text, catalogue.LabelOf, catalogue.Classifier);
        var months = await _reader.ReadMonthsAsync(regencyCode, kampung.AreaCode, period, ct).ConfigureAwait(false);
        var xlsx = DashboardExport.Kampung(view, months, input.Uploads, catalogue.Indicators.Select(i => (i.Code, i.Label)).ToList(), regency.TimeZone, k => templates.Text(k));
        return new DashboardResponse(200, null, DashboardResponse.Xlsx, File: xlsx, FileName: DashboardExport.KampungFileName(kampung.AreaCode, period));
    }

    /// <summary>
    /// POST an action (<c>action</c> = <see cref="KampungActions.Link"/> or <see cref="KampungActions.Reminder"/>, <c>id</c> the button's
    /// one-time id, <c>csrf</c>): sends through the outbox once per id, then 303 back to the page with the outcome (a reload never posts again).
    /// </summary>
    public async Task<DashboardResponse> ActionAsync(DashboardRequest request, string regencyCode, string areaCode, string? month, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var access = await gate.PostAsync(request, regencyCode, ct).ConfigureAwait(false);
        if (access.Refused is { } refused) return refused;
        if (await KampungOfAsync(regencyCode, areaCode, ct).ConfigureAwait(false) is not { } kampung) return NotFound(access, regencyCode, "kampung_not_found", "kampung_not_found_text");
        var regency = await RegencyAsync(regencyCode, ct).ConfigureAwait(false);
        var (period, _) = Month(regency, month);
        var result = await actions.RunAsync(regency, kampung, period, request.Field("action"), request.Field("id"), ct).ConfigureAwait(false);
        var outcome = result switch
        {
            KampungActionResult.Sent => "terkirim",
            KampungActionResult.Already => "sudah",
            KampungActionResult.Skipped => "dilewati",
            KampungActionResult.Failed => "gagal",
            _ => "ditolak",
        };
        return DashboardResponse.SeeOther($"{DashboardRoutes.KampungPath(regencyCode, kampung.AreaCode)}?bulan={period}&hasil={outcome}");
    }

    /// <summary>The notice text of an action's outcome (<c>?hasil=</c> of <see cref="ActionAsync"/>'s redirect); null for anything else.</summary>
    public string? OutcomeNotice(string? outcome) => outcome switch
    {
        "terkirim" => templates.Text("action_sent"),
        "sudah" => templates.Text("action_already"),
        "dilewati" => templates.Text("action_skipped"),
        "gagal" => templates.Text("action_failed"),
        "ditolak" => templates.Text("action_refused"),
        _ => null,
    };

    /// <summary>
    /// GET the trends page: twelve months ending with <paramref name="month"/> (<c>?bulan=YYYY-MM</c>; default, and never later than,
    /// the month now due), one indicator (<c>?indikator=</c>), per kecamatan; links to the month before and after, as the overview.
    /// </summary>
    public async Task<DashboardResponse> TrendsAsync(DashboardRequest request, string regencyCode, string? indicator, string? month = null, CancellationToken ct = default)
    {
        var access = await gate.OpenAsync(request, regencyCode, ct).ConfigureAwait(false);
        if (access.Refused is { } refused) return refused;
        var kampung = await _registry.ListAsync(regencyCode, ct).ConfigureAwait(false);
        var regency = (configured.FirstOrDefault(r => r.Code == regencyCode) ?? RegencySettings.Default(regencyCode)).WithRegistry(kampung);
        var (shown, due) = Month(regency, month);
        var months = await Task.WhenAll(KampungPagePlanner.Strip(shown).Select(p => _reports.ListMonthAsync(regencyCode, p, ct))).ConfigureAwait(false);
        var view = TrendPlanner.Plan(regencyCode, regency.Name, indicator ?? TrendIndicators.Reporting, kampung, months, templates.Text, shown == due ? null : shown);
        view = view with { Picker = TrendPlanner.Picker(regencyCode, view.Indicator, shown, due) };
        return templates.Page("trends", Frame(access, regency, templates.Text("trend_title"),
            templates.Text("trend_intro", ("first", view.FirstMonth), ("last", view.LastMonth)), null, current: "trends"), view);
    }

    /// <summary>The month now due (domain.md: month M is reported by the deadline day of M+1, so the month now due is last month) and the month asked for, never later.</summary>
    public (ReportingPeriod Period, ReportingPeriod Due) Month(RegencySettings regency, string? month)
    {
        ArgumentNullException.ThrowIfNull(regency);
        var due = MonthOverview.DueMonth(regency.TimeZone.Today(time));
        var period = ReportingPeriod.TryParse(month, out var p) && p.CompareTo(due) <= 0 && p.CompareTo(new ReportingPeriod(2016, 1)) >= 0 ? p : due;
        return (period, due);
    }

    private async Task<RegistryEntry?> KampungOfAsync(string regencyCode, string areaCode, CancellationToken ct)
    {
        // The area code must belong to the regency of the address: another kabupaten's kampung is not found here.
        if (!AreaCode.TryParse(areaCode, out var code) || !areaCode.StartsWith(regencyCode + ".", StringComparison.Ordinal)) return null;
        var k = await _registry.GetAsync(code.Value, ct).ConfigureAwait(false);
        return k is not null && k.RegencyCode == regencyCode ? k : null;
    }

    private async Task<RegencySettings> RegencyAsync(string regencyCode, CancellationToken ct)
    {
        var settings = configured.FirstOrDefault(r => r.Code == regencyCode) ?? RegencySettings.Default(regencyCode);
        if (settings.Name != settings.Code) return settings;
        return settings.WithRegistry(await _registry.ListAsync(regencyCode, ct).ConfigureAwait(false));
    }

    private DashboardFrame Frame(DashboardAccess access, RegencySettings regency, string title, string? subtitle, string? notice, string? current) =>
        new(title, subtitle,
        [
            new DashboardNav(templates.Text("nav_overview"), DashboardRoutes.OverviewPath(regency.Code), current == "overview"),
            new DashboardNav(templates.Text("nav_trends"), DashboardRoutes.TrendsPath(regency.Code), current == "trends"),
        ], notice, SignedIn: true, Csrf: access.Csrf);

    private DashboardResponse NotFound(DashboardAccess access, string regencyCode, string title, string text) =>
        templates.Page("kampung-missing", new DashboardFrame(templates.Text(title), null,
            [new DashboardNav(templates.Text("nav_overview"), DashboardRoutes.OverviewPath(regencyCode))], null, SignedIn: true, Csrf: access.Csrf),
            new { text = templates.Text(text), back = DashboardRoutes.OverviewPath(regencyCode), backLabel = templates.Text("kampung_back") }, 404);
}
