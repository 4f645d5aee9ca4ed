using KampungKB.Core.Rendering.Exports;
using System.Text.Json;
using KampungKB.Core.Model;
using KampungKB.Core.Ingestion.Validation;

namespace KampungKB.Cli.Commands;

/// <summary>
/// `kkb registry check [--json] FILE`: reads a dinas' list of Kampung KB and prints it, storing nothing.
/// A file that is no registry at all is told so, with the columns a registry has (templates/layouts/registry.json).
/// </summary>
internal sealed class RegistryCommand : ICommand
{
    public int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        var t = CliTexts.Default;
        if (args.Count == 2 && args[0] == "template")
        {
            File.WriteAllBytes(args[1], RegistryTemplate.Build(CommandLine.LoadEngine()));
            stdout.WriteLine(t.T("registry.template_written", ("file", args[1])));
            return CommandLine.Ok;
        }
        if (args.Count == 0 || args[0] != "check")
            return CommandLine.UsageError("registry", t.T("error.file_count", ("command", "registry")), stderr);
        var options = CommandOptions.Parse("registry", args.Skip(1).ToList(), new HashSet<string>(), new HashSet<string> { "--json" }, stderr);
        if (options is null) return CommandLine.Usage;
        if (options.Positional.Count != 1) return CommandLine.UsageError("registry", t.T("error.file_count", ("command", "registry check")), stderr);
        var file = options.Positional[0];
        if (!File.Exists(file)) return CommandLine.UsageError("registry", t.T("error.file_missing", ("command", "registry check"), ("file", file)), stderr);

        RegistryImport import;
        using (var s = File.OpenRead(file))
            import = CommandLine.LoadEngine().ReadRegistry(s, Path.GetFileName(file), CancellationToken.None);

        if (options.Has("--json"))
            stdout.WriteLine(JsonSerializer.Serialize(new
            {
                file = import.FileName,
                status = import.IsAccepted ? "accepted" : "rejected",
                notARegistry = IsNotARegistry(import.Problems) && import.Entries.Count == 0,
                entries = import.Entries.Select(e => new
                {
                    e.AreaCode, e.RegencyCode, e.DistrictCode, e.Name, e.Village, e.District, e.Regency, e.ClassLabel,
                    @class = e.Class?.ToString(), e.YearFounded, e.PokjaEmail, e.PokjaPhone, e.PkbName, e.PkbEmail, e.Profile,
                }),
                expectedColumns = ExpectedColumns().Select(c => new { name = c.Name, required = c.Required }),
                problems = import.Problems.Select(IngestCommand.ProblemJson),
            }, CommandLine.Json));
        else
        {
            stdout.WriteLine(t.T("registry.check.file", ("file", import.FileName)));
            stdout.WriteLine(t.T(import.IsAccepted ? "registry.check.accepted" : "registry.check.rejected", ("count", import.Entries.Count)));
            if (IsNotARegistry(import.Problems) && import.Entries.Count == 0)
            {
                WriteExpectedColumns(stdout);
                return CommandLine.Rejected;
            }
            foreach (var e in import.Entries)
                stdout.WriteLine(t.T("registry.check.entry", ("area", e.AreaCode), ("name", e.Name), ("village", e.Village), ("district", e.District),
                    ("regency", e.Regency), ("class", e.ClassLabel)));
            foreach (var p in import.Problems) stdout.WriteLine(StorageCommands.Describe(p));
        }
        return import.IsAccepted ? CommandLine.Ok : CommandLine.Rejected;
    }

    /// <summary>No registry header row was found anywhere in the file.</summary>
    internal static bool IsNotARegistry(IReadOnlyList<Problem> problems) =>
        problems.Any(p => p.Code is ProblemCodes.NotARegistry or ProblemCodes.EmptyReport);

    /// <summary>"This is no registry", then each column a registry has, the required ones marked.</summary>
    internal static void WriteExpectedColumns(TextWriter output)
    {
        var t = CliTexts.Default;
        var columns = ExpectedColumns();
        output.WriteLine(t.T("registry.not_registry", ("required", string.Join("\", \"", columns.Where(c => c.Required).Select(c => c.Name)))));
        foreach (var c in columns) output.WriteLine(t.T("registry.column", ("name", c.Name), ("required", c.Required ? t.T("registry.column_required") : "")));
    }

    /// <summary>The registry's columns as <c>templates/layouts/registry.json</c> names them, in its order.</summary>
    internal static IReadOnlyList<(string Name, bool Required)> ExpectedColumns()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(CommandLine.TemplatesDirectory, "layouts", "registry.json")));
        return doc.RootElement.GetProperty("fields").EnumerateObject()
            .Select(f => (f.Value.GetProperty("name").GetString() ?? f.Name,
                f.Value.TryGetProperty("required", out var r) && r.ValueKind == JsonValueKind.True))
            .ToList();
    }
}
