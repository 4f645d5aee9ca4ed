using Azure;
using Azure.Data.Tables;
using KampungKB.Core.Model;
using KampungKB.Core.Storage;

namespace KampungKB.Core.Links;

/// <summary>
/// The <c>LinkKeys</c> table: the current key version of each kampung (partition = kabupaten/kota,
/// row = area code; no row = version 1). Revoking bumps the version, so every link issued before stops
/// working at its next request.
/// </summary>
internal sealed class LinkKeyStore(TableServiceClient tables, StorageNames names)
{
    private readonly TableClient _keys = tables.GetTableClient(names.Prefix.Length == 0 ? "LinkKeys" : names.Prefix + "LinkKeys");

    public string Table => _keys.Name;

    public Task EnsureAsync(CancellationToken cancellationToken) => _keys.CreateIfNotExistsAsync(cancellationToken);

    public async Task<int> CurrentAsync(AreaCode area, CancellationToken cancellationToken)
    {
        var e = await _keys.GetEntityOrDefaultAsync(area.Regency, area.Value, cancellationToken).ConfigureAwait(false);
        return e?.GetInt32("Version") ?? 1;
    }

    /// <summary>Bumps the version atomically (insert-once, then ETag-guarded updates); returns the new version.</summary>
    public async Task<int> RevokeAsync(AreaCode area, DateTimeOffset now, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var existing = await _keys.GetEntityOrDefaultAsync(area.Regency, area.Value, cancellationToken).ConfigureAwait(false);
            if (existing is null)
            {
                var first = new TableEntity(area.Regency, area.Value) { ["Version"] = 2, ["RevokedAt"] = now };
                if (await _keys.TryAddEntityAsync(first, cancellationToken).ConfigureAwait(false)) return 2;
                continue;
            }
            var next = (existing.GetInt32("Version") ?? 1) + 1;
            try
            {
                await _keys.UpdateEntityAsync(new TableEntity(area.Regency, area.Value) { ["Version"] = next, ["RevokedAt"] = now },
                    existing.ETag, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
                return next;
            }
            catch (RequestFailedException e) when (e.Status == 412) { }
        }
        throw new InvalidOperationException($"Could not revoke links of {area.Value}: too many concurrent changes.");
    }
}
