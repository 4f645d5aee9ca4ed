using Azure.Data.Tables;
using KampungKB.Core.Model;
using KampungKB.Core.Store;
using KampungKB.Core.Ingestion.Normalisation;

namespace KampungKB.Core.Store;

/// <summary>States of a linked folder.</summary>
internal static class DriveFolderStates
{
    /// <summary>Listed normally.</summary>
    public const string Active = "active";
    /// <summary>The last listing got 403/404 (sharing revoked, folder deleted); checked again after <see cref="DriveSync.UnreachableBackoff"/>.</summary>
    public const string Unreachable = "unreachable";
    /// <summary>Unreachable <see cref="DriveSync.MaxFolderFailures"/> times in a row: not listed any more until the dinas links it again.</summary>
    public const string GivenUp = "given-up";
}

/// <summary>States of a remembered Drive file.</summary>
internal static class DriveFileStates
{
    public const string Copied = "copied";
    /// <summary>No longer in the folder (deleted or trashed); what it brought stays.</summary>
    public const string Removed = "removed";
    /// <summary>Over the pipeline's size cap: not downloaded, until it changes.</summary>
    public const string TooLarge = "too-large";
    /// <summary>Drive refused the download (e.g. 403 copy protection); retried up to <see cref="DriveSync.MaxFileAttempts"/> times per version.</summary>
    public const string Failed = "failed";
}

/// <summary>A kampung's linked folder (table <c>DriveFolders</c>, PK regency code, RK area code).</summary>
public sealed record DriveFolderLink(
    string AreaCode, string FolderId, DateTimeOffset LinkedAt, string State, int Failures,
    DateTimeOffset? UnreachableSince, DateTimeOffset? NextCheckAt, DateTimeOffset? LastPassAt, string? LastError, int CopiedTotal)
{
    public string RegencyCode => AreaCode[..5];
    public string Url => DriveFolderUrl.Canonical(FolderId);
}

/// <summary>A file remembered for a kampung (table <c>DriveFiles</c>, PK area code, RK Drive file id).</summary>
internal sealed record DriveFileRecord(string AreaCode, string FileId, string Name, string Version, string State, DateTimeOffset At, string? BlobName, int Attempts);

/// <summary>
/// The Drive channel's two tables: <c>DriveFolders</c> (which folder each kampung reports from, and how the
/// last listing went) and <c>DriveFiles</c> (each file copied, by Drive id and version — <c>md5Checksum</c> for
/// uploaded files, <c>modifiedTime</c> for native Sheets — so nothing is copied twice).
/// </summary>
public sealed class DriveStore(TableServiceClient tables, StorageNames names)
{
    private readonly TableClient _folders = tables.GetTableClient(names.DriveFoldersTable);
    private readonly TableClient _files = tables.GetTableClient(names.DriveFilesTable);

    /// <summary>Creates both tables (idempotent).</summary>
    public async Task EnsureAsync(CancellationToken ct = default)
    {
        await tables.CreateTableIfNotExistsAsync(names.DriveFoldersTable, ct).ConfigureAwait(false);
        await tables.CreateTableIfNotExistsAsync(names.DriveFilesTable, ct).ConfigureAwait(false);
    }

    /// <summary>Links (or re-links) a kampung to a folder: state active, failures cleared. Files already remembered stay remembered.</summary>
    public async Task<DriveFolderLink> LinkAsync(AreaCode area, string folderId, DateTimeOffset now, CancellationToken ct = default)
    {
        var entity = new TableEntity(area.Regency, area.Value)
        {
            ["FolderId"] = folderId, ["LinkedAt"] = now, ["State"] = DriveFolderStates.Active, ["Failures"] = 0, ["CopiedTotal"] = 0,
        };
        if (await _folders.GetEntityOrDefaultAsync(area.Regency, area.Value, ct).ConfigureAwait(false) is { } old && old.GetString("FolderId") == folderId)
            entity["CopiedTotal"] = old.GetInt32("CopiedTotal") ?? 0;
        await _folders.UpsertEntityAsync(entity, TableUpdateMode.Replace, ct).ConfigureAwait(false);
        return From(entity);
    }

    /// <summary>Links unless the kampung is already linked to this very folder (a registry import repeats every row; the folder's state stays).</summary>
    public async Task LinkIfChangedAsync(AreaCode area, string folderId, DateTimeOffset now, CancellationToken ct = default)
    {
        var existing = await _folders.GetEntityOrDefaultAsync(area.Regency, area.Value, ct).ConfigureAwait(false);
        if (existing?.GetString("FolderId") != folderId) await LinkAsync(area, folderId, now, ct).ConfigureAwait(false);
    }

    /// <summary>Removes a kampung's link; false when it had none.</summary>
    public async Task<bool> UnlinkAsync(AreaCode area, CancellationToken ct = default)
    {
        try { await _folders.DeleteEntityAsync(area.Regency, area.Value, cancellationToken: ct).ConfigureAwait(false); }
        catch (Azure.RequestFailedException e) when (e.Status == 404) { return false; }
        return true;
    }

    /// <summary>Every link (of one kabupaten/kota, or one kampung), ordered by area code.</summary>
    public async Task<IReadOnlyList<DriveFolderLink>> ListAsync(string? regencyCode = null, string? areaCode = null, CancellationToken ct = default)
    {
        string? filter = areaCode is not null && AreaCode.TryParse(areaCode, out var a)
            ? TableClient.CreateQueryFilter($"PartitionKey eq {a.Regency} and RowKey eq {a.Value}")
            : regencyCode is null ? null : TableClient.CreateQueryFilter($"PartitionKey eq {regencyCode}");
        var list = new List<DriveFolderLink>();
        await foreach (var e in _folders.QueryAsync<TableEntity>(filter, cancellationToken: ct).ConfigureAwait(false)) list.Add(From(e));
        return list.OrderBy(l => l.AreaCode, StringComparer.Ordinal).ToList();
    }

    /// <summary>Records a folder's pass (merge).</summary>
    internal Task SaveFolderAsync(DriveFolderLink link, CancellationToken ct)
    {
        var e = new TableEntity(link.RegencyCode, link.AreaCode)
        {
            ["FolderId"] = link.FolderId, ["LinkedAt"] = link.LinkedAt, ["State"] = link.State, ["Failures"] = link.Failures,
            ["UnreachableSince"] = link.UnreachableSince, ["NextCheckAt"] = link.NextCheckAt, ["LastPassAt"] = link.LastPassAt,
            ["LastError"] = link.LastError, ["CopiedTotal"] = link.CopiedTotal,
        };
        return _folders.UpsertEntityAsync(e, TableUpdateMode.Replace, ct);
    }

    /// <summary>Every file remembered for a kampung, by Drive file id.</summary>
    internal async Task<IReadOnlyDictionary<string, DriveFileRecord>> ListFilesAsync(string areaCode, CancellationToken ct = default)
    {
        var map = new Dictionary<string, DriveFileRecord>(StringComparer.Ordinal);
        await foreach (var e in _files.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {areaCode}"), cancellationToken: ct).ConfigureAwait(false))
            map[e.RowKey] = new DriveFileRecord(e.PartitionKey, e.RowKey, e.GetString("Name") ?? "", e.GetString("Version") ?? "", e.GetString("State") ?? "",
                e.GetDateTimeOffset("At") ?? default, e.GetString("BlobName"), e.GetInt32("Attempts") ?? 0);
        return map;
    }

    internal Task SaveFileAsync(DriveFileRecord r, CancellationToken ct) =>
        _files.UpsertEntityAsync(new TableEntity(r.AreaCode, r.FileId)
        {
            ["Name"] = r.Name, ["Version"] = r.Version, ["State"] = r.State, ["At"] = r.At, ["BlobName"] = r.BlobName, ["Attempts"] = r.Attempts,
        }, TableUpdateMode.Replace, ct);

    private static DriveFolderLink From(TableEntity e) => new(
        e.RowKey, e.GetString("FolderId") ?? "", e.GetDateTimeOffset("LinkedAt") ?? default, e.GetString("State") ?? DriveFolderStates.Active,
        e.GetInt32("Failures") ?? 0, e.GetDateTimeOffset("UnreachableSince"), e.GetDateTimeOffset("NextCheckAt"), e.GetDateTimeOffset("LastPassAt"),
        e.GetString("LastError"), e.GetInt32("CopiedTotal") ?? 0);
}
