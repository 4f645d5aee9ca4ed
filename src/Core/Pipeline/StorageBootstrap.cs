using KampungKB.Core.Storage;

namespace KampungKB.Core.Pipeline;

/// <summary>Creates the containers and tables the product needs; idempotent, run once per process start.</summary>
public static class StorageBootstrap
{
    public static async Task EnsureAsync(IBlobStore blobs, ITableStore tables, CancellationToken cancellationToken = default)
    {
        foreach (var container in Containers.All)
            await blobs.CreateContainerIfNotExistsAsync(container, cancellationToken).ConfigureAwait(false);
        foreach (var table in Tables.All)
            await tables.CreateTableIfNotExistsAsync(table, cancellationToken).ConfigureAwait(false);
    }
}
