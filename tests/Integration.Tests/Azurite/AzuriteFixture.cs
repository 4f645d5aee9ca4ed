using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using KampungKB.Cli.Dev;
using KampungKB.Core.Storage;

namespace KampungKB.Integration.Tests.Azurite;

/// <summary>
/// One in-memory Azurite for the whole test run, started on free ports. Without node_modules/azurite the
/// tests return early locally, and the fixture fails when CI=true (conventions point 17).
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private static int s_counter;
    private AzuriteProcess? _azurite;

    internal AzuriteProcess? Process => _azurite;
    public string? UnavailableReason { get; private set; }
    public StorageConnection Connection { get; private set; } = null!;
    public BlobServiceClient Blobs { get; private set; } = null!;
    public QueueServiceClient Queues { get; private set; } = null!;
    public TableServiceClient Tables { get; private set; } = null!;

    /// <summary>At most one retry, with almost no delay.</summary>
    public static void QuickRetry(Azure.Core.RetryOptions retry)
    {
        retry.MaxRetries = 1;
        retry.Delay = TimeSpan.FromMilliseconds(1);
        retry.MaxDelay = TimeSpan.FromMilliseconds(10);
    }

    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public async Task InitializeAsync()
    {
        var root = AzuriteProcess.FindRepositoryRoot();
        if (root is null || !AzuriteProcess.IsInstalled(root))
        {
            UnavailableReason = "Azurite is not installed (run scripts/setup.sh); storage integration tests did not run.";
            if (IsCi) throw new InvalidOperationException(UnavailableReason + " CI=true: failing instead of skipping.");
            return;
        }
        _azurite = await AzuriteProcess.StartAsync(root);
        Connection = StorageConnection.Parse(_azurite.ConnectionString);
        // The SDK clients as production registers them, with one quick retry (an Azurite 500 would otherwise cost seconds).
        var clients = StorageServiceCollectionExtensions.CreateClients(Connection, QuickRetry);
        Blobs = clients.Blobs;
        Queues = clients.Queues;
        Tables = clients.Tables;
    }

    public async Task DisposeAsync()
    {
        if (_azurite is not null) await _azurite.DisposeAsync();
    }

    /// <summary>True when Azurite runs; false (test returns early) locally without it; throws on CI.</summary>
    public bool Require()
    {
        if (_azurite is not null) return true;
        if (IsCi) throw new InvalidOperationException(UnavailableReason ?? "Azurite unavailable on CI.");
        Console.Error.WriteLine("SKIPPED (locally): " + UnavailableReason);
        return false;
    }

    /// <summary>A name unique in this run, valid as both a container and a table name.</summary>
    public static string UniqueName(string prefix) =>
        $"{prefix}{Interlocked.Increment(ref s_counter)}x{Guid.NewGuid():N}"[..Math.Min(40, prefix.Length + 20)].ToLowerInvariant();
}

[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite";
}
