using System.Globalization;
using System.Text.Json;
using KampungKB.Core.Ingestion.Intake;
using KampungKB.Core.Model;
using KampungKB.Core.Jobs.Recaps;
using KampungKB.Core.Rendering.Templating;
using KampungKB.Core.Registry;
using KampungKB.Core.Store;
using KampungKB.Core.Uploads;

namespace KampungKB.Cli.Commands;

/// <summary>
/// `kkb ingest [--dry-run] [--json] [--registry DAFTAR] FILE`: reads one report and prints what was recognised
/// or what to fix. The kampung is attributed against the registry exactly as an upload without an area code
/// (a bulk drop) would be: from <c>--registry DAFTAR</c>, else the stored registry when storage is there;
/// otherwise the output says plainly that the kampung was not checked.
/// </summary>
/// <param name="storedRegistry">The stored registry, or null when no storage answers.</param>
internal sealed class IngestCommand(IReadOnlyList<RegistryEntry>? storedRegistry = null) : ICommand
{
    /// <summary>The stored registry when no --registry is given and storage already answers; null otherwise.</summary>
    internal static async Task<IReadOnlyList<RegistryEntry>?> StoredRegistryAsync(string[] args)
    {
        if (args.Contains("--registry")) return null;
        try
        {
            await using var env = await Dev.LocalEnvironment.OpenExistingAsync();
            if (env is null) return null;
            var list = await env.Stores.Registry.ListAsync();
            return list.Count > 0 ? list : null;
        }
        catch (Exception e) when (e is HttpRequestException or Azure.RequestFailedException or InvalidOperationException)
        {
            return null; // no usable storage: the output says the kampung was not checked
        }
    }

    public int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        var t = CliTexts.Default;
        var options = CommandOptions.Parse("ingest", args, new HashSet<string> { "--registry" }, new HashSet<string> { "--dry-run", "--json" }, stderr);
        if (options is null) return CommandLine.Usage;
        if (options.Positional.Count != 1) return CommandLine.UsageError("ingest", t.T("error.file_count", ("command", "ingest")), stderr);
        var path = options.Positional[0];
        if (Directory.Exists(path))
            return CommandLine.UsageError("ingest", t.T("error.file_is_directory", ("command", "ingest"), ("file", path), ("types", SpreadsheetKinds.ReadableList)), stderr);
        if (!File.Exists(path)) return CommandLine.UsageError("ingest", t.T("error.file_missing", ("command", "ingest"), ("file", path)), stderr);
        var registryFile = options.Value("--registry");
        // Storing comes later; until then every run is a dry run.
        var engine = CommandLine.LoadEngine();
        IngestionReport report;
        using (var stream = File.OpenRead(path))
            report = engine.Ingest(stream, new IngestionContext(Path.GetFileName(path)) { Today = LocalTime.Wit.Today(TimeProvider.System) }, CancellationToken.None);

        // A registry workbook is not a report: name it so (its header labels would otherwise read as a kampung's name).
        if (!report.IsAccepted && report.Activities.Count == 0 && report.Indicators.Count == 0)
        {
            using var asRegistry = File.OpenRead(path);
            var read = engine.ReadRegistry(asRegistry, Path.GetFileName(path), CancellationToken.None);
            if (read.IsAccepted && read.Entries.Count > 0)
            {
                stderr.WriteLine(t.T("ingest.is_registry", ("file", path), ("count", read.Entries.Count)));
                return CommandLine.Rejected;
            }
        }

        IReadOnlyList<RegistryEntry>? registry = storedRegistry;
        var registrySource = storedRegistry is null ? null : t.T("ingest.registry_stored");
        if (registryFile is not null)
        {
            if (!File.Exists(registryFile))
            {
                stderr.WriteLine(t.T("ingest.registry_missing", ("file", registryFile)));
                return CommandLine.Usage;
            }
            using var rs = File.OpenRead(registryFile);
            var import = engine.ReadRegistry(rs, Path.GetFileName(registryFile), CancellationToken.None);
            if (!import.IsAccepted)
            {
                stderr.WriteLine(t.T("ingest.registry_unusable", ("file", registryFile)));
                return CommandLine.Usage;
            }
            (registry, registrySource) = (import.Entries, Path.GetFileName(registryFile));
        }
        // Only a file read as a report is matched to a kampung: for an empty, Word or plain-text file the real problem
        // comes first and alone, not "kampung tidak dikenali (tertulis: "-")".
        var readable = report.Activities.Count > 0 || report.Indicators.Count > 0 || report.Kampung is not null;
        var check = registry is null || !readable ? null : UploadAttribution.Find(engine, report.FileName, registry, report);
        if (registry is not null && !readable) registrySource = null;
        var accepted = report.IsAccepted && (check is null || check.Confirmed);
        var problems = check?.Problem is { } p ? report.Problems.Prepend(p).ToList() : report.Problems.ToList();

        if (options.Has("--json")) stdout.WriteLine(JsonSerializer.Serialize(ToJson(report, accepted, problems, check, registrySource), CommandLine.Json));
        else WriteSummary(report, accepted, problems, check, registrySource, stdout);
        return accepted ? CommandLine.Ok : CommandLine.Rejected;
    }

    internal static object ToJson(IngestionReport r) => ToJson(r, r.IsAccepted, r.Problems, null, null);

    private static object ToJson(IngestionReport r, bool accepted, IReadOnlyList<Problem> problems, AttributionResult? check, string? registrySource) => new
    {
        file = r.FileName,
        status = accepted ? "accepted" : "rejected",
        registry = check is null
            ? new { @checked = false, source = (string?)null, areaCode = (string?)null, name = (string?)null }
            : new { @checked = true, source = registrySource, areaCode = check.Kampung?.AreaCode, name = check.Kampung?.Name },
        period = r.Period?.ToString(),
        kampung = r.Kampung is { } k ? new { name = k.Name, village = k.Village, district = k.District, regency = k.Regency } : null,
        activities = r.Activities.Select(a => new
        {
            date = a.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            title = a.Title,
            category = a.Category,
            participants = a.Participants,
            male = a.Male,
            female = a.Female,
            partners = a.Partners,
        }),
        indicators = r.Indicators,
        problems = problems.Select(ProblemJson),
    };

    internal static object ProblemJson(Problem p) => Core.Model.ProblemJson.From(p);

    private static void WriteSummary(IngestionReport r, bool accepted, IReadOnlyList<Problem> problems, AttributionResult? check, string? registrySource, TextWriter o)
    {
        var t = CliTexts.Default;
        o.WriteLine(t.T("ingest.file", ("file", r.FileName)));
        o.WriteLine(t.T(accepted ? "ingest.accepted" : "ingest.rejected"));
        o.WriteLine(check switch
        {
            null when registrySource is null && !r.IsAccepted && r.Activities.Count == 0 && r.Indicators.Count == 0 && r.Kampung is null => t.T("ingest.registry_not_checked"),
            null => t.T("ingest.registry_unchecked"),
            { Confirmed: true } => t.T("ingest.registry_match", ("name", check.Kampung!.Name), ("area", check.Kampung.AreaCode), ("source", registrySource)),
            _ => t.T("ingest.registry_mismatch", ("source", registrySource)),
        });
        o.WriteLine(r.Period is { } period ? t.T("ingest.period", ("period", IndonesianFormat.Month(period))) : t.T("ingest.period_unknown"));
        if (r.Kampung is { } k)
            o.WriteLine(t.T("ingest.kampung", ("name", k.Name), ("village", k.Village), ("district", k.District), ("regency", k.Regency)));
        if (r.Activities.Count > 0)
            o.WriteLine(t.T("ingest.activities", ("count", r.Activities.Count), ("participants", r.Activities.Sum(a => a.Participants ?? 0))));
        if (r.Indicators.Count > 0)
        {
            // Indicator names as the recap names them, in its order; codes the catalogue lacks come last, as they are.
            var labels = RecapCatalogue.Load(CommandLine.TemplatesDirectory).Indicators.Select((i, n) => (i.Code, i.Label, n)).ToDictionary(x => x.Code, x => (x.Label, x.n));
            o.WriteLine(t.T("ingest.indicators"));
            foreach (var (code, value) in r.Indicators.OrderBy(i => labels.TryGetValue(i.Key, out var l) ? l.n : int.MaxValue).ThenBy(i => i.Key, StringComparer.Ordinal))
                o.WriteLine(t.T("ingest.indicator", ("label", labels.TryGetValue(code, out var l) ? l.Label : code), ("value", value)));
        }
        var errors = problems.Where(p => p.Severity == Severity.Error).ToList();
        var warnings = problems.Where(p => p.Severity == Severity.Warning).ToList();
        if (errors.Count > 0)
        {
            o.WriteLine(t.T("ingest.errors", ("count", errors.Count)));
            foreach (var p in errors) o.WriteLine(t.T("ingest.problem", ("message", p.Message)));
        }
        if (warnings.Count > 0)
        {
            o.WriteLine(t.T("ingest.warnings", ("count", warnings.Count)));
            foreach (var p in warnings) o.WriteLine(t.T("ingest.problem", ("message", p.Message)));
        }
    }
}
