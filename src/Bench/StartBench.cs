using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace KampungKB.Bench;

/// <summary>
/// Cold start: from <c>Process.Start</c> of the published handler to the first 200 answer to a real
/// upload invocation (host payload shape), against the same for an empty minimal API. Both are framework-
/// dependent (`dotnet X.dll`); the published folders come from BenchCommand (KKB_BENCH_HANDLER, KKB_BENCH_EMPTY).
/// </summary>
internal sealed class StartBench(string root, string storage, bool quick, TextWriter log)
{
    public async Task RunAsync(JsonObject result)
    {
        var handler = Environment.GetEnvironmentVariable("KKB_BENCH_HANDLER");
        var empty = Environment.GetEnvironmentVariable("KKB_BENCH_EMPTY");
        if (handler is null || empty is null || !File.Exists(handler) || !File.Exists(empty))
        {
            result["start_vs_empty_api"] = null;
            result["start_vs_empty_api_reason"] = "handler or empty API not published (run through ./kkb bench)";
            return;
        }
        var runs = quick ? 3 : 7;
        var (baseline, start, ratio) = await Stats.PairAsync(runs, _ => StartOnceAsync(empty), _ => StartOnceAsync(handler));
        var variants = new JsonObject { ["handler_ms"] = Stats.R(start, 0), ["empty_api_ms"] = Stats.R(baseline, 0) };
        var r2r = Environment.GetEnvironmentVariable("KKB_BENCH_HANDLER_R2R");
        if (r2r is not null && File.Exists(r2r))
        {
            var (b2, s2, ratio2) = await Stats.PairAsync(runs, _ => StartOnceAsync(empty), _ => StartOnceAsync(r2r));
            variants["handler_ready_to_run_ms"] = Stats.R(s2, 0);
            variants["ready_to_run_ratio"] = Stats.R(ratio2);
            log.WriteLine($"start (ReadyToRun): handler {s2:0} ms vs empty API {b2:0} ms, ratio {ratio2:0.00}");
        }
        else variants["ready_to_run"] = Environment.GetEnvironmentVariable("KKB_BENCH_R2R_REASON") ?? "not built";
        log.WriteLine($"start to first answered invocation: handler {start:0} ms, empty API {baseline:0} ms, ratio {ratio:0.00} ({runs} runs)");
        result["start_vs_empty_api"] = Stats.R(ratio);
        result["start"] = variants;
    }

    private async Task StartOnceAsync(string dll)
    {
        var port = FreePort();
        var psi = new ProcessStartInfo("dotnet", [dll]) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.Environment["FUNCTIONS_CUSTOMHANDLER_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        psi.Environment["AzureWebJobsStorage"] = storage;
        psi.Environment["KKB_TEMPLATES"] = Path.Combine(root, "templates");
        psi.Environment["Logging__LogLevel__Default"] = "Warning";
        // Settings the handler refuses to start without (docs/deploy.md); throw-away values for the benchmark.
        psi.Environment["Links__SigningKey"] = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());
        psi.Environment["Mail__Mode"] = "Outbox";
        psi.Environment["Mail__OutboxDirectory"] = Path.Combine(Path.GetTempPath(), "kkb-bench-outbox");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var name = $"63.71.04.1005/bench-{Guid.NewGuid():N}.csv";
        var csv = "Kampung KB Pelambuan Sejahtera,,,\r\nBulan: Oktober 2025,,,\r\nTanggal,Nama Kegiatan,Peserta L,Peserta P\r\n01/10/2025,Rapat Pokja,3,4\r\n"u8.ToArray();
        var payload = JsonSerializer.Serialize(new
        {
            Data = new { upload = Convert.ToBase64String(csv) },
            Metadata = new Dictionary<string, object>
            {
                ["name"] = JsonSerializer.Serialize(name),
                ["Properties"] = new { ContentLength = csv.Length, LastModified = DateTimeOffset.UtcNow.ToString("O") },
            },
        });
        var sw = Stopwatch.StartNew();
        using var p = Process.Start(psi)!;
        p.OutputDataReceived += (_, _) => { };
        var stderr = new System.Collections.Concurrent.ConcurrentQueue<string>();
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) stderr.Enqueue(e.Data); };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        try
        {
            while (true)
            {
                if (p.HasExited) throw new InvalidOperationException($"{Path.GetFileName(dll)} exited with {p.ExitCode} before answering: {string.Join(" | ", stderr)}");
                if (sw.Elapsed > TimeSpan.FromSeconds(60)) throw new TimeoutException($"{Path.GetFileName(dll)} did not answer within 60 s");
                try
                {
                    using var response = await http.PostAsync($"http://127.0.0.1:{port}/IngestUpload", new StringContent(payload, Encoding.UTF8, "application/json"));
                    if (response.StatusCode == HttpStatusCode.OK) break;
                    throw new InvalidOperationException($"{Path.GetFileName(dll)} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                }
                catch (HttpRequestException) { await Task.Delay(5); }
            }
        }
        finally
        {
            if (!p.HasExited) { p.Kill(entireProcessTree: true); await p.WaitForExitAsync(); }
        }
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
