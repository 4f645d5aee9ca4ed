using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;

namespace KampungKB.Core.Store;

/// <summary>
/// Where the storage account is and how to authenticate to it, read from the forms the Functions host
/// accepts for <c>AzureWebJobsStorage</c>: a connection string (including <c>UseDevelopmentStorage=true</c>),
/// or the identity-based settings <c>AzureWebJobsStorage__blobServiceUri</c>, <c>__queueServiceUri</c>,
/// <c>__tableServiceUri</c>, <c>__accountName</c>, <c>__credential</c> (<c>managedidentity</c>) and
/// <c>__clientId</c>. Exactly one of <see cref="ConnectionString"/> and <see cref="Credential"/> is set.
/// The SDK clients themselves are registered by <see cref="StorageServiceCollectionExtensions.AddKampungKBStorage(Microsoft.Extensions.DependencyInjection.IServiceCollection, Microsoft.Extensions.Configuration.IConfiguration)"/>.
/// </summary>
public sealed class StorageConnection
{
    /// <summary>The emulator's well-known account name.</summary>
    public const string DevelopmentAccountName = "devstoreaccount1";

    /// <summary>The emulator's published, well-known key (not a secret).</summary>
    public const string DevelopmentAccountKey =
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private StorageConnection(Uri blob, Uri queue, Uri table, string? connectionString, TokenCredential? credential)
    {
        BlobServiceUri = blob;
        QueueServiceUri = queue;
        TableServiceUri = table;
        ConnectionString = connectionString;
        Credential = credential;
    }

    public Uri BlobServiceUri { get; }
    public Uri QueueServiceUri { get; }
    public Uri TableServiceUri { get; }

    /// <summary>The connection string (Shared Key or emulator); null for identity-based access.</summary>
    public string? ConnectionString { get; }

    /// <summary>The Entra ID credential for identity-based access; null with a connection string.</summary>
    public TokenCredential? Credential { get; }

    /// <summary>True when the account is a local emulator (loopback endpoints).</summary>
    public bool IsLoopback => BlobServiceUri.IsLoopback && TableServiceUri.IsLoopback;

    /// <summary>
    /// A connection from a connection string. The SDK parses it; the endpoints are read back from the clients
    /// it would build (no request is sent).
    /// </summary>
    /// <exception cref="FormatException">The string is not a storage connection string the SDK accepts.</exception>
    public static StorageConnection Parse(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        try
        {
            return new StorageConnection(
                new BlobServiceClient(connectionString).Uri,
                new QueueServiceClient(connectionString).Uri,
                new TableServiceClient(connectionString).Uri,
                connectionString, null);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            throw new FormatException(e.Message, e);
        }
    }

    /// <summary>A connection to explicit endpoints with an Entra ID credential (identity-based access).</summary>
    public static StorageConnection FromCredential(Uri blobServiceUri, Uri queueServiceUri, Uri tableServiceUri, TokenCredential credential)
    {
        ArgumentNullException.ThrowIfNull(blobServiceUri);
        ArgumentNullException.ThrowIfNull(queueServiceUri);
        ArgumentNullException.ThrowIfNull(tableServiceUri);
        ArgumentNullException.ThrowIfNull(credential);
        return new StorageConnection(blobServiceUri, queueServiceUri, tableServiceUri, null, credential);
    }

    /// <summary>
    /// Reads the connection named <paramref name="name"/> from settings (for example
    /// <c>Environment.GetEnvironmentVariable</c> or <c>IConfiguration</c>'s indexer). A plain value is a
    /// connection string; otherwise the <c>name__*</c> identity-based settings are used (as the Functions
    /// host reads them; <c>name:*</c> is accepted too). A service URI that is not given is derived from
    /// <c>__accountName</c> (<c>https://{account}.{blob|queue|table}.core.windows.net</c>).
    /// </summary>
    /// <exception cref="InvalidOperationException">Names the missing or bad setting.</exception>
    public static StorageConnection FromConfiguration(Func<string, string?> getSetting, string name = "AzureWebJobsStorage")
    {
        ArgumentNullException.ThrowIfNull(getSetting);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);

        var plain = getSetting(name);
        if (!string.IsNullOrWhiteSpace(plain))
        {
            try
            {
                return Parse(plain.Trim());
            }
            catch (FormatException ex)
            {
                throw new InvalidOperationException($"Setting '{name}' is not a valid storage connection string: {ex.Message}", ex);
            }
        }

        string? Get(string suffix)
        {
            var value = getSetting($"{name}__{suffix}");
            if (string.IsNullOrWhiteSpace(value)) value = getSetting($"{name}:{suffix}");
            return string.IsNullOrWhiteSpace(value) ? null : value.Trim();
        }

        var accountName = Get("accountName");
        var blobText = Get("blobServiceUri");
        var queueText = Get("queueServiceUri");
        var tableText = Get("tableServiceUri");
        if (accountName is null && blobText is null && queueText is null && tableText is null)
        {
            throw new InvalidOperationException(
                $"Storage is not configured: set '{name}' to a connection string (or UseDevelopmentStorage=true), " +
                $"or set '{name}__blobServiceUri', '{name}__queueServiceUri' and '{name}__tableServiceUri' (or '{name}__accountName') for identity-based access.");
        }

        // A blob endpoint of the standard form https://ACCOUNT.blob.SUFFIX/ names the account's other endpoints
        // (https://ACCOUNT.queue.SUFFIX/, https://ACCOUNT.table.SUFFIX/), as Azure assigns them; others must be set.
        Uri? FromBlob(string service)
        {
            if (blobText is null || !Uri.TryCreate(blobText, UriKind.Absolute, out var blob)) return null;
            var labels = blob.Host.Split('.');
            if (labels.Length < 3 || labels[1] != "blob" || blob.AbsolutePath.Trim('/').Length > 0) return null;
            labels[1] = service;
            return new UriBuilder(blob) { Host = string.Join('.', labels), Path = "/" }.Uri;
        }

        Uri Endpoint(string? text, string key, string service) =>
            text is not null ? ParseUri(text, $"{name}__{key}")
            : accountName is not null ? new Uri($"https://{accountName}.{service}.core.windows.net/")
            : FromBlob(service) ?? throw new InvalidOperationException($"Setting '{name}__{key}' is missing (or set '{name}__accountName').");

        var blob = Endpoint(blobText, "blobServiceUri", "blob");
        var queue = Endpoint(queueText, "queueServiceUri", "queue");
        var table = Endpoint(tableText, "tableServiceUri", "table");
        return new StorageConnection(blob, queue, table, null, CreateCredential(Get("credential"), Get("clientId"), name));
    }

    /// <summary>
    /// The credential the Functions host builds for these settings: <c>managedidentity</c> (system-assigned,
    /// or user-assigned by <c>__clientId</c>); without <c>__credential</c>, <see cref="DefaultAzureCredential"/>.
    /// </summary>
    private static TokenCredential CreateCredential(string? kind, string? clientId, string name)
    {
        if (kind is null)
        {
            return clientId is null
                ? new DefaultAzureCredential()
                : new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = clientId });
        }
        if (kind.Equals("managedidentity", StringComparison.OrdinalIgnoreCase))
        {
            return clientId is null
                ? new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned)
                : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId));
        }
        throw new InvalidOperationException(
            $"Setting '{name}__credential' has the unsupported value '{kind}'; the only accepted value is 'managedidentity'.");
    }

    private static Uri ParseUri(string text, string key)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw new InvalidOperationException($"Setting '{key}' is not an absolute http(s) URL.");
        return uri;
    }
}
