using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using KampungKB.Cli.Commands;
using KampungKB.Core.Store;
using KampungKB.Functions;

namespace KampungKB.Cli.Dev;

/// <summary>
/// <c>kkb dev --host real</c>: the local development loop on the real Azure Functions host of
/// <c>../shared/functions-host/</c> instead of the local runner: the app as <c>./kkb publish</c> builds it,
/// the host on http://127.0.0.1:7071 over the dev Azurite. Azurite sends no Event Grid events, so this polls
/// <c>uploads</c> and <c>registry</c> every second and posts, for each new blob version, the
/// <c>Microsoft.Storage.BlobCreated</c> event Event Grid would send to the host's blob webhook (after the
/// subscription-validation handshake, as Event Grid does). The host retries and writes poison messages itself.
/// </summary>
internal static class RealHostDev
{
    public const string HostVersion = "4.1036.3";
    private const string HostId = "kkb-dev";

    public static async Task<int> RunAsync(CancellationToken stop)
    {
        var t = CliTexts.Default;
        var root = LocalEnvironment.RepositoryRoot;
        var tarball = Path.GetFullPath(Path.Combine(root, "..", "shared", "functions-host", $"functions-host-{HostVersion}.tar.gz"));
        if (!File.Exists(tarball)) throw new InvalidOperationException(t.T("dev.real.no_host", ("path", tarball)));
        await using var env = await LocalEnvironment.OpenAsync(cancellationToken: stop);
        if (env.ConnectionString is null || !env.IsLocal) throw new InvalidOperationException(t.T("dev.real.local_only"));

        Console.WriteLine(t.T("dev.real.publishing"));
        var outDir = Path.Combine(root, ".build", "dev-real");
        if (await RunAsync("bash", [Path.Combine(root, "scripts", "publish.sh"), "--out", outDir], root) is { Exit: not 0 } publish)
            throw new InvalidOperationException(t.T("dev.real.publish_failed", ("output", publish.Output.Trim())));
        var hostDir = Path.Combine(root, ".build", "functions-host", HostVersion);
        var dll = Path.Combine(hostDir, "functions-host", "Microsoft.Azure.WebJobs.Script.WebHost.dll");
        if (!File.Exists(Path.Combine(hostDir, ".extracted")) || !File.Exists(dll))
        {
            Directory.CreateDirectory(hostDir);
            if (await RunAsync("tar", ["-xzf", tarball, "-C", hostDir], root) is { Exit: not 0 } tar)
                throw new InvalidOperationException(t.T("dev.real.extract_failed", ("output", tar.Output.Trim())));
            await File.WriteAllTextAsync(Path.Combine(hostDir, ".extracted"), HostVersion, stop);
        }

        var port = LocalFunctionHost.DevPort;
        var psi = new ProcessStartInfo("dotnet") { ArgumentList = { dll }, WorkingDirectory = root };
        psi.Environment.Remove("CONTAINER_NAME");
        psi.Environment["DOTNET_ROLL_FORWARD"] = "Major";
        psi.Environment["AzureWebJobsScriptRoot"] = Path.Combine(outDir, "functionapp");
        psi.Environment["FUNCTIONS_WORKER_RUNTIME"] = "dotnet-isolated";
        psi.Environment["AzureWebJobsStorage"] = env.ConnectionString;
        psi.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        psi.Environment["WEBSITE_HOSTNAME"] = $"localhost:{port}";
        psi.Environment["AzureFunctionsWebHost__hostid"] = HostId;
        psi.Environment["AzureFunctionsJobHost__Logging__Console__IsEnabled"] = "true";
        psi.Environment["Logging__LogLevel__Azure.Core"] = "Warning";
        psi.Environment["AzureFunctionsJobHost__Logging__LogLevel__Azure.Core"] = "Warning";
        psi.Environment["Links__SigningKey"] = LocalLinkKey.Resolve(root);
        psi.Environment["Links__BaseUrl"] = Environment.GetEnvironmentVariable("Links__BaseUrl") is { Length: > 0 } b ? b : $"http://127.0.0.1:{port}";
        if (Environment.GetEnvironmentVariable("Mail__OutboxDirectory") is null) psi.Environment["Mail__OutboxDirectory"] = Path.Combine(root, ".kkb", "outbox");
        foreach (var (key, cron) in AppSettings.DefaultSchedules)
            if (Environment.GetEnvironmentVariable(key) is null) psi.Environment[key] = cron;

        using var host = Process.Start(psi) ?? throw new InvalidOperationException(t.T("dev.real.start_failed", ("reason", "dotnet")));
        try
        {
            var key = await BlobsKeyAsync(env, host, stop);
            using var http = new HttpClient();
            // The host writes its keys before Kestrel listens: wait until it answers HTTP.
            while (true)
            {
                if (host.HasExited) throw new InvalidOperationException(t.T("dev.real.host_exited", ("code", host.ExitCode)));
                try { using var _ = await http.GetAsync($"http://127.0.0.1:{port}/", stop); break; }
                catch (HttpRequestException) { await Task.Delay(500, stop); }
            }
            Console.WriteLine(t.T("dev.real.running", ("source", env.Source), ("url", $"http://127.0.0.1:{port}/api/kampung/…")));
            var names = StorageNames.Default;
            var watched = new[] { (Function: "ImportRegistry", Container: names.Registry), (Function: "IngestUpload", Container: names.Uploads) };
            foreach (var (function, _) in watched)
                await PostAsync(http, port, function, key, "SubscriptionValidation", ValidationEvent(), stop);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            while (!stop.IsCancellationRequested && !host.HasExited)
            {
                foreach (var (function, container) in watched)
                {
                    var client = env.Blobs.GetBlobContainerClient(container);
                    if (!(await client.ExistsAsync(stop)).Value) continue;
                    await foreach (var blob in client.GetBlobsAsync(cancellationToken: stop))
                    {
                        if (!seen.Add($"{container}/{blob.Name}/{blob.Properties.ETag}")) continue;
                        var uri = client.GetBlobClient(blob.Name).Uri;
                        var body = CreatedEvent(container, blob.Name, uri, blob.Properties.ETag?.ToString(), blob.Properties.ContentLength);
                        var status = await PostAsync(http, port, function, key, "Notification", body, stop);
                        Console.WriteLine(t.T("dev.real.delivered", ("function", function), ("blob", $"{container}/{blob.Name}"), ("status", status)));
                    }
                }
                try { await Task.Delay(TimeSpan.FromSeconds(1), stop); } catch (OperationCanceledException) { }
            }
            if (host.HasExited && !stop.IsCancellationRequested) throw new InvalidOperationException(t.T("dev.real.host_exited", ("code", host.ExitCode)));
        }
        finally
        {
            if (!host.HasExited) { host.Kill(entireProcessTree: true); await host.WaitForExitAsync(CancellationToken.None); }
        }
        Console.WriteLine("kkb dev berhenti.");
        return 0;
    }

    /// <summary>The host's <c>blobs_extension</c> system key, from <c>azure-webjobs-secrets/{host id}/host.json</c>, once the host wrote it.</summary>
    private static async Task<string> BlobsKeyAsync(LocalEnvironment env, Process host, CancellationToken stop)
    {
        var secrets = env.Blobs.GetBlobContainerClient("azure-webjobs-secrets").GetBlobClient($"{HostId}/host.json");
        while (true)
        {
            stop.ThrowIfCancellationRequested();
            if (host.HasExited) throw new InvalidOperationException(CliTexts.Default.T("dev.real.host_exited", ("code", host.ExitCode)));
            if ((await secrets.ExistsAsync(stop)).Value)
            {
                using var doc = JsonDocument.Parse((await secrets.DownloadContentAsync(stop)).Value.Content.ToMemory());
                if (doc.RootElement.TryGetProperty("systemKeys", out var keys)
                    && keys.EnumerateArray().FirstOrDefault(k => k.GetProperty("name").GetString() == "blobs_extension") is { ValueKind: JsonValueKind.Object } k)
                    return k.GetProperty("value").GetString()!;
            }
            await Task.Delay(500, stop);
        }
    }

    private static JsonArray ValidationEvent() => new(new JsonObject
    {
        ["id"] = Guid.NewGuid().ToString(), ["topic"] = Topic, ["subject"] = "",
        ["eventType"] = "Microsoft.EventGrid.SubscriptionValidationEvent", ["eventTime"] = DateTimeOffset.UtcNow.ToString("O"),
        ["data"] = new JsonObject { ["validationCode"] = Guid.NewGuid().ToString() }, ["dataVersion"] = "1", ["metadataVersion"] = "1",
    });

    /// <summary>The Event Grid schema's BlobCreated event for one blob version (what a storage account's system topic sends).</summary>
    internal static JsonArray CreatedEvent(string container, string blobName, Uri url, string? eTag, long? length) => new(new JsonObject
    {
        ["id"] = Guid.NewGuid().ToString(), ["topic"] = Topic,
        ["subject"] = $"/blobServices/default/containers/{container}/blobs/{blobName}",
        ["eventType"] = "Microsoft.Storage.BlobCreated", ["eventTime"] = DateTimeOffset.UtcNow.ToString("O"),
        ["data"] = new JsonObject { ["api"] = "PutBlob", ["url"] = url.ToString(), ["eTag"] = eTag, ["contentLength"] = length, ["blobType"] = "BlockBlob" },
        ["dataVersion"] = "", ["metadataVersion"] = "1",
    });

    private const string Topic = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/kkb-dev/providers/Microsoft.Storage/storageAccounts/devstoreaccount1";

    private static async Task<int> PostAsync(HttpClient http, int port, string function, string key, string eventType, JsonNode body, CancellationToken stop)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post,
            $"http://127.0.0.1:{port}/runtime/webhooks/blobs?functionName=Host.Functions.{function}&code={Uri.EscapeDataString(key)}")
        { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };
        request.Headers.Add("aeg-event-type", eventType);
        using var response = await http.SendAsync(request, stop);
        return (int)response.StatusCode;
    }

    private static async Task<(int Exit, string Output)> RunAsync(string file, string[] args, string directory)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = directory };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }
}
