using System.Globalization;
using System.Text.Json;
using Azure.Data.Tables;
using KampungKB.Cli.Dev;
using KampungKB.Core.Outbox.Mail;
using KampungKB.Core.Outbox.Notifications;
using KampungKB.Core.Model;
using KampungKB.Core.Jobs.Recaps;
using KampungKB.Core.Jobs.Reminders;
using KampungKB.Core.Store;
using KampungKB.Core.Rendering.Templating;
using Microsoft.Extensions.Logging.Abstractions;

namespace KampungKB.Cli.Commands;

/// <summary>
/// <c>kkb recap --regency CODE --period YYYY-MM [--send] [--out DIR] [--json]</c>: compiles the dinas recap on
/// demand, writes its .html and .xlsx to DIR (default .kkb/recaps), and with --send mails it through the
/// configured sender (the outbox unless Mail__Mode=Graph), once per regency and period like the timer.
/// A kabupaten/kota neither in the registry nor in the settings is an error, as is an empty registry.
/// </summary>
internal static class RecapCommand
{
    private const string Name = "recap";

    public static async Task<int> RunAsync(string[] args)
    {
        var options = CommandOptions.Parse(Name, args, new HashSet<string> { "--regency", "--period", "--out" }, new HashSet<string> { "--send", "--json" }, Console.Error);
        if (options is null || !options.TryRegency(Console.Error, true, out var code) || !options.TryPeriod(Console.Error, true, out var period))
            return CommandLine.Usage;
        var outDir = options.Value("--out") ?? Path.Combine(LocalEnvironment.RepositoryRoot, ".kkb", "recaps");
        if (!Notifications.TryLoadSettings(out var regencies, out var mailOptions)) return CommandLine.Usage;

        await using var env = await LocalEnvironment.OpenAsync();
        await StorageBootstrap.EnsureAsync(env.Blobs, env.Tables, StorageNames.Default);
        var links = LinksCommand.Create(env);
        await links.EnsureAsync();
        return await ExecuteAsync(env.Tables, StorageNames.Default, regencies, mailOptions, code!, period!.Value, outDir,
            options.Has("--send"), options.Has("--json"), Console.Out, Console.Error, links);
    }

    /// <summary>Writes (and with <paramref name="send"/> mails) the recap; an empty registry or an unknown kabupaten/kota is an error.</summary>
    internal static async Task<int> ExecuteAsync(TableServiceClient tables, StorageNames names, IReadOnlyList<RegencySettings> regencies, MailOptions mailOptions,
        string code, ReportingPeriod period, string outDir, bool send, bool json, TextWriter output, TextWriter error, Core.Uploads.Links.UploadLinks? links = null)
    {
        if (!await StorageCommands.RegistryHasEntriesAsync(tables, names, error)) return CommandLine.Rejected;
        var scope = await RegencyScope.ResolveAsync(regencies, tables, names);
        if (scope.FirstOrDefault(r => r.Code == code) is not { } regency) return StorageCommands.UnknownRegency(Name, code, scope, error);
        var n = Notifications.Create(tables, names, mailOptions, TimeProvider.System, links);
        var files = await WriteAsync(n.Compiler, regency, period, outDir);
        RecapSendOutcome? sent = null;
        if (send) sent = await n.Sender.SendAsync(regency, period);

        var t = CliTexts.Default;
        if (json)
            output.WriteLine(JsonSerializer.Serialize(new { regency = code, period = period.ToString(), html = files.Html, xlsx = files.Xlsx, handover = files.Handover, send = sent?.Action, sendReason = sent?.Reason, location = sent?.Location }, CommandLine.Json));
        else
        {
            var r = files.Recap;
            output.WriteLine(t.T("recap.title", ("region", r.RegionName), ("month", IndonesianFormat.Month(period)), ("reported", r.Reported), ("expected", r.Expected)));
            output.WriteLine(t.T("recap.html", ("path", files.Html)));
            output.WriteLine(t.T("recap.xlsx", ("path", files.Xlsx)));
            if (files.Handover is not null) output.WriteLine(t.T("recap.handover", ("path", files.Handover)));
            if (sent is not null)
                output.WriteLine(t.T("recap.mail", ("action", t.Label("action", sent.Action)),
                    ("reason", sent.Reason is null ? "" : " (" + t.Label("reason", sent.Reason) + ")"),
                    ("location", sent.Location is null ? "" : " → " + sent.Location)));
        }
        // --send that could not send (no dinas recipients configured) is a failure the operator must see, not a quiet 0.
        if (sent?.Reason == ReminderSkipReasons.NoDinasRecipients)
        {
            error.WriteLine(t.T("recap.no_recipients", ("regency", code), ("key", code.Replace(".", "", StringComparison.Ordinal))));
            return CommandLine.Rejected;
        }
        if (sent?.Action == ReminderActions.Failed)
        {
            error.WriteLine(t.T("recap.send_failed", ("regency", code), ("reason", t.Label("reason", sent.Reason))));
            return CommandLine.Rejected;
        }
        return CommandLine.Ok;
    }

    internal static async Task<(Recap Recap, string Html, string Xlsx, string? Handover)> WriteAsync(RecapCompiler compiler, RegencySettings regency, ReportingPeriod period, string outDir)
    {
        var recap = await compiler.CompileAsync(regency, period);
        Directory.CreateDirectory(outDir);
        var stem = Path.Combine(outDir, Path.GetFileNameWithoutExtension(recap.AttachmentName));
        await File.WriteAllTextAsync(stem + ".html", recap.Email.Html);
        await File.WriteAllBytesAsync(stem + ".xlsx", recap.Xlsx);
        string? handover = null;
        if (recap.Handover is { } h) await File.WriteAllBytesAsync(handover = Path.Combine(outDir, h.Plan.AttachmentName), h.Xlsx);
        return (recap, stem + ".html", stem + ".xlsx", handover);
    }
}

/// <summary>The recap and reminder services over one storage and one mail sender (CLI and demo).</summary>
internal sealed record Notifications(RecapCompiler Compiler, RecapSender Sender, ReminderRunner Reminders, IMailSender Mail)
{
    /// <param name="links">Issues each reminder's personal upload link; without it reminders say where else to send.</param>
    public static Notifications Create(TableServiceClient tables, StorageNames names, MailOptions mail, TimeProvider time, Core.Uploads.Links.UploadLinks? links = null)
    {
        var templatesDir = LocalEnvironment.TemplatesDirectory;
        var templates = EmailTemplates.Load(Path.Combine(templatesDir, "email"));
        var catalogue = RecapCatalogue.Load(templatesDir);
        var sender = MailSenderFactory.Create(mail, time);
        var stores = new Stores(tables, names, time);
        // "Buka dashboard" points where the app serves it (Links__BaseUrl, locally http://127.0.0.1:7071).
        Core.Uploads.Links.LinkOptions.TryParseBaseUrl(Environment.GetEnvironmentVariable("Links__BaseUrl"), out var baseUrl);
        var compiler = new RecapCompiler(stores.Registry, stores.Reports, stores.Uploads, new Core.Outbox.Notifications.NotificationLog(tables, names), templates, catalogue, time, links,
            (code, period) => baseUrl.ToString().TrimEnd('/') + Core.Dashboard.DashboardRoutes.OverviewPath(code, period));
        return new Notifications(compiler,
            new RecapSender(compiler, sender, tables, names, time, NullLogger<RecapSender>.Instance),
            new ReminderRunner(stores.Registry, stores.Reports, stores.Uploads, tables, names, templates, catalogue, sender, time, NullLogger<ReminderRunner>.Instance, links, WhatsAppFromEnvironment(templatesDir)),
            sender);
    }

    /// <summary>WhatsApp reminders when <c>WhatsApp__PhoneNumberId</c> and its token are set (valid) in the environment, as for the app.</summary>
    private static Core.Outbox.WhatsApp.WhatsAppChannel? WhatsAppFromEnvironment(string templatesDir)
    {
        var settings = new SettingsReader(Environment.GetEnvironmentVariable);
        var options = Core.Outbox.WhatsApp.WhatsAppOptions.FromSettings(settings);
        return options.Enabled && settings.Errors.Count == 0
            ? Core.Outbox.WhatsApp.WhatsAppChannel.Load(templatesDir, new Core.Outbox.WhatsApp.CloudApiWhatsAppSender(options))
            : null;
    }

    /// <summary>Regencies__* and Mail__* from the environment, validated; prints every bad key.</summary>
    public static bool TryLoadSettings(out IReadOnlyList<RegencySettings> regencies, out MailOptions mail)
    {
        var vars = Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .Select(e => new KeyValuePair<string, string?>((string)e.Key, e.Value as string));
        regencies = RegencySettings.Load(vars, out var errors);
        var settings = new SettingsReader(Environment.GetEnvironmentVariable);
        mail = MailOptions.FromSettings(settings);
        var all = errors.Concat(settings.Errors.Select(e => e.ToString())).ToList();
        foreach (var e in all) Console.Error.WriteLine(CliTexts.Default.T("error.settings", ("error", e)));
        return all.Count == 0;
    }

    internal static string Day(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
