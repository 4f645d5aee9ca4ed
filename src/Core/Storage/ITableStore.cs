using Azure;

namespace KampungKB.Core.Storage;

/// <summary>
/// The table operations the product needs. Implemented by <see cref="TableStorageClient"/>; shaped so an
/// adapter over Azure.Data.Tables can replace it. Failures surface as <see cref="RequestFailedException"/>
/// (Status, ErrorCode); keys and sizes are validated client-side with <see cref="ArgumentException"/>.
/// </summary>
public interface ITableStore
{
    /// <returns>True when created, false when it already existed.</returns>
    Task<bool> CreateTableIfNotExistsAsync(string table, CancellationToken cancellationToken = default);

    /// <returns>True when deleted, false when it did not exist.</returns>
    Task<bool> DeleteTableAsync(string table, CancellationToken cancellationToken = default);

    /// <summary>Point read; null when the entity does not exist.</summary>
    Task<TableEntity?> GetEntityAsync(string table, string partitionKey, string rowKey, CancellationToken cancellationToken = default);

    /// <summary>
    /// Queries with an OData <paramref name="filter"/> (build literals with <see cref="TableFilter"/>), optional
    /// <paramref name="select"/> and page size (<c>$top</c>, ≤ 1000), following continuation tokens internally.
    /// </summary>
    IAsyncEnumerable<TableEntity> QueryAsync(string table, string? filter = null, IEnumerable<string>? select = null, int? pageSize = null, CancellationToken cancellationToken = default);

    /// <summary>Inserts; a 409 (ErrorCode EntityAlreadyExists) surfaces as <see cref="RequestFailedException"/>. Returns the new ETag.</summary>
    Task<ETag> AddEntityAsync(string table, TableEntity entity, CancellationToken cancellationToken = default);

    /// <summary>
    /// The atomic-claim primitive: true when this call inserted the entity, false when it already existed.
    /// </summary>
    Task<bool> TryAddEntityAsync(string table, TableEntity entity, CancellationToken cancellationToken = default);

    /// <summary>Inserts or merges/replaces, unconditionally. Returns the new ETag.</summary>
    Task<ETag> UpsertEntityAsync(string table, TableEntity entity, TableUpdateMode mode = TableUpdateMode.Merge, CancellationToken cancellationToken = default);

    /// <summary>Updates an existing entity only if it still has <paramref name="ifMatch"/> (412 otherwise; <see cref="ETag.All"/> for any version; 404 when absent).</summary>
    Task<ETag> UpdateEntityAsync(string table, TableEntity entity, ETag ifMatch, TableUpdateMode mode = TableUpdateMode.Merge, CancellationToken cancellationToken = default);

    /// <summary>Deletes; with an ETag only that version (412 otherwise). Returns false when it did not exist.</summary>
    Task<bool> DeleteEntityAsync(string table, string partitionKey, string rowKey, ETag ifMatch = default, CancellationToken cancellationToken = default);

    /// <summary>
    /// Submits up to 100 actions on ONE partition atomically (entity group transaction). Throws
    /// <see cref="ArgumentException"/> client-side for more than 100 actions, mixed partitions or a row
    /// touched twice; <see cref="TableTransactionFailedException"/> when the service refuses (nothing written).
    /// Returns the ETag of each action, in order (default for deletes).
    /// </summary>
    Task<IReadOnlyList<ETag>> SubmitTransactionAsync(string table, IReadOnlyList<TableTransactionAction> actions, CancellationToken cancellationToken = default);
}
