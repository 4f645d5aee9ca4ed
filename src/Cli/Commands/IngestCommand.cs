using System.Globalization;
using System.Text.Json;
using KampungKB.Core.Model;
using KampungKB.Core.Registry;
using KampungKB.Core.Storage;
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
    private const string UsageText = "Cara pakai: kkb ingest [--dry-run] [--json] [--registry DAFTAR] BERKAS\n  --dry-run   baca dan periksa saja, tanpa menyimpan\n  --json      cetak hasil sebagai satu dokumen JSON\n  --registry  cocokkan kampung dengan daftar Kampung KB dari berkas DAFTAR (tanpa ini: daftar yang tersimpan, bila ada)";

    /// <summary>The stored registry when no --registry is given and storage already answers; null otherwise.</summary>
    internal static async Task<IReadOnlyList<RegistryEntry>?> StoredRegistryAsync(string[] args)
    {
        if (args.Contains("--registry")) return null;
        try
        {
            await using var env = await Dev.LocalEnvironment.OpenExistingAsync();
            if (env is null) return null;
            var list = await new RegistryStore(env.Tables, StorageNames.Default).ListAsync();
            return list.Count > 0 ? list : null;
        }
        catch (Exception e) when (e is HttpRequestException or Azure.RequestFailedException or InvalidOperationException)
        {
            return null; // no usable storage: the output says the kampung was not checked
        }
    }

    public int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        string? registryFile = null;
        var rest = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i] == "--registry" && i + 1 < args.Count) registryFile = args[++i];
            else rest.Add(args[i]);
        }
        args = rest;
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

        IReadOnlyList<RegistryEntry>? registry = storedRegistry;
        var registrySource = storedRegistry is null ? null : "tersimpan";
        if (registryFile is not null)
        {
            if (!File.Exists(registryFile))
            {
                stderr.WriteLine($"kkb ingest: daftar \"{registryFile}\" tidak ditemukan.");
                return CommandLine.Usage;
            }
            using var rs = File.OpenRead(registryFile);
            var import = engine.ReadRegistry(rs, Path.GetFileName(registryFile), CancellationToken.None);
            if (!import.IsAccepted)
            {
                stderr.WriteLine($"kkb ingest: daftar \"{registryFile}\" tidak dapat dipakai; periksa dengan: ./kkb registry check {registryFile}");
                return CommandLine.Usage;
            }
            (registry, registrySource) = (import.Entries, Path.GetFileName(registryFile));
        }
        var check = registry is null ? null : UploadAttribution.Find(engine, report.FileName, registry, report);
        var accepted = report.IsAccepted && (check is null || check.Confirmed);
        var problems = check?.Problem is { } p ? report.Problems.Prepend(p).ToList() : report.Problems.ToList();

        if (flags.Contains("--json")) stdout.WriteLine(JsonSerializer.Serialize(ToJson(report, accepted, problems, check, registrySource), CommandLine.Json));
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
        o.WriteLine($"Berkas   : {r.FileName}");
        o.WriteLine($"Status   : {(accepted ? "DITERIMA" : "DITOLAK")}");
        o.WriteLine(check switch
        {
            null => "Daftar   : kampung TIDAK dicocokkan dengan daftar Kampung KB (tidak ada daftar tersimpan; pakai --registry DAFTAR)",
            { Confirmed: true } => $"Daftar   : cocok dengan {check.Kampung!.Name} ({check.Kampung.AreaCode}) di daftar {registrySource}",
            _ => $"Daftar   : tidak cocok dengan daftar {registrySource} (lihat di bawah)",
        });
        o.WriteLine($"Periode  : {(r.Period is { } period ? Core.Templating.IndonesianFormat.Month(period) : "(tidak diketahui)")}");
        if (r.Kampung is { } k)
            o.WriteLine($"Kampung  : {k.Name ?? "-"} (desa/kelurahan {k.Village ?? "-"}, kecamatan {k.District ?? "-"}, {k.Regency ?? "-"})");
        if (r.Activities.Count > 0)
            o.WriteLine($"Kegiatan : {r.Activities.Count} kegiatan, {r.Activities.Sum(a => a.Participants ?? 0)} peserta");
        if (r.Indicators.Count > 0)
            o.WriteLine($"Capaian  : {string.Join(", ", r.Indicators.Select(i => $"{i.Key}={i.Value.ToString(CultureInfo.InvariantCulture)}"))}");
        var errors = problems.Where(p => p.Severity == Severity.Error).ToList();
        var warnings = problems.Where(p => p.Severity == Severity.Warning).ToList();
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
