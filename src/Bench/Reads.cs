using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ExcelDataReader;
using KampungKB.Core.Ingestion.Intake;

namespace KampungKB.Bench;

/// <summary>Ingest against a bare ExcelDataReader pass over the same bytes; peak memory per size in child processes; pandas as a peer.</summary>
internal sealed class Reads(string root, string work, bool quick, TextWriter log)
{
    private static readonly (int Rows, int Sheets)[] FullSizes = [(50, 1), (1_000, 1), (10_000, 1), (10_000, 20), (100_000, 20)];

    public void Run(JsonObject result)
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var engine = IngestionEngine.Load(Path.Combine(root, "templates"));
        var sizes = FullSizes;
        var bySize = new JsonArray();
        var peaks = new JsonObject();
        var rawPeaks = new JsonObject();
        var largeRatios = new List<double>();
        string? tenK = null;
        foreach (var (rows, sheets) in sizes)
        {
            var file = Path.Combine(work, $"kegiatan_oktober_2025_{rows}x{sheets}.xlsx");
            Workbooks.Write(file, rows, sheets);
            if (rows == 10_000 && sheets == 1) tenK = file;
            var bytes = File.ReadAllBytes(file);
            var runs = rows >= 100_000 ? (quick ? 3 : 5) : rows >= 10_000 ? (quick ? 5 : 9) : quick ? 7 : 15;
            var check = engine.Ingest(new MemoryStream(bytes, false), Path.GetFileName(file));
            if (!check.IsAccepted || check.Activities.Count != rows)
                throw new InvalidOperationException($"bench workbook {rows}x{sheets} not read as expected: {check.Status}, {check.Activities.Count} activities, {string.Join(",", check.Problems.Select(p => p.Code))}");
            var (raw, ingest, ratio) = Stats.PairAsync(runs,
                _ => { RawRead(new MemoryStream(bytes, false)); return Task.CompletedTask; },
                _ => { engine.Ingest(new MemoryStream(bytes, false), Path.GetFileName(file)); return Task.CompletedTask; }).GetAwaiter().GetResult();
            var ingestChild = RunChild("ingest", file);
            var rawChild = RunChild("raw", file);
            log.WriteLine($"read {rows,7} rows × {sheets,2} sheets ({bytes.Length / 1024.0:0} KiB): raw {raw,8:0.0} ms, ingest {ingest,8:0.0} ms, ratio {ratio:0.00} ({runs} runs); peak RSS ingest {ingestChild.PeakMiB:0} MiB, raw {rawChild.PeakMiB:0} MiB");
            bySize.Add(new JsonObject
            {
                ["rows"] = rows, ["sheets"] = sheets, ["file_kib"] = bytes.Length / 1024, ["runs"] = runs,
                ["raw_read_ms"] = Stats.R(raw, 1), ["ingest_ms"] = Stats.R(ingest, 1), ["ratio"] = Stats.R(ratio),
                ["ingest_rows_per_s"] = Math.Round(rows / ingest * 1000),
                ["ingest_peak_mib"] = Stats.R(ingestChild.PeakMiB, 0), ["raw_peak_mib"] = Stats.R(rawChild.PeakMiB, 0),
                ["ingest_allocated_mib"] = Stats.R(ingestChild.AllocatedMiB, 0), ["raw_allocated_mib"] = Stats.R(rawChild.AllocatedMiB, 0),
            });
            var key = sheets == 1 ? rows.ToString(CultureInfo.InvariantCulture) : $"{rows}x{sheets}sheets";
            peaks[key] = Stats.R(ingestChild.PeakMiB, 0);
            rawPeaks[key] = Stats.R(rawChild.PeakMiB, 0);
            if (rows >= 10_000) largeRatios.Add(ratio);
        }
        result["ingest_vs_raw_read"] = Stats.R(Stats.Median(largeRatios));
        result["ingest_vs_raw_read_note"] = "median over the sizes of 10,000 rows and up of the per-size median ratio ingest/raw";
        result["ingest_peak_mb_by_rows"] = peaks;
        result["raw_read_peak_mb_by_rows"] = rawPeaks;
        result["reads"] = bySize;
        result["pandas_vs_ingest"] = null;
        Pandas(tenK!, engine, result);
    }

    /// <summary>What any reader must at least do: open the file and touch every cell of every sheet.</summary>
    internal static long RawRead(Stream s)
    {
        using var reader = ExcelReaderFactory.CreateReader(s, new ExcelReaderConfiguration { LeaveOpen = true });
        long cells = 0;
        do
        {
            while (reader.Read())
                for (var i = 0; i < reader.FieldCount; i++)
                    if (reader.GetValue(i) is not null) cells++;
        } while (reader.NextResult());
        return cells;
    }

    private sealed record ChildResult(double Ms, double PeakMiB, double AllocatedMiB);

    private ChildResult RunChild(string mode, string file)
    {
        var psi = new ProcessStartInfo("dotnet", [typeof(Reads).Assembly.Location, "--child", mode, file])
        { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.Environment["KKB_ROOT"] = root;
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEnd();
        var error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"child {mode} failed: {error}");
        var doc = JsonDocument.Parse(output).RootElement;
        return new ChildResult(doc.GetProperty("ms").GetDouble(), doc.GetProperty("peak_mib").GetDouble(), doc.GetProperty("allocated_mib").GetDouble());
    }

    /// <summary>In a fresh process: read the file once as the pipeline does (bytes in memory), report peak RSS (VmHWM) and bytes allocated.</summary>
    public static int Child(string mode, string file, string templates)
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var engine = mode == "ingest" ? IngestionEngine.Load(templates) : null;
        var bytes = File.ReadAllBytes(file);
        var before = GC.GetTotalAllocatedBytes(true);
        var sw = Stopwatch.StartNew();
        object? keep = engine is null ? RawRead(new MemoryStream(bytes, false)) : engine.Ingest(new MemoryStream(bytes, false), Path.GetFileName(file));
        var ms = sw.Elapsed.TotalMilliseconds;
        var allocated = GC.GetTotalAllocatedBytes(true) - before;
        GC.KeepAlive(keep);
        Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, double>
        {
            ["ms"] = ms, ["peak_mib"] = PeakRssBytes() / 1048576.0, ["allocated_mib"] = allocated / 1048576.0,
        }));
        return 0;
    }

    /// <summary>
    /// Warm alternating pairs on one file in this process, timed both by the wall clock and by the
    /// process' CPU time: on a machine shared with builds the CPU ratio is the steadier of the two.
    /// </summary>
    public static int Pair(string file, int runs, string templates)
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var engine = IngestionEngine.Load(templates);
        var bytes = File.ReadAllBytes(file);
        var name = Path.GetFileName(file);
        var self = Process.GetCurrentProcess();
        (double Wall, double Cpu) Time(Action a)
        {
            self.Refresh();
            var cpu = self.TotalProcessorTime;
            var sw = Stopwatch.StartNew();
            a();
            var wall = sw.Elapsed.TotalMilliseconds;
            self.Refresh();
            return (wall, (self.TotalProcessorTime - cpu).TotalMilliseconds);
        }
        void Raw() => RawRead(new MemoryStream(bytes, false));
        void Ingest() => engine.Ingest(new MemoryStream(bytes, false), name);
        Raw(); Ingest();
        var wall = new List<double>(); var cpu = new List<double>(); var rawMs = new List<double>(); var ingestMs = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            var r = Time(Raw);
            var g = Time(Ingest);
            rawMs.Add(r.Wall); ingestMs.Add(g.Wall);
            wall.Add(g.Wall / r.Wall); cpu.Add(g.Cpu / r.Cpu);
            Console.Error.WriteLine($"pair {i + 1}: raw {r.Wall:0} ms (cpu {r.Cpu:0}), ingest {g.Wall:0} ms (cpu {g.Cpu:0}): wall {g.Wall / r.Wall:0.00}, cpu {g.Cpu / r.Cpu:0.00}");
        }
        Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, double>
        {
            ["raw_ms"] = Stats.R(Stats.Median(rawMs), 1), ["ingest_ms"] = Stats.R(Stats.Median(ingestMs), 1),
            ["wall_ratio"] = Stats.R(Stats.Median(wall)), ["cpu_ratio"] = Stats.R(Stats.Median(cpu)),
        }));
        return 0;
    }

    private static long PeakRssBytes()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                return long.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
        return Process.GetCurrentProcess().PeakWorkingSet64;
    }

    private void Pandas(string file, IngestionEngine engine, JsonObject result)
    {
        const string python = "/usr/bin/python3";
        const string script = """
            import sys, time, statistics
            import pandas as pd
            f, n = sys.argv[1], int(sys.argv[2])
            pd.read_excel(f, sheet_name=None, header=None, engine="openpyxl")
            t = []
            for _ in range(n):
                s = time.perf_counter(); pd.read_excel(f, sheet_name=None, header=None, engine="openpyxl"); t.append((time.perf_counter() - s) * 1000)
            print(statistics.median(t)); print(pd.__version__)
            """;
        if (!File.Exists(python)) { result["pandas_vs_ingest_reason"] = "no /usr/bin/python3"; return; }
        var runs = quick ? 3 : 5;
        var psi = new ProcessStartInfo(python, ["-c", script, file, runs.ToString(CultureInfo.InvariantCulture)])
        { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEnd();
        var error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            var reason = error.Trim().Split('\n').LastOrDefault() ?? "failed";
            result["pandas_vs_ingest_reason"] = reason;
            log.WriteLine("pandas: unavailable: " + reason);
            return;
        }
        var lines = output.Trim().Split('\n');
        var pandasMs = double.Parse(lines[0], CultureInfo.InvariantCulture);
        var bytes = File.ReadAllBytes(file);
        var ingest = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            var sw = Stopwatch.StartNew();
            engine.Ingest(new MemoryStream(bytes, false), Path.GetFileName(file));
            ingest.Add(sw.Elapsed.TotalMilliseconds);
        }
        var ingestMs = Stats.Median(ingest);
        result["pandas_vs_ingest"] = Stats.R(pandasMs / ingestMs);
        result["pandas"] = new JsonObject
        {
            ["version"] = lines.Length > 1 ? lines[1].Trim() : null, ["rows"] = 10_000, ["read_excel_ms"] = Stats.R(pandasMs, 1), ["ingest_ms"] = Stats.R(ingestMs, 1),
            ["note"] = "pandas.read_excel(sheet_name=None, header=None, engine='openpyxl'), Debian python3-pandas; ratio = pandas time / ingest time (>1: pandas slower)",
        };
        log.WriteLine($"pandas read_excel 10,000 rows: {pandasMs:0} ms vs ingest {ingestMs:0} ms");
    }
}
