using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using KampungKB.Core.Model;
using KampungKB.Core.Store;
using KampungKB.Core.Ingestion.Validation;

namespace KampungKB.Core.Uploads;

/// <summary>
/// What <see cref="UploadReprocessor"/> did with one earlier upload: <see cref="Status"/> is the new
/// <see cref="UploadStatus"/> (or <see cref="UploadReprocessor.OriginalMissing"/> when the kept original
/// could not be found or no longer matches its recorded hash); <see cref="PreviousStatus"/> is what the
/// upload log said before. <see cref="Outcome"/> is null when nothing was processed.
/// </summary>
public sealed record ReprocessedUpload(string UploadId, string FileName, string Status, string PreviousStatus, UploadOutcome? Outcome);

/// <summary>
/// The operator's <c>kkb reprocess --kampung AREA_CODE --period YYYY-MM</c> (docs/robustness.md): judges
/// again the uploads of one kampung and month that were rejected for a reason depending on the registry
/// (<c>kampung-not-registered</c>, <c>kampung-unknown</c>, <c>kampung-ambiguous</c>, <c>kampung-mismatch</c>, <c>kampung-retired</c>),
/// e.g. after the dinas fixed its registry, whether or not the registry version changed since.
/// Uploads are found in the upload log, in the kabupaten's partition and in
/// <see cref="StorageNames.UnknownRegency"/> (where bulk drops and unregistered kampung are logged), by
/// the area code and period recorded, else by those in the upload path. Each kept original (from
/// <c>rejected/</c>, or <c>processed/</c>) goes through <see cref="UploadProcessor"/> again with its claim
/// reopened: the same upload id, exactly-once rules and "latest received version wins".
/// </summary>
public sealed class UploadReprocessor(UploadProcessor processor, BlobServiceClient blobs, UploadLog log, StorageNames names)
{
    /// <summary>The status of an upload whose kept original is gone or no longer matches its recorded content hash.</summary>
    public const string OriginalMissing = "original-missing";

    private static readonly HashSet<string> RegistryCodes =
        [ProblemCodes.KampungNotRegistered, ProblemCodes.KampungUnknown, ProblemCodes.KampungAmbiguous, ProblemCodes.KampungMismatch, ProblemCodes.KampungRetired];


    /// <summary>The uploads that <see cref="ReprocessAsync"/> would judge again, oldest first.</summary>
    internal async Task<IReadOnlyList<UploadRecord>> FindAsync(AreaCode kampung, ReportingPeriod period, CancellationToken cancellationToken = default)
    {
        var found = new List<UploadRecord>();
        foreach (var partition in new[] { kampung.Regency, StorageNames.UnknownRegency })
            foreach (var record in await log.ListAsync(partition, cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                if (record.Status != UploadStatus.Rejected || !record.Problems.Any(p => RegistryCodes.Contains(p.Code))) continue;
                var path = UploadPath.Parse(BlobName(record.Path));
                if ((record.AreaCode ?? path.AreaCode) == kampung.Value && (record.Period ?? path.Period) == period) found.Add(record);
            }
        return found.OrderBy(r => r.ReceivedAt).ThenBy(r => r.UploadId, StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// Judges again every upload <see cref="FindAsync"/> finds, oldest first, and returns one result per
    /// upload (empty when none). A log line left in another partition than the new outcome's is removed, so
    /// the log keeps one line per upload. Storage failures propagate.
    /// </summary>
    public async Task<IReadOnlyList<ReprocessedUpload>> ReprocessAsync(AreaCode kampung, ReportingPeriod period, CancellationToken cancellationToken = default)
    {
        var results = new List<ReprocessedUpload>();
        foreach (var record in await FindAsync(kampung, period, cancellationToken).ConfigureAwait(false))
        {
            var content = await KeptOriginalAsync(record, cancellationToken).ConfigureAwait(false);
            if (content is null)
            {
                results.Add(new ReprocessedUpload(record.UploadId, record.FileName, OriginalMissing, record.Status, null));
                continue;
            }
            var outcome = await processor.ReprocessAsync(new UploadEvent(BlobName(record.Path), content.Value.Length), content.Value, cancellationToken).ConfigureAwait(false);
            var regency = outcome.AreaCode is { } a && AreaCode.TryParse(a, out var code) ? code.Regency : StorageNames.UnknownRegency;
            if (regency != record.RegencyCode || outcome.UploadId != record.UploadId)
                await log.DeleteAsync(record.RegencyCode, record.UploadId, cancellationToken).ConfigureAwait(false);
            results.Add(new ReprocessedUpload(outcome.UploadId, record.FileName, outcome.Status, record.Status, outcome));
        }
        return results;
    }

    private string BlobName(string loggedPath) =>
        loggedPath.StartsWith(names.Uploads + "/", StringComparison.Ordinal) ? loggedPath[(names.Uploads.Length + 1)..] : loggedPath;

    /// <summary>The bytes kept under <c>rejected/</c> or <c>processed/</c> for this upload id, if their hash is the one logged.</summary>
    private async Task<ReadOnlyMemory<byte>?> KeptOriginalAsync(UploadRecord record, CancellationToken cancellationToken)
    {
        var prefixes = new[] { $"{record.AreaCode ?? StorageNames.UnknownRegency}/{record.UploadId}/", $"{record.AreaCode}/{record.Period}/{record.UploadId}/" };
        foreach (var container in new[] { names.Rejected, names.Processed })
        {
            var client = blobs.GetBlobContainerClient(container);
            foreach (var prefix in prefixes)
                await foreach (var item in client.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, prefix, cancellationToken).ConfigureAwait(false))
                {
                    try
                    {
                        var bytes = (await client.GetBlobClient(item.Name).DownloadContentAsync(cancellationToken).ConfigureAwait(false)).Value.Content.ToMemory();
                        if (Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes.Span)) == record.ContentHash) return bytes;
                    }
                    catch (RequestFailedException e) when (e.Status == 404) { }
                }
        }
        return null;
    }
}
