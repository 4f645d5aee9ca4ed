using Azure.Storage.Blobs;
using KampungKB.Core.Jobs.Recaps;
using KampungKB.Core.Model;
using KampungKB.Core.Outbox.Notifications;
using KampungKB.Core.Store;
using Microsoft.Extensions.DependencyInjection;

namespace KampungKB.Core.Dashboard;

/// <summary>Registers the Dashboard module: the dinas' signed-in dashboard (docs/dashboard.md).</summary>
public static class DashboardServiceCollectionExtensions
{
    /// <summary>
    /// Registers as singletons <paramref name="options"/>, <see cref="DashboardTemplates"/> (from <c>{templatesDirectory}/dashboard</c>,
    /// every page the desk and the kampung pages render required), <see cref="DashboardStore"/>, <see cref="DashboardGate"/>,
    /// <see cref="SignInMailQueue"/> (drained by the host's hosted service), <see cref="DashboardDesk"/>, <see cref="KampungActions"/>,
    /// <see cref="KampungPages"/> and their readers over the Store's repositories (<see cref="MonthOverview"/>, <see cref="KampungPageReader"/>), and the recap's <see cref="DashboardLinkOf"/> (the overview's address under <see cref="DashboardOptions.BaseUrl"/>).
    /// Needs the Store, Rendering, Outbox, Uploads and Jobs registrations.
    /// </summary>
    public static IServiceCollection AddKampungKBDashboard(this IServiceCollection services, DashboardOptions options, string templatesDirectory)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(templatesDirectory);
        services.AddSingleton<DashboardLinkOf>(_ => (code, period) => options.Url(DashboardRoutes.OverviewPath(code, period)));
        services.AddSingleton(options);
        services.AddSingleton(_ => DashboardTemplates.Load(Path.Combine(templatesDirectory, "dashboard"),
            ["signin", "message", "refused", "confirm", "regencies", "overview", .. KampungPages.PageNames]));
        services.AddSingleton<DashboardStore>();
        services.AddSingleton<DashboardGate>();
        services.AddSingleton<SignInMailQueue>();
        services.AddSingleton<MonthOverview>();
        services.AddSingleton(sp => new KampungPageReader(sp.GetRequiredService<BlobServiceClient>(), sp.GetRequiredService<StorageNames>(),
            sp.GetRequiredService<RegistryStore>(), sp.GetRequiredService<ReportStore>(), sp.GetRequiredService<UploadLog>(),
            sp.GetRequiredService<NotificationLog>(), sp.GetRequiredService<RecapCatalogue>().Classifier));
        services.AddInternalSingleton<DashboardDesk>();
        services.AddSingleton<KampungActions>();
        services.AddInternalSingleton<KampungPages>();
        return services;
    }
}
