using Azure.Data.Tables;
using Azure.Storage.Blobs;
using KampungKB.Core.Ingestion.Intake;
using KampungKB.Core.Uploads.Links;
using KampungKB.Core.Outbox.Mail;
using KampungKB.Core.Outbox.Notifications;
using KampungKB.Core.Jobs.Recaps;
using KampungKB.Core.Jobs.Reminders;
using KampungKB.Core.Store;
using KampungKB.Core.Rendering.Templating;
using KampungKB.Core.Uploads;
using KampungKB.Core.Uploads.Feedback;
using KampungKB.Core.Registry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace KampungKB.Functions;

/// <summary>
/// The one wiring of the app, used by <c>Program.cs</c> (the isolated worker under the Functions host),
/// by the local runner (<c>kkb dev</c>, <c>kkb demo</c>, <c>kkb upload</c>) and by the tests, so all
/// three run the same services. Settings are read and validated here, once, before anything runs.
/// </summary>
public static class AppComposition
{
    /// <summary>
    /// Reads <see cref="AppSettings"/> from <paramref name="configuration"/> and registers every Core
    /// service the functions need (singletons: they hold clients and loaded templates) plus the start-up
    /// services that create containers, tables and the link-key table.
    /// </summary>
    /// <exception cref="InvalidSettingsException">Some settings are bad; <see cref="InvalidSettingsException.Errors"/> names each key.</exception>
    public static IServiceCollection AddKampungKB(this IServiceCollection services, IConfiguration configuration)
    {
        var settings = AppSettings.Load(configuration, out var errors);
        if (errors.Count > 0) throw new InvalidSettingsException(errors);

        services.AddSingleton(settings);
        services.AddSingleton(settings.SimulatedNow is { } simulated ? new KampungKB.Core.Model.SimulatedClock(simulated) : TimeProvider.System);
        services.AddSingleton(settings.Pipeline);
        services.AddSingleton(settings.Archive);
        services.AddSingleton(StorageNames.Default);
        // Storage: the Azure SDK clients and every table repository (Stores), registered once per process; classes receive the repositories they use.
        services.AddKampungKBStorage(settings.Storage);
        services.AddSingleton(sp => new NotificationLog(sp.GetRequiredService<TableServiceClient>(), sp.GetRequiredService<StorageNames>()));

        // The engine's cap and deadline are the pipeline's (Pipeline__MaxUploadBytes, Ingestion__DeadlineSeconds): one setting each.
        services.AddSingleton(_ => IngestionEngine.Create(new IngestionOptions
        {
            TemplatesDirectory = settings.TemplatesDirectory, MaxFileBytes = settings.Pipeline.MaxUploadBytes, Deadline = settings.Pipeline.IngestionDeadline,
        }));
        services.AddSingleton(_ => EmailTemplates.Load(Path.Combine(settings.TemplatesDirectory, "email")));
        services.AddSingleton<TemplateFeedbackRenderer>();
        services.AddSingleton<IFeedbackRenderer>(sp => sp.GetRequiredService<TemplateFeedbackRenderer>());
        services.AddSingleton<FeedbackWriter>();
        services.AddSingleton<UploadProcessor>();
        services.AddSingleton<RegistryImporter>();

        services.AddSingleton(settings.Regencies);
        services.AddSingleton(sp => MailSenderFactory.Create(settings.Mail, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(_ => RecapCatalogue.Load(settings.TemplatesDirectory));
        services.AddSingleton<DashboardLinkOf>(_ => (code, period) => settings.Dashboard.Url(KampungKB.Core.Dashboard.DashboardRoutes.OverviewPath(code, period)));
        services.AddSingleton<RecapCompiler>();
        services.AddSingleton<RecapSender>();
        services.AddSingleton<ReminderRunner>();
        services.AddSingleton(sp => new KampungKB.Core.Jobs.Timers.TimerRun(sp.GetRequiredService<Azure.Data.Tables.TableServiceClient>(), sp.GetRequiredService<StorageNames>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<KampungKB.Core.Jobs.Timers.TimerRun>>()));
        services.AddSingleton<KampungKB.Core.Outbox.Notifications.OutboxSweeper>();
        services.AddSingleton(settings.Retention);
        services.AddSingleton<KampungKB.Core.Jobs.Retention.RetentionSweeper>();
        services.AddSingleton<IFeedbackNotifier, MailFeedbackNotifier>();
        // Email in: off (the timer returns at once) while MailIn__Mailbox is unset.
        services.AddSingleton(settings.MailIn);
        services.AddSingleton(settings.Mail);
        services.AddSingleton(_ => KampungKB.Core.Uploads.MailIn.MailInTexts.Load(settings.TemplatesDirectory));
        services.AddSingleton<KampungKB.Core.Uploads.MailIn.MailInProcessor>();
        // WhatsApp: reminders and feedback summaries to opted-in kampung; off while WhatsApp__PhoneNumberId is unset.
        services.AddSingleton(settings.WhatsApp);
        services.AddSingleton(_ => KampungKB.Core.Outbox.WhatsApp.WhatsAppChannel.Load(settings.TemplatesDirectory,
            settings.WhatsApp.Enabled ? new KampungKB.Core.Outbox.WhatsApp.CloudApiWhatsAppSender(settings.WhatsApp) : null));

        services.AddSingleton(settings.Links);
        services.AddSingleton<UploadLinks>();
        services.AddSingleton(_ => PageTemplates.Load(Path.Combine(settings.TemplatesDirectory, "page")));
        services.AddSingleton<UploadDesk>();

        // The dinas dashboard (docs/dashboard.md).
        services.AddSingleton(settings.Dashboard);
        services.AddSingleton(_ => KampungKB.Core.Dashboard.DashboardTemplates.Load(Path.Combine(settings.TemplatesDirectory, "dashboard"),
            ["signin", "message", "refused", "confirm", "regencies", "overview", .. KampungKB.Core.Dashboard.KampungPages.PageNames]));
        services.AddSingleton<KampungKB.Core.Dashboard.DashboardStore>();
        services.AddSingleton<KampungKB.Core.Dashboard.DashboardGate>();
        services.AddSingleton<KampungKB.Core.Dashboard.SignInMailQueue>();
        services.AddSingleton<KampungKB.Core.Dashboard.DashboardDesk>();
        services.AddSingleton<KampungKB.Core.Dashboard.KampungActions>();
        services.AddSingleton<KampungKB.Core.Dashboard.KampungPages>();

        // Google Drive folders (docs/channels.md); DriveSync.Enabled is false without a service-account key.
        services.AddSingleton(settings.Drive);
        services.AddSingleton<KampungKB.Core.Uploads.Drive.DriveSync>(sp => new KampungKB.Core.Uploads.Drive.DriveSync(settings.Drive, sp.GetRequiredService<BlobServiceClient>(),
            sp.GetRequiredService<DriveStore>(), sp.GetRequiredService<RegistryStore>(), sp.GetRequiredService<TableServiceClient>(), sp.GetRequiredService<StorageNames>(), sp.GetRequiredService<EmailTemplates>(),
            sp.GetRequiredService<IMailSender>(), settings.Regencies, settings.Pipeline, sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<KampungKB.Core.Uploads.Drive.DriveSync>>()));

        services.AddHostedService<StorageBootstrapService>();
        services.AddHostedService<UploadLinksBootstrapService>();
        services.AddHostedService<SignInMailService>();
        return services;
    }
}

/// <summary>Thrown by <see cref="AppComposition.AddKampungKB"/> when settings are bad; one line per bad key.</summary>
public sealed class InvalidSettingsException(IReadOnlyList<string> errors) : Exception("Invalid app settings: " + string.Join("; ", errors))
{
    public IReadOnlyList<string> Errors { get; } = errors;
}

/// <summary>Creates containers and tables before the first invocation is answered.</summary>
internal sealed class StorageBootstrapService(BlobServiceClient blobs, TableServiceClient tables, StorageNames names) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => StorageBootstrap.EnsureAsync(blobs, tables, names, cancellationToken);
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>Loads the page templates (failing start-up when broken) and creates the link-keys table.</summary>
internal sealed class UploadLinksBootstrapService(UploadLinks links, PageTemplates templates) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) =>
        templates.Texts.Count > 0 ? links.EnsureAsync(cancellationToken) : Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>
/// Sends the dashboard's sign-in mails after their answers (<see cref="KampungKB.Core.Dashboard.SignInMailQueue"/>) for the
/// worker's lifetime; on shutdown it stops taking requests and waits for the queued ones until the host stops waiting.
/// </summary>
internal sealed class SignInMailService(KampungKB.Core.Dashboard.SignInMailQueue queue) : IHostedService
{
    private readonly CancellationTokenSource _abandon = new();
    private Task _run = Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _run = Task.Run(() => queue.RunAsync(_abandon.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        queue.Complete();
        using (cancellationToken.Register(_abandon.Cancel))
            await _run.ConfigureAwait(false);
        _abandon.Dispose();
    }
}
