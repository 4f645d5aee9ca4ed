using Azure;
using KampungKB.Core.Model;
using KampungKB.Core.Storage;

namespace KampungKB.Core.Links;

/// <summary>
/// The <c>LinkKeys</c> table: the current key version of each kampung (partition = kabupaten/kota,
/// row = area code; no row = version 1). Revoking bumps the version, so every link issued before stops
/// working at its next request.
/// </summary>
internal sealed class LinkKeyStore(ITableStore tables, StorageNames names)
{
    public string Table { get; } = names.Prefix.Length == 0 ? "LinkKeys" : names.Prefix + "LinkKeys";

    public Task EnsureAsync(CancellationToken cancellationToken) => tables.CreateTableIfNotExistsAsync(Table, cancellationToken);

    public async Task<int> CurrentAsync(AreaCode area, CancellationToken cancellationToken)
    {
        var e = await tables.GetEntityAsync(Table, area.Regency, area.Value, cancellationToken).ConfigureAwait(false);
        return e?.GetInt32("Version") ?? 1;
    }

    /// <summary>Bumps the version atomically (insert-once, then ETag-guarded updates); returns the new version.</summary>
    public async Task<int> RevokeAsync(AreaCode area, DateTimeOffset now, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var existing = await tables.GetEntityAsync(Table, area.Regency, area.Value, cancellationToken).ConfigureAwait(false);
            if (existing is null)
            {
                var first = new TableEntity(area.Regency, area.Value) { ["Version"] = 2, ["RevokedAt"] = now };
                if (await tables.TryAddEntityAsync(Table, first, cancellationToken).ConfigureAwait(false)) return 2;
                continue;
            }
            var next = (existing.GetInt32("Version") ?? 1) + 1;
            try
            {
                await tables.UpdateEntityAsync(Table, new TableEntity(area.Regency, area.Value) { ["Version"] = next, ["RevokedAt"] = now },
                    existing.ETag, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
                return next;
            }
            catch (RequestFailedException e) when (e.Status == 412) { }
        }
        throw new InvalidOperationException($"Could not revoke links of {area.Value}: too many concurrent changes.");
    }
}
