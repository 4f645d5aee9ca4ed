using System.Diagnostics;
using System.Text.Json.Nodes;
using KampungKB.Core.Store;

namespace KampungKB.Bench;

/// <summary>
/// Cold start: from <c>Process.Start</c> of the local runner (<c>kkb bench-start</c>) to the end of its
/// first answered IngestUpload invocation, for the real function app against the same for an empty
/// function app of the same shape (src/Bench/EmptyApp: same triggers and packages, functions that do
/// nothing). Both runs start the same runner; the difference is what the app wires and does. Paths come
/// from BenchCommand (KKB_BENCH_RUNNER, KKB_BENCH_APP, KKB_BENCH_EMPTY).
/// </summary>
internal sealed class StartBench(string root, string storage, bool quick, TextWriter log)
{
    public async Task RunAsync(JsonObject result)
    {
        var runner = Environment.GetEnvironmentVariable("KKB_BENCH_RUNNER");
        var app = Environment.GetEnvironmentVariable("KKB_BENCH_APP");
        var empty = Environment.GetEnvironmentVariable("KKB_BENCH_EMPTY");
        if (runner is null || app is null || empty is null || !File.Exists(runner) || !File.Exists(app) || !File.Exists(empty))
        {
            result["start_vs_empty_app"] = null;
            result["start_vs_empty_app_reason"] = "runner, app or empty app not built (run through ./kkb bench)";
            return;
        }
        var blobs = StorageServiceCollectionExtensions.CreateClients(StorageConnection.Parse(storage)).Blobs.GetBlobContainerClient("uploads");
        await blobs.CreateIfNotExistsAsync();
        var runs = quick ? 3 : 7;
        var (baseline, start, ratio) = await Stats.PairAsync(runs, _ => StartOnceAsync(runner, empty, blobs), _ => StartOnceAsync(runner, app, blobs));
        log.WriteLine($"start to first answered ingestion through the runner: app {start:0} ms, empty app {baseline:0} ms, ratio {ratio:0.00} ({runs} runs)");
        result["start_vs_empty_app"] = Stats.R(ratio);
        result["start"] = new JsonObject { ["app_ms"] = Stats.R(start, 0), ["empty_app_ms"] = Stats.R(baseline, 0) };
    }

    private async Task StartOnceAsync(string runner, string app, Azure.Storage.Blobs.BlobContainerClient blobs)
    {
        var name = $"63.71.04.1005/bench-{Guid.NewGuid():N}.csv";
        var csv = "Kampung KB Pelambuan Sejahtera,,,\r\nBulan: Oktober 2025,,,\r\nTanggal,Nama Kegiatan,Peserta L,Peserta P\r\n01/10/2025,Rapat Pokja,3,4\r\n"u8.ToArray();
        await blobs.GetBlobClient(name).UploadAsync(BinaryData.FromBytes(csv));
        var psi = new ProcessStartInfo("dotnet", [runner, "bench-start", "--app", app, "--blob", name])
        { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.Environment["AzureWebJobsStorage"] = storage;
        psi.Environment["KKB_ROOT"] = root;
        psi.Environment["KKB_TEMPLATES"] = Path.Combine(root, "templates");
        // Settings the app refuses to start without (docs/deploy.md); throw-away values for the benchmark.
        psi.Environment["Links__SigningKey"] = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());
        psi.Environment["Mail__Mode"] = "Outbox";
        psi.Environment["Mail__OutboxDirectory"] = Path.Combine(Path.GetTempPath(), "kkb-bench-outbox");
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        try { await p.WaitForExitAsync(timeout.Token); }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Path.GetFileName(app)}: no answered ingestion within 120 s");
        }
        if (p.ExitCode != 0) throw new InvalidOperationException($"{Path.GetFileName(app)}: bench-start exited {p.ExitCode}: {await stderr} {await stdout}");
    }
}
