using KampungKB.Core.Uploads;
using KampungKB.Core.Registry;
using KampungKB.Core.Uploads.Feedback;
using KampungKB.Core.Store;
using System.Net.Sockets;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using KampungKB.Functions;

namespace KampungKB.Cli.Dev;

/// <summary>
/// Where the operator's commands find storage: <c>AzureWebJobsStorage</c> when it is set (a real
/// account), else the local Azurite that <c>kkb dev</c> uses (127.0.0.1:10000–10002, data in
/// <c>.kkb/azurite</c>), started here when it is not already running and stopped when we started it.
/// </summary>
internal sealed class LocalEnvironment : IAsyncDisposable
{
    public static readonly (int Blob, int Queue, int Table) DevPorts = (10000, 10001, 10002);

    private readonly AzuriteProcess? _azurite;
    private LocalFunctionHost? _functions;

    private LocalEnvironment(string root, string? connectionString, StorageConnection connection, AzuriteProcess? azurite, string source)
    {
        Root = root;
        ConnectionString = connectionString;
        _azurite = azurite;
        Source = source;
        Connection = connection;
        var clients = StorageServiceCollectionExtensions.CreateClients(connection);
        Blobs = clients.Blobs;
        Queues = clients.Queues;
        Tables = clients.Tables;
    }

    public string Root { get; }
    /// <summary>The connection string, or null for an identity-based account (AzureWebJobsStorage__blobServiceUri …).</summary>
    public string? ConnectionString { get; }
    public StorageConnection Connection { get; }
    public BlobServiceClient Blobs { get; }
    public QueueServiceClient Queues { get; }
    public TableServiceClient Tables { get; }
    /// <summary>The table repositories over <see cref="Tables"/> under <see cref="StorageNames.Default"/>, built once.</summary>
    public Stores Stores => _stores ??= new Stores(Tables, StorageNames.Default);
    private Stores? _stores;
    /// <summary>True for the local Azurite (ephemeral or <c>.kkb/azurite</c>), false for <c>AzureWebJobsStorage</c>.</summary>
    public bool IsLocal { get; private init; }
    /// <summary>True when this command started Azurite itself (so no <c>kkb dev</c> is running).</summary>
    public bool StartedAzurite => _azurite is not null;

    /// <summary>Whether a <c>kkb dev</c> (its HTTP functions on 127.0.0.1:7071) is running and will pick up new blobs.</summary>
    public static Task<bool> DevRunnerAnswersAsync() => AnswersAsync(LocalFunctionHost.DevPort);

    /// <summary>Human-readable: which storage this is.</summary>
    public string Source { get; }

    public static string RepositoryRoot =>
        Environment.GetEnvironmentVariable("KKB_ROOT") is { Length: > 0 } root ? root
        : AzuriteProcess.FindRepositoryRoot() ?? Directory.GetCurrentDirectory();

    public static string TemplatesDirectory =>
        Directory.Exists(Path.Combine(RepositoryRoot, "templates")) ? Path.Combine(RepositoryRoot, "templates")
        : Path.Combine(AppContext.BaseDirectory, "templates");

    /// <param name="ephemeral">A throw-away in-memory Azurite on free ports (the demo), whatever is configured.</param>
    public static async Task<LocalEnvironment> OpenAsync(bool ephemeral = false, CancellationToken cancellationToken = default)
    {
        var root = RepositoryRoot;
        if (!ephemeral && Environment.GetEnvironmentVariable("AzureWebJobsStorage") is { Length: > 0 } configured)
        {
            StorageConnection parsed;
            try { parsed = StorageConnection.Parse(configured); }
            catch (Exception e) when (e is InvalidOperationException or FormatException or ArgumentException)
            {
                throw new InvalidOperationException(KampungKB.Cli.Commands.CliTexts.Default.T("storage.connection_invalid"), e);
            }
            return new LocalEnvironment(root, configured, parsed, null, "AzureWebJobsStorage");
        }
        if (!ephemeral && Environment.GetEnvironmentVariable("AzureWebJobsStorage__blobServiceUri") is { Length: > 0 })
        {
            StorageConnection identity;
            try { identity = StorageConnection.FromConfiguration(Environment.GetEnvironmentVariable); }
            catch (Exception e) when (e is InvalidOperationException or FormatException or ArgumentException)
            {
                // The setting's own message is English; the operator gets what to set, in Indonesian.
                throw new InvalidOperationException(KampungKB.Cli.Commands.CliTexts.Default.T("storage.identity_incomplete"), e);
            }
            return new LocalEnvironment(root, null, identity, null, KampungKB.Cli.Commands.CliTexts.Default.T("storage.source.identity"));
        }
        if (!AzuriteProcess.IsInstalled(root))
            throw new InvalidOperationException(KampungKB.Cli.Commands.CliTexts.Default.T("storage.azurite_missing"));
        if (ephemeral)
        {
            var temp = await AzuriteProcess.StartAsync(root, cancellationToken: cancellationToken);
            return new LocalEnvironment(root, temp.ConnectionString, StorageConnection.Parse(temp.ConnectionString), temp, KampungKB.Cli.Commands.CliTexts.Default.T("storage.source.temporary", ("port", temp.BlobPort.ToString(System.Globalization.CultureInfo.InvariantCulture)))) { IsLocal = true };
        }
        var dev = DevConnectionString();
        if (await AnswersAsync(DevPorts.Blob) && await AnswersAsync(DevPorts.Queue) && await AnswersAsync(DevPorts.Table))
            return new LocalEnvironment(root, dev, StorageConnection.Parse(dev), null, KampungKB.Cli.Commands.CliTexts.Default.T("storage.source.running")) { IsLocal = true };
        var azurite = await AzuriteProcess.StartAsync(root, Path.Combine(root, ".kkb", "azurite"), cancellationToken: cancellationToken, ports: DevPorts);
        return new LocalEnvironment(root, dev, StorageConnection.Parse(dev), azurite, KampungKB.Cli.Commands.CliTexts.Default.T("storage.source.dev")) { IsLocal = true };
    }

    /// <summary>
    /// The storage already there, without starting anything: the configured account, else a local Azurite
    /// that answers on the dev ports; null when there is none (a dry run needs no storage).
    /// </summary>
    public static async Task<LocalEnvironment?> OpenExistingAsync()
    {
        if (Environment.GetEnvironmentVariable("AzureWebJobsStorage") is { Length: > 0 }
            || Environment.GetEnvironmentVariable("AzureWebJobsStorage__blobServiceUri") is { Length: > 0 })
            return await OpenAsync();
        if (await AnswersAsync(DevPorts.Table) && await AnswersAsync(DevPorts.Blob))
        {
            var dev = DevConnectionString();
            return new LocalEnvironment(RepositoryRoot, dev, StorageConnection.Parse(dev), null, KampungKB.Cli.Commands.CliTexts.Default.T("storage.source.running"));
        }
        return null;
    }

    /// <summary>
    /// Starts the Functions app in this process through the local runner's host, wired by
    /// <c>AddKampungKB</c> over this storage. HTTP functions answer on <paramref name="port"/> (0: a free one).
    /// </summary>
    /// <param name="settings">Extra app settings (the demo's outbox and regency settings).</param>
    /// <param name="app">Another function app's assembly (the start benchmark's empty app); default KampungKB.Functions.</param>
    public async Task<LocalFunctionHost> StartFunctionsAsync(IReadOnlyDictionary<string, string?>? settings = null, int port = 0,
        System.Reflection.Assembly? app = null, CancellationToken cancellationToken = default)
    {
        var values = new Dictionary<string, string?>
        {
            ["KKB_TEMPLATES"] = TemplatesDirectory,
            ["Links__SigningKey"] = LocalLinkKey.Resolve(Root),
            ["Links__BaseUrl"] = Environment.GetEnvironmentVariable("Links__BaseUrl") is { Length: > 0 } b ? b : $"http://127.0.0.1:{LocalFunctionHost.DevPort}",
        };
        // The timers' schedules, as infra/main.bicep sets them: the host (and so the runner) has no default.
        foreach (var (key, cron) in AppSettings.DefaultSchedules)
            if (Environment.GetEnvironmentVariable(key) is null) values[key] = cron;
        if (ConnectionString is not null) values["AzureWebJobsStorage"] = ConnectionString;
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) values[key] = value;
        _functions = await LocalFunctionHost.StartAsync(values, HostOptions.Load(Path.Combine(Root, "host.json")), port, app: app, cancellationToken: cancellationToken);
        return _functions;
    }

    /// <summary>The runner for blob triggers over this storage, its poison messages on the account's <c>webjobs-blobtrigger-poison</c>.</summary>
    public BlobTriggerRunner Runner(LocalFunctionHost functions) =>
        new(functions, Blobs, Tables, StorageNames.Default, PoisonQueue.For(this));

    public async ValueTask DisposeAsync()
    {
        if (_functions is not null) await _functions.DisposeAsync();
        if (_azurite is not null) await _azurite.DisposeAsync();
    }

    private static string DevConnectionString() =>
        $"DefaultEndpointsProtocol=http;AccountName={StorageConnection.DevelopmentAccountName};AccountKey={StorageConnection.DevelopmentAccountKey};" +
        $"BlobEndpoint=http://127.0.0.1:{DevPorts.Blob}/{StorageConnection.DevelopmentAccountName};" +
        $"QueueEndpoint=http://127.0.0.1:{DevPorts.Queue}/{StorageConnection.DevelopmentAccountName};" +
        $"TableEndpoint=http://127.0.0.1:{DevPorts.Table}/{StorageConnection.DevelopmentAccountName};";

    private static async Task<bool> AnswersAsync(int port)
    {
        using var client = new TcpClient();
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
            await client.ConnectAsync("127.0.0.1", port, cts.Token);
            return true;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException) { return false; }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
