using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace KampungKB.Core.Storage;

/// <summary>
/// A small Table service client on Azure.Core's <see cref="HttpPipeline"/> (the registry here lacks
/// Azure.Data.Tables). Thread-safe: create one per process and share it.
/// </summary>
public sealed class TableStorageClient : ITableStore
{
    private const string JsonAccept = "application/json;odata=minimalmetadata";
    private static readonly RequestMethod Merge = new("MERGE");
    private readonly HttpPipeline _pipeline;
    private readonly StorageClientOptions _options;

    public TableStorageClient(StorageConnection connection, StorageClientOptions? options = null)
        : this((connection ?? throw new ArgumentNullException(nameof(connection))).TableServiceUri, connection.SharedKey, connection.TokenCredential, options)
    {
    }

    public TableStorageClient(Uri serviceUri, StorageSharedKeyCredential credential, StorageClientOptions? options = null)
        : this(serviceUri, credential ?? throw new ArgumentNullException(nameof(credential)), null, options)
    {
    }

    public TableStorageClient(Uri serviceUri, TokenCredential credential, StorageClientOptions? options = null)
        : this(serviceUri, null, credential ?? throw new ArgumentNullException(nameof(credential)), options)
    {
    }

    private TableStorageClient(Uri serviceUri, StorageSharedKeyCredential? sharedKey, TokenCredential? token, StorageClientOptions? options)
    {
        ArgumentNullException.ThrowIfNull(serviceUri);
        ServiceUri = serviceUri.AbsoluteUri.EndsWith('/') ? serviceUri : new Uri(serviceUri.AbsoluteUri + "/");
        _options = options ?? new StorageClientOptions();
        _pipeline = StoragePipeline.Build(_options, sharedKey, token, table: true);
    }

    public Uri ServiceUri { get; }

    public async Task<bool> CreateTableIfNotExistsAsync(string table, CancellationToken cancellationToken = default)
    {
        TableLimits.ValidateTableName(table);
        using var message = CreateMessage(RequestMethod.Post, new Uri(ServiceUri, "Tables"));
        message.Request.Headers.SetValue("Prefer", "return-no-content");
        SetJson(message.Request, JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["TableName"] = table }));
        var response = await StoragePipeline.SendAsync(_pipeline, message, cancellationToken).ConfigureAwait(false);
        return response.Status switch
        {
            201 or 204 => true,
            409 => false,
            _ => throw await StoragePipeline.FailAsync(response, cancellationToken).ConfigureAwait(false),
        };
    }

    public async Task<bool> DeleteTableAsync(string table, CancellationToken cancellationToken = default)
    {
        TableLimits.ValidateTableName(table);
        using var message = CreateMessage(RequestMethod.Delete, new Uri(ServiceUri, $"Tables('{table}')"));
        var response = await StoragePipeline.SendAsync(_pipeline, message, cancellationToken).ConfigureAwait(false);
        return response.Status switch
        {
            204 => true,
            404 => false,
            _ => throw await StoragePipeline.FailAsync(response, cancellationToken).ConfigureAwait(false),
        };
    }

    public async Task<TableEntity?> GetEntityAsync(string table, string partitionKey, string rowKey, CancellationToken cancellationToken = default)
    {
        using var message = CreateMessage(RequestMethod.Get, EntityUri(table, partitionKey, rowKey));
        var response = await StoragePipeline.SendAsync(_pipeline, message, cancellationToken).ConfigureAwait(false);
        if (response.Status == 404) return null;
        if (response.Status != 200) throw await StoragePipeline.FailAsync(response, cancellationToken).ConfigureAwait(false);
        using var doc = JsonDocument.Parse(response.Content.ToMemory());
        return TableEntityJson.Read(doc.RootElement, StoragePipeline.ReadETag(response));
    }

    public async IAsyncEnumerable<TableEntity> QueryAsync(string table, string? filter = null, IEnumerable<string>? select = null,
        int? pageSize = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        TableLimits.ValidateTableName(table);
        if (pageSize is < 1 or > 1000) throw new ArgumentOutOfRangeException(nameof(pageSize), "Page size ($top) must be between 1 and 1000.");
        var selectList = select is null ? null : string.Join(',', select);
        string? nextPartition = null, nextRow = null;
        do
        {
            var query = new StringBuilder();
            void Add(string name, string value) =>
                query.Append(query.Length == 0 ? '?' : '&').Append(name).Append('=').Append(Uri.EscapeDataString(value));
            if (!string.IsNullOrEmpty(filter)) Add("$filter", filter);
            if (!string.IsNullOrEmpty(selectList)) Add("$select", selectList);
            if (pageSize is { } top) Add("$top", top.ToString(CultureInfo.InvariantCulture));
            // Continuation tokens are opaque: passed back exactly as received.
            if (nextPartition is not null) Add("NextPartitionKey", nextPartition);
            if (nextRow is not null) Add("NextRowKey", nextRow);

            using var message = CreateMessage(RequestMethod.Get, new Uri(ServiceUri, table + "()" + query));
            var response = await StoragePipeline.SendAsync(_pipeline, message, cancellationToken).ConfigureAwait(false);
            if (response.Status != 200) throw await StoragePipeline.FailAsync(response, cancellationToken).ConfigureAwait(false);

            List<TableEntity> page;
            using (var doc = JsonDocument.Parse(response.Content.ToMemory()))
            {
                page = doc.RootElement.TryGetProperty("value", out var values)
                    ? values.EnumerateArray().Select(e => TableEntityJson.Read(e)).ToList()
                    : [];
            }
            foreach (var entity in page)
            {
                yield return entity;
            }
            nextPartition = response.Headers.TryGetValue("x-ms-continuation-NextPartitionKey", out var np) && np.Length > 0 ? np : null;
            nextRow = response.Headers.TryGetValue("x-ms-continuation-NextRowKey", out var nr) && nr.Length > 0 ? nr : null;
        }
        while (nextPartition is not null || nextRow is not null);
    }

    public async Task<ETag> AddEntityAsync(string table, TableEntity entity, CancellationToken cancellationToken = default)
    {
        var (response, _) = await InsertAsync(table, entity, cancellationToken).ConfigureAwait(false);
        if (response.Status is not (201 or 204)) throw await StoragePipeline.FailAsync(response, cancellationToken).ConfigureAwait(false);
        return StoragePipeline.ReadETag(response);
    }

    public async Task<bool> TryAddEntityAsync(string table, TableEntity entity, CancellationToken cancellationToken = default)
    {
        var (response, retried) = await InsertAsync(table, entity, cancellationToken).ConfigureAwait(false);
        if (response.Status is 201 or 204)
        {
            entity.ETag = StoragePipeline.ReadETag(response);
            return true;
        }
        if (response.Status != 409) throw await StoragePipeline.FailAsync(response, cancellationToken).ConfigureAwait(false);
        if (!retried) return false;

        // The insert was retried: an earlier attempt may have succeeded and the 409 be our own row.
        // Claim it only if the stored entity has exactly our properties.
        var stored = await GetEntityAsync(table, entity.PartitionKey, entity.RowKey, cancellationToken).ConfigureAwait(false);
        if (stored is null || !SameProperties(stored, entity)) return false;
        entity.ETag = stored.ETag;
        return true;
    }

    private async Task<(Response Response, bool Retried)> InsertAsync(string table, TableEntity entity, CancellationToken cancellationToken)
    {
        TableLimits.ValidateTableName(table);
        ArgumentNullException.ThrowIfNull(entity);
        TableLimits.ValidateEntity(entity);
        using var message = CreateMessage(RequestMethod.Post, new Uri(ServiceUri, table));
        message.Request.Headers.SetValue("Prefer", "return-no-content");
        SetJson(message.Request, TableEntityJson.Serialize(entity));
        var response = await StoragePipeline.SendAsync(_pipeline, message, cancellationToken).ConfigureAwait(false);
        return (response, message.ProcessingContext.RetryNumber > 0);
    }

    public async Task<ETag> UpsertEntityAsync(string table, TableEntity entity, TableUpdateMode mode = TableUpdateMode.Merge, CancellationToken cancellationToken = default)
    {
        var response = await WriteAsync(table, entity, mode, ifMatch: null, cancellationToken).ConfigureAwait(false);
        return StoragePipeline.ReadETag(response);
    }

    public async Task<ETag> UpdateEntityAsync(string table, TableEntity entity, ETag ifMatch, TableUpdateMode mode = TableUpdateMode.Merge, CancellationToken cancellationToken = default)
    {
        if (ifMatch == default) throw new ArgumentException("An ETag is required; use ETag.All to update any version.", nameof(ifMatch));
        var response = await WriteAsync(table, entity, mode, ifMatch, cancellationToken).ConfigureAwait(false);
        return StoragePipeline.ReadETag(response);
    }

    private async Task<Response> WriteAsync(string table, TableEntity entity, TableUpdateMode mode, ETag? ifMatch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entity);
        TableLimits.ValidateEntity(entity);
        using var message = CreateMessage(mode == TableUpdateMode.Merge ? Merge : RequestMethod.Put, EntityUri(table, entity.PartitionKey, entity.RowKey));
        if (ifMatch is { } etag) message.Request.Headers.SetValue("If-Match", etag.ToString("H"));
        SetJson(message.Request, TableEntityJson.Serialize(entity));
        var response = await StoragePipeline.SendAsync(_pipeline, message, cancellationToken).ConfigureAwait(false);
        if (response.Status != 204) throw await StoragePipeline.FailAsync(response, cancellationToken).ConfigureAwait(false);
        return response;
    }

    public async Task<bool> DeleteEntityAsync(string table, string partitionKey, string rowKey, ETag ifMatch = default, CancellationToken cancellationToken = default)
    {
        using var message = CreateMessage(RequestMethod.Delete, EntityUri(table, partitionKey, rowKey));
        message.Request.Headers.SetValue("If-Match", ifMatch == default ? "*" : ifMatch.ToString("H"));
        var response = await StoragePipeline.SendAsync(_pipeline, message, cancellationToken).ConfigureAwait(false);
        return response.Status switch
        {
            204 => true,
            404 => false,
            _ => throw await StoragePipeline.FailAsync(response, cancellationToken).ConfigureAwait(false),
        };
    }

    public async Task<IReadOnlyList<ETag>> SubmitTransactionAsync(string table, IReadOnlyList<TableTransactionAction> actions, CancellationToken cancellationToken = default)
    {
        TableLimits.ValidateTableName(table);
        TableBatch.Validate(actions);
        var batchBoundary = "batch_" + Guid.NewGuid().ToString("D");
        var body = TableBatch.Build(ServiceUri, table, actions, batchBoundary);
        if (body.Length > TableLimits.MaxBatchBytes)
            throw new ArgumentException($"The transaction is {body.Length} bytes; the limit is 4 MiB.", nameof(actions));

        using var message = CreateMessage(RequestMethod.Post, new Uri(ServiceUri, "$batch"));
        message.Request.Headers.SetValue("Content-Type", "multipart/mixed; boundary=" + batchBoundary);
        message.Request.Content = RequestContent.Create(body);
        var response = await StoragePipeline.SendAsync(_pipeline, message, cancellationToken).ConfigureAwait(false);
        if (response.Status != 202) throw await StoragePipeline.FailAsync(response, cancellationToken).ConfigureAwait(false);
        return TableBatch.ParseResponse(response.Content.ToString(), actions.Count);
    }

    private HttpMessage CreateMessage(RequestMethod method, Uri uri)
    {
        var message = _pipeline.CreateMessage();
        message.Request.Method = method;
        message.Request.Uri.Reset(uri);
        message.Request.Headers.SetValue("x-ms-version", _options.TableServiceVersion);
        message.Request.Headers.SetValue("DataServiceVersion", "3.0");
        message.Request.Headers.SetValue("Accept", JsonAccept);
        return message;
    }

    private static void SetJson(Request request, byte[] body)
    {
        request.Headers.SetValue("Content-Type", "application/json");
        request.Content = RequestContent.Create(body);
    }

    internal Uri EntityUri(string table, string partitionKey, string rowKey)
    {
        TableLimits.ValidateTableName(table);
        TableLimits.ValidateKey(partitionKey, "PartitionKey");
        TableLimits.ValidateKey(rowKey, "RowKey");
        return new Uri(ServiceUri, EntityPath(table, partitionKey, rowKey));
    }

    internal static string EntityPath(string table, string partitionKey, string rowKey) =>
        $"{table}(PartitionKey='{EscapeKey(partitionKey)}',RowKey='{EscapeKey(rowKey)}')";

    private static string EscapeKey(string key) => Uri.EscapeDataString(key.Replace("'", "''", StringComparison.Ordinal));

    private static bool SameProperties(TableEntity stored, TableEntity mine)
    {
        if (stored.PropertyCount != mine.PropertyCount) return false;
        foreach (var (name, value) in mine)
        {
            var other = stored[name];
            var equal = (value, other) switch
            {
                (byte[] a, byte[] b) => a.AsSpan().SequenceEqual(b),
                (long a, int b) => a == b,
                (double a, int b) => a == b,
                _ => Equals(value, other),
            };
            if (!equal) return false;
        }
        return true;
    }
}
