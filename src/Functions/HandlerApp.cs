using Azure.Data.Tables;
using Azure.Storage.Blobs;
using KampungKB.Core.Intake;
using KampungKB.Core.Mail;
using KampungKB.Core.Notifications;
using KampungKB.Core.Recaps;
using KampungKB.Core.Reminders;
using KampungKB.Core.Storage;
using KampungKB.Core.Templating;
using KampungKB.Functions.Endpoints;
using KampungKB.Core.Uploads;
using KampungKB.Core.Feedback;
using KampungKB.Core.Registry;

namespace KampungKB.Functions;

/// <summary>All wiring of the custom handler in one place: settings, Core services, endpoints.</summary>
public static class HandlerApp
{
    public static async Task<int> RunAsync(string[] args)
    {
        WebApplication app;
        try { app = Build(args); }
        catch (InvalidSettingsException e)
        {
            await Console.Error.WriteLineAsync("KampungKB.Functions refuses to start; fix these app settings:");
            foreach (var error in e.Errors) await Console.Error.WriteLineAsync("  - " + error);
            return 1;
        }
        await app.RunAsync();
        return 0;
    }

    /// <summary>
    /// Builds the handler. <paramref name="configure"/> lets tests and the local runner add settings;
    /// <paramref name="overrideServices"/> runs after the wiring (tests give storage names a prefix).
    /// </summary>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null, Action<IServiceCollection>? overrideServices = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);
        var settings = HandlerSettings.Load(builder.Configuration, out var errors);
        if (errors.Count > 0) throw new InvalidSettingsException(errors);

        var port = builder.Configuration["FUNCTIONS_CUSTOMHANDLER_PORT"];
        if (!string.IsNullOrEmpty(port)) builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        // Blob content arrives base64-encoded inside the JSON body.
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = settings.Pipeline.MaxUploadBytes * 3 / 2 + 1024 * 1024);

        AddCore(builder.Services, settings);
        overrideServices?.Invoke(builder.Services);
        var app = builder.Build();
        app.MapGet("/", () => Results.Text("KampungKB.Functions custom handler"));
        BlobFunctions.Map(app);
        TimerFunctions.Map(app); // issue 4
        UploadPageFunctions.Map(app);
        return app;
    }

    private static void AddCore(IServiceCollection services, HandlerSettings settings)
    {
        services.AddSingleton(settings);
        services.AddSingleton(settings.SimulatedNow is { } simulated ? new KampungKB.Core.Model.SimulatedClock(simulated) : TimeProvider.System);
        services.AddSingleton(settings.Pipeline);
        services.AddSingleton(StorageNames.Default);
        services.AddKampungKBStorage(settings.Storage);
        services.AddSingleton(_ => IngestionEngine.Load(settings.TemplatesDirectory));
        services.AddSingleton(_ => EmailTemplates.Load(Path.Combine(settings.TemplatesDirectory, "email")));
        services.AddSingleton<TemplateFeedbackRenderer>();
        services.AddSingleton<IFeedbackRenderer>(sp => sp.GetRequiredService<TemplateFeedbackRenderer>());
        services.AddSingleton<FeedbackWriter>();
        services.AddSingleton<UploadProcessor>();
        services.AddSingleton<RegistryImporter>();
        // Issue 4: recaps, reminders and feedback mails.
        services.AddSingleton(settings.Regencies);
        services.AddSingleton(sp => MailSenderFactory.Create(settings.Mail, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(_ => RecapCatalogue.Load(settings.TemplatesDirectory));
        services.AddSingleton<RecapCompiler>();
        services.AddSingleton<RecapSender>();
        services.AddSingleton<ReminderRunner>();
        services.AddSingleton<KampungKB.Core.Notifications.OutboxSweeper>();
        services.AddSingleton<IFeedbackNotifier, MailFeedbackNotifier>();
        services.AddHostedService<StorageBootstrapService>();
        // Upload page (issue 5): links, the page templates and the page service.
        services.AddSingleton(settings.Links);
        services.AddSingleton<KampungKB.Core.Links.UploadLinks>();
        services.AddSingleton(_ => KampungKB.Core.Links.PageTemplates.Load(Path.Combine(settings.TemplatesDirectory, "page")));
        services.AddSingleton<KampungKB.Core.Links.UploadDesk>();
        services.AddHostedService<UploadLinksBootstrapService>();
    }
}

public sealed class InvalidSettingsException(IReadOnlyList<string> errors) : Exception("Invalid app settings: " + string.Join("; ", errors))
{
    public IReadOnlyList<string> Errors { get; } = errors;
}

/// <summary>Loads the page templates (failing start-up when broken) and creates the link-keys table.</summary>
internal sealed class UploadLinksBootstrapService(KampungKB.Core.Links.UploadLinks links, KampungKB.Core.Links.PageTemplates templates) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) =>
        templates.Texts.Count > 0 ? links.EnsureAsync(cancellationToken) : Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>Creates containers and tables before the first invocation is answered.</summary>
internal sealed class StorageBootstrapService(BlobServiceClient blobs, TableServiceClient tables, StorageNames names) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => StorageBootstrap.EnsureAsync(blobs, tables, names, cancellationToken);
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
