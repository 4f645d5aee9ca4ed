using Azure.Data.Tables;
using KampungKB.Core.Jobs.Recaps;
using KampungKB.Core.Jobs.Reminders;
using KampungKB.Core.Jobs.Retention;
using KampungKB.Core.Jobs.Timers;
using KampungKB.Core.Store;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KampungKB.Core.Jobs;

/// <summary>Registers the Jobs module: the timers' work (recaps, reminders, retention) and the run that isolates each kabupaten.</summary>
public static class JobsServiceCollectionExtensions
{
    /// <summary>
    /// Registers as singletons <see cref="RecapCatalogue"/> (from <paramref name="templatesDirectory"/>), <see cref="RecapCompiler"/>,
    /// <see cref="RecapSender"/>, <see cref="ReminderRunner"/>, <see cref="TimerRun"/> (its default backoff), <paramref name="retention"/>
    /// and <see cref="RetentionSweeper"/>. A registered <see cref="DashboardLinkOf"/> (the Dashboard module's) puts the
    /// dashboard's address in the recap. Needs the Store, Rendering, Outbox and Uploads registrations.
    /// </summary>
    public static IServiceCollection AddKampungKBJobs(this IServiceCollection services, RetentionOptions retention, string templatesDirectory)
    {
        ArgumentNullException.ThrowIfNull(retention);
        ArgumentException.ThrowIfNullOrEmpty(templatesDirectory);
        services.AddSingleton(_ => RecapCatalogue.Load(templatesDirectory));
        services.AddSingleton<RecapCompiler>();
        services.AddSingleton<RecapSender>();
        services.AddSingleton<ReminderRunner>();
        services.AddSingleton(sp => new TimerRun(sp.GetRequiredService<TableServiceClient>(), sp.GetRequiredService<StorageNames>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<TimerRun>>()));
        services.AddSingleton(retention);
        services.AddSingleton<RetentionSweeper>();
        return services;
    }
}
