using Azure.Data.Tables;
using Azure.Storage.Blobs;

namespace KampungKB.Core.Store;

/// <summary>Creates the containers and tables the product needs; idempotent, run once per process start.</summary>
public static class StorageBootstrap
{
    public static async Task EnsureAsync(BlobServiceClient blobs, TableServiceClient tables, StorageNames names, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        ArgumentNullException.ThrowIfNull(tables);
        foreach (var container in names.Containers)
            await blobs.GetBlobContainerClient(container).CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        foreach (var table in names.Tables)
            await tables.CreateTableIfNotExistsAsync(table, cancellationToken).ConfigureAwait(false);
    }
}
