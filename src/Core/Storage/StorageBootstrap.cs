using KampungKB.Core.Storage;

namespace KampungKB.Core.Storage;

/// <summary>Creates the containers and tables the product needs; idempotent, run once per process start.</summary>
public static class StorageBootstrap
{
    public static async Task EnsureAsync(IBlobStore blobs, ITableStore tables, StorageNames names, CancellationToken cancellationToken = default)
    {
        foreach (var container in names.Containers)
            await blobs.CreateContainerIfNotExistsAsync(container, cancellationToken).ConfigureAwait(false);
        foreach (var table in names.Tables)
            await tables.CreateTableIfNotExistsAsync(table, cancellationToken).ConfigureAwait(false);
    }
}
