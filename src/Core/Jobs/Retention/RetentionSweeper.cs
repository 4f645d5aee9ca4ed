using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using KampungKB.Core.Model;
using KampungKB.Core.Registry;
using KampungKB.Core.Store;
using KampungKB.Core.Uploads;
using Microsoft.Extensions.Logging;

namespace KampungKB.Core.Jobs.Retention;

/// <summary>
/// How long originals and problem details are kept (app setting <c>Retention__Months</c>, docs/retention.md).
/// Reports and the figures the dinas recaps are not affected.
/// </summary>
public sealed class RetentionOptions
{
    /// <summary>Two years: this year's and last year's reports can be checked against their files.</summary>
    public const int DefaultMonths = 24;
    public const int MinMonths = 3;
    public const int MaxMonths = 120;

    /// <summary>Originals and problem details of uploads received more than this many months ago are deleted.</summary>
    public int Months { get; init; } = DefaultMonths;

    /// <summary>Reads <c>Retention__Months</c> through <paramref name="settings"/> (unset: the default); a typo must not delete originals early or keep them for ever.</summary>
    public static RetentionOptions FromSettings(SettingsReader settings) => new()
    {
        Months = (int)settings.Whole("Retention__Months", DefaultMonths, MinMonths, MaxMonths, $"a whole number of months between {MinMonths} and {MaxMonths} (default {DefaultMonths})"),
    };
}

/// <summary>What one retention run did: counts only (conventions 13).</summary>
/// <param name="Cutoff">Uploads received before this instant were pruned.</param>
/// <param name="IndexBackfilled">Log lines written before the upload index existed, indexed by this run.</param>
/// <param name="UploadsPruned">Uploads whose original and problem details were removed.</param>
/// <param name="OriginalsDeleted">Blobs deleted from <c>processed/</c>, <c>rejected/</c> and (leftovers past retention) <c>uploads/</c>.</param>
/// <param name="FeedbackDeleted">Feedback blobs (<c>.json</c>, <c>.html</c>) deleted.</param>
/// <param name="DuplicatesDeleted">Blobs in <c>uploads/</c> deleted because their judged copy is kept.</param>
/// <param name="UploadsWaiting">Blobs in <c>uploads/</c> older than a day that no finished upload accounts for (left alone: see <c>./kkb poison</c>).</param>
public sealed record RetentionResult(DateTimeOffset Cutoff, int IndexBackfilled, int UploadsPruned, int OriginalsDeleted, int FeedbackDeleted,
    int DuplicatesDeleted, int UploadsWaiting);

/// <summary>
/// The retention run (docs/retention.md), called daily by the <c>ApplyRetention</c> timer:
/// <list type="number">
/// <item>indexes log lines written before the upload index existed (<see cref="UploadLog.BackfillIndexAsync"/>);</item>
/// <item>deletes blobs left in <c>uploads/</c> for more than <see cref="DuplicateGrace"/> whose upload is finished and
/// whose judged copy is kept in <c>processed/</c> or <c>rejected/</c> (originals are kept once; nothing unjudged is touched);</item>
/// <item>for every upload received before now minus <see cref="RetentionOptions.Months"/>: deletes its kept original, any
/// leftover in <c>uploads/</c> and its feedback blobs, and clears its problem list in the log and the index
/// (status, counts and times stay; reports, activities and figures stay).</item>
/// </list>
/// Idempotent and resumable: every step is a delete-if-exists or a merge; a watermark (<c>UploadIndex</c>
/// <c>_state</c>/<c>retention</c>) is moved to the cutoff only after a complete run, so a failed or cancelled run
/// is redone by the next. Uploads are read per kabupaten/kota (the registry's, plus <c>_unknown</c>) by a RowKey
/// range of the receipt time, so a run costs the uploads that crossed the cutoff since the last run.
/// </summary>
public sealed class RetentionSweeper(BlobServiceClient blobs, UploadLog log, RegistryStore registry, ClaimLedger claims, StorageNames names, RetentionOptions options,
    PipelineOptions pipeline, TimeProvider time, ILogger<RetentionSweeper> logger)
{
    /// <summary>How long a blob may sit in <c>uploads/</c> before it counts as a leftover (the host retries for minutes, not days).</summary>
    public static readonly TimeSpan DuplicateGrace = TimeSpan.FromDays(1);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Runs once; storage faults propagate (the timer's next run redoes what was not finished).</summary>
    public async Task<RetentionResult> RunAsync(CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        var cutoff = now.AddMonths(-options.Months);
        var backfilled = await log.BackfillIndexAsync(ct).ConfigureAwait(false);
        var (duplicates, waiting) = await DeleteDuplicatesAsync(now, ct).ConfigureAwait(false);

        var from = await log.GetPrunedBeforeAsync(ct).ConfigureAwait(false);
        int pruned = 0, originals = 0, feedback = 0;
        if (from < cutoff)
        {
            var regencies = (await registry.ListAsync(null, ct).ConfigureAwait(false))
                .Select(k => k.RegencyCode).Append(StorageNames.UnknownRegency).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
            foreach (var regency in regencies)
                await foreach (var record in log.ReceivedBetweenAsync(regency, from, cutoff, ct).ConfigureAwait(false))
                {
                    if (record.PrunedAt is not null) continue;
                    originals += await DeleteOriginalsAsync(record, ct).ConfigureAwait(false);
                    foreach (var ext in new[] { ".json", ".html" })
                        if ((await blobs.GetBlobContainerClient(names.Feedback).GetBlobClient(record.UploadId + ext).DeleteIfExistsAsync(cancellationToken: ct).ConfigureAwait(false)).Value)
                            feedback++;
                    await log.PruneProblemsAsync(record, now, ct).ConfigureAwait(false);
                    pruned++;
                }
            await log.SetPrunedBeforeAsync(cutoff, now, ct).ConfigureAwait(false);
        }
        var result = new RetentionResult(cutoff, backfilled, pruned, originals, feedback, duplicates, waiting);
        logger.LogInformation(PipelineEvents.RetentionRan,
            "Retention ({Months} months, cutoff {Cutoff:yyyy-MM-dd}): {Pruned} uploads pruned, {Originals} originals and {Feedback} feedback blobs deleted, {Duplicates} duplicates removed from uploads/, {Waiting} left waiting, {Backfilled} log lines indexed",
            options.Months, cutoff, pruned, originals, feedback, duplicates, waiting, backfilled);
        return result;
    }

    /// <summary>Deletes every kept copy of one upload (both containers: a reprocessed upload may have one in each) and a leftover in <c>uploads/</c>.</summary>
    private async Task<int> DeleteOriginalsAsync(UploadRecord record, CancellationToken ct)
    {
        var deleted = 0;
        foreach (var (container, prefix) in KeptPrefixes(record.UploadId, record.AreaCode, record.Period))
        {
            var client = blobs.GetBlobContainerClient(container);
            await foreach (var item in client.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix, ct).ConfigureAwait(false))
                if ((await client.GetBlobClient(item.Name).DeleteIfExistsAsync(DeleteSnapshotsOption.IncludeSnapshots, cancellationToken: ct).ConfigureAwait(false)).Value)
                    deleted++;
        }
        if (record.Path.StartsWith(names.Uploads + "/", StringComparison.Ordinal)
            && (await blobs.GetBlobContainerClient(names.Uploads).GetBlobClient(record.Path[(names.Uploads.Length + 1)..])
                .DeleteIfExistsAsync(DeleteSnapshotsOption.IncludeSnapshots, cancellationToken: ct).ConfigureAwait(false)).Value)
            deleted++;
        return deleted;
    }

    /// <summary>Where <see cref="UploadProcessor"/> keeps an upload's original: <c>processed/{area}/{period}/{id}/</c> or <c>rejected/{area|_unknown}/{id}/</c>.</summary>
    private IEnumerable<(string Container, string Prefix)> KeptPrefixes(string uploadId, string? area, ReportingPeriod? period)
    {
        yield return (names.Rejected, $"{area ?? StorageNames.UnknownRegency}/{uploadId}/");
        if (area is not null && period is { } p) yield return (names.Processed, $"{area}/{p}/{uploadId}/");
    }

    /// <summary>
    /// Blobs in <c>uploads/</c> older than <see cref="DuplicateGrace"/>: deleted (If-Match) when their claim is done and a
    /// kept copy exists; otherwise left alone and counted as waiting. Before originals were kept once every upload stayed there
    /// after being copied, so the first run after the upgrade clears that backlog.
    /// </summary>
    private async Task<(int Deleted, int Waiting)> DeleteDuplicatesAsync(DateTimeOffset now, CancellationToken ct)
    {
        var container = blobs.GetBlobContainerClient(names.Uploads);
        int deleted = 0, waiting = 0;
        await foreach (var item in container.GetBlobsAsync(BlobTraits.None, BlobStates.None, null, ct).ConfigureAwait(false))
        {
            if (item.Properties.LastModified is not { } modified || now - SimulatedClock.Map(time, modified) < DuplicateGrace) continue;
            var blob = container.GetBlobClient(item.Name);
            var size = item.Properties.ContentLength ?? 0;
            string contentKey;
            if (size > pipeline.MaxUploadBytes) contentKey = UploadProcessor.UnreadContentKey(item.Properties.ETag?.ToString(), size);
            else
            {
                try { contentKey = Convert.ToHexStringLower(SHA256.HashData((await blob.DownloadContentAsync(ct).ConfigureAwait(false)).Value.Content.ToMemory().Span)); }
                catch (RequestFailedException e) when (e.Status == 404) { continue; }
            }
            var summary = await claims.GetDoneSummaryAsync(UploadProcessor.ClaimIdOf(names, item.Name, contentKey), ct).ConfigureAwait(false);
            var outcome = summary is null ? null : JsonSerializer.Deserialize<UploadOutcome>(summary, Json);
            if (outcome is null || !await IsKeptAsync(outcome, ct).ConfigureAwait(false))
            {
                waiting++;
                continue;
            }
            try
            {
                await blob.DeleteIfExistsAsync(DeleteSnapshotsOption.IncludeSnapshots, new BlobRequestConditions { IfMatch = item.Properties.ETag }, ct).ConfigureAwait(false);
                deleted++;
            }
            catch (RequestFailedException e) when (e.Status == 412) { waiting++; } // replaced meanwhile: its own trigger judges it
        }
        return (deleted, waiting);
    }

    private async Task<bool> IsKeptAsync(UploadOutcome outcome, CancellationToken ct)
    {
        foreach (var (container, prefix) in KeptPrefixes(outcome.UploadId, outcome.AreaCode, outcome.Period))
            await foreach (var _ in blobs.GetBlobContainerClient(container).GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix, ct).ConfigureAwait(false))
                return true;
        return false;
    }
}
