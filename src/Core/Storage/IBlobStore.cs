using Azure;

namespace KampungKB.Core.Storage;

/// <summary>
/// The blob operations the product needs. Implemented by <see cref="BlobStorageClient"/> (our Azure.Core
/// client); shaped so an adapter over Azure.Storage.Blobs can replace it. Failures surface as
/// <see cref="RequestFailedException"/> with <c>Status</c> and <c>ErrorCode</c>; see <see cref="StorageErrors"/>.
/// </summary>
public interface IBlobStore
{
    /// <returns>True when the container was created, false when it already existed.</returns>
    Task<bool> CreateContainerIfNotExistsAsync(string container, CancellationToken cancellationToken = default);

    /// <returns>True when the container was deleted, false when it did not exist.</returns>
    Task<bool> DeleteContainerAsync(string container, CancellationToken cancellationToken = default);

    /// <summary>Uploads a whole blob (Put Blob, block blob) and returns its new ETag.</summary>
    Task<ETag> PutAsync(string container, string blobName, Stream content, BlobPutOptions? options = null, CancellationToken cancellationToken = default);

    /// <inheritdoc cref="PutAsync(string, string, Stream, BlobPutOptions?, CancellationToken)"/>
    Task<ETag> PutAsync(string container, string blobName, BinaryData content, BlobPutOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Downloads a blob into memory; null when the blob (or container) does not exist.</summary>
    Task<BlobDownloadResult?> GetAsync(string container, string blobName, CancellationToken cancellationToken = default);

    /// <summary>Streams a blob into <paramref name="destination"/>; null (and nothing written) when it does not exist.</summary>
    Task<BlobProperties?> DownloadToAsync(string container, string blobName, Stream destination, CancellationToken cancellationToken = default);

    /// <summary>Properties and metadata; null when the blob does not exist.</summary>
    Task<BlobProperties?> GetPropertiesAsync(string container, string blobName, CancellationToken cancellationToken = default);

    /// <summary>Replaces the blob's metadata; with <paramref name="ifMatch"/>, only over that version (412 otherwise).</summary>
    Task<ETag> SetMetadataAsync(string container, string blobName, IDictionary<string, string> metadata, ETag? ifMatch = null, CancellationToken cancellationToken = default);

    /// <summary>Lists blobs whose names start with <paramref name="prefix"/>, in name order, following pages internally.</summary>
    IAsyncEnumerable<BlobProperties> ListAsync(string container, string? prefix = null, bool includeMetadata = false, int? pageSize = null, CancellationToken cancellationToken = default);

    /// <returns>True when deleted, false when it did not exist.</returns>
    Task<bool> DeleteAsync(string container, string blobName, ETag? ifMatch = null, CancellationToken cancellationToken = default);

    /// <summary>Server-side copy within the account (Copy Blob); waits for completion and returns the destination's properties.</summary>
    Task<BlobProperties> CopyAsync(string sourceContainer, string sourceBlobName, string destinationContainer, string destinationBlobName, CancellationToken cancellationToken = default);
}
