using KampungKB.Cli.Dev;
using Microsoft.Extensions.DependencyInjection;

namespace KampungKB.Integration.Tests.Functions;

/// <summary>
/// The Functions app as the local runner hosts it (the same <c>AddKampungKB</c> as Program.cs) over the
/// run's Azurite, with this test's own storage-name prefix and receipts table; HTTP on a free port.
/// </summary>
internal sealed class FunctionsHarness : IAsyncDisposable
{
    private FunctionsHarness(LocalFunctionHost host, StorageNames names, BlobTriggerRunner runner, PoisonQueue poison, AzuriteFixture azurite)
    {
        Host = host;
        Names = names;
        Runner = runner;
        Poison = poison;
        Azurite = azurite;
    }

    public LocalFunctionHost Host { get; }
    public StorageNames Names { get; }
    public BlobTriggerRunner Runner { get; }
    /// <summary>Where the runner puts the host's message for a blob it gave up on.</summary>
    public PoisonQueue Poison { get; }
    public AzuriteFixture Azurite { get; }

    /// <summary>The upload links' signing key every test host uses (32 bytes, base64).</summary>
    public static readonly string SigningKey = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());

    public static Dictionary<string, string?> Settings(AzuriteFixture azurite) => Settings(azurite.ConnectionString);

    /// <summary>The app settings a test's host needs, over the storage of <paramref name="connectionString"/>.</summary>
    public static Dictionary<string, string?> Settings(string connectionString) => new()
    {
        ["AzureWebJobsStorage"] = connectionString,
        ["KKB_TEMPLATES"] = Path.Combine(PipelineHarness.Root, "templates"),
        ["Links__SigningKey"] = SigningKey,
    };

    public static async Task<FunctionsHarness> StartAsync(AzuriteFixture azurite, Action<IServiceCollection>? services = null,
        IReadOnlyDictionary<string, string?>? settings = null, int port = 0, string prefix = "f", string poisonQueue = PoisonQueue.Name, StorageNames? names = null)
    {
        names ??= new StorageNames(AzuriteFixture.UniqueName(prefix));
        var values = Settings(azurite);
        foreach (var (k, v) in settings ?? new Dictionary<string, string?>()) values[k] = v;
        var host = await LocalFunctionHost.StartAsync(values, HostOptions.Load(Path.Combine(PipelineHarness.Root, "host.json")), port, s =>
        {
            s.AddSingleton(names);
            services?.Invoke(s);
        });
        var receipts = AzuriteFixture.UniqueName("Receipts").Replace("-", "", StringComparison.Ordinal);
        var poison = PoisonQueue.For(azurite.ConnectionString, poisonQueue);
        var runner = new BlobTriggerRunner(host, azurite.Blobs, azurite.Tables, names, poison, receipts, _ => TimeSpan.FromMilliseconds(20));
        return new FunctionsHarness(host, names, runner, poison, azurite);
    }

    public async Task DropAsync(string container, string name, byte[] content)
    {
        var client = Azurite.Blobs.GetBlobContainerClient(container);
        await client.CreateIfNotExistsAsync();
        await client.GetBlobClient(name).UploadAsync(BinaryData.FromBytes(content));
    }

    public ValueTask DisposeAsync() => Host.DisposeAsync();
}
