using KampungKB.Core.Dashboard;
using KampungKB.Core.Store;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace KampungKB.Functions.Functions;

/// <summary>
/// The dashboard's sign-in, sign-out and month overview (docs/dashboard.md), each a call to <see cref="DashboardDesk"/>.
/// Storage outages answer a short 503 text: an HTTP trigger is not retried by the host, the person retries.
/// </summary>
public sealed class DashboardFunctions(DashboardDesk desk, DashboardTemplates templates)
{
    [Function(nameof(DashboardHome))]
    public Task<IActionResult> DashboardHome(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = DashboardRoutes.Home)] HttpRequest request, CancellationToken cancellationToken) =>
        Run(request, r => desk.HomeAsync(r, cancellationToken), cancellationToken);

    [Function(nameof(DashboardRequestLink))]
    public Task<IActionResult> DashboardRequestLink(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = DashboardRoutes.RequestLink)] HttpRequest request, CancellationToken cancellationToken) =>
        Run(request, r => desk.RequestLinkAsync(r, cancellationToken), cancellationToken);

    [Function(nameof(DashboardSignIn))]
    public Task<IActionResult> DashboardSignIn(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", Route = DashboardRoutes.SignIn)] HttpRequest request, CancellationToken cancellationToken) =>
        Run(request, r => r.IsPost ? desk.SignInAsync(r, cancellationToken) : Task.FromResult(desk.SignInPage(r)), cancellationToken);

    [Function(nameof(DashboardSignOut))]
    public Task<IActionResult> DashboardSignOut(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = DashboardRoutes.SignOut)] HttpRequest request, CancellationToken cancellationToken) =>
        Run(request, r => desk.SignOutAsync(r, cancellationToken), cancellationToken);

    [Function(nameof(DashboardOverview))]
    public Task<IActionResult> DashboardOverview(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = DashboardRoutes.Overview)] HttpRequest request, string regency, CancellationToken cancellationToken) =>
        Run(request, r => desk.OverviewAsync(r, regency, null, cancellationToken), cancellationToken);

    [Function(nameof(DashboardOverviewPeriod))]
    public Task<IActionResult> DashboardOverviewPeriod(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = DashboardRoutes.OverviewPeriod)] HttpRequest request, string regency, string period,
        CancellationToken cancellationToken) =>
        Run(request, r => desk.OverviewAsync(r, regency, period, cancellationToken), cancellationToken);

    [Function(nameof(DashboardRemind))]
    public Task<IActionResult> DashboardRemind(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = DashboardRoutes.Remind)] HttpRequest request, string regency, string period,
        CancellationToken cancellationToken) =>
        Run(request, r => desk.RemindAsync(r, regency, period, cancellationToken), cancellationToken);

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
