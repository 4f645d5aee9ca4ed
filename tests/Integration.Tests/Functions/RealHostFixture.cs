using System.Diagnostics;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using KampungKB.Cli.Dev;
using KampungKB.Functions;
using KampungKB.Integration.Tests.Deploy;

namespace KampungKB.Integration.Tests.Functions;

/// <summary>
/// The published app (<see cref="PublishedPackage"/>, the run's one <c>./kkb publish</c>) under the real Azure
/// Functions host of <c>../shared/functions-host/</c> (v4, built from Azure/azure-functions-host), against an
/// Azurite of its own on free ports, with the app settings infra/main.bicep sets. The host is extracted once
/// per checkout into <c>.build/functions-host/</c>. Without the host's tarball the tests are skipped locally and
/// FAIL when CI=true, as with Azurite. Azurite sends no Event Grid events, so <see cref="DeliverBlobCreatedAsync"/>
/// posts the ones Event Grid would to the host's blob webhook.
/// </summary>
public sealed class RealHostFixture : IAsyncLifetime
{
    /// <summary>The host's version, the name of its tarball in ../shared/functions-host/.</summary>
    public const string HostVersion = "4.1036.3";
    /// <summary>The host id (<c>AzureFunctionsWebHost__hostid</c>): where its keys and locks live in the account.</summary>
    public const string HostId = "kkb-realhost-test";

    /// <summary>
    /// How long the host may take to start (index the functions, start the worker, write its keys). Unlike a
    /// build this is a server that never exits on its own, so waiting for ever would hang the run if it hung;
    /// it starts in 10-40 s here, so 10 minutes only fails a host that is really stuck, even on a loaded machine.
    /// The wait ends at once when the host process exits.
    /// </summary>
    private static readonly TimeSpan StartLimit = TimeSpan.FromMinutes(10);

    private readonly StringBuilder _log = new();
    private AzuriteProcess? _azurite;
    private Process? _host;
    private string? _work;

    public string? UnavailableReason { get; private set; }
    public Uri Address { get; private set; } = null!;
    public HttpClient Http { get; } = new();
    public BlobServiceClient Blobs { get; private set; } = null!;
    public TableServiceClient Tables { get; private set; } = null!;
    public QueueServiceClient Queues { get; private set; } = null!;
    public string ConnectionString => _azurite!.ConnectionString;
    /// <summary>The folder the host's app writes its .eml mails to (Mail__Mode=Outbox).</summary>
    public string Outbox { get; private set; } = null!;
    public string MasterKey { get; private set; } = null!;
    public string BlobsExtensionKey { get; private set; } = null!;
    public PublishedPackage Package { get; private set; } = null!;

    /// <summary>Everything the host printed so far (its console log, the worker's output included).</summary>
    public string Log { get { lock (_log) return _log.ToString(); } }

    /// <summary>The host's tarball: <c>../shared/functions-host/functions-host-VERSION.tar.gz</c> beside the checkout.</summary>
    public static string Tarball => Path.GetFullPath(Path.Combine(RepositoryFiles.Root, "..", "shared", "functions-host", $"functions-host-{HostVersion}.tar.gz"));

    public async Task InitializeAsync()
    {
        if (!File.Exists(Tarball))
        {
            UnavailableReason = $"The Functions host is absent ({Tarball}); the real-host tests did not run.";
            return;
        }
        var root = RepositoryFiles.Root;
        if (!AzuriteProcess.IsInstalled(root))
        {
            UnavailableReason = "Azurite is not installed (run scripts/setup.sh); the real-host tests did not run.";
            return;
        }
        var hostDir = await ExtractHostAsync();
        Package = await PublishedPackage.SharedAsync();
        if (!Package.Succeeded) throw new InvalidOperationException($"./kkb publish failed (exit {Package.ExitCode}):\n{Package.Output}");

        _azurite = await AzuriteProcess.StartAsync(root, startTimeout: TimeSpan.FromMinutes(2));
        var clients = StorageServiceCollectionExtensions.CreateClients(StorageConnection.Parse(_azurite.ConnectionString), AzuriteFixture.QuickRetry);
        (Blobs, Tables, Queues) = (clients.Blobs, clients.Tables, clients.Queues);

        _work = Directory.CreateTempSubdirectory("kkb-realhost-").FullName;
        Outbox = Path.Combine(_work, "outbox");
        var port = FreePort();
        Address = new Uri($"http://127.0.0.1:{port}/");
        var psi = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = _work,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            ArgumentList = { Path.Combine(hostDir, "Microsoft.Azure.WebJobs.Script.WebHost.dll") },
        };
        // Not a Linux container (the host otherwise expects the platform's container environment).
        psi.Environment.Remove("CONTAINER_NAME");
        foreach (var (key, value) in HostEnvironment(port)) psi.Environment[key] = value;
        _host = new Process { StartInfo = psi };
        _host.OutputDataReceived += (_, e) => Append(e.Data);
        _host.ErrorDataReceived += (_, e) => Append(e.Data);
        _host.Start();
        _host.BeginOutputReadLine();
        _host.BeginErrorReadLine();
        await WaitUntilReadyAsync();
    }

    /// <summary>
    /// The host's environment: what its README names (script root, worker runtime, storage, URLs, host id,
    /// console logging, roll-forward to .NET 10) plus the app settings the app requires, named as infra/main.bicep
    /// names them (<c>Schedules__…</c>, <c>Links__…</c>, <c>Mail__…</c>).
    /// </summary>
    private Dictionary<string, string> HostEnvironment(int port)
    {
        var environment = new Dictionary<string, string>
        {
            ["DOTNET_ROLL_FORWARD"] = "Major",
            ["AzureWebJobsScriptRoot"] = Package.AppDir,
            ["FUNCTIONS_WORKER_RUNTIME"] = "dotnet-isolated",
            ["AzureWebJobsStorage"] = _azurite!.ConnectionString,
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
            ["WEBSITE_HOSTNAME"] = $"localhost:{port}",
            ["AzureFunctionsWebHost__hostid"] = HostId,
            ["AzureFunctionsJobHost__Logging__Console__IsEnabled"] = "true",
            // The storage SDK logs every request at Information; the host's and the functions' lines are what the tests read.
            ["Logging__LogLevel__Azure.Core"] = "Warning",
            ["AzureFunctionsJobHost__Logging__LogLevel__Azure.Core"] = "Warning",
            ["Links__SigningKey"] = Page.PageHarness.SigningKey,
            ["Links__BaseUrl"] = $"http://127.0.0.1:{port}",
            ["Mail__Mode"] = "Outbox",
            ["Mail__OutboxDirectory"] = Outbox,
        };
        foreach (var (key, cron) in AppSettings.DefaultSchedules) environment[key] = cron;
        return environment;
    }

    /// <summary>Extracts the tarball once per checkout into <c>.build/functions-host/VERSION/</c> (a marker file says it is complete).</summary>
    private static async Task<string> ExtractHostAsync()
    {
        var target = RepositoryFiles.Path(".build", "functions-host", HostVersion);
        var dll = Path.Combine(target, "functions-host", "Microsoft.Azure.WebJobs.Script.WebHost.dll");
        var marker = Path.Combine(target, ".extracted");
        if (File.Exists(marker) && File.Exists(dll)) return Path.GetDirectoryName(dll)!;
        var staging = target + ".tmp-" + Environment.ProcessId;
        if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        Directory.CreateDirectory(staging);
        using (var tar = Process.Start(new ProcessStartInfo("tar", ["-xzf", Tarball, "-C", staging]) { RedirectStandardError = true })!)
        {
            var error = tar.StandardError.ReadToEndAsync();
            await tar.WaitForExitAsync();
            if (tar.ExitCode != 0) throw new InvalidOperationException($"tar -xzf {Tarball} failed: {await error}");
        }
        File.WriteAllText(Path.Combine(staging, ".extracted"), HostVersion);
        try
        {
            if (Directory.Exists(target)) Directory.Delete(target, recursive: true);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            Directory.Move(staging, target);
        }
        catch (IOException) when (File.Exists(marker)) { Directory.Delete(staging, recursive: true); } // another run extracted it first
        return Path.GetDirectoryName(dll)!;
    }

    private async Task WaitUntilReadyAsync()
    {
        var watch = Stopwatch.StartNew();
        var secrets = Blobs.GetBlobContainerClient("azure-webjobs-secrets").GetBlobClient($"{HostId}/host.json");
        while (true)
        {
            if (_host!.HasExited) throw new InvalidOperationException($"The Functions host exited ({_host.ExitCode}) while starting:\n{Tail()}");
            if (watch.Elapsed > StartLimit) throw new TimeoutException($"The Functions host did not start within {StartLimit}:\n{Tail()}");
            if (Log.Contains("Job host started", StringComparison.Ordinal) && (await secrets.ExistsAsync()).Value)
            {
                using var doc = JsonDocument.Parse((await secrets.DownloadContentAsync()).Value.Content.ToMemory());
                var system = doc.RootElement.TryGetProperty("systemKeys", out var keys)
                    ? keys.EnumerateArray().FirstOrDefault(k => k.GetProperty("name").GetString() == "blobs_extension") : default;
                if (system.ValueKind == JsonValueKind.Object)
                {
                    MasterKey = doc.RootElement.GetProperty("masterKey").GetProperty("value").GetString()!;
                    BlobsExtensionKey = system.GetProperty("value").GetString()!;
                    // The host writes its keys before Kestrel listens (seen under load): connection refused means not yet.
                    using var status = new HttpRequestMessage(HttpMethod.Get, new Uri(Address, "admin/host/status"));
                    status.Headers.Add("x-functions-key", MasterKey);
                    try
                    {
                        using var response = await Http.SendAsync(status);
                        if (response.IsSuccessStatusCode && (await response.Content.ReadAsStringAsync()).Contains("\"Running\"", StringComparison.Ordinal)) return;
                    }
                    catch (HttpRequestException) { }
                }
            }
            await Task.Delay(500);
        }
    }

    /// <summary>Locally throws <see cref="SkipException"/> when the host (or Azurite) is absent; on CI fails.</summary>
    public void Require()
    {
        if (UnavailableReason is null) return;
        if (AzuriteFixture.IsCi) throw new InvalidOperationException(UnavailableReason + " CI=true: failing instead of skipping.");
        throw new SkipException(UnavailableReason);
    }

    /// <summary>The Event Grid subscription-validation handshake for one blob-triggered function; returns the host's answer's <c>validationResponse</c>.</summary>
    public async Task<string?> ValidateSubscriptionAsync(string function, string validationCode)
    {
        var body = new JsonArray(new JsonObject
        {
            ["id"] = Guid.NewGuid().ToString(),
            ["topic"] = Topic,
            ["subject"] = "",
            ["eventType"] = "Microsoft.EventGrid.SubscriptionValidationEvent",
            ["eventTime"] = DateTimeOffset.UtcNow.ToString("O"),
            ["data"] = new JsonObject { ["validationCode"] = validationCode },
            ["dataVersion"] = "1",
            ["metadataVersion"] = "1",
        });
        using var response = await PostWebhookAsync(function, "SubscriptionValidation", body);
        response.EnsureSuccessStatusCode();
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
        return answer.TryGetProperty("validationResponse", out var v) ? v.GetString() : null;
    }

    /// <summary>Posts the <c>Microsoft.Storage.BlobCreated</c> event Event Grid would send for <paramref name="container"/>/<paramref name="blobName"/>.</summary>
    public async Task<HttpResponseMessage> DeliverBlobCreatedAsync(string function, string container, string blobName)
    {
        var blob = Blobs.GetBlobContainerClient(container).GetBlobClient(blobName);
        var properties = (await blob.GetPropertiesAsync()).Value;
        var body = new JsonArray(new JsonObject
        {
            ["id"] = Guid.NewGuid().ToString(),
            ["topic"] = Topic,
            ["subject"] = $"/blobServices/default/containers/{container}/blobs/{blobName}",
            ["eventType"] = "Microsoft.Storage.BlobCreated",
            ["eventTime"] = DateTimeOffset.UtcNow.ToString("O"),
            ["data"] = new JsonObject
            {
                ["api"] = "PutBlob",
                ["url"] = blob.Uri.ToString(),
                ["eTag"] = properties.ETag.ToString(),
                ["contentType"] = properties.ContentType,
                ["contentLength"] = properties.ContentLength,
                ["blobType"] = "BlockBlob",
            },
            ["dataVersion"] = "",
            ["metadataVersion"] = "1",
        });
        return await PostWebhookAsync(function, "Notification", body);
    }

    /// <summary>Runs a non-HTTP function now: <c>POST /admin/functions/NAME</c> with the master key.</summary>
    public async Task<HttpResponseMessage> InvokeAdminAsync(string function)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Address, $"admin/functions/{function}"))
        {
            Content = JsonContent.Create(new { input = "" }),
        };
        request.Headers.Add("x-functions-key", MasterKey);
        return await Http.SendAsync(request);
    }

    /// <summary>Number of host log lines that say <paramref name="function"/> finished with <paramref name="result"/> (Succeeded, Failed).</summary>
    public int Executions(string function, string result) =>
        Log.Split('\n').Count(l => l.Contains($"Executed 'Functions.{function}' ({result}", StringComparison.Ordinal));

    /// <summary>Waits until <paramref name="done"/> holds, polling every half second; gives up after <paramref name="limit"/> with the host's log tail.</summary>
    public async Task WaitForAsync(Func<Task<bool>> done, string what, TimeSpan limit)
    {
        var watch = Stopwatch.StartNew();
        while (!await done())
        {
            if (_host!.HasExited) throw new InvalidOperationException($"The Functions host exited ({_host.ExitCode}) while waiting for {what}:\n{Tail()}");
            if (watch.Elapsed > limit) throw new TimeoutException($"Waited {limit} for {what}:\n{Tail()}");
            await Task.Delay(500);
        }
    }

    public string Tail(int lines = 80) => string.Join('\n', Log.Split('\n').TakeLast(lines));

    private string Topic => $"/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/kkb/providers/Microsoft.Storage/storageAccounts/{AzuriteProcess.AccountName}";

    private async Task<HttpResponseMessage> PostWebhookAsync(string function, string eventType, JsonNode body)
    {
        var uri = new Uri(Address, $"runtime/webhooks/blobs?functionName=Host.Functions.{function}&code={Uri.EscapeDataString(BlobsExtensionKey)}");
        var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };
        request.Headers.Add("aeg-event-type", eventType);
        return await Http.SendAsync(request);
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_log) _log.Append(line).Append('\n');
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async Task DisposeAsync()
    {
        if (_host is { HasExited: false })
        {
            _host.Kill(entireProcessTree: true);
            await _host.WaitForExitAsync();
        }
        _host?.Dispose();
        Http.Dispose();
        if (_azurite is not null) await _azurite.DisposeAsync();
        if (_work is not null) try { Directory.Delete(_work, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

[CollectionDefinition(Name)]
public sealed class RealHostCollection : ICollectionFixture<RealHostFixture>
{
    public const string Name = "Real Functions host";
}
