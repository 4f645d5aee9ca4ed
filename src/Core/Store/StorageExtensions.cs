using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace KampungKB.Core.Store;

/// <summary>
/// The few idioms the product repeats over the Azure SDK clients: an insert-once claim answered by 409, a
/// point read that may find nothing, a guarded batch, and blob reads that may find nothing. Everything else
/// calls the SDK directly.
/// </summary>
public static class StorageExtensions
{
    /// <summary>
    /// The atomic-claim primitive (conventions 8): true when this call inserted the entity, false when the
    /// service answered 409 (the entity already exists). Keys are validated client-side first.
    /// </summary>
    /// <exception cref="RequestFailedException">Any other refusal (transient or not; see <see cref="StorageErrors"/>).</exception>
    public static async Task<bool> TryAddEntityAsync<T>(this TableClient table, T entity, CancellationToken cancellationToken = default)
        where T : class, ITableEntity
    {
        ArgumentNullException.ThrowIfNull(table);
        TableLimits.ValidateEntity(entity);
        try
        {
            await table.AddEntityAsync(entity, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return false;
        }
    }

    /// <summary>Point read of a dynamic entity; null when it does not exist (no exception for 404).</summary>
    public static async Task<TableEntity?> GetEntityOrDefaultAsync(this TableClient table, string partitionKey, string rowKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(table);
        var response = await table.GetEntityIfExistsAsync<TableEntity>(partitionKey, rowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
        return response.HasValue ? response.Value : null;
    }

    /// <summary>
    /// Submits an entity group transaction after <see cref="TableLimits.ValidateBatch"/>: at most 100 actions,
    /// one PartitionKey, each row once (Azurite does not refuse the last two).
    /// </summary>
    /// <exception cref="ArgumentException">The batch breaks a limit; nothing was sent.</exception>
    /// <exception cref="TableTransactionFailedException">The service refused the batch; nothing was written.</exception>
    public static async Task SubmitGuardedTransactionAsync(this TableClient table, IReadOnlyList<TableTransactionAction> actions, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(table);
        TableLimits.ValidateBatch(actions);
        await table.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes <paramref name="actions"/> in guarded batches of up to 100 (the caller keeps one partition).</summary>
    public static async Task SubmitInBatchesAsync(this TableClient table, IEnumerable<TableTransactionAction> actions, CancellationToken cancellationToken = default)
    {
        foreach (var chunk in actions.Chunk(TableLimits.MaxBatchActions))
            await table.SubmitGuardedTransactionAsync(chunk, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Downloads a whole blob into memory; null when the blob or its container does not exist.</summary>
    public static async Task<BlobDownloadResult?> DownloadContentOrDefaultAsync(this BlobClient blob, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(blob);
        try
        {
            return (await blob.DownloadContentAsync(cancellationToken).ConfigureAwait(false)).Value;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    /// <summary>Uploads (and overwrites) a whole blob with a content type and optional metadata.</summary>
    public static Task<Response<BlobContentInfo>> PutAsync(this BlobClient blob, BinaryData content, string contentType,
        IDictionary<string, string>? metadata = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(blob);
        return blob.UploadAsync(content, new BlobUploadOptions
        {
            HttpHeaders = new BlobHttpHeaders { ContentType = contentType },
            Metadata = metadata,
        }, cancellationToken);
    }
}
