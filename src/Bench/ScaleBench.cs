using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using KampungKB.Core.Model;
using KampungKB.Core.Jobs.Recaps;
using KampungKB.Core.Registry;
using KampungKB.Core.Store;
using KampungKB.Core.Rendering.Templating;
using KampungKB.Core.Uploads;

namespace KampungKB.Bench;

/// <summary>
/// <c>./kkb bench --scale</c> ("National scale", docs/performance.md): a generated history of three
/// years in Azurite — a kabupaten of 150 kampung, and a province of 2,000 kampung in 13 kabupaten — with two
/// uploads per kampung and month (one rejected with 7 errors, one accepted). Measures the upload page's reads
/// (the result page's lookup, refreshed every 3 s, and the home page's recent uploads) and the whole recap,
/// before (the log scanned per kabupaten, as before the upload index: the index marker absent, so
/// <see cref="UploadLog"/> takes its legacy path) and after (the month and kampung index), in time and in
/// entities returned by the table service.
/// </summary>
internal sealed class ScaleBench(string connectionString, string root, bool quick, TextWriter log)
{
    private const int Months = 36;
    private static readonly ReportingPeriod Last = new(2025, 10);
    private readonly TableEntityCounter _counter = new();
    private readonly StorageClients _clients = StorageServiceCollectionExtensions.CreateClients(StorageConnection.Parse(connectionString), r =>
    {
        // Seeding ≈ 580,000 entities can make a loaded Azurite drop connections: retry rather than lose the run.
        r.MaxRetries = 6;
        r.Delay = TimeSpan.FromSeconds(1);
        r.NetworkTimeout = TimeSpan.FromMinutes(2);
    });

    public async Task RunAsync(JsonObject result)
    {
        var cases = new JsonArray { await CaseAsync("kabupaten", ["63.71"], 150) };
        // The province seeds ≈ 580,000 entities (≈ 20 min on a loaded 2-core machine): not in --quick.
        if (!quick) cases.Add(await CaseAsync("province", Enumerable.Range(1, 13).Select(r => $"63.{r:D2}").ToArray(), 2_000));
        result["scale"] = cases;
    }

    private static RegistryEntry Kampung(string regency, int n) => new($"{regency}.{1 + n / 400:D2}.{1000 + n % 400:D4}", $"Kampung KB {regency} {n}", $"Desa {n}",
        $"Kecamatan {1 + n / 400}", $"Kabupaten {regency}", "Berkembang", KampungClass.Berkembang, 2019, $"pokja{n}@example.org", null, null, null);

    private async Task<JsonObject> CaseAsync(string label, string[] regencies, int kampungTotal)
    {
        var names = new StorageNames("bsc" + Guid.NewGuid().ToString("N")[..8]);
        var tables = _clients.Tables;
        await StorageBootstrap.EnsureAsync(_clients.Blobs, tables, names);
        var perRegency = kampungTotal / regencies.Length;
        var kampung = regencies.SelectMany((r, i) => Enumerable.Range(1, perRegency + (i < kampungTotal % regencies.Length ? 1 : 0)).Select(n => Kampung(r, n))).ToList();

        var seed = Stopwatch.StartNew();
        await new Stores(tables, names).Registry.SaveAsync(kampung, DateTimeOffset.UtcNow);
        var logRows = new List<TableEntity>();
        var indexRows = new List<TableEntity>();
        var pointers = new List<TableEntity>();
        var activities = new List<TableEntity>();
        var period = Last;
        var pageLookups = new List<(string Regency, string Area, string Stamp, string Hash)>();
        for (var m = 0; m < Months; m++, period = period.Previous)
            foreach (var k in kampung)
            {
                for (var n = 0; n < 2; n++)
                {
                    var record = Upload(names, k, period, n);
                    logRows.Add(LogRow(record));
                    indexRows.AddRange(UploadLog.IndexRows(record, names));
                    if (m == 0 && n == 1 && pageLookups.Count < 20) pageLookups.Add((k.RegencyCode, k.AreaCode, record.Path.Split('/')[^1][..14], record.ContentHash[..16]));
                }
                if (m <= RecapCompiler.HistoryMonths) pointers.Add(Pointer(k, period));
                if (m == 0) activities.AddRange(Enumerable.Range(1, 5).Select(i => Activity(k, period, i)));
            }
        await BatchesAsync(tables.GetTableClient(names.UploadsTable), logRows);
        await BatchesAsync(tables.GetTableClient(names.UploadIndexTable), indexRows);
        await BatchesAsync(tables.GetTableClient(names.ReportsTable), pointers);
        await BatchesAsync(tables.GetTableClient(names.ActivitiesTable), activities);
        var seeded = seed.Elapsed.TotalSeconds;
        log.WriteLine($"scale {label}: {kampung.Count:N0} kampung, {regencies.Length} kabupaten, {Months} months: {logRows.Count:N0} log lines, {indexRows.Count:N0} index rows seeded in {seeded:0.0} s");

        var options = new TableClientOptions();
        options.AddPolicy(_counter, HttpPipelinePosition.PerCall);
        var counted = new TableServiceClient(connectionString, options);
        var stores = new Stores(counted, names);
        var uploads = stores.Uploads;
        var templates = Path.Combine(root, "templates");
        var compiler = new RecapCompiler(stores.Registry, stores.Reports, stores.Uploads, new KampungKB.Core.Outbox.Notifications.NotificationLog(counted, names), EmailTemplates.Load(Path.Combine(templates, "email")), RecapCatalogue.Load(templates), TimeProvider.System);
        var runs = quick ? 3 : 5;
        var one = pageLookups[0];
        var regency = RegencySettings.Default(regencies[0]);

        async Task<JsonObject> MeasureAsync()
        {
            var page = await TimeAsync(runs, async i =>
            {
                var (r, a, s, h) = pageLookups[i % pageLookups.Count];
                if (await uploads.FindByPageReferenceAsync(r, a, s, h) is null) throw new InvalidOperationException("bench scale: page lookup found nothing");
            });
            var home = await TimeAsync(runs, async _ =>
            {
                if ((await uploads.RecentAsync(one.Regency, one.Area, 5)).Count != 5) throw new InvalidOperationException("bench scale: recent uploads");
            });
            var recap = await TimeAsync(runs, async _ =>
            {
                var compiled = await compiler.CompileAsync(regency, Last);
                if (compiled.View.RejectedUploads.Count != compiled.Kampung.Count) throw new InvalidOperationException($"bench scale: recap listed {compiled.View.RejectedUploads.Count} rejected uploads");
            });
            var all = await TimeAsync(1, async _ =>
            {
                foreach (var code in regencies) GC.KeepAlive(await compiler.CompileAsync(RegencySettings.Default(code), Last));
            });
            return new JsonObject
            {
                ["result_page_ms"] = Stats.R(page.Ms, 1), ["result_page_entities"] = page.Entities,
                ["home_page_ms"] = Stats.R(home.Ms, 1), ["home_page_entities"] = home.Entities,
                ["recap_ms"] = Stats.R(recap.Ms, 0), ["recap_entities"] = recap.Entities,
                ["all_recaps_ms"] = Stats.R(all.Ms, 0), ["all_recaps_entities"] = all.Entities,
            };
        }

        var before = await MeasureAsync(); // no index marker: the legacy scans of the Uploads partition
        await tables.GetTableClient(names.UploadIndexTable).UpsertEntityAsync(new TableEntity("_state", "index") { ["Complete"] = true });
        var after = await MeasureAsync();
        if (regencies.Length == 1) after["dashboard"] = await DashboardAsync(counted, names, templates, regency.WithRegistry(kampung), kampung[0], runs, (double)after["result_page_ms"]!);
        log.WriteLine($"scale {label}: result page {before["result_page_ms"]} → {after["result_page_ms"]} ms ({before["result_page_entities"]} → {after["result_page_entities"]} entities), "
            + $"home {before["home_page_ms"]} → {after["home_page_ms"]} ms ({before["home_page_entities"]} → {after["home_page_entities"]}), "
            + $"recap {before["recap_ms"]} → {after["recap_ms"]} ms ({before["recap_entities"]} → {after["recap_entities"]}), "
            + $"all {regencies.Length} recaps {before["all_recaps_ms"]} → {after["all_recaps_ms"]} ms ({before["all_recaps_entities"]} → {after["all_recaps_entities"]})");
        return new JsonObject
        {
            ["case"] = label, ["kampung"] = kampung.Count, ["kabupaten"] = regencies.Length, ["months"] = Months,
            ["log_lines"] = logRows.Count, ["index_rows"] = indexRows.Count, ["seeded_s"] = Stats.R(seeded, 1), ["runs"] = runs,
            ["before"] = before, ["after"] = after,
            ["measured"] = "medians; result page = UploadLog.FindByPageReferenceAsync, home = RecentAsync(5), recap = RecapCompiler.CompileAsync of the first kabupaten for the last month (xlsx and mail included), all_recaps = every kabupaten once; entities = rows returned by the table service",
        };
    }

    /// <summary>
    /// The dashboard's kampung page and trends page (docs/dashboard.md) on the indexed history: read, planned and rendered to
    /// HTML, as the function answers; p50 against the upload page's result page (the cheapest page the app serves).
    /// </summary>
    private async Task<JsonObject> DashboardAsync(TableServiceClient counted, StorageNames names, string templates, RegencySettings regency, RegistryEntry one,
        int runs, double resultPageMs)
    {
        var catalogue = RecapCatalogue.Load(templates);
        var pages = KampungKB.Core.Dashboard.DashboardTemplates.Load(Path.Combine(templates, "dashboard"));
        var reports = new ReportStore(counted, names);
        var registry = new RegistryStore(counted, names);
        var reader = new KampungKB.Core.Dashboard.KampungPageReader(_clients.Blobs, names, registry, reports, new UploadLog(counted, names),
            new KampungKB.Core.Outbox.Notifications.NotificationLog(counted, names), catalogue.Classifier);
        var frame = new KampungKB.Core.Dashboard.DashboardFrame("Kampung", null, null, null, true, "csrf");
        var kampungBytes = 0;
        var kampungPage = await TimeAsync(runs, async _ =>
        {
            var input = await reader.ReadAsync(regency, one, Last, Last, KampungKB.Core.Dashboard.KampungActions.NewActionSeed());
            var view = KampungKB.Core.Dashboard.KampungPagePlanner.Plan(input, pages.Text, catalogue.LabelOf, catalogue.Classifier);
            if (view.Uploads.Count != 2 || view.Activities.Count != 5) throw new InvalidOperationException($"bench scale: kampung page showed {view.Uploads.Count} uploads, {view.Activities.Count} activities");
            kampungBytes = Encoding.UTF8.GetByteCount(pages.Render("kampung", frame, view));
        });
        var trendsBytes = 0;
        var trends = await TimeAsync(runs, async _ =>
        {
            var kampung = await registry.ListAsync(regency.Code);
            var months = await Task.WhenAll(KampungKB.Core.Dashboard.KampungPagePlanner.Strip(Last).Select(p => reports.ListMonthAsync(regency.Code, p)));
            var view = KampungKB.Core.Dashboard.TrendPlanner.Plan(regency.Code, regency.Name, KampungKB.Core.Dashboard.TrendIndicators.Cpr, kampung, months, pages.Text);
            trendsBytes = Encoding.UTF8.GetByteCount(pages.Render("trends", frame, view));
        });
        log.WriteLine($"scale dashboard: kampung page {kampungPage.Ms:0.0} ms ({kampungPage.Entities} entities, {kampungBytes / 1024.0:0.0} KB), trends {trends.Ms:0.0} ms ({trends.Entities} entities, {trendsBytes / 1024.0:0.0} KB); result page {resultPageMs:0.0} ms");
        return new JsonObject
        {
            ["kampung_page_ms"] = Stats.R(kampungPage.Ms, 1), ["kampung_page_entities"] = kampungPage.Entities, ["kampung_page_bytes"] = kampungBytes,
            ["kampung_page_vs_result_page"] = Stats.R(kampungPage.Ms / resultPageMs, 1),
            ["trends_ms"] = Stats.R(trends.Ms, 1), ["trends_entities"] = trends.Entities, ["trends_bytes"] = trendsBytes,
            ["trends_vs_result_page"] = Stats.R(trends.Ms / resultPageMs, 1),
            ["measured"] = "medians; kampung page = KampungPageReader.ReadAsync + KampungPagePlanner.Plan + render (12 months, 2 uploads with problems, 5 activities, the class from its own months); trends = registry + 12 month partitions + TrendPlanner.Plan (CPR) + render",
        };
    }

    private async Task<(double Ms, long Entities)> TimeAsync(int runs, Func<int, Task> work)
    {
        await work(-1 + runs); // warm-up
        var times = new List<double>();
        long entities = 0;
        for (var i = 0; i < runs; i++)
        {
            _counter.Reset();
            var sw = Stopwatch.StartNew();
            await work(i);
            times.Add(sw.Elapsed.TotalMilliseconds);
            entities = _counter.Entities;
        }
        return (Stats.Median(times), entities);
    }

    private static UploadRecord Upload(StorageNames names, RegistryEntry k, ReportingPeriod period, int n)
    {
        var at = new DateTimeOffset(period.Next.FirstDay.ToDateTime(new TimeOnly(1, 0)), TimeSpan.Zero)
            .AddDays(Math.Abs(k.AreaCode.GetHashCode(StringComparison.Ordinal)) % 6 + n).AddSeconds(n * 60 + k.AreaCode.Length);
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{k.AreaCode}/{period}/{n}")));
        var rejected = n == 0;
        IReadOnlyList<Problem> problems = rejected
            ? Enumerable.Range(9, 7).Select(r => new Problem(Severity.Error, "invalid-date", "Kegiatan", r, "B", "31/09/2025",
                $"Baris {r}, kolom B: \"31/09/2025\" bukan tanggal yang ada. Tulis tanggal seperti 12/10/2025.")).ToList()
            : [];
        return new UploadRecord($"{at:yyyyMMdd'T'HHmmss}-{hash[..12]}", k.RegencyCode, $"{names.Uploads}/{k.AreaCode}/{at:yyyyMMddHHmmss}-laporan {period}.xlsx",
            $"laporan {period}.xlsx", k.AreaCode, period, rejected ? UploadStatus.Rejected : UploadStatus.Accepted, hash, 41_000, at, at.AddSeconds(2),
            rejected ? 0 : 5, problems.Count, 0, problems);
    }

    /// <summary>The log line as <see cref="UploadLog.RecordAsync"/> writes it.</summary>
    private static TableEntity LogRow(UploadRecord r) => new(r.RegencyCode, r.UploadId)
    {
        ["Path"] = r.Path, ["FileName"] = r.FileName, ["Status"] = r.Status, ["ContentHash"] = r.ContentHash, ["Size"] = r.Size,
        ["ReceivedAt"] = r.ReceivedAt, ["ProcessedAt"] = r.ProcessedAt, ["ActivityCount"] = r.ActivityCount, ["ErrorCount"] = r.ErrorCount,
        ["WarningCount"] = r.WarningCount, ["ProblemCount"] = r.Problems.Count, ["Problems"] = UploadLog.KeptProblems(r.Problems),
        ["AreaCode"] = r.AreaCode, ["Period"] = r.Period.ToString(),
    };

    private static TableEntity Pointer(RegistryEntry k, ReportingPeriod period)
    {
        var version = $"v{period}";
        return new TableEntity(StorageNames.RegencyPeriodKey(k.RegencyCode, period), k.AreaCode)
        {
            ["Period"] = period.ToString(), ["DistrictCode"] = k.DistrictCode, ["ReceivedAt"] = DateTimeOffset.UtcNow,
            ["ActivitiesVersion"] = version, ["ActivitiesHash"] = "h", ["ActivitiesReceivedAt"] = DateTimeOffset.UtcNow,
            ["ActivityCount"] = 5, ["Participants"] = 60, ["Male"] = 25, ["Female"] = 35, ["WarningCount"] = 0,
            ["IndicatorsVersion"] = version, ["I_pus"] = 120.0, ["I_kb_aktif"] = 80.0,
        };
    }

    private static TableEntity Activity(RegistryEntry k, ReportingPeriod period, int i) =>
        new(StorageNames.RegencyPeriodKey(k.RegencyCode, period), $"{k.AreaCode}_v{period}_{i:D5}")
        {
            ["AreaCode"] = k.AreaCode, ["Version"] = $"v{period}", ["Date"] = period.FirstDay.AddDays(i).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["Title"] = "Penyuluhan KB", ["Category"] = "Reproduksi", ["Participants"] = 12, ["Male"] = 5, ["Female"] = 7,
            ["Partners"] = "Puskesmas\nPKK", ["Sheet"] = "Kegiatan", ["Row"] = 8 + i,
        };

    /// <summary>Upsert batches of 100 per partition, four at a time (idempotent, so a retried batch is harmless).</summary>
    private static async Task BatchesAsync(TableClient table, IEnumerable<TableEntity> rows)
    {
        var batches = rows.GroupBy(r => r.PartitionKey, StringComparer.Ordinal).SelectMany(g => g.Chunk(100)).ToList();
        await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (chunk, ct) =>
            await table.SubmitTransactionAsync(chunk.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, e)), ct));
    }

    /// <summary>Counts the entities the table service returns (query pages and point reads).</summary>

}
