using System.Security.Cryptography;
using Azure;
using Azure.Data.Tables;
using KampungKB.Core.Model;

namespace KampungKB.Core.Store;

/// <summary>
/// The <c>LinkKeys</c> table. Partition = kabupaten/kota, row = area code: the current key version of each
/// kampung (no row = version 1); revoking bumps it, so every link issued before stops working at its next
/// request. Partition <c>~signing</c>, row = key id: the signing keys made by rotation (<c>Wrapped</c>,
/// <c>CreatedAt</c>, <c>RetiresAt</c>), and for <c>k0</c> (the setting key) only its <c>RetiresAt</c>.
/// </summary>
public sealed class LinkKeyStore(TableServiceClient tables, StorageNames names)
{
    private const string SigningPartition = "~signing";
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

    /// <summary>
    /// Every signing key: <c>k0</c> from <paramref name="settingKey"/> (with its stored retirement, if any) and the
    /// stored ones this setting key can unwrap (a key wrapped under another setting key is left out: it cannot verify).
    /// </summary>
    public async Task<LinkKeyRing> LoadRingAsync(byte[] settingKey, CancellationToken cancellationToken)
    {
        var keys = new List<LinkSigningKey> { new(LinkKeyRing.SettingKeyId, DateTimeOffset.MinValue, null) { Key = settingKey } };
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {SigningPartition}");
        await foreach (var e in _keys.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            var retires = e.GetDateTimeOffset("RetiresAt");
            if (e.RowKey == LinkKeyRing.SettingKeyId) { keys[0] = keys[0] with { RetiresAt = retires }; continue; }
            if (!LinkKeyRing.IsKeyId(e.RowKey) || LinkKeyRing.Unwrap(settingKey, e.RowKey, e.GetString("Wrapped")) is not { } key) continue;
            keys.Add(new LinkSigningKey(e.RowKey, e.GetDateTimeOffset("CreatedAt") ?? DateTimeOffset.MinValue, retires) { Key = key });
        }
        return new LinkKeyRing(keys.OrderBy(k => k.CreatedAt).ToList());
    }

    /// <summary>
    /// Adds a new random key (created <paramref name="now"/>, no end) and gives every older key that would verify
    /// longer than <paramref name="now"/> + <paramref name="overlap"/> that retirement date.
    /// </summary>
    public async Task<(LinkSigningKey Added, IReadOnlyList<LinkSigningKey> Retiring)> RotateAsync(byte[] settingKey, DateTimeOffset now, TimeSpan overlap, CancellationToken cancellationToken)
    {
        var before = await LoadRingAsync(settingKey, cancellationToken).ConfigureAwait(false);
        var key = RandomNumberGenerator.GetBytes(32);
        string id;
        do id = LinkKeyRing.NewKeyId();
        while (!await _keys.TryAddEntityAsync(new TableEntity(SigningPartition, id)
        {
            ["Wrapped"] = LinkKeyRing.Wrap(settingKey, id, key),
            ["CreatedAt"] = now,
        }, cancellationToken).ConfigureAwait(false));

        var retiresAt = now + overlap;
        var retiring = new List<LinkSigningKey>();
        foreach (var old in before.Keys.Where(k => k.RetiresAt is not { } end || end > retiresAt))
        {
            await _keys.UpsertEntityAsync(new TableEntity(SigningPartition, old.Id) { ["RetiresAt"] = retiresAt }, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
            retiring.Add(old with { RetiresAt = retiresAt });
        }
        return (new LinkSigningKey(id, now, null) { Key = key }, retiring);
    }
}
