using System.Globalization;
using System.Text.Json;
using KampungKB.Cli.Dev;
using KampungKB.Core.Notifications;
using KampungKB.Core.Reminders;
using KampungKB.Core.Settings;
using KampungKB.Core.Storage;

namespace KampungKB.Cli.Commands;

/// <summary>
/// <c>kkb remind [--date YYYY-MM-DD] [--dry-run] [--regency CODE] [--json]</c>: shows (--dry-run) or sends
/// the reminders due on a local date, for one or every kabupaten/kota; <c>kkb remind log --regency CODE
/// --period YYYY-MM</c> lists the reminder log (the evidence the dinas uses).
/// </summary>
internal static class RemindCommand
{
    private const string UsageText = "Cara pakai: kkb remind [--date 2025-11-17] [--dry-run] [--regency 63.71] [--json]\n           kkb remind log --regency 63.71 --period 2025-10 [--json]";

    public static async Task<int> RunAsync(string[] args)
    {
        var isLog = args.FirstOrDefault() == "log";
        var options = RecapCommand.Options(isLog ? args[1..] : args);
        if (options is null) { Console.Error.WriteLine(UsageText); return CommandLine.Usage; }
        DateOnly? date = null;
        if (options.TryGetValue("--date", out var d))
        {
            if (!DateOnly.TryParseExact(d, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed)) { Console.Error.WriteLine(UsageText); return CommandLine.Usage; }
            date = parsed;
        }
        var code = options.GetValueOrDefault("--regency");
        var json = options.ContainsKey("--json");
        if (!Notifications.TryLoadSettings(out var configured, out var mail)) return CommandLine.Usage;

        await using var env = await LocalEnvironment.OpenAsync();
        await StorageBootstrap.EnsureAsync(env.Blobs, env.Tables, StorageNames.Default);

        if (isLog)
        {
            if (code is null || !options.TryGetValue("--period", out var p) || !Core.Model.ReportingPeriod.TryParse(p, out var period))
            { Console.Error.WriteLine(UsageText); return CommandLine.Usage; }
            var rows = await new NotificationLog(env.Tables, StorageNames.Default).ListAsync(code, period);
            if (json) Console.WriteLine(JsonSerializer.Serialize(rows, CommandLine.Json));
            else
            {
                Console.WriteLine($"Log pemberitahuan {code} {period}: {rows.Count} baris");
                foreach (var r in rows)
                    Console.WriteLine($"  {r.AreaCode ?? "-",-14} {r.Kind,-9} {r.Stage ?? "",-16} {r.State,-8} {r.Reason ?? "",-22} {r.CompletedAt ?? r.ClaimedAt:yyyy-MM-dd HH:mm} UTC");
            }
            return CommandLine.Ok;
        }

        var n = Notifications.Create(env.Tables, StorageNames.Default, mail, TimeProvider.System);
        var scope = await RegencyScope.ResolveAsync(configured, env.Tables, StorageNames.Default);
        if (code is not null) scope = [scope.FirstOrDefault(r => r.Code == code) ?? RegencySettings.Default(code)];
        var results = new List<ReminderRunResult>();
        foreach (var regency in scope) results.Add(await n.Reminders.RunAsync(regency, date, options.ContainsKey("--dry-run")));
        Print(results, json, Console.Out);
        return results.Any(r => r.Failed > 0) ? CommandLine.Rejected : CommandLine.Ok;
    }

    internal static void Print(IReadOnlyList<ReminderRunResult> results, bool json, TextWriter output)
    {
        if (json)
        {
            output.WriteLine(JsonSerializer.Serialize(results.Select(r => new
            {
                regency = r.RegencyCode, today = Notifications.Day(r.Today), dryRun = r.DryRun, sent = r.Sent, skipped = r.Skipped, failed = r.Failed,
                items = r.Items.Select(i => new { area = i.AreaCode, kampung = i.KampungName, period = i.Period.ToString(), stage = i.Stage, day = Notifications.Day(i.StageDay), role = i.RecipientRole, action = i.Action, reason = i.Reason }),
            }), CommandLine.Json));
            return;
        }
        foreach (var r in results)
        {
            output.WriteLine($"Pengingat {r.RegencyCode} untuk {Notifications.Day(r.Today)}{(r.DryRun ? " (uji coba, tidak ada yang dikirim)" : "")}: {r.Sent} dikirim, {r.Skipped} dilewati, {r.Failed} gagal");
            foreach (var i in r.Items)
                output.WriteLine($"  {i.Period} {i.AreaCode} {i.KampungName,-32} {i.Stage,-16} {Notifications.Day(i.StageDay)} → {i.RecipientRole,-9} {i.Action}{(i.Reason is null ? "" : " (" + i.Reason + ")")}");
        }
    }
}
