using KampungKB.Core.Model;
using Azure;
using Azure.Storage.Blobs;
using KampungKB.Core.Ingestion.Intake;
using KampungKB.Core.Uploads;
using KampungKB.Core.Registry;
using KampungKB.Core.Uploads.Feedback;
using KampungKB.Core.Store;
using KampungKB.Core.Ingestion.Validation;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace KampungKB.Functions.Functions;

/// <summary>
/// The blob-triggered functions. Bound to <see cref="BlobClient"/> (a deferred binding: no bytes pass
/// through the host), they read the size from the blob's properties first and read the content only
/// when it is within the cap. User data never throws; storage faults do, so the host retries (5 times,
/// then <c>webjobs-blobtrigger-poison</c>).
/// </summary>
public sealed class BlobFunctions(UploadProcessor uploads, RegistryImporter registry, IngestionEngine engine, PipelineOptions options, ILogger<BlobFunctions> logger)
{
    /// <summary>A cadre's spreadsheet in <c>uploads/{areaCode}/{file}</c> or a bulk drop <c>uploads/{file}</c>.</summary>
    /// <returns>The outcome (null when the blob was deleted before it was read).</returns>
    [Function(nameof(IngestUpload))]
    public async Task<UploadOutcome?> IngestUpload(
        [BlobTrigger("uploads/{name}", Source = BlobTriggerSource.EventGrid)] BlobClient blob, string name, CancellationToken cancellationToken)
    {
        if (await PropertiesAsync(blob, cancellationToken) is not { } properties) return null;
        var upload = new UploadEvent(name, properties.ContentLength, properties.LastModified, properties.ETag.ToString());
        var outcome = properties.ContentLength > options.MaxUploadBytes
            ? await uploads.ProcessUnreadTooLargeAsync(upload, cancellationToken)
            : await uploads.ProcessAsync(upload, (await blob.DownloadContentAsync(cancellationToken)).Value.Content.ToMemory(), cancellationToken);
        logger.LogInformation(FunctionEvents.UploadJudged, "upload {UploadId}: {Status}, {Activities} activities, {Errors} errors{Repeat}",
            outcome.UploadId, outcome.Status, outcome.ActivityCount, outcome.ErrorCount, outcome.Repeated ? " (repeat)" : "");
        return outcome;
    }

    /// <summary>The dinas' registry workbook dropped into <c>registry/</c>; any error stores nothing.</summary>
    [Function(nameof(ImportRegistry))]
    public async Task<RegistryImportOutcome?> ImportRegistry(
        [BlobTrigger("registry/{name}", Source = BlobTriggerSource.EventGrid)] BlobClient blob, string name, CancellationToken cancellationToken)
    {
        if (await PropertiesAsync(blob, cancellationToken) is not { } properties) return null;
        var outcome = properties.ContentLength > options.MaxUploadBytes
            ? new RegistryImportOutcome(false, 0, [engine.Problem(ProblemCodes.FileTooLarge, name, new Dictionary<string, string>
            {
                ["size"] = IndonesianFormat.Megabytes(properties.ContentLength), ["max"] = IndonesianFormat.Megabytes(options.MaxUploadBytes),
            })])
            : await registry.ImportAsync(name, (await blob.DownloadContentAsync(cancellationToken)).Value.Content.ToMemory(), cancellationToken);
        logger.LogInformation(FunctionEvents.RegistryJudged, "registry: {Result}, {Kampung} kampung, {Retired} retired, {Reactivated} active again, {Problems} problems",
            outcome.Accepted ? "accepted" : "rejected", outcome.Kampung, outcome.Retired, outcome.Reactivated, outcome.Problems.Count);
        return outcome;
    }

    /// <summary>The blob's properties; null when it was deleted meanwhile (nothing to judge, nothing to retry).</summary>
    private async Task<Azure.Storage.Blobs.Models.BlobProperties?> PropertiesAsync(BlobClient blob, CancellationToken cancellationToken)
    {
        try { return (await blob.GetPropertiesAsync(cancellationToken: cancellationToken)).Value; }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            logger.LogWarning(FunctionEvents.BlobGone, "blob {Container}/{Blob} was deleted before it was read", blob.BlobContainerName, blob.Name);
            return null;
        }
    }

}

/// <summary>Stable event ids of the Functions adapter (conventions 13).</summary>
internal static class FunctionEvents
{
    public static readonly EventId UploadJudged = new(6001, nameof(UploadJudged));
    public static readonly EventId RegistryJudged = new(6002, nameof(RegistryJudged));
    public static readonly EventId BlobGone = new(6003, nameof(BlobGone));
    public static readonly EventId TimerRan = new(6004, nameof(TimerRan));
}
