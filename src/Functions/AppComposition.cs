using Azure.Data.Tables;
using Azure.Storage.Blobs;
using KampungKB.Core.Dashboard;
using KampungKB.Core.Ingestion;
using KampungKB.Core.Ingestion.Intake;
using KampungKB.Core.Jobs;
using KampungKB.Core.Model;
using KampungKB.Core.Outbox;
using KampungKB.Core.Registry;
using KampungKB.Core.Rendering;
using KampungKB.Core.Rendering.Templating;
using KampungKB.Core.Store;
using KampungKB.Core.Uploads;
using KampungKB.Core.Uploads.Links;
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
    /// Reads <see cref="AppSettings"/> from <paramref name="configuration"/>, registers the clock and each Core module
    /// through its own registration (<c>AddKampungKBStorage</c>, <c>…Ingestion</c>, <c>…Registry</c>, <c>…Rendering</c>,
    /// <c>…Outbox</c>, <c>…Uploads</c>, <c>…Jobs</c>, <c>…Dashboard</c>: singletons, they hold clients and loaded templates)
    /// given the options parsed here, plus the start-up services that create containers, tables and the link-key table
    /// and the one that sends the dashboard's sign-in mails.
    /// </summary>
    /// <exception cref="InvalidSettingsException">Some settings are bad; <see cref="InvalidSettingsException.Errors"/> names each key.</exception>
    public static IServiceCollection AddKampungKB(this IServiceCollection services, IConfiguration configuration)
    {
        var settings = AppSettings.Load(configuration, out var errors);
        if (errors.Count > 0) throw new InvalidSettingsException(errors);

        services.AddSingleton(settings);
        services.AddSingleton(settings.SimulatedNow is { } simulated ? new SimulatedClock(simulated) : TimeProvider.System);
        // Core's modules in the data's order (docs/architecture.md), each registering its own parts as singletons.
        // Storage: the Azure SDK clients and every table repository, registered once per process; classes receive the repositories they use.
        services.AddKampungKBStorage(settings.Storage);
        // The engine's cap and deadline are the pipeline's (Pipeline__MaxUploadBytes, Ingestion__DeadlineSeconds): one setting each.
        services.AddKampungKBIngestion(new IngestionOptions
        {
            TemplatesDirectory = settings.TemplatesDirectory, MaxFileBytes = settings.Pipeline.MaxUploadBytes, Deadline = settings.Pipeline.IngestionDeadline,
        });
        services.AddKampungKBRegistry();
        services.AddKampungKBRendering(settings.TemplatesDirectory);
        // WhatsApp: reminders and feedback summaries to opted-in kampung; off while WhatsApp__PhoneNumberId is unset.
        services.AddKampungKBOutbox(settings.Mail, settings.WhatsApp, settings.Regencies, settings.TemplatesDirectory);
        // Email in is off while MailIn__Mailbox is unset; Google Drive folders (docs/channels.md) without Drive__ServiceAccountKey.
        services.AddKampungKBUploads(settings.Pipeline, settings.Archive, settings.Links, settings.MailIn, settings.Drive, settings.TemplatesDirectory);
        services.AddKampungKBJobs(settings.Retention, settings.TemplatesDirectory);
        // The dinas dashboard (docs/dashboard.md).
        services.AddKampungKBDashboard(settings.Dashboard, settings.TemplatesDirectory);

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
