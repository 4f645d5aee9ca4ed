using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using KampungKB.Cli.Dev;
using KampungKB.Core.Store;
using KampungKB.Core.Uploads;
using KampungKB.Core.Uploads.Feedback;
using KampungKB.Core.Registry;
using KampungKB.Core.Model;

namespace KampungKB.Cli.Commands;

/// <summary>
/// <c>kkb demo [--json]</c>: the whole job on a fresh machine — a throw-away Azurite, the Functions app
/// under the local runner; loads <c>samples/registry</c>, drops <c>samples/uploads</c>, lets the runner
/// ingest them, prints what happened, and stops everything it started.
/// </summary>
internal static class DemoCommand
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static async Task<int> RunAsync(string[] args)
    {
        var options = CommandOptions.Parse("demo", args, new HashSet<string>(), new HashSet<string> { "--json" }, Console.Error);
        if (options is null || !options.NoPositional(Console.Error)) return CommandLine.Usage;
        var json = options.Has("--json");
        var t = CliTexts.Default;
        var samples = Path.Combine(LocalEnvironment.RepositoryRoot, "samples");
        if (!Directory.Exists(samples)) { Console.Error.WriteLine(t.T("demo.samples_missing", ("path", samples))); return 2; }
        void Say(string line) { if (!json) Console.WriteLine(line); else Console.Error.WriteLine(line); }

        Say(t.T("demo.starting"));
        await using var env = await LocalEnvironment.OpenAsync(ephemeral: true);
        // Feedback mails, reminders and the recap go to a fresh outbox folder of .eml files.
        var outbox = Path.Combine(LocalEnvironment.RepositoryRoot, ".build", "demo-outbox", DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmss", System.Globalization.CultureInfo.InvariantCulture));
        var functions = await env.StartFunctionsAsync(DemoNotifications.Settings(outbox));
        var runner = env.Runner(functions);

        foreach (var file in Directory.EnumerateFiles(Path.Combine(samples, "registry")).Order(StringComparer.Ordinal))
            await Drop(env.Blobs, StorageNames.Default.Registry, Path.GetFileName(file), file);
        var registry = await runner.RunOnceAsync();
        foreach (var d in registry) Say(t.T("demo.registry", ("dispatch", StorageCommands.DescribeDispatch(d))));

        var uploadsRoot = Path.Combine(samples, "uploads");
        foreach (var file in Directory.EnumerateFiles(uploadsRoot, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            await Drop(env.Blobs, StorageNames.Default.Uploads, Path.GetRelativePath(uploadsRoot, file).Replace('\\', '/'), file);
        // Each folder under samples/zip/{area}/ is zipped, as Drive's "Download" does, and sent as one upload.
        var zips = Path.Combine(samples, "zip");
        if (Directory.Exists(zips))
            foreach (var folder in Directory.EnumerateDirectories(zips).SelectMany(Directory.EnumerateDirectories).Order(StringComparer.Ordinal))
                await DropZip(env.Blobs, $"{Path.GetFileName(Path.GetDirectoryName(folder))}/{Path.GetFileName(folder)}.zip", folder);
        var uploads = (await runner.RunOnceAsync()).Where(d => d.Function == "IngestUpload").ToList();

        var outcomes = uploads.Select(d => (Dispatch: d, Outcome: d.ReturnValue as UploadOutcome)).ToList();
        var folders = new List<System.Text.Json.JsonElement>();
        foreach (var (_, o) in outcomes)
            if (o is not null && await FeedbackWriter.ReadAsync(env.Blobs, StorageNames.Default, o.UploadId) is { } f && f.TryGetProperty("files", out _))
                folders.Add(f);
        var zipFiles = folders.SelectMany(f => f.GetProperty("files").EnumerateArray()).ToList();
        Say("");
        Say(t.T("demo.uploads", ("count", uploads.Count - folders.Count + zipFiles.Count)));
        foreach (var (d, o) in outcomes)
        {
            if (o is null) { Say(t.T("demo.upload_failed", ("blob", d.BlobName), ("error", d.Error ?? ""))); continue; }
            if (folders.FirstOrDefault(f => f.GetProperty("uploadId").GetString() == o.UploadId) is { ValueKind: System.Text.Json.JsonValueKind.Object } folder)
            {
                Say(t.T("demo.zip", ("blob", d.BlobName)));
                UploadCommand.PrintFolder(o, folder, json: false, new SayWriter(line => Say("    " + line.TrimStart())));
                continue;
            }
            Say(t.T(o.Status == UploadStatus.Rejected ? "demo.rejected" : "demo.accepted", ("blob", d.BlobName)));
            Say(t.T("demo.counts", ("area", o.AreaCode), ("period", o.Period?.ToString()), ("activities", o.ActivityCount), ("indicators", o.IndicatorCount),
                ("errors", o.ErrorCount), ("warnings", o.WarningCount)));
            var feedback = await FeedbackWriter.ReadAsync(env.Blobs, StorageNames.Default, o.UploadId);
            if (feedback is { } f && f.TryGetProperty("problems", out var problems))
                foreach (var p in problems.EnumerateArray().Where(p => p.GetProperty("severity").GetString() == "error").Take(4))
                    Say(t.T("demo.problem", ("message", p.GetProperty("message").GetString())));
        }

        var emails = await DemoNotifications.RunAsync(env, outbox, Say);

        // A zip counts as the spreadsheets in it, each an upload of its own.
        var accepted = outcomes.Where(x => x.Outcome is { Status: not UploadStatus.Rejected and not UploadStatus.Archive }).Select(x => x.Outcome!)
            .Select(o => (o.ActivityCount, o.IndicatorCount))
            .Concat(zipFiles.Where(f => f.GetProperty("status").GetString() != UploadStatus.Rejected)
                .Select(f => (f.GetProperty("activities").GetInt32(), f.GetProperty("indicators").GetInt32())))
            .ToList();
        var uploadCount = uploads.Count - folders.Count + zipFiles.Count;
        var summary = new
        {
            uploads = uploadCount,
            accepted = accepted.Count,
            rejected = uploadCount - accepted.Count,
            activities = accepted.Sum(o => o.Item1),
            indicators = accepted.Sum(o => o.Item2),
            zips = folders.Count,
            emails,
            outbox,
        };
        Say("");
        Say(t.T("demo.summary", ("accepted", summary.accepted), ("rejected", summary.rejected), ("activities", summary.activities), ("indicators", summary.indicators)));
        Say(t.T("demo.where"));
        if (await env.Stores.Registry.ListAsync() is { Count: > 0 } kampung)
        {
            var links = LinksCommand.Create(env);
            await links.EnsureAsync();
            var link = await links.IssueAsync(kampung.OrderBy(k => k.AreaCode, StringComparer.Ordinal).First());
            Say(t.T("demo.page", ("kampung", link.Kampung), ("url", link.Url)));
        }
        // The sample dinas' sign-in to the dashboard (docs/dashboard.md), under ./kkb dev.
        Say(t.T("dinas.demo", ("regency", "Kota Banjarmasin"), ("code", "63.71"), ("email", DemoNotifications.DinasUser),
            ("url", $"http://127.0.0.1:{LocalFunctionHost.DevPort}{Core.Dashboard.DashboardRoutes.HomePath()}")));
        if (json) Console.WriteLine(JsonSerializer.Serialize(summary, Json));
        return 0;
    }

    /// <summary>The recap and the reminders of the sample period, written to the demo's outbox.</summary>
    private static class DemoNotifications
    {
        public static readonly Core.Model.ReportingPeriod Period = new(2025, 10);
        /// <summary>The sample dinas user of the dashboard: the recap's recipient.</summary>
        public const string DinasUser = "rekap@dppkb.banjarmasin.example";
        /// <summary>D+7 for a deadline on the 10th: the after-deadline, escalation and dinas stages are due; D−3 is stale.</summary>
        public static readonly DateOnly Today = new(2025, 11, 17);
        /// <summary>The simulated instant the sample files arrive (5 November 2025, 10.00 WITA): October's reports are on time.</summary>
        public static readonly DateTimeOffset UploadsArrive = new(2025, 11, 5, 2, 0, 0, TimeSpan.Zero);
        /// <summary>Reminders and the recap run on the same timeline, on <see cref="Today"/> at 09.00 WITA.</summary>
        public static readonly DateTimeOffset NotificationsRun = new(2025, 11, 17, 1, 0, 0, TimeSpan.Zero);

        public static IReadOnlyDictionary<string, string?> Settings(string outbox) => new Dictionary<string, string?>
        {
            ["Demo:SimulatedNow"] = UploadsArrive.ToString("o", System.Globalization.CultureInfo.InvariantCulture),
            ["Mail:Mode"] = "Outbox",
            ["Mail:OutboxDirectory"] = outbox,
            ["Mail:SenderName"] = "DPPKB Kota Banjarmasin",
            ["Regencies:6371:Name"] = "Kota Banjarmasin",
            ["Regencies:6371:DinasName"] = "DPPKB Kota Banjarmasin",
            ["Regencies:6371:DeadlineDay"] = "10",
            ["Regencies:6371:TimeZone"] = "WITA",
            ["Regencies:6371:Recipients"] = "rekap@dppkb.banjarmasin.example",
        };

        public static async Task<int> RunAsync(LocalEnvironment env, string outbox, Action<string> say)
        {
            var regencies = Core.Model.RegencySettings.Load(Settings(outbox), out _);
            var regency = regencies.Single();
            var mail = Core.Outbox.Mail.MailOptions.FromSettings(new Core.Model.SettingsReader(k => Settings(outbox).GetValueOrDefault(k.Replace("__", ":", StringComparison.Ordinal))));
            var links = LinksCommand.Create(env);
            await links.EnsureAsync();
            var clock = new Core.Model.SimulatedClock(NotificationsRun);
            var n = Notifications.Create(env.Tables, StorageNames.Default, mail, clock, links);
            say("");
            var reminders = await n.Reminders.RunAsync(regency, Today);
            RemindCommand.Print([reminders], json: false, new SayWriter(say));
            var recap = await n.Sender.SendAsync(regency, Period);
            var t = CliTexts.Default;
            say(t.T("recap.mail", ("action", t.Label("action", recap.Action)), ("reason", recap.Reason is null ? "" : " (" + t.Label("reason", recap.Reason) + ")"),
                ("location", recap.Location is null ? "" : " → " + recap.Location)).Trim());
            var emails = Directory.Exists(outbox) ? Directory.GetFiles(outbox, "*.eml").Length : 0;
            say(t.T("demo.emails", ("count", emails), ("outbox", outbox)));
            return emails;
        }

    }

    private sealed class SayWriter(Action<string> say) : StringWriter
    {
        public override void WriteLine(string? value) => say(value ?? "");
    }

    /// <summary>Zips <paramref name="folder"/> (the folder itself as the top level, as Drive's download does) into <c>uploads/{name}</c>.</summary>
    private static async Task DropZip(BlobServiceClient blobs, string name, string folder)
    {
        using var zip = new MemoryStream();
        using (var archive = new System.IO.Compression.ZipArchive(zip, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true))
            foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
                System.IO.Compression.ZipFileExtensions.CreateEntryFromFile(archive, file,
                    Path.GetFileName(folder) + "/" + Path.GetRelativePath(folder, file).Replace('\\', '/'));
        zip.Position = 0;
        await blobs.GetBlobContainerClient(StorageNames.Default.Uploads).GetBlobClient(name).UploadAsync(zip, overwrite: true);
    }

    private static async Task Drop(BlobServiceClient blobs, string container, string name, string file)
    {
        await using var stream = File.OpenRead(file);
        await blobs.GetBlobContainerClient(container).GetBlobClient(name).UploadAsync(stream, overwrite: true);
    }

}
