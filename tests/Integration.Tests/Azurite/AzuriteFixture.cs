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
    public BlobStorageClient Blobs { get; private set; } = null!;
    public TableStorageClient Tables { get; private set; } = null!;

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
        var options = StorageClientOptions.ForTests();
        Blobs = new BlobStorageClient(Connection, options);
        Tables = new TableStorageClient(Connection, options);
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
