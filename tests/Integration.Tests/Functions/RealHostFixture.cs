using System.Diagnostics;
using System.Net.Http.Json;
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
/// Azurite of its own on free ports, with the app settings infra/main.bicep sets. Extracting, starting and talking to
/// the host is <see cref="FunctionsHostProcess"/>, the piece <c>kkb dev --host real</c> runs too. Without the host's
/// tarball the tests are skipped locally and FAIL when CI=true, as with Azurite.
/// </summary>
public sealed class RealHostFixture : IAsyncLifetime
{
    /// <summary>The host's version, the name of its tarball in ../shared/functions-host/.</summary>
    public const string HostVersion = FunctionsHostProcess.HostVersion;
    /// <summary>The host id (<c>AzureFunctionsWebHost__hostid</c>): where its keys and locks live in the account.</summary>
    public const string HostId = "kkb-realhost-test";

    /// <summary>
    /// How long the host may take to start (index the functions, start the worker, write its keys). Unlike a
    /// build this is a server that never exits on its own, so waiting for ever would hang the run if it hung;
    /// it starts in 10-40 s here, so 10 minutes only fails a host that is really stuck, even on a loaded machine.
    /// The wait ends at once when the host process exits.
    /// </summary>
    private static readonly TimeSpan StartLimit = TimeSpan.FromMinutes(10);

    private AzuriteProcess? _azurite;
    private FunctionsHostProcess? _host;
    private string? _work;

    public string? UnavailableReason { get; private set; }
    public Uri Address => Host.Address;
    public HttpClient Http => Host.Http;
    public BlobServiceClient Blobs { get; private set; } = null!;
    public TableServiceClient Tables { get; private set; } = null!;
    public QueueServiceClient Queues { get; private set; } = null!;
    public string ConnectionString => _azurite!.ConnectionString;
    /// <summary>The folder the host's app writes its .eml mails to (Mail__Mode=Outbox).</summary>
    public string Outbox { get; private set; } = null!;
    public string MasterKey => Host.MasterKey;
    public string BlobsExtensionKey => Host.BlobsExtensionKey;
    public PublishedPackage Package { get; private set; } = null!;
    /// <summary>The running host (the shared piece of src/Cli/Dev).</summary>
    internal FunctionsHostProcess Host => _host ?? throw new InvalidOperationException("the host is not running");

    /// <summary>Everything the host printed so far (its console log, the worker's output included).</summary>
    public string Log => Host.Log;

    /// <summary>The host's tarball: <c>../shared/functions-host/functions-host-VERSION.tar.gz</c> beside the checkout.</summary>
    public static string Tarball => FunctionsHostProcess.Tarball(RepositoryFiles.Root);

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
        var hostDir = await FunctionsHostProcess.ExtractAsync(root);
        Package = await PublishedPackage.SharedAsync();
        if (!Package.Succeeded) throw new InvalidOperationException($"./kkb publish failed (exit {Package.ExitCode}):\n{Package.Output}");

        _azurite = await AzuriteProcess.StartAsync(root, startTimeout: TimeSpan.FromMinutes(2));
        var clients = StorageServiceCollectionExtensions.CreateClients(StorageConnection.Parse(_azurite.ConnectionString), AzuriteFixture.QuickRetry);
        (Blobs, Tables, Queues) = (clients.Blobs, clients.Tables, clients.Queues);

        _work = Directory.CreateTempSubdirectory("kkb-realhost-").FullName;
        Outbox = Path.Combine(_work, "outbox");
        _host = await FunctionsHostProcess.StartAsync(hostDir, HostEnvironment(Loopback.FreePort()), Blobs, _work, retainLog: true, startLimit: StartLimit);
    }

    /// <summary>
    /// The host's environment (<see cref="FunctionsHostProcess.BaseEnvironment"/>) plus the app settings the app
    /// requires, named as infra/main.bicep names them (<c>Schedules__…</c>, <c>Links__…</c>, <c>Mail__…</c>).
    /// </summary>
    private Dictionary<string, string> HostEnvironment(int port)
    {
        var environment = FunctionsHostProcess.BaseEnvironment(Package.AppDir, _azurite!.ConnectionString, port, HostId);
        environment["Links__SigningKey"] = FunctionsHarness.SigningKey;
        environment["Links__BaseUrl"] = $"http://127.0.0.1:{port}";
        environment["Mail__Mode"] = "Outbox";
        environment["Mail__OutboxDirectory"] = Outbox;
        foreach (var (key, cron) in AppSettings.DefaultSchedules) environment[key] = cron;
        return environment;
    }

    /// <summary>Locally throws <see cref="SkipException"/> when the host (or Azurite) is absent; on CI fails.</summary>
    public void Require()
    {
        if (UnavailableReason is null) return;
        if (AzuriteFixture.IsCi) throw new InvalidOperationException(UnavailableReason + " CI=true: failing instead of skipping.");
        throw new SkipException(UnavailableReason);
    }

    /// <summary>The Event Grid subscription-validation handshake for one blob-triggered function; returns the host's answer's <c>validationResponse</c>.</summary>
    public Task<string?> ValidateSubscriptionAsync(string function, string validationCode) => Host.ValidateSubscriptionAsync(function, validationCode);

    /// <summary>Posts the <c>Microsoft.Storage.BlobCreated</c> event Event Grid would send for <paramref name="container"/>/<paramref name="blobName"/>.</summary>
    public async Task<HttpResponseMessage> DeliverBlobCreatedAsync(string function, string container, string blobName)
    {
        var blob = Blobs.GetBlobContainerClient(container).GetBlobClient(blobName);
        var properties = (await blob.GetPropertiesAsync()).Value;
        return await Host.DeliverBlobCreatedAsync(function, container, blobName, blob.Uri, properties.ETag.ToString(), properties.ContentType, properties.ContentLength);
    }

    /// <summary>Runs a non-HTTP function now: <c>POST /admin/functions/NAME</c> with the master key.</summary>
    public Task<HttpResponseMessage> InvokeAdminAsync(string function) => Host.InvokeAdminAsync(function);

    /// <summary>Number of host log lines that say <paramref name="function"/> finished with <paramref name="result"/> (Succeeded, Failed).</summary>
    public int Executions(string function, string result) => Host.Executions(function, result);

    /// <summary>Waits until <paramref name="done"/> holds, polling every half second; gives up after <paramref name="limit"/> with the host's log tail.</summary>
    public async Task WaitForAsync(Func<Task<bool>> done, string what, TimeSpan limit)
    {
        var watch = Stopwatch.StartNew();
        while (!await done())
        {
            if (Host.HasExited) throw new InvalidOperationException($"The Functions host exited ({Host.ExitCode}) while waiting for {what}:\n{Tail()}");
            if (watch.Elapsed > limit) throw new TimeoutException($"Waited {limit} for {what}:\n{Tail()}");
            await Task.Delay(500);
        }
    }

    public string Tail(int lines = 80) => Host.Tail(lines);

    public async Task DisposeAsync()
    {
        if (_host is not null) await _host.DisposeAsync();
        if (_azurite is not null) await _azurite.DisposeAsync();
        if (_work is not null) try { Directory.Delete(_work, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

[CollectionDefinition(Name)]
public sealed class RealHostCollection : ICollectionFixture<RealHostFixture>
{
    public const string Name = "Real Functions host";
}
