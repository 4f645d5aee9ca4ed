using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using KampungKB.Cli.Dev;
using KampungKB.Core.Model;
using KampungKB.Core.Uploads;
using KampungKB.Core.Registry;
using KampungKB.Core.Uploads.Feedback;
using KampungKB.Core.Store;

namespace KampungKB.Cli.Commands;

/// <summary>
/// <c>kkb upload FILE [--kampung AREA_CODE] [--json] [--no-wait] [--timeout SECONDS]</c>: puts FILE into
/// <c>uploads/</c> (as <c>{area}/{yyyyMMddHHmmss}-{file}</c> with --kampung, as the upload page does, else
/// <c>{yyyyMMddHHmmss}-{file}</c>, a bulk drop recognised by its names) on the configured storage, then
/// prints what the cadre is told. Locally without a running <c>kkb dev</c> it runs the IngestUpload
/// function itself through the local runner; otherwise (kkb dev, or a real account in AzureWebJobsStorage)
/// it waits for the deployed app's outcome, up to the time-out (default 180 s).
/// Exit codes: 0 accepted/unchanged/superseded, 1 rejected, 2 usage, 3 no outcome (failure or time-out).
/// </summary>
internal static class UploadCommand
{
    private const string Name = "upload";

    public static async Task<int> RunAsync(string[] args)
    {
        var t = CliTexts.Default;
        if (Parse(args, Console.Error) is not var (file, area, json, noWait, timeout)) return CommandLine.Usage;
        var content = await File.ReadAllBytesAsync(file!);
        var stamp = DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
        var blobName = (area is null ? "" : area + "/") + stamp + "-" + BlobSafe(Path.GetFileName(file!));
        void Say(string line) => (json ? Console.Error : Console.Out).WriteLine(line);

        await using var env = await LocalEnvironment.OpenAsync();
        await StorageBootstrap.EnsureAsync(env.Blobs, env.Tables, StorageNames.Default);
        if (area is not null && await env.Stores.Registry.GetAsync(area) is null)
            Say(t.T("upload.unregistered_warning", ("area", area), ("source", env.Source)));
        await env.Blobs.GetBlobContainerClient(StorageNames.Default.Uploads).GetBlobClient(blobName)
            .PutAsync(BinaryData.FromBytes(content), "application/octet-stream", new Dictionary<string, string> { ["source"] = "kkb-upload" });
        Say(t.T("upload.stored", ("blob", blobName), ("source", env.Source)));
        if (noWait)
        {
            if (json) Console.WriteLine(JsonSerializer.Serialize(new { blob = "uploads/" + blobName, status = "pending" }, CommandLine.Json));
            return CommandLine.Ok;
        }

        UploadOutcome? outcome;
        if (env.IsLocal && (env.StartedAzurite || !await LocalEnvironment.DevRunnerAnswersAsync()))
        {
            Say(t.T("upload.running_local"));
            var functions = await env.StartFunctionsAsync();
            var dispatch = await env.Runner(functions).RunBlobAsync("IngestUpload", blobName);
            if (dispatch is not { Succeeded: true })
            {
                Console.Error.WriteLine(t.T("upload.function_failed", ("attempts", dispatch?.Attempts ?? 0), ("error", dispatch?.Error ?? ""), ("queue", PoisonQueue.Name)));
                return CommandLine.Failed;
            }
            outcome = dispatch.ReturnValue as UploadOutcome;
        }
        else
        {
            Say(env.IsLocal ? t.T("upload.waiting_dev") : t.T("upload.waiting_app", ("seconds", (int)timeout.TotalSeconds)));
            outcome = await WaitAsync(env, blobName, content, timeout);
            if (outcome is null)
            {
                Console.Error.WriteLine(t.T("upload.no_outcome", ("blob", blobName), ("seconds", (int)timeout.TotalSeconds)));
                return CommandLine.Failed;
            }
        }
        if (outcome is null)
        {
            Console.Error.WriteLine(t.T("upload.deleted", ("blob", blobName)));
            return CommandLine.Failed;
        }

        if (await FeedbackWriter.ReadAsync(env.Blobs, StorageNames.Default, outcome.UploadId) is { } folder && folder.TryGetProperty("files", out _))
            return PrintFolder(outcome, folder, json, Console.Out);
        var problems = await ProblemsAsync(env, outcome.UploadId);
        if (json) Console.WriteLine(JsonSerializer.Serialize(new
        {
            uploadId = outcome.UploadId,
            status = outcome.Status,
            areaCode = outcome.AreaCode,
            period = outcome.Period?.ToString(),
            activities = outcome.ActivityCount,
            indicators = outcome.IndicatorCount,
            errors = outcome.ErrorCount,
            warnings = outcome.WarningCount,
            problems,
        }, CommandLine.Json));
        else Print(outcome, problems);
        return outcome.Status == UploadStatus.Rejected ? CommandLine.Rejected : CommandLine.Ok;
    }

    /// <summary>
    /// A zip of reports (docs/channels.md), from its combined feedback document: <c>--json</c> prints
    /// <c>{uploadId, status, file, files:[{file, uploadId, status, areaCode, period, activities, indicators, errors, warnings, problems}], skipped:[{file, reason, message}], problems}</c>
    /// (one <c>files</c> item per spreadsheet in the zip), text a line per file. Exit 1 when the zip or any spreadsheet in it was rejected.
    /// </summary>
    internal static int PrintFolder(UploadOutcome outcome, JsonElement folder, bool json, TextWriter o)
    {
        var files = folder.GetProperty("files").EnumerateArray().ToList();
        var skipped = folder.TryGetProperty("skipped", out var s) ? s.EnumerateArray().ToList() : [];
        var zipProblems = folder.TryGetProperty("problems", out var p) ? p.EnumerateArray().ToList() : [];
        var rejected = outcome.Status == UploadStatus.Rejected || files.Any(f => f.GetProperty("status").GetString() == UploadStatus.Rejected);
        if (json)
        {
            o.WriteLine(JsonSerializer.Serialize(new
            {
                uploadId = outcome.UploadId,
                status = outcome.Status,
                file = folder.TryGetProperty("file", out var name) ? name.GetString() : null,
                files,
                skipped,
                problems = zipProblems,
            }, CommandLine.Json));
            return rejected ? CommandLine.Rejected : CommandLine.Ok;
        }
        var t = CliTexts.Default;
        var zipName = folder.TryGetProperty("file", out var n) ? n.GetString() : "";
        o.WriteLine(outcome.Status == UploadStatus.Rejected
            ? t.T("upload.folder.refused", ("file", zipName), ("uploadId", outcome.UploadId))
            : t.T("upload.folder.title", ("file", zipName), ("uploadId", outcome.UploadId), ("count", files.Count),
                ("accepted", files.Count(f => f.GetProperty("status").GetString() is UploadStatus.Accepted or UploadStatus.Unchanged or UploadStatus.Superseded)),
                ("rejected", files.Count(f => f.GetProperty("status").GetString() == UploadStatus.Rejected)), ("skipped", skipped.Count)));
        foreach (var problem in zipProblems) o.WriteLine(t.T("upload.folder.problem", ("message", problem.GetProperty("message").GetString())));
        foreach (var f in files)
        {
            var status = f.GetProperty("status").GetString();
            var period = f.TryGetProperty("period", out var per) && per.ValueKind == JsonValueKind.String && ReportingPeriod.TryParse(per.GetString(), out var pp)
                ? StorageCommands.IndonesianMonth(pp) : null;
            o.WriteLine(t.T("upload.folder.file", ("mark", status == UploadStatus.Rejected ? "✗" : "✓"), ("file", f.GetProperty("file").GetString()),
                ("status", t.Label("upload", status)), ("area", f.GetProperty("areaCode").GetString()), ("period", period),
                ("activities", f.GetProperty("activities").GetInt32()), ("indicators", f.GetProperty("indicators").GetInt32()),
                ("errors", f.GetProperty("errors").GetInt32()), ("warnings", f.GetProperty("warnings").GetInt32())));
            if (status == UploadStatus.Rejected)
                foreach (var problem in f.GetProperty("problems").EnumerateArray().Where(x => x.GetProperty("severity").GetString() == "error"))
                    o.WriteLine(t.T("upload.folder.problem", ("message", problem.GetProperty("message").GetString())));
        }
        foreach (var x in skipped)
            o.WriteLine(t.T("upload.folder.skipped", ("file", x.GetProperty("file").GetString()), ("message", x.GetProperty("message").GetString())));
        return rejected ? CommandLine.Rejected : CommandLine.Ok;
    }

    private static async Task<UploadOutcome?> WaitAsync(LocalEnvironment env, string blobName, byte[] content, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (await UploadProcessor.FindOutcomeAsync(env.Stores.Claims, StorageNames.Default, blobName, content) is { } found) return found;
            await Task.Delay(TimeSpan.FromSeconds(1));
        }
        return null;
    }

    /// <summary>The problems as the feedback document holds them (the shape <c>kkb ingest --json</c> prints).</summary>
    private static async Task<IReadOnlyList<ProblemJson>> ProblemsAsync(LocalEnvironment env, string uploadId)
    {
        var feedback = await FeedbackWriter.ReadAsync(env.Blobs, StorageNames.Default, uploadId);
        if (feedback is not { } f || !f.TryGetProperty("problems", out var problems)) return [];
        return problems.Deserialize<List<ProblemJson>>(new JsonSerializerOptions(JsonSerializerDefaults.Web)) ?? [];
    }

    private static void Print(UploadOutcome o, IReadOnlyList<ProblemJson> problems)
    {
        var t = CliTexts.Default;
        var verdict = o.Status is UploadStatus.Accepted or UploadStatus.Unchanged or UploadStatus.Superseded ? o.Status : UploadStatus.Rejected;
        Console.WriteLine(t.T("upload.title", ("uploadId", o.UploadId), ("verdict", t.T("upload.verdict." + verdict))));
        Console.WriteLine(t.T("upload.counts", ("area", o.AreaCode), ("period", o.Period is { } p ? StorageCommands.IndonesianMonth(p) : null),
            ("activities", o.ActivityCount), ("indicators", o.IndicatorCount), ("errors", o.ErrorCount), ("warnings", o.WarningCount)));
        foreach (var problem in problems) Console.WriteLine("  " + StorageCommands.Describe(problem.ToProblem()));
    }

    /// <summary>The file and options; null after writing why and the usage to <paramref name="error"/> (an unknown option,
    /// a malformed <c>--kampung</c> area code or <c>--timeout</c>, no file, more than one, or one that does not exist).</summary>
    internal static (string File, string? Area, bool Json, bool NoWait, TimeSpan Timeout)? Parse(IReadOnlyList<string> args, TextWriter error)
    {
        var options = CommandOptions.Parse(Name, args, new HashSet<string> { "--kampung", "--timeout" }, new HashSet<string> { "--json", "--no-wait" }, error);
        if (options is null || !options.TryArea(error, "--kampung", out var area) || !options.TryWholeNumber(error, "--timeout", "error.seconds", 1, out var seconds)
            || !options.TryFile(error, out var file))
            return null;
        return (file, area, options.Has("--json"), options.Has("--no-wait"), TimeSpan.FromSeconds(seconds ?? 180));
    }

    /// <summary>A file name safe as the last blob-name segment (the pipeline refuses control characters and path separators).</summary>
    private static string BlobSafe(string name) =>
        new(name.Select(c => char.IsControl(c) || c is '/' or '\\' or '#' or '?' ? '_' : c).ToArray());
}
