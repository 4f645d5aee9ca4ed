using System.Globalization;
using System.Text.Json;
using KampungKB.Core.Model;
using KampungKB.Core.Recaps;
using KampungKB.Core.Templating;

namespace KampungKB.Cli.Commands;

/// <summary>`kkb ingest [--dry-run] [--json] FILE`: reads one report and prints what was recognised or what to fix.</summary>
internal sealed class IngestCommand : ICommand
{
    public int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        var t = CliTexts.Default;
        var options = CommandOptions.Parse("ingest", args, new HashSet<string>(), new HashSet<string> { "--dry-run", "--json" }, stderr);
        if (options is null) return CommandLine.Usage;
        if (options.Positional.Count != 1) return CommandLine.UsageError("ingest", t.T("error.file_count", ("command", "ingest")), stderr);
        var path = options.Positional[0];
        if (!File.Exists(path)) return CommandLine.UsageError("ingest", t.T("error.file_missing", ("command", "ingest"), ("file", path)), stderr);
        // Storing comes later; until then every run is a dry run.
        var engine = CommandLine.LoadEngine();
        IngestionReport report;
        using (var stream = File.OpenRead(path))
            report = engine.Ingest(stream, Path.GetFileName(path), CancellationToken.None);

        if (options.Has("--json")) stdout.WriteLine(JsonSerializer.Serialize(ToJson(report), CommandLine.Json));
        else WriteSummary(report, stdout);
        return report.IsAccepted ? CommandLine.Ok : CommandLine.Rejected;
    }

    internal static object ToJson(IngestionReport r) => new
    {
        file = r.FileName,
        status = r.IsAccepted ? "accepted" : "rejected",
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
        problems = r.Problems.Select(ProblemJson),
    };

    internal static object ProblemJson(Problem p) => Core.Model.ProblemJson.From(p);

    private static void WriteSummary(IngestionReport r, TextWriter o)
    {
        var t = CliTexts.Default;
        o.WriteLine(t.T("ingest.file", ("file", r.FileName)));
        o.WriteLine(t.T(r.IsAccepted ? "ingest.accepted" : "ingest.rejected"));
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
        var errors = r.Errors.ToList();
        var warnings = r.Warnings.ToList();
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
