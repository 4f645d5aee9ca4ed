using System.Globalization;
using System.Text.Json;
using Azure.Data.Tables;
using KampungKB.Cli.Dev;
using KampungKB.Core.Mail;
using KampungKB.Core.Model;
using KampungKB.Core.Recaps;
using KampungKB.Core.Reminders;
using KampungKB.Core.Settings;
using KampungKB.Core.Storage;
using KampungKB.Core.Templating;
using Microsoft.Extensions.Logging.Abstractions;

namespace KampungKB.Cli.Commands;

/// <summary>
/// <c>kkb recap --regency CODE --period YYYY-MM [--send] [--out DIR] [--json]</c>: compiles the dinas recap on
/// demand, writes its .html and .xlsx to DIR (default .kkb/recaps), and with --send mails it through the
/// configured sender (the outbox unless Mail__Mode=Graph), once per regency and period like the timer.
/// </summary>
internal static class RecapCommand
{
    private const string UsageText = "Cara pakai: kkb recap --regency 63.71 --period 2025-10 [--send] [--out FOLDER] [--json]";

    public static async Task<int> RunAsync(string[] args)
    {
        var options = Options(args);
        if (options is null || !options.TryGetValue("--regency", out var code) || !options.TryGetValue("--period", out var p)
            || !ReportingPeriod.TryParse(p, out var period) || code!.Length != 5)
        {
            Console.Error.WriteLine(UsageText);
            return CommandLine.Usage;
        }
        var outDir = options.GetValueOrDefault("--out") ?? Path.Combine(LocalEnvironment.RepositoryRoot, ".kkb", "recaps");
        var json = options.ContainsKey("--json");
        if (!Notifications.TryLoadSettings(out var regencies, out var mailOptions)) return CommandLine.Usage;

        await using var env = await LocalEnvironment.OpenAsync();
        await StorageBootstrap.EnsureAsync(env.Blobs, env.Tables, StorageNames.Default);
        var regency = regencies.FirstOrDefault(r => r.Code == code) ?? RegencySettings.Default(code);
        var n = Notifications.Create(env.Tables, StorageNames.Default, mailOptions, TimeProvider.System);
        var files = await WriteAsync(n.Compiler, regency, period, outDir);
        RecapSendOutcome? sent = null;
        if (options.ContainsKey("--send")) sent = await n.Sender.SendAsync(regency, period);

        if (json)
            Console.WriteLine(JsonSerializer.Serialize(new { regency = code, period = period.ToString(), html = files.Html, xlsx = files.Xlsx, send = sent?.Action, sendReason = sent?.Reason, location = sent?.Location }, CommandLine.Json));
        else
        {
            Console.WriteLine($"Rekap {regency.Name} {period}: {files.Recap.View.Completeness.Reported} dari {files.Recap.View.Completeness.Expected} kampung melapor.");
            Console.WriteLine($"  HTML : {files.Html}");
            Console.WriteLine($"  Excel: {files.Xlsx}");
            if (sent is not null) Console.WriteLine($"  Surel: {sent.Action}{(sent.Reason is null ? "" : " (" + sent.Reason + ")")}{(sent.Location is null ? "" : " → " + sent.Location)}");
        }
        return sent?.Action == ReminderActions.Failed ? CommandLine.Rejected : CommandLine.Ok;
    }

    internal static async Task<(Recap Recap, string Html, string Xlsx)> WriteAsync(RecapCompiler compiler, RegencySettings regency, ReportingPeriod period, string outDir)
    {
        var recap = await compiler.CompileAsync(regency, period);
        Directory.CreateDirectory(outDir);
        var stem = Path.Combine(outDir, Path.GetFileNameWithoutExtension(recap.AttachmentName));
        await File.WriteAllTextAsync(stem + ".html", recap.Email.Html);
        await File.WriteAllBytesAsync(stem + ".xlsx", recap.Xlsx);
        return (recap, stem + ".html", stem + ".xlsx");
    }

    /// <summary>Flags with a value (<c>--period 2025-10</c>) and bare flags; null on an unknown flag.</summary>
    internal static Dictionary<string, string?>? Options(string[] args, params string[] bare)
    {
        var valued = new HashSet<string> { "--regency", "--period", "--out", "--date" };
        var known = new HashSet<string>(["--send", "--json", "--dry-run", .. bare]);
        var map = new Dictionary<string, string?>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            if (valued.Contains(args[i]) && i + 1 < args.Length) map[args[i]] = args[++i];
            else if (known.Contains(args[i])) map[args[i]] = null;
            else { Console.Error.WriteLine($"kkb: pilihan \"{args[i]}\" tidak dikenal atau tanpa nilai."); return null; }
        }
        return map;
    }
}

/// <summary>The recap and reminder services over one storage and one mail sender (CLI and demo).</summary>
internal sealed record Notifications(RecapCompiler Compiler, RecapSender Sender, ReminderRunner Reminders, IMailSender Mail)
{
    public static Notifications Create(TableServiceClient tables, StorageNames names, MailOptions mail, TimeProvider time)
    {
        var templatesDir = LocalEnvironment.TemplatesDirectory;
        var templates = EmailTemplates.Load(Path.Combine(templatesDir, "email"));
        var catalogue = RecapCatalogue.Load(templatesDir);
        var sender = MailSenderFactory.Create(mail, time);
        var compiler = new RecapCompiler(tables, names, templates, catalogue, time);
        return new Notifications(compiler,
            new RecapSender(compiler, sender, tables, names, time, NullLogger<RecapSender>.Instance),
            new ReminderRunner(tables, names, templates, catalogue, sender, time, NullLogger<ReminderRunner>.Instance),
            sender);
    }

    /// <summary>Regencies__* and Mail__* from the environment, validated; prints every bad key.</summary>
    public static bool TryLoadSettings(out IReadOnlyList<RegencySettings> regencies, out MailOptions mail)
    {
        var vars = Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .Select(e => new KeyValuePair<string, string?>((string)e.Key, e.Value as string));
        regencies = RegencySettings.Load(vars, out var errors);
        mail = MailOptions.FromSettings(Environment.GetEnvironmentVariable);
        var all = errors.Concat(mail.Validate().Select(e => $"{e.Key}: {e.Message}")).ToList();
        foreach (var e in all) Console.Error.WriteLine("kkb: pengaturan salah: " + e);
        return all.Count == 0;
    }

    internal static string Day(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
