using Azure.Data.Tables;
using Azure.Storage.Blobs;
using System.Globalization;
using System.Text.Json.Nodes;
using KampungKB.Core.Model;
using KampungKB.Core.Jobs.Recaps;
using KampungKB.Core.Rendering.Templating;
using KampungKB.Core.Store;
using KampungKB.Core.Registry;

namespace KampungKB.Bench;

/// <summary>
/// Against the run's Azurite: <see cref="ReportStore.WriteVersionAsync"/> against raw Azure.Data.Tables
/// 100-entity batches (<see cref="TableClient.SubmitTransactionAsync"/>, no guards) of the same entities; the recap read path (<see cref="ReportStore.ListActivitiesAsync"/> per month)
/// against a bare scan of the same partitions.
/// </summary>
internal sealed class StorageBench(string connectionString, string root, bool quick, TextWriter log)
{
    private const string Regency = "63.71";
    private readonly StorageClients _clients = StorageServiceCollectionExtensions.CreateClients(StorageConnection.Parse(connectionString), r => r.MaxRetries = 1);
    private TableServiceClient _tables => _clients.Tables;
    private BlobServiceClient _blobs => _clients.Blobs;
    private static readonly ReportingPeriod October = new(2025, 10);

    public async Task RunAsync(JsonObject result)
    {
        await StoreAsync(result);
        await RecapAsync(result);
    }

    private static Activity Make(int i) => new(
        new DateOnly(2025, 10, 1 + i % 31), $"Penyuluhan KB Pria {i % 97}", "Reproduksi", 8 + i % 30, 3 + i % 23, 5 + i % 7,
        ["Puskesmas", "PKK"], Notes: i % 5 == 0 ? "Dana Desa" : null, Sheet: "Kegiatan", Row: 8 + i);

    private static RegistryEntry Kampung(int n) => new($"{Regency}.04.{1000 + n:D4}", $"Kampung KB {n}", $"Desa {n}", "Banjarmasin Barat", "Kota Banjarmasin",
        "Berkembang", KampungClass.Berkembang, 2019, null, null, null, null);

    /// <summary>The activity row exactly as ReportStore writes it (docs/storage.md).</summary>
    private static TableEntity Row(string partition, string area, string version, int index, Activity a)
    {
        var e = new TableEntity(partition, $"{area}_{version}_{index:D5}")
        {
            ["AreaCode"] = area, ["Version"] = version, ["Date"] = a.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), ["Title"] = a.Title,
            ["Category"] = a.Category!, ["Participants"] = a.Participants!.Value, ["Male"] = a.Male!.Value, ["Female"] = a.Female!.Value,
            ["Partners"] = string.Join("\n", a.Partners), ["Sheet"] = a.Sheet!, ["Row"] = a.Row!.Value,
        };
        if (a.Notes is not null) e["Notes"] = a.Notes;
        return e;
    }

    private async Task BatchesAsync(string table, IEnumerable<TableEntity> entities)
    {
        var client = _tables.GetTableClient(table);
        foreach (var chunk in entities.Chunk(100))
            await client.SubmitTransactionAsync(chunk.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, e)));
    }

    private async Task StoreAsync(JsonObject result)
    {
        var sizes = quick ? new[] { 100, 2_000 } : new[] { 100, 2_000, 10_000 };
        var runs = quick ? 7 : 11;
        var names = new StorageNames("bst" + Guid.NewGuid().ToString("N")[..8]);
        await StorageBootstrap.EnsureAsync(_blobs, _tables, names);
        var rawTable = "bsraw" + Guid.NewGuid().ToString("N")[..8];
        await _tables.CreateTableIfNotExistsAsync(rawTable);
        var store = new Stores(_tables, names).Reports;
        var bySize = new JsonArray();
        var ratios = new List<double>();
        var kampung = 0;
        foreach (var size in sizes)
        {
            var activities = Enumerable.Range(0, size).Select(Make).ToArray();
            var report = new IngestionReport("bench.xlsx", ReportStatus.Accepted, October, null, activities, new Dictionary<string, decimal>(), [], "xlsx");
            var partition = StorageNames.RegencyPeriodKey(Regency, October);
            var (raw, stored, ratio) = await Stats.PairAsync(runs,
                async i =>
                {
                    var k = Kampung(++kampung);
                    await BatchesAsync(rawTable, activities.Select((a, j) => Row(partition, k.AreaCode, "v1", j + 1, a)));
                },
                async i =>
                {
                    var k = Kampung(++kampung);
                    var outcome = await store.WriteVersionAsync(k, October, $"20251103T020000-{kampung:D12}", $"hash{kampung}", DateTimeOffset.UtcNow, report);
                    if (outcome != VersionWrite.Switched) throw new InvalidOperationException("bench store: " + outcome);
                });
            log.WriteLine($"store {size,6} activities: raw batches {raw,8:0.0} ms, WriteVersionAsync {stored,8:0.0} ms, ratio {ratio:0.00} ({runs} runs)");
            bySize.Add(new JsonObject { ["activities"] = size, ["runs"] = runs, ["raw_batches_ms"] = Stats.R(raw, 1), ["write_version_ms"] = Stats.R(stored, 1), ["ratio"] = Stats.R(ratio), ["entities_per_s"] = Math.Round(size / stored * 1000) });
            ratios.Add(ratio);
        }
        result["store_vs_raw_writes"] = Stats.R(ratios[^1]);
        result["store_vs_raw_writes_note"] = $"ratio at the largest report ({sizes[^1]:N0} activities); per size in 'stores'";
        result["stores"] = bySize;
    }

    private async Task RecapAsync(JsonObject result)
    {
        const int kampungCount = 300;
        var perReport = quick ? 3 : 10;
        var runs = quick ? 5 : 7;
        var names = new StorageNames("brc" + Guid.NewGuid().ToString("N")[..8]);
        await StorageBootstrap.EnsureAsync(_blobs, _tables, names);
        var months = Enumerable.Range(0, 12).Select(m => new ReportingPeriod(2024, 11).FirstDay.AddMonths(m)).Select(ReportingPeriod.Of).ToArray();
        var seed = System.Diagnostics.Stopwatch.StartNew();
        var stores = new Stores(_tables, names);
        await stores.Registry.SaveAsync(Enumerable.Range(1, kampungCount).Select(Kampung), DateTimeOffset.UtcNow);
        foreach (var period in months)
        {
            var partition = StorageNames.RegencyPeriodKey(Regency, period);
            var pointers = new List<TableEntity>();
            var rows = new List<TableEntity>();
            for (var n = 1; n <= kampungCount; n++)
            {
                var k = Kampung(n);
                var version = $"v{period}";
                var acts = Enumerable.Range(0, perReport).Select(i => Make(n * 31 + i) with { Date = period.FirstDay.AddDays(i % 28) }).ToArray();
                // A superseded version's rows are left in place for a third of the kampung: the reader must skip them.
                if (n % 3 == 0) rows.AddRange(acts.Select((a, j) => Row(partition, k.AreaCode, "v0old", j + 1, a)));
                rows.AddRange(acts.Select((a, j) => Row(partition, k.AreaCode, version, j + 1, a)));
                pointers.Add(new TableEntity(partition, k.AreaCode)
                {
                    ["Period"] = period.ToString(), ["DistrictCode"] = k.DistrictCode, ["ReceivedAt"] = DateTimeOffset.UtcNow,
                    ["ActivitiesVersion"] = version, ["ActivitiesHash"] = "h", ["ActivitiesReceivedAt"] = DateTimeOffset.UtcNow,
                    ["ActivityCount"] = perReport, ["Participants"] = acts.Sum(a => a.Participants ?? 0), ["Male"] = acts.Sum(a => a.Male ?? 0),
                    ["Female"] = acts.Sum(a => a.Female ?? 0), ["WarningCount"] = 0,
                    ["IndicatorsVersion"] = version, ["I_pus"] = 120.0 + n, ["I_kb_aktif"] = 80.0 + n % 30,
                });
            }
            await BatchesAsync(names.ReportsTable, pointers);
            await BatchesAsync(names.ActivitiesTable, rows);
        }
        var seeded = seed.Elapsed.TotalSeconds;
        var store = stores.Reports;
        var templates = Path.Combine(root, "templates");
        var compiler = new RecapCompiler(stores.Registry, stores.Reports, stores.Uploads, new KampungKB.Core.Outbox.Notifications.NotificationLog(_tables, names), EmailTemplates.Load(Path.Combine(templates, "email")), RecapCatalogue.Load(templates), TimeProvider.System);
        var regency = RegencySettings.Default(Regency);
        var last = months[^1];
        var counted = 0L;
        // The recap of the last month reads the registry, 12 months of reports (history), the month's
        // activities, the upload and notification logs; the bare side scans the same report partitions.
        async Task ScanAsync()
        {
            long n = 0;
            await foreach (var e in _tables.GetTableClient(names.RegistryTable).QueryAsync<TableEntity>()) n++;
            foreach (var period in months)
                await foreach (var e in _tables.GetTableClient(names.ReportsTable).QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {StorageNames.RegencyPeriodKey(Regency, period)}"))) n++;
            await foreach (var e in _tables.GetTableClient(names.ActivitiesTable).QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {StorageNames.RegencyPeriodKey(Regency, last)}"))) n++;
            if (n == 0) throw new InvalidOperationException("bench recap: nothing scanned");
        }
        var (scan, read, ratio) = await Stats.PairAsync(runs, _ => ScanAsync(), async _ =>
        {
            var recap = await compiler.CompileAsync(regency, last);
            GC.KeepAlive(recap);
        }, warmUp: true);
        var (_, readPath, readRatio) = await Stats.PairAsync(runs, _ => ScanAsync(), async _ =>
        {
            foreach (var period in months) await store.ListAsync(Regency, period);
            await store.ListActivitiesAsync(Regency, last);
        });
        foreach (var period in months) counted += (await store.ListActivitiesAsync(Regency, period)).Count;
        var expected = 12L * kampungCount * perReport;
        if (counted != expected) throw new InvalidOperationException($"bench recap: read {counted} current activities, expected {expected}");
        log.WriteLine($"recap, {kampungCount} kampung × 12 months × {perReport} activities (+⅓ superseded rows): bare scan {scan:0} ms, RecapCompiler {read:0} ms, ratio {ratio:0.00}; read path alone {readPath:0} ms, ratio {readRatio:0.00} ({runs} runs; seeded in {seeded:0.0} s)");
        result["recap_vs_scan"] = Stats.R(ratio);
        result["recap"] = new JsonObject
        {
            ["kampung"] = kampungCount, ["months"] = 12, ["activities_per_report"] = perReport, ["runs"] = runs,
            ["scan_ms"] = Stats.R(scan, 1), ["compile_ms"] = Stats.R(read, 1), ["read_path_ms"] = Stats.R(readPath, 1), ["read_path_ratio"] = Stats.R(readRatio),
            ["measured"] = "RecapCompiler.CompileAsync for the last month (registry, 12 months of pointers, the month's activities, logs, xlsx and mail) vs a bare scan of the registry, the 12 pointer partitions and the month's activity partition",
        };
    }
}
