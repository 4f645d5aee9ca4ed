using Azure.Core;

namespace KampungKB.Core.Storage;

/// <summary>
/// Options for <see cref="BlobStorageClient"/> and <see cref="TableStorageClient"/>: retries, transport and
/// the service versions we pin. Pinned versions matter because Azurite refuses versions newer than it knows,
/// and Azure may change defaults between versions; both accept the values below.
/// </summary>
public sealed class StorageClientOptions : ClientOptions
{
    /// <summary>x-ms-version sent to the Blob service. Azurite 3.37 accepts up to 2026-06-06.</summary>
    public const string DefaultBlobServiceVersion = "2025-11-05";

    /// <summary>x-ms-version sent to the Table service (the version Azure.Data.Tables sends).</summary>
    public const string DefaultTableServiceVersion = "2019-02-02";

    public StorageClientOptions()
    {
        Retry.Mode = RetryMode.Exponential;
        Retry.MaxRetries = 3;
        Retry.Delay = TimeSpan.FromSeconds(0.8);
        Retry.MaxDelay = TimeSpan.FromSeconds(10);
        Retry.NetworkTimeout = TimeSpan.FromSeconds(100);
    }

    public string BlobServiceVersion { get; set; } = DefaultBlobServiceVersion;

    public string TableServiceVersion { get; set; } = DefaultTableServiceVersion;

    /// <summary>
    /// How long <see cref="BlobStorageClient.CopyAsync"/> waits for a server-side copy that reports
    /// <c>pending</c> (same-account copies normally complete synchronously).
    /// </summary>
    public TimeSpan CopyCompletionTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Options for tests: at most one retry, with no delay (an Azurite 500 otherwise costs ≈ 23 s).</summary>
    public static StorageClientOptions ForTests(int maxRetries = 1)
    {
        var options = new StorageClientOptions();
        options.Retry.MaxRetries = maxRetries;
        options.Retry.Delay = TimeSpan.FromMilliseconds(1);
        options.Retry.MaxDelay = TimeSpan.FromMilliseconds(10);
        return options;
    }
}
