using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using KampungKB.Cli.Dev;

namespace KampungKB.Integration.Tests.Azurite;

/// <summary>
/// One in-memory Azurite for the whole test run, started on free ports. Without node_modules/azurite the
/// tests are reported SKIPPED locally and FAIL when CI=true (conventions point 17); never counted as passed:
/// the first touch of <see cref="Connection"/>, <see cref="ConnectionString"/>, <see cref="Blobs"/>, <see cref="Queues"/> or <see cref="Tables"/>
/// throws <see cref="SkipException"/> (Xunit.SkippableFact: every storage test is a
/// <c>[SkippableFact]</c>/<c>[SkippableTheory]</c>), and under CI=true the fixture itself fails, so a test needs no
/// guard of its own. <c>KKB_AZURITE_ROOT</c> points the fixture at another repository root (tests of this rule).
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private static int s_counter;
    private AzuriteProcess? _azurite;
    private readonly string? _root;
    private readonly bool _ci;

    public AzuriteFixture() : this(Environment.GetEnvironmentVariable(RootVariable) is { Length: > 0 } r ? r : null, IsCi) { }

    /// <summary>For tests of the skip rule: <paramref name="root"/> to look for Azurite in, <paramref name="ci"/> as if CI=true.</summary>
    internal AzuriteFixture(string? root, bool ci) { _root = root; _ci = ci; }

    internal AzuriteProcess? Process => _azurite;
    public string? UnavailableReason { get; private set; }
    private StorageConnection? _connection;
    private BlobServiceClient? _blobs;
    private QueueServiceClient? _queues;
    private TableServiceClient? _tables;

    /// <summary>The running Azurite's connection; without Azurite, see <see cref="Require"/>.</summary>
    public StorageConnection Connection { get { Require(); return _connection!; } }
    /// <summary>The SDK clients as production registers them; without Azurite, see <see cref="Require"/>.</summary>
    public BlobServiceClient Blobs { get { Require(); return _blobs!; } }
    public QueueServiceClient Queues { get { Require(); return _queues!; } }
    public TableServiceClient Tables { get { Require(); return _tables!; } }
    /// <summary>The running Azurite's connection string (for app settings and the queue client); without Azurite, see <see cref="Require"/>.</summary>
    public string ConnectionString { get { Require(); return _azurite!.ConnectionString; } }

    /// <summary>At most one retry, with almost no delay.</summary>
    public static void QuickRetry(Azure.Core.RetryOptions retry)
    {
        retry.MaxRetries = 1;
        retry.Delay = TimeSpan.FromMilliseconds(1);
        retry.MaxDelay = TimeSpan.FromMilliseconds(10);
    }

    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Overrides where node_modules/azurite is looked for (a directory without it makes Azurite "absent").</summary>
    public const string RootVariable = "KKB_AZURITE_ROOT";

    public async Task InitializeAsync()
    {
        var root = _root ?? AzuriteProcess.FindRepositoryRoot();
        if (root is null || !AzuriteProcess.IsInstalled(root))
        {
            UnavailableReason = "Azurite is not installed (run scripts/setup.sh); storage integration tests did not run.";
            if (_ci) throw new InvalidOperationException(UnavailableReason + " CI=true: failing instead of skipping.");
            return;
        }
        _azurite = await AzuriteProcess.StartAsync(root, startTimeout: TimeSpan.FromMinutes(2)); // 30 s is not enough on a loaded 2-core machine
        _connection = StorageConnection.Parse(_azurite.ConnectionString);
        // The SDK clients as production registers them, with one quick retry (an Azurite 500 would otherwise cost seconds).
        var clients = StorageServiceCollectionExtensions.CreateClients(_connection, QuickRetry);
        _blobs = clients.Blobs;
        _queues = clients.Queues;
        _tables = clients.Tables;
    }

    public async Task DisposeAsync()
    {
        if (_azurite is not null) await _azurite.DisposeAsync();
    }

    /// <summary>
    /// Returns when Azurite runs. Without it: locally throws <see cref="SkipException"/> (the test is reported
    /// skipped, so it must be a <c>[SkippableFact]</c>; a plain <c>[Fact]</c> fails, it never passes), and on
    /// CI throws <see cref="InvalidOperationException"/> (the test fails). Every client property calls it; a test
    /// calls it itself only when it needs Azurite's presence without touching this instance (e.g. it starts its own).
    /// </summary>
    public void Require()
    {
        if (_azurite is not null) return;
        var reason = UnavailableReason ?? "Azurite unavailable.";
        if (_ci) throw new InvalidOperationException(reason + " CI=true: failing instead of skipping.");
        throw new SkipException(reason);
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
