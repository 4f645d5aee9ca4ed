using Azure.Data.Tables;
using System.Globalization;
using System.Text.Json;
using KampungKB.Cli.Dev;
using KampungKB.Core.Ingestion.Intake;
using KampungKB.Core.Model;
using KampungKB.Core.Store;
using KampungKB.Core.Rendering.Templating;
using Microsoft.Extensions.Logging.Abstractions;
using KampungKB.Core.Uploads;
using KampungKB.Core.Registry;

namespace KampungKB.Cli.Commands;

/// <summary>Operator commands that touch storage: <c>registry import</c>, <c>reports</c>, <c>dev</c>.</summary>
internal static class StorageCommands
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary><c>kkb registry import FILE</c>: validates and stores the dinas' registry workbook.</summary>
    public static async Task<int> RegistryImportAsync(string[] args)
    {
        var t = CliTexts.Default;
        var options = CommandOptions.Parse("registry", args, new HashSet<string>(), new HashSet<string> { "--json" }, Console.Error);
        if (options is null) return CommandLine.Usage;
        if (options.Positional.Count != 1) return CommandLine.UsageError("registry", t.T("error.file_count", ("command", "registry import")));
        var file = options.Positional[0];
        if (!File.Exists(file)) return CommandLine.UsageError("registry", t.T("error.file_missing", ("command", "registry import"), ("file", file)));

        await using var env = await LocalEnvironment.OpenAsync();
        await StorageBootstrap.EnsureAsync(env.Blobs, env.Tables, StorageNames.Default);
        var engine = IngestionEngine.Load(LocalEnvironment.TemplatesDirectory);
        var importer = new RegistryImporter(engine, env.Stores.Registry, env.Stores.Drive, TimeProvider.System, NullLogger<RegistryImporter>.Instance);
        var outcome = await importer.ImportAsync(Path.GetFileName(file), await File.ReadAllBytesAsync(file));
        if (options.Has("--json"))
        {
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                file,
                status = outcome.Accepted ? "accepted" : "rejected",
                kampung = outcome.Kampung,
                retired = outcome.Retired,
                reactivated = outcome.Reactivated,
                problems = outcome.Problems.Select(ProblemJson.From),
            }, Json));
        }
        else
        {
            Console.WriteLine(outcome.Accepted
                ? t.T("registry.import.accepted", ("count", outcome.Kampung), ("source", env.Source))
                : t.T("registry.import.rejected"));
            if (outcome.Accepted) Console.WriteLine(t.T("registry.import.retired", ("retired", outcome.Retired), ("reactivated", outcome.Reactivated)));
            if (!outcome.Accepted && RegistryCommand.IsNotARegistry(outcome.Problems)) RegistryCommand.WriteExpectedColumns(Console.Out);
            foreach (var p in outcome.Problems) Console.WriteLine(Describe(p));
        }
        return outcome.Accepted ? CommandLine.Ok : CommandLine.Rejected;
    }

    /// <summary><c>kkb reports --period YYYY-MM [--regency CODE] [--json]</c>: what is stored for a period, per kampung.</summary>
    public static async Task<int> ReportsAsync(string[] args)
    {
        var options = CommandOptions.Parse("reports", args, new HashSet<string> { "--period", "--regency" }, new HashSet<string> { "--json" }, Console.Error);
        if (options is null || !options.TryPeriod(Console.Error, true, out var period) || !options.TryRegency(Console.Error, false, out var regency))
            return CommandLine.Usage;
        await using var env = await LocalEnvironment.OpenAsync();
        await StorageBootstrap.EnsureAsync(env.Blobs, env.Tables, StorageNames.Default);
        return await ReportsAsync(env.Tables, StorageNames.Default, period!.Value, regency, options.Has("--json"), env.Source, Console.Out, Console.Error);
    }

    /// <summary>The reports of one period, per registered kampung (of one kabupaten/kota when <paramref name="regencyFilter"/> is given).</summary>
    internal static async Task<int> ReportsAsync(TableServiceClient tables, StorageNames names, ReportingPeriod period, string? regencyFilter, bool json,
        string source, TextWriter output, TextWriter error)
    {
        var t = CliTexts.Default;
        if (!await RegistryHasEntriesAsync(tables, names, error)) return CommandLine.Rejected;
        var stores = new Stores(tables, names);
        var all = await stores.Registry.ListAsync();
        if (regencyFilter is not null && all.All(e => e.RegencyCode != regencyFilter))
        {
            error.WriteLine(t.T("registry.empty_regency", ("regency", regencyFilter), ("known", Known(all.Select(e => e.RegencyCode)))));
            return CommandLine.Rejected;
        }
        var registry = all.Where(e => regencyFilter is null || e.RegencyCode == regencyFilter).ToList();
        var store = stores.Reports;
        var rows = new List<(RegistryEntry Kampung, StoredReport? Report)>();
        foreach (var regency in registry.Select(e => e.RegencyCode).Distinct().Order(StringComparer.Ordinal))
        {
            var reports = (await store.ListAsync(regency, period)).ToDictionary(r => r.AreaCode);
            foreach (var kampung in registry.Where(e => e.RegencyCode == regency).OrderBy(e => e.AreaCode, StringComparer.Ordinal))
                rows.Add((kampung, reports.GetValueOrDefault(kampung.AreaCode)));
        }

        if (json)
        {
            output.WriteLine(JsonSerializer.Serialize(rows.Select(r => new
            {
                areaCode = r.Kampung.AreaCode,
                kampung = r.Kampung.Name,
                district = r.Kampung.District,
                status = r.Report is null ? "missing" : "received",
                activitiesVersion = r.Report?.ActivitiesVersion,
                indicatorsVersion = r.Report?.IndicatorsVersion,
                activities = r.Report?.ActivityCount,
                participants = r.Report?.Participants,
                indicators = r.Report?.Indicators.Count,
                receivedAt = r.Report?.ReceivedAt,
            }), Json));
            return CommandLine.Ok;
        }
        output.WriteLine(t.T("reports.title", ("month", IndonesianFormat.Month(period)),
            ("scope", regencyFilter is null ? "" : t.T("reports.scope", ("regency", regencyFilter))), ("source", source)));
        output.WriteLine(t.T("reports.header"));
        foreach (var (kampung, report) in rows)
        {
            var name = kampung.Name.Length > 34 ? kampung.Name[..33] + "…" : kampung.Name;
            if (report is null)
            {
                output.WriteLine($"{kampung.AreaCode,-14} {name,-34} {t.T("reports.missing"),-9}");
                continue;
            }
            var zone = LocalTime.ForProvince(kampung.AreaCode);
            var local = zone.ToLocal(report.ReceivedAt);
            output.WriteLine($"{kampung.AreaCode,-14} {name,-34} {t.T("reports.received"),-9} {IndonesianFormat.Number(report.ActivityCount, 0),5} {IndonesianFormat.Number(report.Participants, 0),8} {IndonesianFormat.Number(report.Indicators.Count, 0),9}  {local:dd/MM/yyyy HH.mm} {zone.Label}");
        }
        output.WriteLine(t.T("reports.total", ("received", rows.Count(r => r.Report is not null)), ("total", rows.Count)));
        return CommandLine.Ok;
    }

    /// <summary>False, after telling the operator how to import one, when the registry holds no kampung.</summary>
    internal static async Task<bool> RegistryHasEntriesAsync(TableServiceClient tables, StorageNames names, TextWriter error)
    {
        await foreach (var _ in tables.GetTableClient(names.RegistryTable).QueryAsync<TableEntity>(select: ["PartitionKey"], maxPerPage: 1).ConfigureAwait(false)) return true;
        error.WriteLine(CliTexts.Default.T("registry.empty"));
        return false;
    }

    /// <summary>An unknown kabupaten/kota: says which are known; exit code 1.</summary>
    internal static int UnknownRegency(string command, string code, IEnumerable<Core.Model.RegencySettings> known, TextWriter error)
    {
        error.WriteLine(CliTexts.Default.T("error.regency_unknown", ("command", command), ("value", code),
            ("known", Known(known.Select(r => r.Name == r.Code ? r.Code : $"{r.Code} ({r.Name})")))));
        return CommandLine.Rejected;
    }

    private static string Known(IEnumerable<string> codes)
    {
        var list = codes.Distinct().Order(StringComparer.Ordinal).ToList();
        return list.Count == 0 ? "-" : string.Join(", ", list);
    }

    /// <summary><c>kkb dev</c>: Azurite + the Functions app under the local runner (blob, timer and HTTP triggers), until Ctrl+C or SIGTERM.</summary>
    public static async Task<int> DevAsync(string[] args)
    {
        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
        using var term = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
        // --host real: the same loop on the real Functions host (../shared/functions-host), Event Grid events posted for new blobs.
        var options = CommandOptions.Parse("dev", args, new HashSet<string> { "--host", "--port", "--package" }, new HashSet<string>(), Console.Error);
        if (options is null) return CommandLine.Usage;
        var real = options.Value("--host") == "real";
        foreach (var only in new[] { "--port", "--package" })
            if (!real && options.Value(only) is not null)
            {
                CommandLine.UsageError("dev", CliTexts.Default.T("dev.real_only", ("option", only)), Console.Error);
                return CommandLine.Usage;
            }
        var port = LocalFunctionHost.DevPort;
        if (options.Value("--port") is { } portText && !(int.TryParse(portText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out port) && port is > 0 and < 65536))
        {
            CommandLine.UsageError("dev", CliTexts.Default.T("dev.port_invalid", ("value", portText)), Console.Error);
            return CommandLine.Usage;
        }
        switch (options.Value("--host"))
        {
            case null or "local": break;
            case "real": return await RealHostDev.RunAsync(port, options.Value("--package"), stop.Token);
            case var other:
                CommandLine.UsageError("dev", CliTexts.Default.T("dev.host_unknown", ("value", other)), Console.Error);
                return CommandLine.Usage;
        }
        await using var env = await LocalEnvironment.OpenAsync();
        var functions = await env.StartFunctionsAsync(port: LocalFunctionHost.DevPort);
        var runner = env.Runner(functions);
        var t = CliTexts.Default;
        Console.WriteLine(t.T("dev.running", ("source", env.Source), ("functions", string.Join(", ", functions.Functions.Select(f => f.Name)))));
        Console.WriteLine(t.T("dev.page", ("url", $"{functions.Address}{functions.Host.RoutePrefix}/kampung/…")));
        Console.WriteLine(t.T("dev.drop"));
        var timers = TimerSchedule.RunAsync(functions, d => Console.WriteLine(d), stop.Token);
        await runner.WatchAsync(d => Console.WriteLine(DescribeDispatch(d)), TimeSpan.FromSeconds(1), stop.Token);
        await timers;
        Console.WriteLine(CliTexts.Default.T("dev.stopped"));
        return 0;
    }

    /// <summary>One Indonesian line per trigger run, from its return value (never the handler's English log).</summary>
    internal static string DescribeDispatch(Dispatch d)
    {
        var t = CliTexts.Default;
        if (!d.Succeeded)
            return t.T("dispatch.failed", ("function", d.Function), ("blob", d.BlobName), ("attempts", d.Attempts), ("reason", d.Error ?? "-"));
        return d.ReturnValue switch
        {
            UploadOutcome o => t.T("dispatch.upload", ("function", d.Function), ("blob", d.BlobName), ("status", t.Label("upload", o.Status)),
                ("area", o.AreaCode ?? "-"), ("period", o.Period is { } p ? IndonesianFormat.Month(p) : "-"),
                ("activities", o.ActivityCount), ("errors", o.ErrorCount)),
            RegistryImportOutcome r => t.T("dispatch.registry", ("function", d.Function), ("blob", d.BlobName),
                ("status", t.Label("upload", r.Accepted ? "accepted" : "rejected")), ("count", r.Kampung), ("problems", r.Problems.Count)),
            _ => t.T("dispatch.other", ("function", d.Function), ("blob", d.BlobName)),
        };
    }

    /// <summary>One problem, its place said once: the message already names it when it quotes the row.</summary>
    internal static string Describe(Problem p)
    {
        var t = CliTexts.Default;
        var kind = t.T(p.Severity == Severity.Error ? "problem.error" : "problem.warning");
        var placed = p.Row is { } row && p.Message.Contains("baris " + row.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        var where = placed ? "" : string.Join(", ", new[]
        {
            p.Sheet is null ? null : t.T("problem.sheet", ("sheet", p.Sheet)),
            p.Row is null ? null : t.T("problem.row", ("row", p.Row.Value.ToString(CultureInfo.InvariantCulture))),
            p.Column is null ? null : t.T("problem.column", ("column", p.Column)),
        }.Where(x => x is not null));
        return where.Length > 0 ? t.T("problem.line_at", ("kind", kind), ("where", where), ("message", p.Message)) : t.T("problem.line", ("kind", kind), ("message", p.Message));
    }

    internal static string IndonesianMonth(ReportingPeriod period) => IndonesianFormat.Month(period);

}
