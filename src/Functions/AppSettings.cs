using Microsoft.Extensions.Configuration;
using System.Globalization;
using KampungKB.Core.Outbox.Mail;
using KampungKB.Core.Model;
using KampungKB.Core.Store;
using NCrontab;
using KampungKB.Core.Uploads;

namespace KampungKB.Functions;

/// <summary>
/// Every setting the Functions app reads, parsed and checked once at start-up (conventions 11) by
/// <see cref="AppComposition.AddKampungKB"/>. A bad value stops the worker with a message naming each bad
/// key: a Functions app that starts on a wrong setting fails later, one upload at a time.
/// </summary>
public sealed class AppSettings
{
    public required StorageConnection Storage { get; init; }
    public required PipelineOptions Pipeline { get; init; }
    /// <summary>Limits of a zip of reports uploaded at once (docs/channels.md): <c>Archive__MaxEntries</c>, <c>Archive__MaxExpandedBytes</c>, <c>Archive__MaxCompressionRatio</c>.</summary>
    public ArchiveOptions Archive { get; init; } = new();
    public required string TemplatesDirectory { get; init; }
    // Recaps, reminders, feedback mails (docs/recaps-and-reminders.md): per-kabupaten settings, mail, timer schedules.
    public IReadOnlyList<RegencySettings> Regencies { get; init; } = [];
    public MailOptions Mail { get; init; } = new();
    public required KampungKB.Core.Uploads.Links.LinkOptions Links { get; init; }
    /// <summary>Email in: the reporting mailbox read through Graph; off while <c>MailIn__Mailbox</c> is unset.</summary>
    public KampungKB.Core.Uploads.MailIn.MailInOptions MailIn { get; init; } = new();
    /// <summary>WhatsApp reminders and feedback: off while <c>WhatsApp__PhoneNumberId</c> is unset.</summary>
    public KampungKB.Core.Outbox.WhatsApp.WhatsAppOptions WhatsApp { get; init; } = new();
    /// <summary><c>Demo__SimulatedNow</c>: the demo's simulated start instant; null (always, when deployed) runs on the real clock.</summary>
    public DateTimeOffset? SimulatedNow { get; init; }
    /// <summary><c>Retention__Months</c>: how long originals and problem details are kept (docs/retention.md).</summary>
    public KampungKB.Core.Jobs.Retention.RetentionOptions Retention { get; init; } = new();
    /// <summary>The Google Drive channel (<c>Drive__*</c>, docs/channels.md); off without a service-account key.</summary>
    public KampungKB.Core.Uploads.Drive.DriveOptions Drive { get; init; } = new();
    /// <summary>The dashboard (docs/dashboard.md): its key derived from <c>Links__SigningKey</c>, links to <c>Links__BaseUrl</c>,
    /// sign-in limits <c>Dashboard__LinksPerAddress</c> (default 5) and <c>Dashboard__LinksPerIp</c> (default 20) per 15 minutes.</summary>
    public required KampungKB.Core.Dashboard.DashboardOptions Dashboard { get; init; }

    /// <summary>App settings read here (the Bicep template and docs name the same keys; a test keeps them in step).</summary>
    public static readonly IReadOnlyList<string> Keys =
    [
        "AzureWebJobsStorage", "Pipeline__MaxUploadBytes", "Ingestion__DeadlineSeconds", "KKB_TEMPLATES",
        // Timer CRONs (NCRONTAB, six fields, UTC), mail, and per-kabupaten settings ({PPKK} = regency code without the dot).
        "Schedules__CompileRecap", "Schedules__SendReminders",
        "Mail__Mode", "Mail__Sender", "Mail__SenderName", "Mail__TenantId", "Mail__ClientId", "Mail__ClientSecret",
        "Mail__UseManagedIdentity", "Mail__OutboxDirectory",
        "Mail__SaveToSentItems", "Mail__GraphBaseUrl", "Mail__InlineAttachmentLimitBytes",
        .. RegencySettings.SettingNames.Select(n => RegencySettings.Key("{PPKK}", n)),
        "Links__SigningKey", "Links__BaseUrl", "Links__KeyCacheTtl",
        "Demo__SimulatedNow",
        // Retention of originals and problem details.
        "Retention__Months",
        // Google Drive folders (docs/channels.md).
        "Schedules__SyncDriveFolders", .. KampungKB.Core.Uploads.Drive.DriveOptions.Keys,
        // A zip of reports.
        "Archive__MaxEntries", "Archive__MaxExpandedBytes", "Archive__MaxCompressionRatio",
        // Email in, WhatsApp.
        .. KampungKB.Core.Uploads.MailIn.MailInOptions.Keys,
        .. KampungKB.Core.Outbox.WhatsApp.WhatsAppOptions.Keys,
        // The dashboard's sign-in rate limits.
        .. KampungKB.Core.Dashboard.DashboardOptions.Keys,
    ];

    /// <summary>
    /// The app settings a deployment must set (infra/main.bicep does; a test compiles it and checks): storage
    /// (<c>AzureWebJobsStorage</c>, or its identity-based <c>__blobServiceUri</c>/<c>__queueServiceUri</c>/<c>__tableServiceUri</c>),
    /// the upload-link key and address, and the timers' schedules, which the host resolves itself and has no default for.
    /// </summary>
    public static readonly IReadOnlyList<string> RequiredKeys =
        ["Links__SigningKey", "Links__BaseUrl", "Schedules__CompileRecap", "Schedules__SendReminders", "Schedules__SyncDriveFolders"];

    /// <summary>The app settings of the timer schedules; the triggers name their configuration keys, <c>%Schedules:…%</c>.</summary>
    public static readonly IReadOnlyList<string> ScheduleKeys = ["Schedules__CompileRecap", "Schedules__SendReminders", "Schedules__SyncDriveFolders"];

    /// <summary>
    /// Schedules used where none is configured (the local runner, tests): recaps daily at 01:00 UTC,
    /// reminders at 02:00 UTC (09:00 / 10:00 WITA). infra/main.bicep sets the same defaults explicitly,
    /// because the Functions host resolves <c>%Schedules:…%</c> from configuration (app settings), not from this code;
    /// the local runner is given them as app settings for the same reason.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> DefaultSchedules = new Dictionary<string, string>
    {
        ["Schedules__CompileRecap"] = "0 0 1 * * *",
        ["Schedules__SendReminders"] = "0 0 2 * * *",
        // Every 30 minutes; a pass does nothing while Drive__ServiceAccountKey is empty.
        ["Schedules__SyncDriveFolders"] = "0 */30 * * * *",
    };

    /// <summary>The CRON of each timer (configured, else <see cref="DefaultSchedules"/>), validated.</summary>
    public IReadOnlyDictionary<string, string> Schedules { get; init; } = DefaultSchedules;

    /// <summary>Reads every setting through one <see cref="SettingsReader"/>; <paramref name="errors"/> holds one <c>key: problem</c> line per bad setting.</summary>
    public static AppSettings Load(IConfiguration configuration, out IReadOnlyList<string> errors)
    {
        var settings = new SettingsReader(key => configuration[key.Replace("__", ":", StringComparison.Ordinal)] ?? configuration[key]);
        var problems = new List<string>();

        StorageConnection? storage = null;
        try { storage = StorageConnection.FromConfiguration(settings.Raw); }
        catch (Exception e) when (e is InvalidOperationException or FormatException or ArgumentException)
        {
            settings.Error("AzureWebJobsStorage", e.Message);
        }
        var pipeline = PipelineOptions.FromSettings(settings);
        var archive = ArchiveOptions.FromSettings(settings);

        var templates = settings.Text("KKB_TEMPLATES") ?? Path.Combine(AppContext.BaseDirectory, "templates");
        if (!Directory.Exists(templates)) settings.Error("KKB_TEMPLATES", $"the templates folder '{templates}' does not exist.");

        // Schedules (the host resolves them; a bad CRON would only show as a host indexing error), regencies, mail.
        var schedules = new Dictionary<string, string>(DefaultSchedules);
        foreach (var key in ScheduleKeys)
        {
            if (settings.Text(key) is not { } cron) continue;
            if (CrontabSchedule.TryParse(cron, new CrontabSchedule.ParseOptions { IncludingSeconds = true }) is null)
                settings.Error(key, $"'{cron}' is not a six-field NCRONTAB expression (seconds minutes hours day month weekday, UTC), e.g. 0 0 1 * * *.");
            else schedules[key] = cron;
        }
        var regencies = RegencySettings.Load(configuration.AsEnumerable(), out var regencyErrors);
        problems.AddRange(regencyErrors);
        var mail = MailOptions.FromSettings(settings);
        // Email in reads through Graph with the mail credential.
        var mailIn = KampungKB.Core.Uploads.MailIn.MailInOptions.FromSettings(settings, mail);
        var whatsApp = KampungKB.Core.Outbox.WhatsApp.WhatsAppOptions.FromSettings(settings);
        var links = KampungKB.Core.Uploads.Links.LinkOptions.FromSettings(settings);

        // ./kkb demo only: one simulated timeline for the sample uploads (Core SimulatedClock).
        DateTimeOffset? simulatedNow = null;
        if (settings.Text("Demo__SimulatedNow") is { } sim)
        {
            if (DateTimeOffset.TryParse(sim, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)) simulatedNow = at;
            else settings.Error("Demo__SimulatedNow", $"'{sim}' is not an ISO 8601 instant, e.g. 2025-11-05T01:00:00Z.");
        }
        var retention = KampungKB.Core.Jobs.Retention.RetentionOptions.FromSettings(settings);
        // The Google Drive channel; a key that is set must be a usable service-account key.
        var drive = KampungKB.Core.Uploads.Drive.DriveOptions.FromSettings(settings);

        // The dashboard: its key and address from the upload links, its sign-in limits (docs/dashboard.md).
        var dashboard = KampungKB.Core.Dashboard.DashboardOptions.FromSettings(settings, links);

        errors = [.. settings.Errors.Select(e => e.ToString()), .. problems];
        return new AppSettings
        {
            Schedules = schedules,
            Archive = archive,
            Storage = storage!, Pipeline = pipeline, TemplatesDirectory = templates, Regencies = regencies, Mail = mail,
            Links = links,
            SimulatedNow = simulatedNow,
            Retention = retention,
            Drive = drive,
            MailIn = mailIn,
            WhatsApp = whatsApp,
            Dashboard = dashboard,
        };
    }
}
