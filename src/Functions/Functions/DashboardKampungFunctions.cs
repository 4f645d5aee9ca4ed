using KampungKB.Core.Dashboard;
using KampungKB.Core.Store;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace KampungKB.Functions.Functions;

/// <summary>
/// The dashboard's kampung page, its downloads and actions, the trends page, the overview's .xlsx and the month's handover
/// workbook (docs/dashboard.md),
/// each a call to <see cref="KampungPages"/>. Storage outages answer a short 503 text; the person retries.
/// </summary>
public sealed class DashboardKampungFunctions(KampungPages pages, DashboardTemplates templates)
{
    [Function(nameof(DashboardKampung))]
    public Task<IActionResult> DashboardKampung(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = DashboardRoutes.Kampung)] HttpRequest request, string regency, string area,
        CancellationToken cancellationToken) =>
        Run(request, r => pages.KampungAsync(r, regency, area, Query(r, "bulan"), pages.OutcomeNotice(Query(r, "hasil")), cancellationToken), cancellationToken);

    [Function(nameof(DashboardKampungOriginal))]
    public Task<IActionResult> DashboardKampungOriginal(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = DashboardRoutes.KampungOriginal)] HttpRequest request, string regency, string area, string upload,
        CancellationToken cancellationToken) =>
        Run(request, r => pages.OriginalAsync(r, regency, area, upload, cancellationToken), cancellationToken);

    [Function(nameof(DashboardKampungExport))]
    public Task<IActionResult> DashboardKampungExport(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = DashboardRoutes.KampungExport)] HttpRequest request, string regency, string area,
        CancellationToken cancellationToken) =>
        Run(request, r => pages.KampungExportAsync(r, regency, area, Query(r, "bulan"), cancellationToken), cancellationToken);

    [Function(nameof(DashboardKampungAction))]
    public Task<IActionResult> DashboardKampungAction(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = DashboardRoutes.KampungAction)] HttpRequest request, string regency, string area,
        CancellationToken cancellationToken) =>
        Run(request, r => pages.ActionAsync(r, regency, area, Query(r, "bulan"), cancellationToken), cancellationToken);

    [Function(nameof(DashboardTrends))]
    public Task<IActionResult> DashboardTrends(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = DashboardRoutes.Trends)] HttpRequest request, string regency, CancellationToken cancellationToken) =>
        Run(request, r => pages.TrendsAsync(r, regency, Query(r, "indikator"), Query(r, "bulan"), cancellationToken), cancellationToken);

    [Function(nameof(DashboardOverviewExport))]
    public Task<IActionResult> DashboardOverviewExport(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = DashboardRoutes.OverviewExport)] HttpRequest request, string regency, string period,
        CancellationToken cancellationToken) =>
        Run(request, r => pages.OverviewExportAsync(r, regency, period, cancellationToken), cancellationToken);

    [Function(nameof(DashboardHandover))]
    public Task<IActionResult> DashboardHandover(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = DashboardRoutes.Handover)] HttpRequest request, string regency, string period,
        CancellationToken cancellationToken) =>
        Run(request, r => pages.HandoverAsync(r, regency, period, cancellationToken), cancellationToken);

    private static string? Query(DashboardRequest request, string name) => request.Query.TryGetValue(name, out var v) && v.Length > 0 ? v : null;

    private async Task<IActionResult> Run(HttpRequest request, Func<DashboardRequest, Task<DashboardResponse>> call, CancellationToken cancellationToken)
    {
        try
        {
            var copied = await DashboardHttpAdapter.FromAsync(request, cancellationToken).ConfigureAwait(false);
            return DashboardHttpAdapter.Write(request, await call(copied).ConfigureAwait(false));
        }
        catch (Exception e) when (StorageErrors.IsTransient(e))
        {
            return DashboardHttpAdapter.Write(request, new DashboardResponse(503, templates.Text("busy"), "text/plain; charset=utf-8"));
        }
    }
}
