using System.Globalization;
using System.Text.Json;
using KampungKB.Core.Model;

namespace KampungKB.Cli.Commands;

/// <summary>`kkb ingest [--dry-run] [--json] FILE`: reads one report and prints what was recognised or what to fix.</summary>
internal sealed class IngestCommand : ICommand
{
    private const string UsageText = "Cara pakai: kkb ingest [--dry-run] [--json] BERKAS\n  --dry-run  baca dan periksa saja, tanpa menyimpan\n  --json     cetak hasil sebagai satu dokumen JSON";

    public int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        if (!CommandLine.Parse(args, new HashSet<string> { "--dry-run", "--json" }, out var flags, out var files, out var error) || files.Count != 1)
        {
            stderr.WriteLine($"kkb ingest: {error ?? (files.Count == 0 ? "berkas belum diberikan" : "hanya satu berkas setiap kali")}.");
            stderr.WriteLine(UsageText);
            return CommandLine.Usage;
        }
        var path = files[0];
        if (!File.Exists(path))
        {
            stderr.WriteLine($"kkb ingest: berkas \"{path}\" tidak ditemukan.");
            stderr.WriteLine(UsageText);
            return CommandLine.Usage;
        }
        // Storing comes later; until then every run is a dry run.
        var engine = CommandLine.LoadEngine();
        IngestionReport report;
        using (var stream = File.OpenRead(path))
            report = engine.Ingest(stream, Path.GetFileName(path), CancellationToken.None);

        if (flags.Contains("--json")) stdout.WriteLine(JsonSerializer.Serialize(ToJson(report), CommandLine.Json));
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
        o.WriteLine($"Berkas   : {r.FileName}");
        o.WriteLine($"Status   : {(r.IsAccepted ? "DITERIMA" : "DITOLAK")}");
        o.WriteLine($"Periode  : {r.Period?.ToString() ?? "(tidak diketahui)"}");
        if (r.Kampung is { } k)
            o.WriteLine($"Kampung  : {k.Name ?? "-"} (desa/kelurahan {k.Village ?? "-"}, kecamatan {k.District ?? "-"}, {k.Regency ?? "-"})");
        if (r.Activities.Count > 0)
            o.WriteLine($"Kegiatan : {r.Activities.Count} kegiatan, {r.Activities.Sum(a => a.Participants ?? 0)} peserta");
        if (r.Indicators.Count > 0)
            o.WriteLine($"Capaian  : {string.Join(", ", r.Indicators.Select(i => $"{i.Key}={i.Value.ToString(CultureInfo.InvariantCulture)}"))}");
        var errors = r.Errors.ToList();
        var warnings = r.Warnings.ToList();
        if (errors.Count > 0)
        {
            o.WriteLine($"Yang harus diperbaiki ({errors.Count}):");
            foreach (var p in errors) o.WriteLine($"  - {p.Message}");
        }
        if (warnings.Count > 0)
        {
            o.WriteLine($"Perlu diperiksa ({warnings.Count}):");
            foreach (var p in warnings) o.WriteLine($"  - {p.Message}");
        }
    }
}
