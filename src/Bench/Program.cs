using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using KampungKB.Bench;

// kkb-bench: started by `./kkb bench` (src/Cli/Commands/BenchCommand.cs), which builds it, publishes the
// handler and the empty API, starts an in-memory Azurite and passes everything in the environment.
//   kkb-bench [--quick] [--json]                    the whole run
//   kkb-bench --scale [--quick] [--json]            only the national-scale reads (ScaleBench)
//   kkb-bench --child ingest|raw FILE               one measured read in a fresh process (peak memory)
//   kkb-bench --write ROWS SHEETS FILE              writes one benchmark workbook (to profile by hand)
//   kkb-bench --pair FILE RUNS                      warm alternating raw/ingest runs of one file: wall and CPU time
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
var root = Environment.GetEnvironmentVariable("KKB_ROOT") ?? Directory.GetCurrentDirectory();
if (args.Length == 4 && args[0] == "--write")
{
    Workbooks.Write(args[3], int.Parse(args[1], CultureInfo.InvariantCulture), int.Parse(args[2], CultureInfo.InvariantCulture));
    return 0;
}
if (args.Length >= 3 && args[0] == "--pair")
    return Reads.Pair(args[1], int.Parse(args[2], CultureInfo.InvariantCulture), Path.Combine(root, "templates"));
if (args.Length >= 3 && args[0] == "--child")
    return Reads.Child(args[1], args[2], Path.Combine(root, "templates"));

var quick = args.Contains("--quick");
// --scale: only the national-scale reads (docs/performance.md) (ScaleBench: three years of uploads, a kabupaten and a province).
if (args.Contains("--scale"))
{
    var scaleStorage = Environment.GetEnvironmentVariable("KKB_BENCH_STORAGE") ?? throw new InvalidOperationException("KKB_BENCH_STORAGE not set (run through ./kkb bench --scale)");
    var scale = new JsonObject { ["command"] = "./kkb bench --scale" + (quick ? " --quick" : ""), ["started"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm'Z'", CultureInfo.InvariantCulture) };
    await new ScaleBench(scaleStorage, root, quick, args.Contains("--json") ? Console.Error : Console.Out).RunAsync(scale);
    Console.WriteLine(scale.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    return 0;
}
var json = args.Contains("--json");
var log = json ? Console.Error : Console.Out;
var result = new JsonObject
{
    ["command"] = "./kkb bench" + (quick ? " --quick" : "") + (json ? " --json" : ""),
    ["machine"] = $"{Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}",
    ["started"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm'Z'", CultureInfo.InvariantCulture),
};
var total = Stopwatch.StartNew();
var work = Directory.CreateTempSubdirectory("kkb-bench-").FullName;
try
{
    var reads = new Reads(root, work, quick, log);
    reads.Run(result);
    var storage = Environment.GetEnvironmentVariable("KKB_BENCH_STORAGE");
    if (string.IsNullOrEmpty(storage))
    {
        log.WriteLine("bench: KKB_BENCH_STORAGE not set (run through ./kkb bench): storage benchmarks skipped");
        result["store_vs_raw_writes"] = null; result["recap_vs_scan"] = null; result["start_vs_empty_app"] = null;
    }
    else
    {
        await new StorageBench(storage, root, quick, log).RunAsync(result);
        await new StartBench(root, storage, quick, log).RunAsync(result);
    }
}
finally
{
    try { Directory.Delete(work, recursive: true); } catch (IOException) { }
}
result["elapsed_seconds"] = Math.Round(total.Elapsed.TotalSeconds, 1);
var text = result.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
if (json) Console.WriteLine(text);
else { Console.WriteLine(); Console.WriteLine(text); }
return 0;

internal static class Stats
{
    public static double Median(IEnumerable<double> values)
    {
        var v = values.Order().ToArray();
        if (v.Length == 0) return double.NaN;
        return v.Length % 2 == 1 ? v[v.Length / 2] : (v[v.Length / 2 - 1] + v[v.Length / 2]) / 2;
    }

    public static double R(double x, int digits = 2) => Math.Round(x, digits);

    /// <summary>Runs both sides alternately <paramref name="runs"/> times after one warm-up of each; per-run ratio b/a.</summary>
    public static async Task<(double A, double B, double Ratio)> PairAsync(int runs, Func<int, Task> a, Func<int, Task> b, bool warmUp = true)
    {
        if (warmUp) { await a(-1); await b(-1); }
        var ta = new List<double>(); var tb = new List<double>(); var ratios = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            var sw = Stopwatch.StartNew(); await a(i); var x = sw.Elapsed.TotalMilliseconds;
            sw.Restart(); await b(i); var y = sw.Elapsed.TotalMilliseconds;
            ta.Add(x); tb.Add(y); ratios.Add(y / x);
        }
        return (Median(ta), Median(tb), Median(ratios));
    }
}
