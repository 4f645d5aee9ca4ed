using System.Diagnostics;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using KampungKB.Cli.Commands;
using KampungKB.Core.Store;
using KampungKB.Core.Uploads;
using KampungKB.Functions;

namespace KampungKB.Cli.Dev;

/// <summary>
/// <c>kkb dev --host real [--port N] [--package DIR]</c>: the local development loop on the real Azure Functions host of
/// <c>../shared/functions-host/</c> (<see cref="FunctionsHostProcess"/>) instead of the local runner: the app as
/// <c>./kkb publish</c> builds it (published into <c>.build/dev-real/</c> when a source file is newer than the last
/// package, or the one <c>--package DIR</c> names), the host on http://127.0.0.1:7071 (or <c>--port</c>) over the dev
/// Azurite (or the local Azurite <c>AzureWebJobsStorage</c> names). Azurite sends no Event Grid events, so
/// <see cref="WatchAsync"/> polls <c>uploads</c> and <c>registry</c> every second and posts, for each new blob version,
/// the <c>Microsoft.Storage.BlobCreated</c> event Event Grid would send (after the subscription-validation handshake),
/// then prints in Indonesian what each upload's cadre is told. The host's own log goes to <c>.kkb/functions-host.log</c>;
/// it retries and writes poison messages itself.
/// </summary>
internal static class RealHostDev
{
    private const string HostId = "kkb-dev";

    public static async Task<int> RunAsync(int port, string? package, CancellationToken stop)
    {
        var t = CliTexts.Default;
        var root = LocalEnvironment.RepositoryRoot;
        var tarball = FunctionsHostProcess.Tarball(root);
        if (!File.Exists(tarball)) throw new InvalidOperationException(t.T("dev.real.no_host", ("path", tarball)));
        await using var env = await LocalEnvironment.OpenAsync(cancellationToken: stop);
        if (env.ConnectionString is null || !(env.IsLocal || env.Connection.IsLoopback)) throw new InvalidOperationException(t.T("dev.real.local_only"));

        string appDir;
        if (package is not null)
        {
            appDir = Path.Combine(Path.GetFullPath(package), "functionapp");
            if (!File.Exists(Path.Combine(appDir, "functions.metadata"))) throw new InvalidOperationException(t.T("dev.real.package_missing", ("path", appDir)));
        }
        else appDir = await PublishIfNeededAsync(root, stop);

        string hostDir;
        try { hostDir = await FunctionsHostProcess.ExtractAsync(root, stop); }
        catch (InvalidOperationException e) { throw new InvalidOperationException(t.T("dev.real.extract_failed", ("output", e.Message)), e); }

        var environment = FunctionsHostProcess.BaseEnvironment(appDir, env.ConnectionString, port, HostId);
        environment["Links__SigningKey"] = LocalLinkKey.Resolve(root);
        environment["Links__BaseUrl"] = Environment.GetEnvironmentVariable("Links__BaseUrl") is { Length: > 0 } b ? b : $"http://127.0.0.1:{port}";
        environment["Mail__OutboxDirectory"] = Environment.GetEnvironmentVariable("Mail__OutboxDirectory") is { Length: > 0 } o ? o : Path.Combine(root, ".kkb", "outbox");
        foreach (var (key, cron) in AppSettings.DefaultSchedules)
            if (Environment.GetEnvironmentVariable(key) is null) environment[key] = cron;

        var logPath = Path.Combine(root, ".kkb", "functions-host.log");
        Directory.CreateDirectory(Path.GetDirectoryName(logPath)!);
        using var log = TextWriter.Synchronized(new StreamWriter(logPath, append: false) { AutoFlush = true });
        Console.WriteLine(t.T("dev.real.starting", ("log", logPath)));
        FunctionsHostProcess host;
        try { host = await FunctionsHostProcess.StartAsync(hostDir, environment, env.Blobs, root, log.WriteLine, cancellationToken: stop); }
        catch (OperationCanceledException) when (stop.IsCancellationRequested) { Console.WriteLine(t.T("dev.stopped")); return 0; }
        catch (InvalidOperationException) { throw new InvalidOperationException(t.T("dev.real.host_exited", ("log", logPath))); }
        await using (host)
        {
            Console.WriteLine(t.T("dev.real.running", ("source", env.Source), ("url", new Uri(host.Address, "api/kampung/…").ToString()), ("log", logPath)));
            await WatchAsync(host, env.Blobs, env.Tables, env.Queues, Console.Out, TimeSpan.FromSeconds(1), stop);
            if (host.HasExited && !stop.IsCancellationRequested) throw new InvalidOperationException(t.T("dev.real.host_exited", ("log", logPath)));
        }
        Console.WriteLine(t.T("dev.stopped"));
        return 0;
    }

    /// <summary>
    /// The package in <c>.build/dev-real/functionapp/</c>, built by scripts/publish.sh first when it is missing or any file
    /// under src/ or templates/ (or host.json) is newer than its zip; returns the unzipped app's folder.
    /// </summary>
    private static async Task<string> PublishIfNeededAsync(string root, CancellationToken stop)
    {
        var t = CliTexts.Default;
        var outDir = Path.Combine(root, ".build", "dev-real");
        var zip = Path.Combine(outDir, "functionapp.zip");
        var appDir = Path.Combine(outDir, "functionapp");
        if (File.Exists(zip) && File.Exists(Path.Combine(appDir, "functions.metadata")) && !SourceNewerThan(root, File.GetLastWriteTimeUtc(zip)))
        {
            Console.WriteLine(t.T("dev.real.package_current", ("path", appDir)));
            return appDir;
        }
        Console.WriteLine(t.T("dev.real.publishing"));
        var psi = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = root };
        foreach (var a in new[] { Path.Combine(root, "scripts", "publish.sh"), "--out", outDir }) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync(stop);
        var stderr = process.StandardError.ReadToEndAsync(stop);
        await process.WaitForExitAsync(stop);
        if (process.ExitCode != 0) throw new InvalidOperationException(t.T("dev.real.publish_failed", ("output", (await stdout + await stderr).Trim())));
        return appDir;
    }

    private static bool SourceNewerThan(string root, DateTime stampUtc)
    {
        if (File.GetLastWriteTimeUtc(Path.Combine(root, "host.json")) > stampUtc) return true;
        foreach (var folder in new[] { "src", "templates" })
        {
            var stack = new Stack<string>([Path.Combine(root, folder)]);
            while (stack.Count > 0)
            {
                var dir = stack.Pop();
                if (!Directory.Exists(dir)) continue;
                foreach (var sub in Directory.EnumerateDirectories(dir))
                    if (Path.GetFileName(sub) is not ("bin" or "obj")) stack.Push(sub);
                if (Directory.EnumerateFiles(dir).Any(f => File.GetLastWriteTimeUtc(f) > stampUtc)) return true;
            }
        }
        return false;
    }

    /// <summary>
    /// Until <paramref name="stop"/> (or the host exits): answers nothing itself, but delivers to <paramref name="host"/> the
    /// Event Grid events a storage account would send for each new blob version in <c>registry</c> (to <c>ImportRegistry</c>)
    /// and <c>uploads</c> (to <c>IngestUpload</c>), polling every <paramref name="poll"/>, and writes one Indonesian line per
    /// delivery and per outcome to <paramref name="output"/>: an upload's as the local runner prints it (status, kampung,
    /// month, activities, errors; read from the claims ledger the app completes), a registry import's from the host's log,
    /// an upload the host gave up on from the poison queue.
    /// </summary>
    internal static async Task WatchAsync(FunctionsHostProcess host, BlobServiceClient blobs, TableServiceClient tables, QueueServiceClient queues,
        TextWriter output, TimeSpan poll, CancellationToken stop)
    {
        var t = CliTexts.Default;
        var names = StorageNames.Default;
        var watched = new[] { (Function: "ImportRegistry", Container: names.Registry), (Function: "IngestUpload", Container: names.Uploads) };
        try
        {
            foreach (var (function, _) in watched) await host.ValidateSubscriptionAsync(function, Guid.NewGuid().ToString(), stop);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var uploads = new List<(string Blob, byte[] Content)>();
            var registryDone = host.Executions("ImportRegistry", "Succeeded") + host.Executions("ImportRegistry", "Failed");
            var poison = PoisonQueue.For(queues);
            while (!stop.IsCancellationRequested && !host.HasExited)
            {
                foreach (var (function, container) in watched)
                {
                    var client = blobs.GetBlobContainerClient(container);
                    if (!(await client.ExistsAsync(stop)).Value) continue;
                    await foreach (var blob in client.GetBlobsAsync(cancellationToken: stop))
                    {
                        if (!seen.Add($"{container}/{blob.Name}/{blob.Properties.ETag}")) continue;
                        var blobClient = client.GetBlobClient(blob.Name);
                        if (function == "IngestUpload")
                        {
                            // Read before the host does: the app deletes the blob once its bytes are kept, and the outcome is found by name and content.
                            try { uploads.Add((blob.Name, (await blobClient.DownloadContentAsync(stop)).Value.Content.ToArray())); }
                            catch (Azure.RequestFailedException e) when (e.Status == 404) { continue; }
                        }
                        using var answer = await host.DeliverBlobCreatedAsync(function, container, blob.Name, blobClient.Uri, blob.Properties.ETag?.ToString(),
                            blob.Properties.ContentType, blob.Properties.ContentLength, stop);
                        output.WriteLine(t.T("dev.real.delivered", ("function", function), ("blob", $"{container}/{blob.Name}"), ("status", (int)answer.StatusCode)));
                    }
                }
                foreach (var pending in uploads.ToList())
                {
                    if (await UploadProcessor.FindOutcomeAsync(new Stores(tables, names).Claims, names, pending.Blob, pending.Content, stop) is { } outcome)
                    {
                        output.WriteLine(StorageCommands.DescribeDispatch(new Dispatch("IngestUpload", pending.Blob, true, 1, outcome, null)));
                        uploads.Remove(pending);
                    }
                    else if ((await poison.PeekAsync(stop)).Any(m => m.Message.BlobName == pending.Blob && m.Message.ContainerName == names.Uploads))
                    {
                        output.WriteLine(StorageCommands.DescribeDispatch(new Dispatch("IngestUpload", pending.Blob, false, 5, null, t.T("dev.real.see_log"))));
                        uploads.Remove(pending);
                    }
                }
                var registryRuns = host.Executions("ImportRegistry", "Succeeded") + host.Executions("ImportRegistry", "Failed");
                if (registryRuns > registryDone)
                {
                    // The host logs a run as succeeded whether the workbook was accepted or not: say what is registered now.
                    var registered = (await new RegistryStore(tables, names).ListAsync(cancellationToken: stop)).Count;
                    output.WriteLine(t.T("dev.real.registry_done", ("count", registered), ("failed", host.Executions("ImportRegistry", "Failed"))));
                    registryDone = registryRuns;
                }
                await Task.Delay(poll, stop);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested) { }
    }
}
