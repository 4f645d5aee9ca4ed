using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using KampungKB.Core.Model;
using KampungKB.Core.Store;

namespace KampungKB.Core.Store;

/// <summary>One line of the upload log: every upload and its outcome, accepted or not.</summary>
internal sealed record UploadRecord(
    string UploadId,
    string RegencyCode,
    string Path,
    string FileName,
    string? AreaCode,
    ReportingPeriod? Period,
    string Status,
    string ContentHash,
    long Size,
    DateTimeOffset ReceivedAt,
    DateTimeOffset ProcessedAt,
    int ActivityCount,
    int ErrorCount,
    int WarningCount,
    IReadOnlyList<Problem> Problems)
{
    /// <summary>When retention removed this upload's original and problem details (null while they are kept).</summary>
    public DateTimeOffset? PrunedAt { get; init; }
}

/// <summary>
/// The <c>Uploads</c> table: the evidence of what arrived, when, and what we said about it; and its read-side
/// index, the <c>UploadIndex</c> table (docs/retention.md), so that the upload page and the recap read one
/// month or one kampung instead of the kabupaten's whole history:
/// <list type="bullet">
/// <item><c>m_{regency}_{period}</c> / <c>p_{area}_{uploadId}</c>: the uploads of a reporting month (with the first
/// <see cref="IndexedErrors"/> errors); an upload whose month is unknown goes under the UTC month it arrived in as
/// <c>r_{uploadId}</c>.</item>
/// <item><c>k_{area}</c> / <c>t_{inverted ticks}_{uploadId}</c>: a kampung's uploads, newest first; and
/// <c>ref_{yyyyMMddHHmmss}-{16 hex}</c>: the upload page's reference of an upload it stored (a point read).</item>
/// </list>
/// The log line stays the record; index rows are written before it and rewritten with it (stale keys of an
/// earlier outcome of the same upload are deleted), so every line has its index rows. Data logged before the
/// index existed is read by the old partition scans until <see cref="BackfillIndexAsync"/> has indexed it and set
/// the <c>_state</c>/<c>index</c> marker (a table found empty is marked at once).
/// </summary>
public sealed class UploadLog(TableServiceClient tables, StorageNames names)
{
    /// <summary>How many error problems the month index keeps per upload (the recap quotes 1, reminders 3).</summary>
    public const int IndexedErrors = 5;

    private readonly TableClient _uploads = tables.GetTableClient(names.UploadsTable);
    private readonly TableClient _index = tables.GetTableClient(names.UploadIndexTable);
    private const int MaxProblemsKept = 200;
    private const string StatePartition = "_state";
    private const string StateRow = "index";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly ConcurrentDictionary<Uri, bool> Indexed = new();

    /// <summary>
    /// Until when retention has pruned (row <c>_state</c>/<c>retention</c> of <c>UploadIndex</c>): the cutoff of its last
    /// complete run, <see cref="DateTimeOffset.UnixEpoch"/> before any (docs/retention.md).
    /// </summary>
    public async Task<DateTimeOffset> GetPrunedBeforeAsync(CancellationToken cancellationToken = default)
    {
        var state = await _index.GetEntityOrDefaultAsync(StatePartition, "retention", cancellationToken).ConfigureAwait(false);
        return state?.GetDateTimeOffset("PrunedBefore") ?? DateTimeOffset.UnixEpoch;
    }

    /// <summary>Records a complete retention run: everything received before <paramref name="cutoff"/> is pruned.</summary>
    public Task SetPrunedBeforeAsync(DateTimeOffset cutoff, DateTimeOffset ranAt, CancellationToken cancellationToken = default) =>
        _index.UpsertEntityAsync(new TableEntity(StatePartition, "retention") { ["PrunedBefore"] = cutoff, ["RanAt"] = ranAt }, TableUpdateMode.Replace, cancellationToken);

    internal async Task RecordAsync(UploadRecord record, CancellationToken cancellationToken = default)
    {
        var problems = KeptProblems(record.Problems);
        var e = new TableEntity(record.RegencyCode, record.UploadId)
        {
            ["Path"] = record.Path,
            ["FileName"] = record.FileName,
            ["Status"] = record.Status,
            ["ContentHash"] = record.ContentHash,
            ["Size"] = record.Size,
            ["ReceivedAt"] = record.ReceivedAt,
            ["ProcessedAt"] = record.ProcessedAt,
            ["ActivityCount"] = record.ActivityCount,
            ["ErrorCount"] = record.ErrorCount,
            ["WarningCount"] = record.WarningCount,
            ["ProblemCount"] = record.Problems.Count,
            ["Problems"] = problems,
        };
        if (record.AreaCode is not null) e["AreaCode"] = record.AreaCode;
        if (record.Period is { } p) e["Period"] = p.ToString();

        // On an empty log (a new deployment) this sets the marker before the first line: readers use the index from the start.
        await IsIndexedAsync(cancellationToken).ConfigureAwait(false);
        // A reprocessed upload may change month or kampung: its earlier index rows go first.
        var fresh = IndexRows(record, names).ToList();
        if (await _uploads.GetEntityOrDefaultAsync(record.RegencyCode, record.UploadId, cancellationToken).ConfigureAwait(false) is { } earlier)
            await DeleteIndexRowsAsync(IndexRows(From(earlier), names).Where(o => !fresh.Any(n => n.PartitionKey == o.PartitionKey && n.RowKey == o.RowKey)), cancellationToken).ConfigureAwait(false);
        foreach (var row in fresh)
            await _index.UpsertEntityAsync(row, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
        await _uploads.UpsertEntityAsync(e, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Removes one line and its index rows (a stale line of an upload since logged in another partition); absent lines are fine.</summary>
    public async Task DeleteAsync(string regencyCode, string uploadId, CancellationToken cancellationToken = default)
    {
        if (await _uploads.GetEntityOrDefaultAsync(regencyCode, uploadId, cancellationToken).ConfigureAwait(false) is { } line)
            await DeleteIndexRowsAsync(IndexRows(From(line), names), cancellationToken).ConfigureAwait(false);
        await _uploads.DeleteEntityAsync(regencyCode, uploadId, ETag.All, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The uploads of one kabupaten/kota (or of <see cref="StorageNames.UnknownRegency"/>), newest first: the
    /// whole partition, every problem kept. For the operator's rare tools (reprocess); pages, recaps and
    /// reminders read by month or kampung.
    /// </summary>
    internal async Task<IReadOnlyList<UploadRecord>> ListAsync(string regencyCode, string? areaCode = null, CancellationToken cancellationToken = default)
    {
        var filter = areaCode is null
            ? TableClient.CreateQueryFilter($"PartitionKey eq {regencyCode}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {regencyCode} and AreaCode eq {areaCode}");
        var list = new List<UploadRecord>();
        await foreach (var e in _uploads.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
            list.Add(From(e));
        return Newest(list);
    }

    /// <summary>
    /// The uploads of one kabupaten/kota whose reporting month is <paramref name="period"/>, newest first, each
    /// with its first <see cref="IndexedErrors"/> errors (counts are complete). One partition of the index.
    /// </summary>
    internal async Task<IReadOnlyList<UploadRecord>> ListForPeriodAsync(string regencyCode, ReportingPeriod period, CancellationToken cancellationToken = default)
    {
        if (!await IsIndexedAsync(cancellationToken).ConfigureAwait(false))
            return (await ListAsync(regencyCode, cancellationToken: cancellationToken).ConfigureAwait(false)).Where(u => u.Period == period).ToList();
        return Newest(await QueryIndexAsync(MonthPartition(regencyCode, period.ToString()), "p_", cancellationToken).ConfigureAwait(false));
    }

    /// <summary>
    /// The uploads of one kabupaten/kota whose month is unknown and that arrived in [<paramref name="from"/>,
    /// <paramref name="to"/>), newest first: the index partitions of the UTC months the interval touches.
    /// </summary>
    internal async Task<IReadOnlyList<UploadRecord>> ListUndatedAsync(string regencyCode, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        if (!await IsIndexedAsync(cancellationToken).ConfigureAwait(false))
            return (await ListAsync(regencyCode, cancellationToken: cancellationToken).ConfigureAwait(false))
                .Where(u => u.Period is null && u.ReceivedAt >= from && u.ReceivedAt < to).ToList();
        var list = new List<UploadRecord>();
        for (var m = ReportingPeriod.Of(DateOnly.FromDateTime(from.UtcDateTime)); m.CompareTo(ReportingPeriod.Of(DateOnly.FromDateTime(to.UtcDateTime))) <= 0; m = m.Next)
            list.AddRange(await QueryIndexAsync(MonthPartition(regencyCode, m.ToString()), "r_", cancellationToken).ConfigureAwait(false));
        return Newest(list.Where(u => u.ReceivedAt >= from && u.ReceivedAt < to).ToList());
    }

    /// <summary>
    /// What the recap lists: the uploads of <paramref name="period"/> plus those of unknown month received in
    /// [<paramref name="from"/>, <paramref name="to"/>), newest first. Before the index covers the log, one scan
    /// of the kabupaten's partition (what the recap read before the upload index).
    /// </summary>
    internal async Task<IReadOnlyList<UploadRecord>> ListForRecapAsync(string regencyCode, ReportingPeriod period, DateTimeOffset from, DateTimeOffset to,
        CancellationToken cancellationToken = default)
    {
        if (!await IsIndexedAsync(cancellationToken).ConfigureAwait(false))
            return (await ListAsync(regencyCode, cancellationToken: cancellationToken).ConfigureAwait(false))
                .Where(u => u.Period == period || u.Period is null && u.ReceivedAt >= from && u.ReceivedAt < to).ToList();
        var month = await ListForPeriodAsync(regencyCode, period, cancellationToken).ConfigureAwait(false);
        var undated = await ListUndatedAsync(regencyCode, from, to, cancellationToken).ConfigureAwait(false);
        return Newest([.. month, .. undated]);
    }

    /// <summary>A kampung's latest <paramref name="count"/> uploads, newest first (without problems): one page of one index partition.</summary>
    internal async Task<IReadOnlyList<UploadRecord>> RecentAsync(string regencyCode, string areaCode, int count, CancellationToken cancellationToken = default)
    {
        if (!await IsIndexedAsync(cancellationToken).ConfigureAwait(false))
            return (await ListAsync(regencyCode, areaCode, cancellationToken).ConfigureAwait(false)).Take(count).ToList();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {KampungPartition(areaCode)} and RowKey ge {"t_"} and RowKey lt {"t`"}");
        var list = new List<UploadRecord>();
        await foreach (var page in _index.QueryAsync<TableEntity>(filter, maxPerPage: count, cancellationToken: cancellationToken).AsPages().ConfigureAwait(false))
        {
            list.AddRange(page.Values.Select(FromIndex));
            if (list.Count >= count) break;
        }
        return Newest(list).Take(count).ToList();
    }

    /// <summary>One log line with its kept problems (up to 200), or null: a point read.</summary>
    internal async Task<UploadRecord?> GetAsync(string regencyCode, string uploadId, CancellationToken cancellationToken = default)
    {
        var e = await _uploads.GetEntityOrDefaultAsync(regencyCode, uploadId, cancellationToken).ConfigureAwait(false);
        return e is null ? null : From(e);
    }

    /// <summary>
    /// The upload the upload page stored as <c>{areaCode}/{stamp}-…</c> whose content hash starts with
    /// <paramref name="hashPrefix"/> (16 hex), once it has been logged; null before. A point read.
    /// </summary>
    internal async Task<UploadRecord?> FindByPageReferenceAsync(string regencyCode, string areaCode, string stamp, string hashPrefix, CancellationToken cancellationToken = default)
    {
        if (!await IsIndexedAsync(cancellationToken).ConfigureAwait(false))
        {
            var prefix = $"{names.Uploads}/{areaCode}/{stamp}-";
            return (await ListAsync(regencyCode, areaCode, cancellationToken).ConfigureAwait(false))
                .FirstOrDefault(r => r.Path.StartsWith(prefix, StringComparison.Ordinal) && r.ContentHash.StartsWith(hashPrefix, StringComparison.Ordinal));
        }
        var row = await _index.GetEntityOrDefaultAsync(KampungPartition(areaCode), $"ref_{stamp}-{hashPrefix}", cancellationToken).ConfigureAwait(false);
        return row is null ? null : FromIndex(row);
    }

    /// <summary>
    /// The log lines of one kabupaten/kota received in [<paramref name="from"/>, <paramref name="to"/>): a RowKey
    /// range of its partition (upload ids start with the receipt time, <c>yyyyMMddTHHmmss</c>).
    /// </summary>
    internal async IAsyncEnumerable<UploadRecord> ReceivedBetweenAsync(string regencyCode, DateTimeOffset from, DateTimeOffset to,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {regencyCode} and RowKey ge {IdTime(from)} and RowKey lt {IdTime(to)}");
        await foreach (var e in _uploads.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
            yield return From(e);
    }

    /// <summary>
    /// Retention: removes the problem details of one upload from its log line and month index row (counts,
    /// status and times stay) and stamps <see cref="UploadRecord.PrunedAt"/>. Idempotent.
    /// </summary>
    internal async Task PruneProblemsAsync(UploadRecord record, DateTimeOffset prunedAt, CancellationToken cancellationToken = default)
    {
        foreach (var row in IndexRows(record, names).Where(r => r.ContainsKey("Problems")))
            await MergeIfExistsAsync(_index, new TableEntity(row.PartitionKey, row.RowKey) { ["Problems"] = "[]", ["PrunedAt"] = prunedAt }, cancellationToken).ConfigureAwait(false);
        await MergeIfExistsAsync(_uploads, new TableEntity(record.RegencyCode, record.UploadId) { ["Problems"] = "[]", ["PrunedAt"] = prunedAt }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Writes the index rows of every log line written before the index existed, then sets the marker that lets
    /// readers use the index. Idempotent (upserts) and resumable: progress is saved in the marker every 500 lines.
    /// Returns the number of lines indexed by this call (0 once complete).
    /// </summary>
    public async Task<int> BackfillIndexAsync(CancellationToken cancellationToken = default)
    {
        var state = await _index.GetEntityOrDefaultAsync(StatePartition, StateRow, cancellationToken).ConfigureAwait(false);
        if (state?.GetBoolean("Complete") == true) return 0;
        var resume = state?.GetString("ResumeAfter")?.Split('\n');
        var filter = resume is [var pk, var rk]
            ? TableClient.CreateQueryFilter($"PartitionKey gt {pk} or (PartitionKey eq {pk} and RowKey gt {rk})")
            : null;
        var count = 0;
        await foreach (var e in _uploads.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            foreach (var row in IndexRows(From(e), names))
                await _index.UpsertEntityAsync(row, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            if (++count % 500 == 0)
                await _index.UpsertEntityAsync(new TableEntity(StatePartition, StateRow) { ["Complete"] = false, ["ResumeAfter"] = e.PartitionKey + "\n" + e.RowKey },
                    TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
        }
        await MarkIndexedAsync(cancellationToken).ConfigureAwait(false);
        return count;
    }

    /// <summary>Whether readers may use the index: the marker is set, or the log is empty (then it is set now). Cached once true.</summary>
    internal async Task<bool> IsIndexedAsync(CancellationToken cancellationToken)
    {
        if (Indexed.ContainsKey(_index.Uri)) return true;
        var state = await _index.GetEntityOrDefaultAsync(StatePartition, StateRow, cancellationToken).ConfigureAwait(false);
        if (state?.GetBoolean("Complete") != true)
        {
            await foreach (var _ in _uploads.QueryAsync<TableEntity>(select: ["RowKey"], maxPerPage: 1, cancellationToken: cancellationToken).ConfigureAwait(false))
                return false;
            await MarkIndexedAsync(cancellationToken).ConfigureAwait(false);
        }
        Indexed[_index.Uri] = true;
        return true;
    }

    private async Task MarkIndexedAsync(CancellationToken cancellationToken)
    {
        await _index.UpsertEntityAsync(new TableEntity(StatePartition, StateRow) { ["Complete"] = true }, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
        Indexed[_index.Uri] = true;
    }

    private async Task<List<UploadRecord>> QueryIndexAsync(string partition, string rowPrefix, CancellationToken cancellationToken)
    {
        var end = rowPrefix[..^1] + (char)(rowPrefix[^1] + 1);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {rowPrefix} and RowKey lt {end}");
        var list = new List<UploadRecord>();
        await foreach (var e in _index.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
            list.Add(FromIndex(e));
        return list;
    }

    private async Task DeleteIndexRowsAsync(IEnumerable<TableEntity> rows, CancellationToken cancellationToken)
    {
        foreach (var row in rows)
            await _index.DeleteEntityAsync(row.PartitionKey, row.RowKey, ETag.All, cancellationToken).ConfigureAwait(false);
    }

    private static async Task MergeIfExistsAsync(TableClient table, TableEntity patch, CancellationToken cancellationToken)
    {
        try { await table.UpdateEntityAsync(patch, ETag.All, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false); }
        catch (RequestFailedException e) when (e.Status == 404) { }
    }

    private static string MonthPartition(string regencyCode, string month) => $"m_{regencyCode}_{month}";
    private static string KampungPartition(string areaCode) => $"k_{areaCode}";
    private static string IdTime(DateTimeOffset t) => t.UtcDateTime.ToString("yyyyMMdd'T'HHmmss", CultureInfo.InvariantCulture);

    /// <summary>The index rows of one log line (see the type): full copies without the problem list, except the month row's first errors.</summary>
    internal static IEnumerable<TableEntity> IndexRows(UploadRecord r, StorageNames names)
    {
        var blobName = r.Path.StartsWith(names.Uploads + "/", StringComparison.Ordinal) ? r.Path[(names.Uploads.Length + 1)..] : r.Path;
        var path = UploadPath.Parse(blobName);
        var area = r.AreaCode ?? path.AreaCode;
        TableEntity Row(string pk, string rk)
        {
            var e = new TableEntity(pk, rk)
            {
                ["UploadId"] = r.UploadId, ["Regency"] = r.RegencyCode, ["Path"] = r.Path, ["FileName"] = r.FileName, ["Status"] = r.Status,
                ["ContentHash"] = r.ContentHash, ["Size"] = r.Size, ["ReceivedAt"] = r.ReceivedAt, ["ProcessedAt"] = r.ProcessedAt,
                ["ActivityCount"] = r.ActivityCount, ["ErrorCount"] = r.ErrorCount, ["WarningCount"] = r.WarningCount,
            };
            if (r.AreaCode is not null) e["AreaCode"] = r.AreaCode;
            if (r.Period is { } p) e["Period"] = p.ToString();
            if (r.PrunedAt is { } pruned) e["PrunedAt"] = pruned;
            return e;
        }

        var month = r.Period is { } period
            ? Row(MonthPartition(r.RegencyCode, period.ToString()), $"p_{area ?? "_"}_{r.UploadId}")
            : Row(MonthPartition(r.RegencyCode, ReportingPeriod.Of(DateOnly.FromDateTime(r.ReceivedAt.UtcDateTime)).ToString()), $"r_{r.UploadId}");
        month["Problems"] = r.PrunedAt is null ? KeptProblems(r.Problems.Where(p => p.Severity == Severity.Error).Take(IndexedErrors).ToList()) : "[]";
        yield return month;
        if (area is null) yield break;
        yield return Row(KampungPartition(area), $"t_{DateTimeOffset.MaxValue.UtcTicks - r.ReceivedAt.UtcTicks:D19}_{r.UploadId}");
        if (PageReference(blobName, r.ContentHash) is { } reference) yield return Row(KampungPartition(area), "ref_" + reference);
    }

    /// <summary>The upload page's reference of a blob it stored as <c>{area}/{yyyyMMddHHmmss}-{file}</c>: <c>{stamp}-{first 16 hex of the SHA-256}</c>.</summary>
    internal static string? PageReference(string blobName, string contentHash)
    {
        var segments = blobName.Split('/');
        if (segments.Length != 2 || contentHash.Length < 16) return null;
        var file = segments[1];
        return file.Length > 15 && file[14] == '-' && file.AsSpan(0, 14).IndexOfAnyExceptInRange('0', '9') < 0 ? file[..14] + "-" + contentHash[..16] : null;
    }

    private static List<UploadRecord> Newest(List<UploadRecord> list) =>
        list.OrderByDescending(r => r.ReceivedAt).ThenByDescending(r => r.UploadId, StringComparer.Ordinal).ToList();

    private static UploadRecord FromIndex(TableEntity e) => Read(e, e.GetString("UploadId") ?? "", e.GetString("Regency") ?? "");

    private static UploadRecord From(TableEntity e) => Read(e, e.RowKey, e.PartitionKey);

    private static UploadRecord Read(TableEntity e, string uploadId, string regency)
    {
        var problems = JsonSerializer.Deserialize<List<ProblemJson>>(e.GetString("Problems") ?? "[]", Json) ?? [];
        return new UploadRecord(
            uploadId, regency, e.GetString("Path") ?? "", e.GetString("FileName") ?? "", e.GetString("AreaCode"),
            ReportingPeriod.TryParse(e.GetString("Period"), out var p) ? p : null,
            e.GetString("Status") ?? "", e.GetString("ContentHash") ?? "", e.GetInt64("Size") ?? 0,
            e.GetDateTimeOffset("ReceivedAt") ?? default, e.GetDateTimeOffset("ProcessedAt") ?? default,
            e.GetInt32("ActivityCount") ?? 0, e.GetInt32("ErrorCount") ?? 0, e.GetInt32("WarningCount") ?? 0,
            problems.Select(d => d.ToProblem()).ToList())
        { PrunedAt = e.GetDateTimeOffset("PrunedAt") };
    }

    /// <summary>
    /// The first problems as JSON that fits one table property (≤ 30,000 characters, under the 32 K limit
    /// of an Edm.String): at most <see cref="MaxProblemsKept"/>, halved until it fits, down to none. The total
    /// count is kept beside it (<c>ProblemCount</c>) and the original file is kept in full anyway.
    /// </summary>
    internal static string KeptProblems(IReadOnlyList<Problem> all)
    {
        for (var take = Math.Min(all.Count, MaxProblemsKept); ; take /= 2)
        {
            var json = JsonSerializer.Serialize(all.Take(take).Select(Kept), Json);
            if (json.Length <= 30_000 || take == 0) return json;
        }
    }

    /// <summary>The log keeps the cell text short: the original file is kept in full anyway.</summary>
    private static ProblemJson Kept(Problem p) =>
        ProblemJson.From(p) with { Text = p.Text is { Length: > 200 } t ? t[..200] + "…" : p.Text };
}
