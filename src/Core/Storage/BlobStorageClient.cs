using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace KampungKB.Core.Storage;

/// <summary>
/// A small Blob service client on Azure.Core's <see cref="HttpPipeline"/> (the registry here lacks
/// Azure.Storage.Blobs). Thread-safe: create one per process and share it.
/// </summary>
public sealed class BlobStorageClient : IBlobStore
{
    private const int MaxBlobNameLength = 1024;
    private readonly HttpPipeline _pipeline;
    private readonly StorageClientOptions _options;

    public BlobStorageClient(StorageConnection connection, StorageClientOptions? options = null)
        : this(Check(connection).BlobServiceUri, connection.SharedKey, connection.TokenCredential, options)
    {
    }

    public BlobStorageClient(Uri serviceUri, StorageSharedKeyCredential credential, StorageClientOptions? options = null)
        : this(serviceUri, credential ?? throw new ArgumentNullException(nameof(credential)), null, options)
    {
    }

    public BlobStorageClient(Uri serviceUri, TokenCredential credential, StorageClientOptions? options = null)
        : this(serviceUri, null, credential ?? throw new ArgumentNullException(nameof(credential)), options)
    {
    }

    private BlobStorageClient(Uri serviceUri, StorageSharedKeyCredential? sharedKey, TokenCredential? token, StorageClientOptions? options)
    {
        ArgumentNullException.ThrowIfNull(serviceUri);
        ServiceUri = serviceUri.AbsoluteUri.EndsWith('/') ? serviceUri : new Uri(serviceUri.AbsoluteUri + "/");
        _options = options ?? new StorageClientOptions();
        _pipeline = StoragePipeline.Build(_options, sharedKey, token, table: false);
    }

    public Uri ServiceUri { get; }

    /// <summary>The URL of a blob, each name segment percent-encoded (names may contain '/' and Unicode).</summary>
    public Uri GetBlobUri(string container, string blobName)
    {
        ValidateContainer(container);
        ValidateBlobName(blobName);
        var path = string.Join('/', blobName.Split('/').Select(Uri.EscapeDataString));
        return new Uri(ServiceUri, container + "/" + path);
    }

    public async Task<bool> CreateContainerIfNotExistsAsync(string container, CancellationToken cancellationToken = default)
    {
        ValidateContainer(container);
        using var message = CreateMessage(RequestMethod.Put, new Uri(ServiceUri, container + "?restype=container"));
        var response = await StoragePipeline.SendAsync(_pipeline, message, cancellationToken).ConfigureAwait(false);
        return response.Status switch
        {
            201 => true,
            409 => false,
            _ => throw await StoragePipeline.FailAsync(response, cancellationToken).ConfigureAwait(false),
        };
    }

    public async Task<bool> DeleteContainerAsync(string container, CancellationToken cancellationToken = default)
    {
        ValidateContainer(container);
        using var message = CreateMessage(RequestMethod.Delete, new Uri(ServiceUri, container + "?restype=container"));
        var response = await StoragePipeline.SendAsync(_pipeline, message, cancellationToken).ConfigureAwait(false);
        return response.Status switch
        {
            202 => true,
            404 => false,
            _ => throw await StoragePipeline.FailAsync(response, cancellationToken).ConfigureAwait(false),
        };
    }

    public Task<ETag> PutAsync(string container, string blobName, BinaryData content, BlobPutOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        return PutCoreAsync(container, blobName, RequestContent.Create(content), options, cancellationToken);
    }

    public async Task<ETag> PutAsync(string container, string blobName, Stream content, BlobPutOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        // Put Blob needs a Content-Length and a retry needs to rewind: buffer streams that cannot seek.
        if (!content.CanSeek)
        {
            var buffer = new MemoryStream();
            await content.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
            buffer.Position = 0;
            content = buffer;
        }
        return await PutCoreAsync(container, blobName, RequestContent.Create(content), options, cancellationToken).ConfigureAwait(false);
    }

    private async Task<ETag> PutCoreAsync(string container, string blobName, RequestContent content, BlobPutOptions? options, CancellationToken cancellationToken)
    {
        var uri = GetBlobUri(container, blobName);
        using var message = CreateMessage(RequestMethod.Put, uri);
        var request = message.Request;
        request.Headers.SetValue("x-ms-blob-type", "BlockBlob");
        request.Headers.SetValue("Content-Type", options?.ContentType ?? "application/octet-stream");
        AddMetadata(request, options?.Metadata);
        AddConditions(request, options?.Conditions);
        request.Content = content;
        var response = await StoragePipeline.SendAsync(_pipeline, message, cancellationToken).ConfigureAwait(false);
        if (response.Status != 201) throw await StoragePipeline.FailAsync(response, cancellationToken).ConfigureAwait(false);
        return StoragePipeline.ReadETag(response);
    }

    public async Task<BlobDownloadResult?> GetAsync(string container, string blobName, CancellationToken cancellationToken = default)
    {
        var buffer = new MemoryStream();
        var properties = await DownloadToAsync(container, blobName, buffer, cancellationToken).ConfigureAwait(false);
        if (properties is null) return null;
        return new BlobDownloadResult { Properties = properties, Content = new BinaryData(buffer.GetBuffer().AsMemory(0, (int)buffer.Length)) };
    }

    public async Task<BlobProperties?> DownloadToAsync(string container, string blobName, Stream destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        using var message = CreateMessage(RequestMethod.Get, GetBlobUri(container, blobName));
        message.BufferResponse = false;
        var response = await StoragePipeline.SendAsync(_pipeline, message, cancellationToken).ConfigureAwait(false);
        if (response.Status == 404) return null;
        if (response.Status != 200) throw await StoragePipeline.FailAsync(response, cancellationToken).ConfigureAwait(false);
        if (response.ContentStream is { } body)
        {
            await body.CopyToAsync(destination, cancellationToken).ConfigureAwait(false);
        }
        return ReadProperties(container, blobName, response);
    }

    public async Task<BlobProperties?> GetPropertiesAsync(string container, string blobName, CancellationToken cancellationToken = default)
    {
        using var message = CreateMessage(RequestMethod.Head, GetBlobUri(container, blobName));
        var response = await StoragePipeline.SendAsync(_pipeline, message, cancellationToken).ConfigureAwait(false);
        if (response.Status == 404) return null;
        if (response.Status != 200) throw await StoragePipeline.FailAsync(response, cancellationToken).ConfigureAwait(false);
        return ReadProperties(container, blobName, response);
    }

    public async Task<ETag> SetMetadataAsync(string container, string blobName, IDictionary<string, string> metadata, ETag? ifMatch = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        var uri = GetBlobUri(container, blobName);
        using var message = CreateMessage(RequestMethod.Put, new Uri(uri.AbsoluteUri + "?comp=metadata"));
        AddMetadata(message.Request, metadata);
        AddConditions(message.Request, ifMatch is { } etag ? new MatchConditions { IfMatch = etag } : null);
        var response = await StoragePipeline.SendAsync(_pipeline, message, cancellationToken).ConfigureAwait(false);
        if (response.Status != 200) throw await StoragePipeline.FailAsync(response, cancellationToken).ConfigureAwait(false);
        return StoragePipeline.ReadETag(response);
    }

    public async IAsyncEnumerable<BlobProperties> ListAsync(string container, string? prefix = null, bool includeMetadata = false,
        int? pageSize = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ValidateContainer(container);
        if (pageSize is < 1 or > 5000) throw new ArgumentOutOfRangeException(nameof(pageSize), "Page size must be between 1 and 5000.");
        string? marker = null;
        do
        {
            var query = new StringBuilder("?restype=container&comp=list");
            if (!string.IsNullOrEmpty(prefix)) query.Append("&prefix=").Append(Uri.EscapeDataString(prefix));
            if (marker is not null) query.Append("&marker=").Append(Uri.EscapeDataString(marker));
            if (pageSize is { } size) query.Append("&maxresults=").Append(size.ToString(CultureInfo.InvariantCulture));
            if (includeMetadata) query.Append("&include=metadata");

            using var message = CreateMessage(RequestMethod.Get, new Uri(ServiceUri, container + query));
            var response = await StoragePipeline.SendAsync(_pipeline, message, cancellationToken).ConfigureAwait(false);
            if (response.Status != 200) throw await StoragePipeline.FailAsync(response, cancellationToken).ConfigureAwait(false);

            var (items, next) = ParseList(container, response.Content.ToStream());
            foreach (var item in items)
            {
                yield return item;
            }
            marker = string.IsNullOrEmpty(next) ? null : next;
        }
        while (marker is not null);
    }

    public async Task<bool> DeleteAsync(string container, string blobName, ETag? ifMatch = null, CancellationToken cancellationToken = default)
    {
        using var message = CreateMessage(RequestMethod.Delete, GetBlobUri(container, blobName));
        AddConditions(message.Request, ifMatch is { } etag ? new MatchConditions { IfMatch = etag } : null);
        var response = await StoragePipeline.SendAsync(_pipeline, message, cancellationToken).ConfigureAwait(false);
        return response.Status switch
        {
            202 => true,
            404 => false,
            _ => throw await StoragePipeline.FailAsync(response, cancellationToken).ConfigureAwait(false),
        };
    }

    public async Task<BlobProperties> CopyAsync(string sourceContainer, string sourceBlobName, string destinationContainer,
        string destinationBlobName, CancellationToken cancellationToken = default)
    {
        var source = GetBlobUri(sourceContainer, sourceBlobName);
        using (var message = CreateMessage(RequestMethod.Put, GetBlobUri(destinationContainer, destinationBlobName)))
        {
            // Same-account source: the request's own Shared Key / bearer token authorizes reading it.
            message.Request.Headers.SetValue("x-ms-copy-source", source.AbsoluteUri);
            var response = await StoragePipeline.SendAsync(_pipeline, message, cancellationToken).ConfigureAwait(false);
            if (response.Status != 202) throw await StoragePipeline.FailAsync(response, cancellationToken).ConfigureAwait(false);
        }

        var deadline = DateTimeOffset.UtcNow + _options.CopyCompletionTimeout;
        var delay = TimeSpan.FromMilliseconds(50);
        while (true)
        {
            using var message = CreateMessage(RequestMethod.Head, GetBlobUri(destinationContainer, destinationBlobName));
            var response = await StoragePipeline.SendAsync(_pipeline, message, cancellationToken).ConfigureAwait(false);
            if (response.Status != 200) throw await StoragePipeline.FailAsync(response, cancellationToken).ConfigureAwait(false);
            response.Headers.TryGetValue("x-ms-copy-status", out var status);
            if (status is null or "success") return ReadProperties(destinationContainer, destinationBlobName, response);
            if (status is "failed" or "aborted")
            {
                response.Headers.TryGetValue("x-ms-copy-status-description", out var description);
                throw new RequestFailedException(500, $"Copy of '{sourceBlobName}' {status}: {description}", "CopyFailed", null);
            }
            if (DateTimeOffset.UtcNow > deadline)
                throw new TimeoutException($"Copy of '{sourceBlobName}' still pending after {_options.CopyCompletionTimeout}.");
            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 2000));
        }
    }

    private HttpMessage CreateMessage(RequestMethod method, Uri uri)
    {
        var message = _pipeline.CreateMessage();
        message.Request.Method = method;
        message.Request.Uri.Reset(uri);
        message.Request.Headers.SetValue("x-ms-version", _options.BlobServiceVersion);
        return message;
    }

    private static void AddMetadata(Request request, IDictionary<string, string>? metadata)
    {
        if (metadata is null) return;
        foreach (var (name, value) in metadata)
        {
            if (!IsIdentifier(name))
                throw new ArgumentException($"Metadata name '{name}' must be a C# identifier (letters, digits, underscore).", nameof(metadata));
            if (value is null || value.Any(c => c > 126 || (c < 32 && c != '\t')))
                throw new ArgumentException($"Metadata value for '{name}' must be printable ASCII (it travels as an HTTP header).", nameof(metadata));
            request.Headers.SetValue("x-ms-meta-" + name, value);
        }
    }

    private static void AddConditions(Request request, MatchConditions? conditions)
    {
        if (conditions is null) return;
        if (conditions.IfMatch is { } ifMatch) request.Headers.SetValue("If-Match", ifMatch.ToString("H"));
        if (conditions.IfNoneMatch is { } ifNoneMatch) request.Headers.SetValue("If-None-Match", ifNoneMatch.ToString("H"));
    }

    private static BlobProperties ReadProperties(string container, string name, Response response)
    {
        var metadata = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        long length = 0;
        foreach (var header in response.Headers)
        {
            if (header.Name.StartsWith("x-ms-meta-", StringComparison.OrdinalIgnoreCase))
                metadata[header.Name["x-ms-meta-".Length..]] = header.Value;
        }
        if (response.Headers.TryGetValue("Content-Length", out var lengthText))
            long.TryParse(lengthText, NumberStyles.Integer, CultureInfo.InvariantCulture, out length);
        response.Headers.TryGetValue("Content-Type", out var contentType);
        response.Headers.TryGetValue("Content-MD5", out var md5);
        response.Headers.TryGetValue("Last-Modified", out var lastModified);
        return new BlobProperties
        {
            Container = container,
            Name = name,
            ETag = StoragePipeline.ReadETag(response),
            ContentLength = length,
            ContentType = contentType,
            ContentMd5 = md5,
            LastModified = ParseDate(lastModified),
            Metadata = metadata,
        };
    }

    internal static (List<BlobProperties> Items, string? NextMarker) ParseList(string container, Stream xml)
    {
        var doc = XDocument.Load(xml);
        var root = doc.Root ?? throw new XmlException("Empty list response.");
        var items = new List<BlobProperties>();
        foreach (var blob in root.Element("Blobs")?.Elements("Blob") ?? [])
        {
            var nameElement = blob.Element("Name");
            var name = nameElement?.Value ?? "";
            if ((string?)nameElement?.Attribute("Encoded") == "true") name = Uri.UnescapeDataString(name);
            var props = blob.Element("Properties");
            var metadata = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var m in blob.Element("Metadata")?.Elements() ?? [])
            {
                metadata[m.Name.LocalName] = m.Value;
            }
            items.Add(new BlobProperties
            {
                Container = container,
                Name = name,
                ETag = props?.Element("Etag")?.Value is { } etag ? new ETag(etag) : default,
                LastModified = ParseDate(props?.Element("Last-Modified")?.Value),
                ContentLength = long.TryParse(props?.Element("Content-Length")?.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l) ? l : 0,
                ContentType = props?.Element("Content-Type")?.Value is { Length: > 0 } ct ? ct : null,
                ContentMd5 = props?.Element("Content-MD5")?.Value is { Length: > 0 } md5 ? md5 : null,
                Metadata = metadata,
            });
        }
        return (items, root.Element("NextMarker")?.Value);
    }

    private static DateTimeOffset ParseDate(string? text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value) ? value : default;

    private static bool IsIdentifier(string name) =>
        name.Length > 0 && (char.IsLetter(name[0]) || name[0] == '_') && name.All(c => char.IsLetterOrDigit(c) || c == '_') && name.All(char.IsAscii);

    internal static void ValidateContainer(string container)
    {
        ArgumentNullException.ThrowIfNull(container);
        if (container.Length is < 3 or > 63 || !container.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-')
            || container[0] == '-' || container[^1] == '-' || container.Contains("--", StringComparison.Ordinal))
        {
            throw new ArgumentException($"Container name '{container}' must be 3-63 lowercase letters, digits and single hyphens.", nameof(container));
        }
    }

    internal static void ValidateBlobName(string blobName)
    {
        ArgumentNullException.ThrowIfNull(blobName);
        if (blobName.Length is 0 or > MaxBlobNameLength)
            throw new ArgumentException($"Blob name must be 1-{MaxBlobNameLength} characters.", nameof(blobName));
        // '.' and '..' segments would be collapsed by URL normalisation, and a trailing '/' or '.' is discouraged by the service.
        if (blobName.EndsWith('/') || blobName.EndsWith('.') || blobName.Split('/').Any(s => s is "" or "." or ".."))
            throw new ArgumentException($"Blob name '{blobName}' has an empty, '.' or '..' segment or ends with '/' or '.'.", nameof(blobName));
        if (blobName.Any(char.IsControl))
            throw new ArgumentException("Blob name contains control characters.", nameof(blobName));
    }

    private static StorageConnection Check(StorageConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return connection;
    }
}
