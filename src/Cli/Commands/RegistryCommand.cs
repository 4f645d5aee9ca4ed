using System.Text.Json;
using KampungKB.Core.Model;

namespace KampungKB.Cli.Commands;

/// <summary>`kkb registry check [--json] FILE`: reads a dinas' list of Kampung KB and prints it, storing nothing.</summary>
internal sealed class RegistryCommand : ICommand
{
    private const string UsageText = "Cara pakai: kkb registry check [--json] BERKAS  |  kkb registry template BERKAS.xlsx";

    public int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        if (args.Count == 2 && args[0] == "template")
        {
            File.WriteAllBytes(args[1], CommandLine.LoadEngine().BuildRegistryTemplate());
            stdout.WriteLine($"Templat daftar Kampung KB ditulis ke {args[1]}");
            return CommandLine.Ok;
        }
        if (args.Count == 0 || args[0] != "check"
            || !CommandLine.Parse(args.Skip(1).ToList(), new HashSet<string> { "--json" }, out var flags, out var files, out var error) || files.Count != 1)
        {
            stderr.WriteLine("kkb registry: perintah atau berkas tidak lengkap.");
            stderr.WriteLine(UsageText);
            return CommandLine.Usage;
        }
        if (!File.Exists(files[0]))
        {
            stderr.WriteLine($"kkb registry: berkas \"{files[0]}\" tidak ditemukan.");
            return CommandLine.Usage;
        }
        RegistryImport import;
        using (var s = File.OpenRead(files[0]))
            import = CommandLine.LoadEngine().ReadRegistry(s, Path.GetFileName(files[0]), CancellationToken.None);

        if (flags.Contains("--json"))
            stdout.WriteLine(JsonSerializer.Serialize(new
            {
                file = import.FileName,
                status = import.IsAccepted ? "accepted" : "rejected",
                entries = import.Entries.Select(e => new
                {
                    e.AreaCode, e.RegencyCode, e.DistrictCode, e.Name, e.Village, e.District, e.Regency, e.ClassLabel,
                    @class = e.Class?.ToString(), e.YearFounded, e.PokjaEmail, e.PokjaPhone, e.PkbName, e.PkbEmail, e.Profile,
                }),
                problems = import.Problems.Select(IngestCommand.ProblemJson),
            }, CommandLine.Json));
        else
        {
            stdout.WriteLine($"Berkas : {import.FileName}");
            stdout.WriteLine($"Status : {(import.IsAccepted ? "DITERIMA" : "DITOLAK")}, {import.Entries.Count} Kampung KB");
            foreach (var e in import.Entries)
                stdout.WriteLine($"  {e.AreaCode}  {e.Name} — {e.Village}, Kec. {e.District}, {e.Regency} ({e.ClassLabel ?? "-"})");
            foreach (var p in import.Problems)
                stdout.WriteLine($"  [{(p.Severity == Severity.Error ? "salah" : "periksa")}] {p.Message}");
        }
        return import.IsAccepted ? CommandLine.Ok : CommandLine.Rejected;
    }
}
