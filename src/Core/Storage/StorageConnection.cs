using Azure.Core;
using Azure.Identity;

namespace KampungKB.Core.Storage;

/// <summary>
/// Where the storage account is and how to authenticate to it, parsed from the forms the Functions host
/// accepts for <c>AzureWebJobsStorage</c>: <c>UseDevelopmentStorage=true</c>, a full connection string, or the
/// identity-based settings (<c>AzureWebJobsStorage__blobServiceUri</c>, <c>__tableServiceUri</c>,
/// <c>__accountName</c>, <c>__credential</c>, <c>__clientId</c>).
/// Exactly one of <see cref="SharedKey"/> and <see cref="TokenCredential"/> is set.
/// </summary>
public sealed class StorageConnection
{
    /// <summary>The emulator's well-known account name.</summary>
    public const string DevelopmentAccountName = "devstoreaccount1";

    /// <summary>The emulator's published, well-known key (not a secret).</summary>
    public const string DevelopmentAccountKey =
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private StorageConnection(Uri blobServiceUri, Uri tableServiceUri, string accountName,
        StorageSharedKeyCredential? sharedKey, TokenCredential? tokenCredential)
    {
        BlobServiceUri = EnsureTrailingSlash(blobServiceUri);
        TableServiceUri = EnsureTrailingSlash(tableServiceUri);
        AccountName = accountName;
        SharedKey = sharedKey;
        TokenCredential = tokenCredential;
    }

    public Uri BlobServiceUri { get; }
    public Uri TableServiceUri { get; }
    public string AccountName { get; }
    public StorageSharedKeyCredential? SharedKey { get; }
    public TokenCredential? TokenCredential { get; }

    /// <summary>Builds a connection from explicit service URIs and an Entra ID credential.</summary>
    public static StorageConnection FromTokenCredential(Uri blobServiceUri, Uri tableServiceUri, TokenCredential credential)
    {
        ArgumentNullException.ThrowIfNull(blobServiceUri);
        ArgumentNullException.ThrowIfNull(tableServiceUri);
        ArgumentNullException.ThrowIfNull(credential);
        return new StorageConnection(blobServiceUri, tableServiceUri, AccountFromHost(blobServiceUri), null, credential);
    }

    /// <summary>
    /// Reads the connection named <paramref name="name"/> from settings (for example
    /// <c>Environment.GetEnvironmentVariable</c> or <c>IConfiguration</c>'s indexer). A plain value is a
    /// connection string; otherwise the <c>name__*</c> identity-based settings are used.
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
                return Parse(plain);
            }
            catch (FormatException ex)
            {
                throw new InvalidOperationException($"Setting '{name}' is not a valid storage connection string: {ex.Message}", ex);
            }
        }

        string? Get(string suffix)
        {
            // Both separators are accepted by the Functions host (':' in JSON configuration, '__' in env vars).
            var value = getSetting($"{name}__{suffix}");
            if (string.IsNullOrWhiteSpace(value)) value = getSetting($"{name}:{suffix}");
            return string.IsNullOrWhiteSpace(value) ? null : value.Trim();
        }

        var accountName = Get("accountName");
        var blobText = Get("blobServiceUri");
        var tableText = Get("tableServiceUri");
        if (accountName is null && blobText is null && tableText is null)
        {
            throw new InvalidOperationException(
                $"Storage is not configured: set '{name}' to a connection string (or UseDevelopmentStorage=true), " +
                $"or set '{name}__blobServiceUri' and '{name}__tableServiceUri' (or '{name}__accountName') for identity-based access.");
        }

        var blobUri = blobText is not null ? ParseUri(blobText, $"{name}__blobServiceUri")
            : accountName is not null ? new Uri($"https://{accountName}.blob.core.windows.net/")
            : throw new InvalidOperationException($"Setting '{name}__blobServiceUri' is missing (or set '{name}__accountName').");
        var tableUri = tableText is not null ? ParseUri(tableText, $"{name}__tableServiceUri")
            : accountName is not null ? new Uri($"https://{accountName}.table.core.windows.net/")
            : throw new InvalidOperationException($"Setting '{name}__tableServiceUri' is missing (or set '{name}__accountName').");

        var credentialKind = Get("credential");
        var clientId = Get("clientId");
        TokenCredential credential;
        if (credentialKind is null)
        {
            credential = clientId is null
                ? new DefaultAzureCredential()
                : new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = clientId });
        }
        else if (credentialKind.Equals("managedidentity", StringComparison.OrdinalIgnoreCase))
        {
            credential = clientId is null
                ? new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned)
                : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId));
        }
        else
        {
            throw new InvalidOperationException(
                $"Setting '{name}__credential' has the unsupported value '{credentialKind}'; the only accepted value is 'managedidentity'.");
        }

        return new StorageConnection(blobUri, tableUri, accountName ?? AccountFromHost(blobUri), null, credential);
    }

    /// <summary>Parses a storage connection string, including <c>UseDevelopmentStorage=true</c>.</summary>
    /// <exception cref="FormatException">Names the bad or missing key.</exception>
    public static StorageConnection Parse(string connectionString)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        var parts = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var segment in connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = segment.IndexOf('=');
            if (eq <= 0) throw new FormatException($"Segment '{Redact(segment)}' is not of the form Key=Value.");
            parts[segment[..eq].Trim()] = segment[(eq + 1)..].Trim();
        }

        if (parts.TryGetValue("UseDevelopmentStorage", out var dev))
        {
            if (!dev.Equals("true", StringComparison.OrdinalIgnoreCase))
                throw new FormatException("Key 'UseDevelopmentStorage' must be 'true' when present.");
            var proxy = parts.TryGetValue("DevelopmentStorageProxyUri", out var p) ? new Uri(p) : new Uri("http://127.0.0.1");
            var hostBase = $"{proxy.Scheme}://{proxy.Host}";
            return new StorageConnection(
                new Uri($"{hostBase}:10000/{DevelopmentAccountName}/"),
                new Uri($"{hostBase}:10002/{DevelopmentAccountName}/"),
                DevelopmentAccountName,
                new StorageSharedKeyCredential(DevelopmentAccountName, DevelopmentAccountKey),
                null);
        }

        if (!parts.TryGetValue("AccountName", out var account) || account.Length == 0)
            throw new FormatException("Key 'AccountName' is missing.");
        if (!parts.TryGetValue("AccountKey", out var key) || key.Length == 0)
            throw new FormatException("Key 'AccountKey' is missing (SAS connection strings are not supported).");
        StorageSharedKeyCredential sharedKey;
        try
        {
            sharedKey = new StorageSharedKeyCredential(account, key);
        }
        catch (ArgumentException)
        {
            throw new FormatException("Key 'AccountKey' is not valid base64.");
        }

        var protocol = parts.TryGetValue("DefaultEndpointsProtocol", out var proto) ? proto.ToLowerInvariant() : "https";
        if (protocol is not ("http" or "https"))
            throw new FormatException($"Key 'DefaultEndpointsProtocol' must be http or https, not '{proto}'.");
        var suffix = parts.TryGetValue("EndpointSuffix", out var s) && s.Length > 0 ? s : "core.windows.net";

        Uri Endpoint(string key, string service)
        {
            if (parts.TryGetValue(key, out var text) && text.Length > 0)
            {
                if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
                    throw new FormatException($"Key '{key}' is not an absolute http(s) URL.");
                return uri;
            }
            return new Uri($"{protocol}://{account}.{service}.{suffix}/");
        }

        return new StorageConnection(Endpoint("BlobEndpoint", "blob"), Endpoint("TableEndpoint", "table"), account, sharedKey, null);
    }

    /// <summary>True when the connection points at a local emulator (path-style URLs on a loopback host).</summary>
    public bool IsLoopback => BlobServiceUri.IsLoopback && TableServiceUri.IsLoopback;

    private static Uri ParseUri(string text, string key)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw new InvalidOperationException($"Setting '{key}' is not an absolute http(s) URL.");
        return uri;
    }

    private static string AccountFromHost(Uri uri)
    {
        // Path-style (emulator): http://127.0.0.1:10000/devstoreaccount1 ; host-style: https://acct.blob.core.windows.net
        if (uri.IsLoopback || System.Net.IPAddress.TryParse(uri.Host, out _))
        {
            var first = uri.AbsolutePath.Trim('/').Split('/')[0];
            return first.Length > 0 ? first : DevelopmentAccountName;
        }
        return uri.Host.Split('.')[0];
    }

    private static Uri EnsureTrailingSlash(Uri uri) =>
        uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");

    private static string Redact(string segment) => segment.Length > 12 ? segment[..12] + "…" : segment;
}
