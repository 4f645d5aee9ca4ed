using Azure.Data.Tables;
using System.Text.Json;
using KampungKB.Cli.Dev;
using KampungKB.Core.Uploads.Links;
using KampungKB.Core.Outbox.Mail;
using KampungKB.Core.Outbox.Notifications;
using KampungKB.Core.Jobs.Recaps;
using KampungKB.Core.Jobs.Reminders;
using KampungKB.Core.Model;
using KampungKB.Core.Store;
using KampungKB.Core.Rendering.Templating;

namespace KampungKB.Cli.Commands;

/// <summary>
/// <c>kkb remind [--date YYYY-MM-DD] [--dry-run] [--regency CODE] [--json]</c>: shows (--dry-run) or sends
/// the reminders due on a local date, for one or every kabupaten/kota; <c>kkb remind log --regency CODE
/// --period YYYY-MM</c> lists the reminder log (the evidence the dinas uses).
/// </summary>
internal static class RemindCommand
{
    private const string Name = "remind";

    public static async Task<int> RunAsync(string[] args)
    {
        var isLog = args.FirstOrDefault() == "log";
        var options = CommandOptions.Parse(Name, isLog ? args[1..] : args, new HashSet<string> { "--date", "--regency", "--period" },
            new HashSet<string> { "--dry-run", "--json" }, Console.Error);
        if (options is null || !options.TryDate(Console.Error, out var date) || !options.TryRegency(Console.Error, isLog, out var code)
            || !options.TryPeriod(Console.Error, isLog, out var period))
            return CommandLine.Usage;
        if (!Notifications.TryLoadSettings(out var configured, out var mail)) return CommandLine.Usage;

        await using var env = await LocalEnvironment.OpenAsync();
        await StorageBootstrap.EnsureAsync(env.Blobs, env.Tables, StorageNames.Default);
        if (isLog) return await LogAsync(env.Tables, StorageNames.Default, code!, period!.Value, options.Has("--json"), Console.Out);
        var links = LinksCommand.Create(env);
        await links.EnsureAsync();
        return await ExecuteAsync(env.Tables, StorageNames.Default, configured, mail, links, code, date, options.Has("--dry-run"), options.Has("--json"), Console.Out, Console.Error);
    }

    /// <summary>Runs (or dry-runs) the reminders of one or every kabupaten/kota; an unknown kabupaten/kota or an empty registry is an error.</summary>
    internal static async Task<int> ExecuteAsync(TableServiceClient tables, StorageNames names, IReadOnlyList<RegencySettings> configured, MailOptions mail,
        UploadLinks? links, string? code, DateOnly? date, bool dryRun, bool json, TextWriter output, TextWriter error)
    {
        var scope = await RegencyScope.ResolveAsync(configured, tables, names);
        if (!await StorageCommands.RegistryHasEntriesAsync(tables, names, error)) return CommandLine.Rejected;
        if (code is not null)
        {
            if (scope.FirstOrDefault(r => r.Code == code) is not { } one) return StorageCommands.UnknownRegency(Name, code, scope, error);
            scope = [one];
        }
        var n = Notifications.Create(tables, names, mail, TimeProvider.System, links);
        var results = new List<ReminderRunResult>();
        foreach (var regency in scope) results.Add(await n.Reminders.RunAsync(regency, date, dryRun));
        Print(results, json, output, scope);
        return results.Any(r => r.Failed > 0) ? CommandLine.Rejected : CommandLine.Ok;
    }

    private static async Task<int> LogAsync(TableServiceClient tables, StorageNames names, string code, Core.Model.ReportingPeriod period, bool json, TextWriter output)
    {
        var t = CliTexts.Default;
        var rows = await new NotificationLog(tables, names).ListAsync(code, period);
        if (json) { output.WriteLine(JsonSerializer.Serialize(rows, CommandLine.Json)); return CommandLine.Ok; }
        var regency = RegencySettings.Default(code);
        output.WriteLine(t.T("remind.log.title", ("regency", code), ("month", IndonesianFormat.Month(period)), ("count", rows.Count)));
        foreach (var r in rows)
            output.WriteLine(t.T("remind.log.item", ("area", r.AreaCode ?? "-"), ("kind", t.Label("kind", r.Kind)),
                ("stage", r.Stage is { } s && ReminderStages.Order(s) >= 0 ? ReminderStages.Label(s, regency, StageLabels.Value) : t.Label("upload", r.Stage)),
                ("state", t.Label("action", r.State)), ("reason", t.Label("reason", r.Reason)),
                ("when", Stamp(r.CompletedAt ?? r.ClaimedAt))));
        return CommandLine.Ok;
    }

    /// <summary>The reminder stages' labels (templates/messages/indicator-labels.json), loaded and checked when a command first prints one.</summary>
    private static readonly Lazy<RecapCatalogue> StageLabels = new(() => RecapCatalogue.Load(CommandLine.TemplatesDirectory));

    private static string Stamp(DateTimeOffset at) =>
        IndonesianFormat.Date(at.UtcDateTime) + " " + IndonesianFormat.Time(at.UtcDateTime) + " UTC";

    /// <summary>
    /// One heading per kabupaten/kota whose totals count exactly the lines under it (in a dry run: what
    /// would be sent or skipped), then one line per kampung and stage, all in Indonesian.
    /// </summary>
    internal static void Print(IReadOnlyList<ReminderRunResult> results, bool json, TextWriter output, IReadOnlyList<RegencySettings>? regencies = null)
    {
        if (json)
        {
            output.WriteLine(JsonSerializer.Serialize(results.Select(r => new
            {
                regency = r.RegencyCode, today = Notifications.Day(r.Today), dryRun = r.DryRun, sent = r.Sent, skipped = r.Skipped, failed = r.Failed,
                counts = r.Items.GroupBy(i => i.Action).ToDictionary(g => g.Key, g => g.Count()),
                items = r.Items.Select(i => new { area = i.AreaCode, kampung = i.KampungName, period = i.Period.ToString(), stage = i.Stage.Key(), day = Notifications.Day(i.StageDay), role = i.RecipientRole, action = i.Action, reason = i.Reason, fileRejected = i.FileRejected }),
            }), CommandLine.Json));
            return;
        }
        var t = CliTexts.Default;
        foreach (var r in results)
        {
            var regency = regencies?.FirstOrDefault(x => x.Code == r.RegencyCode) ?? RegencySettings.Default(r.RegencyCode);
            var counts = r.Items.GroupBy(i => i.Action).Select(g => $"{IndonesianFormat.Number(g.Count(), 0)} {t.Label("action", g.Key)}").ToList();
            var summary = counts.Count == 0 ? t.T("remind.none") : string.Join(", ", counts);
            output.WriteLine(t.T(r.DryRun ? "remind.title_dry" : "remind.title", ("regency", regency.Name == regency.Code ? r.RegencyCode : $"{regency.Name} ({r.RegencyCode})"),
                ("day", IndonesianFormat.Date(r.Today)), ("summary", summary)));
            foreach (var i in r.Items)
                output.WriteLine(t.T("remind.item", ("period", IndonesianFormat.Month(i.Period)), ("area", i.AreaCode), ("kampung", i.KampungName),
                    ("stage", ReminderStages.Label(i.Stage, regency, StageLabels.Value)), ("day", IndonesianFormat.Date(i.StageDay)), ("role", i.RecipientRole),
                    ("action", t.Label("action", i.Action)),
                    ("reason", (i.Reason is null ? "" : " (" + t.Label(i.Action == ReminderActions.Already ? "action" : "reason", i.Reason) + ")") + (i.FileRejected ? t.T("remind.rejected_note") : ""))));
        }
    }
}
