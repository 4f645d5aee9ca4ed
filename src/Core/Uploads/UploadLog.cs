using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using KampungKB.Core.Model;
using KampungKB.Core.Storage;

namespace KampungKB.Core.Uploads;

/// <summary>One line of the upload log: every upload and its outcome, accepted or not.</summary>
public sealed record UploadRecord(
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
    IReadOnlyList<Problem> Problems);

/// <summary>The <c>Uploads</c> table: the evidence of what arrived, when, and what we said about it.</summary>
public sealed class UploadLog(TableServiceClient tables, StorageNames names)
{
    private readonly TableClient _uploads = tables.GetTableClient(names.UploadsTable);
    private const int MaxProblemsKept = 200;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task RecordAsync(UploadRecord record, CancellationToken cancellationToken = default)
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
        await _uploads.UpsertEntityAsync(e, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Removes one line (a stale line of an upload since logged in another partition); absent lines are fine.</summary>
    public async Task DeleteAsync(string regencyCode, string uploadId, CancellationToken cancellationToken = default) =>
        await _uploads.DeleteEntityAsync(regencyCode, uploadId, ETag.All, cancellationToken).ConfigureAwait(false);

    /// <summary>The uploads of one kabupaten/kota (or of <see cref="StorageNames.UnknownRegency"/>), newest first.</summary>
    public async Task<IReadOnlyList<UploadRecord>> ListAsync(string regencyCode, string? areaCode = null, CancellationToken cancellationToken = default)
    {
        var filter = areaCode is null
            ? TableClient.CreateQueryFilter($"PartitionKey eq {regencyCode}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {regencyCode} and AreaCode eq {areaCode}");
        var list = new List<UploadRecord>();
        await foreach (var e in _uploads.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
            list.Add(From(e));
        return list.OrderByDescending(r => r.ReceivedAt).ThenByDescending(r => r.UploadId, StringComparer.Ordinal).ToList();
    }

    private static UploadRecord From(TableEntity e)
    {
        var problems = JsonSerializer.Deserialize<List<ProblemJson>>(e.GetString("Problems") ?? "[]", Json) ?? [];
        return new UploadRecord(
            e.RowKey, e.PartitionKey, e.GetString("Path") ?? "", e.GetString("FileName") ?? "", e.GetString("AreaCode"),
            ReportingPeriod.TryParse(e.GetString("Period"), out var p) ? p : null,
            e.GetString("Status") ?? "", e.GetString("ContentHash") ?? "", e.GetInt64("Size") ?? 0,
            e.GetDateTimeOffset("ReceivedAt") ?? default, e.GetDateTimeOffset("ProcessedAt") ?? default,
            e.GetInt32("ActivityCount") ?? 0, e.GetInt32("ErrorCount") ?? 0, e.GetInt32("WarningCount") ?? 0,
            problems.Select(d => d.ToProblem()).ToList());
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
