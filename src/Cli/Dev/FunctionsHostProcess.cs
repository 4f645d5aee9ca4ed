using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Azure.Storage.Blobs;

namespace KampungKB.Cli.Dev;

/// <summary>
/// The real Azure Functions host (v4, <c>Microsoft.Azure.WebJobs.Script.WebHost</c>, built from Azure/azure-functions-host)
/// of <c>../shared/functions-host/</c> running a published app (<c>./kkb publish</c>, unzipped) in a child process, as
/// that folder's README says: extracted once per checkout into <c>.build/functions-host/VERSION/</c>, started with the
/// script root, worker runtime, storage, URLs, host id and console logging in its environment, ready once it has
/// written its keys into the storage account (<c>azure-webjobs-secrets/{host id}/host.json</c>) and its admin API says
/// <c>Running</c>. Azurite sends no Event Grid events, so <see cref="DeliverBlobCreatedAsync"/> posts the ones Event Grid
/// would to the host's blob webhook. Used by <c>kkb dev --host real</c> and the real-host tests alike.
/// </summary>
internal sealed partial class FunctionsHostProcess : IAsyncDisposable
{
    /// <summary>The host's version, the name of its tarball in ../shared/functions-host/.</summary>
    public const string HostVersion = "4.1036.3";

    private const int TailLines = 200;
    private readonly Process _process;
    private readonly bool _retainLog;
    private readonly Action<string>? _onLine;
    private readonly StringBuilder _log = new();
    private readonly Queue<string> _tail = new();
    private readonly Dictionary<(string Function, string Result), int> _executions = [];
    private bool _started;

    private FunctionsHostProcess(Process process, Uri address, bool retainLog, Action<string>? onLine)
    {
        _process = process;
        Address = address;
        _retainLog = retainLog;
        _onLine = onLine;
    }

    /// <summary>The host's own address, e.g. <c>http://127.0.0.1:7071/</c> (HTTP functions under <c>api/</c>).</summary>
    public Uri Address { get; }
    public HttpClient Http { get; } = new();
    /// <summary>The host's master key (admin API), read from the account once the host wrote it.</summary>
    public string MasterKey { get; private set; } = "";
    /// <summary>The <c>blobs_extension</c> system key the blob webhook requires.</summary>
    public string BlobsExtensionKey { get; private set; } = "";
    public bool HasExited => _process.HasExited;
    public int ExitCode => _process.ExitCode;

    /// <summary>Everything the host printed (its console log, the worker's output included); empty unless started with <c>retainLog</c>.</summary>
    public string Log { get { lock (_log) return _log.ToString(); } }

    /// <summary>The last lines the host printed (at most 200).</summary>
    public string Tail(int lines = 80) { lock (_log) return string.Join('\n', _tail.TakeLast(lines)); }

    /// <summary>How many runs of <paramref name="function"/> the host logged as finished with <paramref name="result"/> (<c>Succeeded</c>, <c>Failed</c>).</summary>
    public int Executions(string function, string result) { lock (_log) return _executions.GetValueOrDefault((function, result)); }

    /// <summary>The host's tarball: <c>../shared/functions-host/functions-host-VERSION.tar.gz</c> beside the checkout at <paramref name="root"/>.</summary>
    public static string Tarball(string root) =>
        Path.GetFullPath(Path.Combine(root, "..", "shared", "functions-host", $"functions-host-{HostVersion}.tar.gz"));

    /// <summary>
    /// Extracts the tarball once per checkout into <c>{root}/.build/functions-host/VERSION/</c> (a marker file says it is
    /// complete; a staging folder and a rename keep a concurrent run from seeing half of it); returns the folder of the
    /// host's dll. Throws <see cref="InvalidOperationException"/> with tar's own output when it fails.
    /// </summary>
    public static async Task<string> ExtractAsync(string root, CancellationToken cancellationToken = default)
    {
        var target = Path.Combine(root, ".build", "functions-host", HostVersion);
        var dll = Path.Combine(target, "functions-host", "Microsoft.Azure.WebJobs.Script.WebHost.dll");
        var marker = Path.Combine(target, ".extracted");
        if (File.Exists(marker) && File.Exists(dll)) return Path.GetDirectoryName(dll)!;
        var staging = target + ".tmp-" + Environment.ProcessId;
        if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        Directory.CreateDirectory(staging);
        using (var tar = Process.Start(new ProcessStartInfo("tar", ["-xzf", Tarball(root), "-C", staging]) { RedirectStandardError = true })!)
        {
            var error = tar.StandardError.ReadToEndAsync(cancellationToken);
            await tar.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            if (tar.ExitCode != 0) throw new InvalidOperationException((await error.ConfigureAwait(false)).Trim());
        }
        await File.WriteAllTextAsync(Path.Combine(staging, ".extracted"), HostVersion, cancellationToken).ConfigureAwait(false);
        try
        {
            if (Directory.Exists(target)) Directory.Delete(target, recursive: true);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            Directory.Move(staging, target);
        }
        catch (IOException) when (File.Exists(marker)) { Directory.Delete(staging, recursive: true); } // another run extracted it first
        return Path.GetDirectoryName(dll)!;
    }

    /// <summary>
    /// The host's own environment (../shared/functions-host/README.md): the app's folder as script root, dotnet-isolated,
    /// <paramref name="connectionString"/> as <c>AzureWebJobsStorage</c>, Kestrel on 127.0.0.1:<paramref name="port"/>,
    /// the host id (where its keys and locks live in the account), console logging, roll-forward to the installed .NET;
    /// the storage SDK's request log kept at Warning. The app's own settings are added by the caller.
    /// </summary>
    public static Dictionary<string, string> BaseEnvironment(string appDir, string connectionString, int port, string hostId) => new()
    {
        ["DOTNET_ROLL_FORWARD"] = "Major",
        ["AzureWebJobsScriptRoot"] = appDir,
        ["FUNCTIONS_WORKER_RUNTIME"] = "dotnet-isolated",
        ["AzureWebJobsStorage"] = connectionString,
        ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
        ["WEBSITE_HOSTNAME"] = $"localhost:{port}",
        ["AzureFunctionsWebHost__hostid"] = hostId,
        ["AzureFunctionsJobHost__Logging__Console__IsEnabled"] = "true",
        ["Logging__LogLevel__Azure.Core"] = "Warning",
        ["AzureFunctionsJobHost__Logging__LogLevel__Azure.Core"] = "Warning",
    };

    /// <summary>
    /// Starts the host of <paramref name="hostDir"/> with <paramref name="environment"/> (see <see cref="BaseEnvironment"/>;
    /// <c>CONTAINER_NAME</c> removed, else the host behaves as in a Linux container) and waits until it is ready: its keys
    /// are in <paramref name="blobs"/> and <c>admin/host/status</c> answers <c>Running</c>.
    /// </summary>
    /// <param name="onLine">Each line the host prints, as it prints it (kkb dev writes them to a log file).</param>
    /// <param name="retainLog">Keep the whole log in <see cref="Log"/> (the tests read it); otherwise only the tail.</param>
    /// <param name="startLimit">How long the start may take (null: until <paramref name="cancellationToken"/>); the wait
    /// ends at once when the host exits. Throws <see cref="InvalidOperationException"/> (exited) or <see cref="TimeoutException"/>, with the log's tail.</param>
    public static async Task<FunctionsHostProcess> StartAsync(string hostDir, IReadOnlyDictionary<string, string> environment, BlobServiceClient blobs,
        string workingDirectory, Action<string>? onLine = null, bool retainLog = false, TimeSpan? startLimit = null, CancellationToken cancellationToken = default)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            ArgumentList = { Path.Combine(hostDir, "Microsoft.Azure.WebJobs.Script.WebHost.dll") },
        };
        psi.Environment.Remove("CONTAINER_NAME");
        foreach (var (key, value) in environment) psi.Environment[key] = value;
        var urls = environment.TryGetValue("ASPNETCORE_URLS", out var u) ? u : "http://127.0.0.1:80";
        var process = new Process { StartInfo = psi };
        var host = new FunctionsHostProcess(process, new Uri(urls.TrimEnd('/') + "/"), retainLog, onLine);
        process.OutputDataReceived += (_, e) => host.Append(e.Data);
        process.ErrorDataReceived += (_, e) => host.Append(e.Data);
        process.Start();
        host._started = true;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await host.WaitUntilReadyAsync(blobs, environment["AzureFunctionsWebHost__hostid"], startLimit, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await host.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return host;
    }

    private async Task WaitUntilReadyAsync(BlobServiceClient blobs, string hostId, TimeSpan? limit, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var secrets = blobs.GetBlobContainerClient("azure-webjobs-secrets").GetBlobClient($"{hostId}/host.json");
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_process.HasExited) throw new InvalidOperationException($"The Functions host exited ({_process.ExitCode}) while starting:\n{Tail()}");
            if (limit is { } l && watch.Elapsed > l) throw new TimeoutException($"The Functions host did not start within {l}:\n{Tail()}");
            if (JobHostStarted && (await secrets.ExistsAsync(cancellationToken).ConfigureAwait(false)).Value)
            {
                using var doc = JsonDocument.Parse((await secrets.DownloadContentAsync(cancellationToken).ConfigureAwait(false)).Value.Content.ToMemory());
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
                        using var response = await Http.SendAsync(status, cancellationToken).ConfigureAwait(false);
                        if (response.IsSuccessStatusCode && (await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)).Contains("\"Running\"", StringComparison.Ordinal)) return;
                    }
                    catch (HttpRequestException) { }
                }
            }
            await Task.Delay(500, cancellationToken).ConfigureAwait(false);
        }
    }

    private bool JobHostStarted { get { lock (_log) return _jobHostStarted; } }
    private bool _jobHostStarted;

    /// <summary>The Event Grid subscription-validation handshake for one blob-triggered function; returns the host's <c>validationResponse</c>.</summary>
    public async Task<string?> ValidateSubscriptionAsync(string function, string validationCode, CancellationToken cancellationToken = default)
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
        using var response = await PostWebhookAsync(function, "SubscriptionValidation", body, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken).ConfigureAwait(false);
        return answer.TryGetProperty("validationResponse", out var v) ? v.GetString() : null;
    }

    /// <summary>
    /// Posts the <c>Microsoft.Storage.BlobCreated</c> event (Event Grid schema) a storage account's system topic sends for
    /// one blob version to the host's blob webhook for <paramref name="function"/>; the caller disposes the answer.
    /// </summary>
    public Task<HttpResponseMessage> DeliverBlobCreatedAsync(string function, string container, string blobName, Uri url, string? eTag,
        string? contentType, long? contentLength, CancellationToken cancellationToken = default)
    {
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
                ["url"] = url.ToString(),
                ["eTag"] = eTag,
                ["contentType"] = contentType,
                ["contentLength"] = contentLength,
                ["blobType"] = "BlockBlob",
            },
            ["dataVersion"] = "",
            ["metadataVersion"] = "1",
        });
        return PostWebhookAsync(function, "Notification", body, cancellationToken);
    }

    /// <summary>Runs a non-HTTP function now: <c>POST /admin/functions/NAME</c> with the master key (202 when accepted).</summary>
    public async Task<HttpResponseMessage> InvokeAdminAsync(string function, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Address, $"admin/functions/{function}")) { Content = JsonContent.Create(new { input = "" }) };
        request.Headers.Add("x-functions-key", MasterKey);
        return await Http.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    private static string Topic => $"/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/kkb/providers/Microsoft.Storage/storageAccounts/{AzuriteProcess.AccountName}";

    private async Task<HttpResponseMessage> PostWebhookAsync(string function, string eventType, JsonNode body, CancellationToken cancellationToken)
    {
        var uri = new Uri(Address, $"runtime/webhooks/blobs?functionName=Host.Functions.{function}&code={Uri.EscapeDataString(BlobsExtensionKey)}");
        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };
        request.Headers.Add("aeg-event-type", eventType);
        return await Http.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    [GeneratedRegex(@"Executed 'Functions\.(\w+)' \((\w+)")]
    private static partial Regex ExecutedLine();

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_log)
        {
            if (_retainLog) _log.Append(line).Append('\n');
            _tail.Enqueue(line);
            if (_tail.Count > TailLines) _tail.Dequeue();
            if (line.Contains("Job host started", StringComparison.Ordinal)) _jobHostStarted = true;
            if (ExecutedLine().Match(line) is { Success: true } m)
            {
                var key = (m.Groups[1].Value, m.Groups[2].Value);
                _executions[key] = _executions.GetValueOrDefault(key) + 1;
            }
        }
        _onLine?.Invoke(line);
    }

    /// <summary>Stops the host (and its worker) if it still runs.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_started && !_process.HasExited)
        {
            try { _process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            await _process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        }
        _process.Dispose();
        Http.Dispose();
    }
}
