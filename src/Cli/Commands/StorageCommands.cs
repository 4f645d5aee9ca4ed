using System.Globalization;
using System.Text.Json;
using KampungKB.Cli.Dev;
using KampungKB.Core.Intake;
using KampungKB.Core.Model;
using KampungKB.Core.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using KampungKB.Core.Uploads;
using KampungKB.Core.Registry;
using KampungKB.Core.Reports;

namespace KampungKB.Cli.Commands;

/// <summary>Operator commands that touch storage: <c>registry import</c>, <c>reports</c>, <c>dev</c>.</summary>
internal static class StorageCommands
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary><c>kkb registry import FILE</c>: validates and stores the dinas' registry workbook.</summary>
    public static async Task<int> RegistryImportAsync(string[] args)
    {
        var json = args.Contains("--json");
        var files = args.Where(a => !a.StartsWith("--", StringComparison.Ordinal)).ToList();
        if (files.Count != 1) return Usage("kkb registry import [--json] BERKAS");
        var file = files[0];
        if (!File.Exists(file)) return Usage($"Berkas tidak ditemukan: {file}");

        await using var env = await LocalEnvironment.OpenAsync();
        await StorageBootstrap.EnsureAsync(env.Blobs, env.Tables, StorageNames.Default);
        var engine = IngestionEngine.Load(LocalEnvironment.TemplatesDirectory);
        var importer = new RegistryImporter(engine, env.Tables, StorageNames.Default, TimeProvider.System, NullLogger<RegistryImporter>.Instance);
        var outcome = await importer.ImportAsync(Path.GetFileName(file), await File.ReadAllBytesAsync(file));
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                file,
                status = outcome.Accepted ? "accepted" : "rejected",
                kampung = outcome.Kampung,
                problems = outcome.Problems.Select(ProblemJson.From),
            }, Json));
        }
        else
        {
            Console.WriteLine(outcome.Accepted
                ? $"Daftar Kampung KB diterima: {outcome.Kampung} kampung disimpan ({env.Source})."
                : "Daftar Kampung KB DITOLAK; tidak ada yang disimpan. Perbaiki:");
            foreach (var p in outcome.Problems) Console.WriteLine("  " + Describe(p));
        }
        return outcome.Accepted ? 0 : 1;
    }

    /// <summary><c>kkb reports --period YYYY-MM [--json]</c>: what is stored for a period, per kampung.</summary>
    public static async Task<int> ReportsAsync(string[] args)
    {
        var json = args.Contains("--json");
        var at = Array.IndexOf(args, "--period");
        if (at < 0 || at + 1 >= args.Length || !ReportingPeriod.TryParse(args[at + 1], out var period))
            return Usage("kkb reports --period YYYY-MM [--json]");

        await using var env = await LocalEnvironment.OpenAsync();
        await StorageBootstrap.EnsureAsync(env.Blobs, env.Tables, StorageNames.Default);
        var registry = (await new RegistryStore(env.Tables, StorageNames.Default).ListAsync()).ToDictionary(e => e.AreaCode);
        var store = new ReportStore(env.Tables, StorageNames.Default);
        var rows = new List<(RegistryEntry? Kampung, StoredReport? Report, string AreaCode)>();
        foreach (var regency in registry.Values.Select(e => e.RegencyCode).Distinct().Order(StringComparer.Ordinal))
        {
            var reports = (await store.ListAsync(regency, period)).ToDictionary(r => r.AreaCode);
            foreach (var kampung in registry.Values.Where(e => e.RegencyCode == regency).OrderBy(e => e.AreaCode, StringComparer.Ordinal))
                rows.Add((kampung, reports.GetValueOrDefault(kampung.AreaCode), kampung.AreaCode));
        }

        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(rows.Select(r => new
            {
                areaCode = r.AreaCode,
                kampung = r.Kampung?.Name,
                district = r.Kampung?.District,
                status = r.Report is null ? "missing" : "received",
                activitiesVersion = r.Report?.ActivitiesVersion,
                indicatorsVersion = r.Report?.IndicatorsVersion,
                activities = r.Report?.ActivityCount,
                participants = r.Report?.Participants,
                indicators = r.Report?.Indicators.Count,
                receivedAt = r.Report?.ReceivedAt,
            }), Json));
            return 0;
        }
        Console.WriteLine($"Laporan periode {IndonesianMonth(period)} ({env.Source}):");
        Console.WriteLine($"{"Kode",-14} {"Kampung KB",-34} {"Status",-9} {"Keg.",5} {"Peserta",8} {"Indikator",9}  Diterima");
        foreach (var (kampung, report, area) in rows)
        {
            var name = kampung?.Name ?? "?";
            if (name.Length > 34) name = name[..33] + "…";
            Console.WriteLine(report is null
                ? $"{area,-14} {name,-34} {"BELUM",-9}"
                : $"{area,-14} {name,-34} {"diterima",-9} {report.ActivityCount,5} {report.Participants,8} {report.Indicators.Count,9}  {report.ReceivedAt.ToOffset(TimeSpan.FromHours(8)):dd-MM-yyyy HH:mm} WITA");
        }
        var received = rows.Count(r => r.Report is not null);
        Console.WriteLine($"{received} dari {rows.Count} kampung sudah melapor.");
        return 0;
    }

    /// <summary><c>kkb dev</c>: Azurite + the handler + the local trigger runner, until Ctrl+C.</summary>
    public static async Task<int> DevAsync(string[] args)
    {
        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
        await using var env = await LocalEnvironment.OpenAsync();
        await StorageBootstrap.EnsureAsync(env.Blobs, env.Tables, StorageNames.Default);
        using var handler = await env.StartHandlerAsync();
        var runner = new BlobTriggerRunner(env.Blobs, env.Tables, handler, BlobTriggerRunner.Default);
        // HTTP triggers (the upload page) where `func start` would serve them.
        await using var http = await HttpTriggerHost.StartAsync(handler, HttpTriggerHost.Discover(Path.Combine(env.Root, "functions")),
            HttpTriggerHost.DevPort, new Core.Uploads.PipelineOptions().MaxUploadBytes * 2);
        Console.WriteLine($"kkb dev berjalan: penyimpanan = {env.Source}; handler = {handler.BaseAddress}; halaman unggah = {http.Address}api/kampung/… (./kkb links)");
        Console.WriteLine("Taruh berkas di kontainer 'uploads' atau 'registry'; tekan Ctrl+C untuk berhenti.");
        await runner.WatchAsync(d => Console.WriteLine(DescribeDispatch(d)), TimeSpan.FromSeconds(1), stop.Token);
        return 0;
    }

    internal static string DescribeDispatch(Dispatch d)
    {
        if (!d.Succeeded) return $"[{d.Function}] {d.BlobName}: GAGAL setelah {d.Attempts} kali ({string.Join(" | ", d.Logs.TakeLast(1))})";
        return $"[{d.Function}] {d.BlobName}: {string.Join(" | ", d.Logs)}";
    }

    internal static string Describe(Problem p)
    {
        var where = string.Join(", ", new[]
        {
            p.Sheet is null ? null : $"lembar '{p.Sheet}'",
            p.Row is null ? null : $"baris {p.Row}",
            p.Column is null ? null : $"kolom {p.Column}",
        }.Where(x => x is not null));
        var kind = p.Severity == Severity.Error ? "KESALAHAN" : "Peringatan";
        return $"{kind}{(where.Length > 0 ? " (" + where + ")" : "")}: {p.Message} [{p.Code}]";
    }

    internal static string IndonesianMonth(ReportingPeriod period) =>
        new DateTime(period.Year, period.Month, 1).ToString("MMMM yyyy", CultureInfo.GetCultureInfo("id-ID"));

    private static int Usage(string message)
    {
        Console.Error.WriteLine("Cara pakai: " + message);
        return 2;
    }
}
