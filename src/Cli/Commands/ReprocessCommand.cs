using System.Text.Json;
using KampungKB.Cli.Dev;
using KampungKB.Core.Model;
using KampungKB.Core.Store;
using KampungKB.Core.Uploads;
using Microsoft.Extensions.DependencyInjection;

namespace KampungKB.Cli.Commands;

/// <summary>
/// <c>kkb reprocess --kampung AREA_CODE --period YYYY-MM [--json]</c> (docs/robustness.md): judges again,
/// from their kept originals, the uploads of one kampung and month that were rejected for a reason
/// depending on the registry, e.g. after the dinas fixed its registry (<see cref="UploadReprocessor"/>).
/// Runs the Functions app's own <see cref="UploadProcessor"/> (same wiring, feedback and mail) over the
/// configured storage. <c>--json</c> prints <c>{kampung, period, uploads: [{uploadId, file, status,
/// previousStatus, areaCode, period, activities, indicators, errors, warnings}]}</c>.
/// Exit codes: 0 every upload accepted (or unchanged/superseded), 1 nothing found or some still rejected
/// (or its original missing), 2 usage, 3 failure.
/// </summary>
internal static class ReprocessCommand
{
    private const string Name = "reprocess";

    public static async Task<int> RunAsync(string[] args)
    {
        var t = CliTexts.Default;
        var options = CommandOptions.Parse(Name, args, new HashSet<string> { "--kampung", "--period" }, new HashSet<string> { "--json" }, Console.Error);
        if (options is null) return CommandLine.Usage;
        if (options.Positional.Count > 0) return CommandLine.UsageError(Name, t.T("error.unknown_option", ("command", Name), ("option", options.Positional[0])));
        if (!AreaCode.TryParse(options.Value("--kampung"), out var kampung))
            return CommandLine.UsageError(Name, t.T("error.area", ("command", Name), ("value", options.Value("--kampung") ?? "")));
        if (!options.TryPeriod(Console.Error, required: true, out var period)) return CommandLine.Usage;

        await using var env = await LocalEnvironment.OpenAsync();
        await StorageBootstrap.EnsureAsync(env.Blobs, env.Tables, StorageNames.Default);
        var functions = await env.StartFunctionsAsync();
        var processor = functions.Services.GetRequiredService<UploadProcessor>();
        var results = await new UploadReprocessor(processor, env.Blobs, env.Stores.Uploads, StorageNames.Default).ReprocessAsync(kampung, period!.Value);
        return Print(kampung, period.Value, results, options.Has("--json"), env.Source, Console.Out);
    }

    /// <summary>Writes the results (text or JSON) and returns the exit code.</summary>
    internal static int Print(AreaCode kampung, ReportingPeriod period, IReadOnlyList<ReprocessedUpload> results, bool json, string source, TextWriter output)
    {
        var t = CliTexts.Default;
        if (json)
            output.WriteLine(JsonSerializer.Serialize(new
            {
                kampung = kampung.Value,
                period = period.ToString(),
                uploads = results.Select(r => new
                {
                    uploadId = r.UploadId,
                    file = r.FileName,
                    status = r.Status,
                    previousStatus = r.PreviousStatus,
                    areaCode = r.Outcome?.AreaCode,
                    period = r.Outcome?.Period?.ToString(),
                    activities = r.Outcome?.ActivityCount ?? 0,
                    indicators = r.Outcome?.IndicatorCount ?? 0,
                    errors = r.Outcome?.ErrorCount ?? 0,
                    warnings = r.Outcome?.WarningCount ?? 0,
                }),
            }, CommandLine.Json));
        else if (results.Count == 0)
            output.WriteLine(t.T("reprocess.none", ("area", kampung.Value), ("period", period.ToString())));
        else
        {
            output.WriteLine(t.T("reprocess.title", ("count", results.Count), ("area", kampung.Value), ("period", period.ToString()), ("source", source)));
            foreach (var r in results)
                output.WriteLine(t.T("reprocess.item", ("uploadId", r.UploadId), ("file", r.FileName),
                    ("previous", t.Label("upload", r.PreviousStatus)), ("status", t.Label("upload", r.Status)),
                    ("errors", r.Outcome?.ErrorCount ?? 0), ("activities", r.Outcome?.ActivityCount ?? 0)));
        }
        return results.Count == 0 || results.Any(r => r.Status is UploadStatus.Rejected or UploadReprocessor.OriginalMissing)
            ? CommandLine.Rejected : CommandLine.Ok;
    }
}
