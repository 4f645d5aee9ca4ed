using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using KampungKB.Core.Intake;
using KampungKB.Core.Model;
using KampungKB.Core.Storage;
using KampungKB.Core.Validation;
using Microsoft.Extensions.Logging;
using KampungKB.Core.Feedback;
using KampungKB.Core.Registry;
using KampungKB.Core.Reports;

namespace KampungKB.Core.Uploads;

/// <summary>A blob that arrived in <c>uploads/</c>, as the trigger describes it.</summary>
public sealed record UploadEvent(string Name, long? ContentLength = null, DateTimeOffset? LastModified = null);

/// <summary>What happened to one upload; <see cref="Status"/> is one of <see cref="UploadStatus"/>.</summary>
public sealed record UploadOutcome(
    string UploadId,
    string Status,
    string? AreaCode,
    ReportingPeriod? Period,
    int ActivityCount,
    int IndicatorCount,
    int ErrorCount,
    int WarningCount,
    bool Repeated = false);

public static class UploadStatus
{
    public const string Accepted = "accepted";
    public const string Rejected = "rejected";
    /// <summary>Accepted, but the same bytes were already the current report: nothing new stored.</summary>
    public const string Unchanged = "unchanged";
    /// <summary>Accepted, but a newer upload for the same kampung and period is already current.</summary>
    public const string Superseded = "superseded";
}

public sealed class PipelineOptions
{
    /// <summary>Uploads larger than this are refused before they are read.</summary>
    public long MaxUploadBytes { get; set; } = 20L * 1024 * 1024;
}

/// <summary>
/// The upload path, exactly once per (blob name, content): claim → read and validate → attribute to a
/// kampung → store a new version (accepted only) → log → keep the original → write feedback → done.
/// User data never throws; infrastructure failures propagate so the host retries.
/// </summary>
public sealed class UploadProcessor
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly IngestionEngine _engine;
    private readonly BlobServiceClient _blobs;
    private readonly RegistryStore _registry;
    private readonly ReportStore _reports;
    private readonly UploadLog _log;
    private readonly FeedbackWriter _feedback;
    private readonly ClaimLedger _claims;
    private readonly TimeProvider _time;
    private readonly PipelineOptions _options;
    private readonly ILogger _logger;
    private readonly StorageNames _names;
    private readonly IFeedbackNotifier? _notifier;

    public UploadProcessor(IngestionEngine engine, BlobServiceClient blobs, TableServiceClient tables, StorageNames names, FeedbackWriter feedback,
        TimeProvider time, PipelineOptions options, ILogger<UploadProcessor> logger, IFeedbackNotifier? notifier = null)
    {
        _notifier = notifier;
        _engine = engine;
        _blobs = blobs;
        _names = names;
        _registry = new RegistryStore(tables, names);
        _reports = new ReportStore(tables, names);
        _log = new UploadLog(tables, names);
        _feedback = feedback;
        _claims = new ClaimLedger(tables, names, time);
        _time = time;
        _options = options;
        _logger = logger;
    }

    public async Task<UploadOutcome> ProcessAsync(UploadEvent upload, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        var contentHash = Convert.ToHexStringLower(SHA256.HashData(content.Span));
        var claimId = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(_names.Uploads + "/" + upload.Name + "\n" + contentHash)));
        var receivedAt = upload.LastModified is { } lastModified ? SimulatedClock.Map(_time, lastModified) : _time.GetUtcNow();

        var claim = await _claims.ClaimAsync(claimId, _names.Uploads + "/" + upload.Name, receivedAt, cancellationToken).ConfigureAwait(false);
        switch (claim)
        {
            case ClaimLedger.Result.Done done:
                _logger.LogInformation(PipelineEvents.UploadRepeated, "Upload claim {ClaimId} already done; nothing repeated", claimId[..12]);
                return JsonSerializer.Deserialize<UploadOutcome>(done.Summary, Json)! with { Repeated = true };
        }
        var owned = (ClaimLedger.Result.Proceed)claim;
        var uploadId = $"{owned.ReceivedAt.UtcDateTime:yyyyMMdd'T'HHmmss}-{claimId[..12]}";

        var path = UploadPath.Parse(upload.Name);
        var problems = new List<Problem>();
        IngestionReport? report = null;
        if (path.Problem is { } pathProblem) problems.Add(_engine.Problem(pathProblem, path.FileName));
        else if (content.Length > _options.MaxUploadBytes || (upload.ContentLength ?? 0) > _options.MaxUploadBytes)
            problems.Add(_engine.Problem(ProblemCodes.FileTooLarge, path.FileName, new Dictionary<string, string> { ["size"] = Megabytes(Math.Max(content.Length, upload.ContentLength ?? 0)), ["max"] = Megabytes(_options.MaxUploadBytes) }));
        else
        {
            using var stream = new MemoryStream(content.ToArray(), writable: false);
            try
            {
                report = _engine.Ingest(stream, path.FileName, cancellationToken);
                problems.AddRange(report.Problems);
            }
            catch (IngestionBugException bug)
            {
                _logger.LogError(PipelineEvents.IngestionBug, bug.InnerException, "Bug reading upload {UploadId}: {Where}", uploadId, bug.Where);
                problems.Add(_engine.Problem(ProblemCodes.InternalError, path.FileName));
            }
        }

        RegistryEntry? kampung = null;
        var confirmed = false;
        if (report is not null)
            (kampung, confirmed) = await AttributeAsync(path, report, problems, cancellationToken).ConfigureAwait(false);

        var accepted = report is not null && confirmed && report.Period is not null && !problems.Any(p => p.Severity == Severity.Error);
        var status = UploadStatus.Rejected;
        if (accepted)
        {
            var write = await _reports.WriteVersionAsync(kampung!, report!.Period!.Value, uploadId, contentHash, owned.ReceivedAt, report, cancellationToken).ConfigureAwait(false);
            status = write switch
            {
                VersionWrite.SameContent => UploadStatus.Unchanged,
                VersionWrite.Superseded => UploadStatus.Superseded,
                _ => UploadStatus.Accepted,
            };
        }

        var regency = kampung?.RegencyCode ?? StorageNames.UnknownRegency;
        var outcome = new UploadOutcome(uploadId, status, kampung?.AreaCode, report?.Period,
            report?.Activities.Count ?? 0, report?.Indicators.Count ?? 0,
            problems.Count(p => p.Severity == Severity.Error), problems.Count(p => p.Severity == Severity.Warning));

        await _log.RecordAsync(new UploadRecord(uploadId, regency, _names.Uploads + "/" + upload.Name, path.FileName,
            kampung?.AreaCode, report?.Period, status, contentHash, content.Length, owned.ReceivedAt, _time.GetUtcNow(),
            outcome.ActivityCount, outcome.ErrorCount, outcome.WarningCount, problems), cancellationToken).ConfigureAwait(false);

        await KeepOriginalAsync(content, path.FileName, uploadId, kampung, report?.Period, accepted, outcome, cancellationToken).ConfigureAwait(false);
        var feedbackDocument = new FeedbackDocument(uploadId, path.FileName, status, kampung, report?.Period,
            report, problems, owned.ReceivedAt);
        await _feedback.WriteAsync(feedbackDocument, cancellationToken).ConfigureAwait(false);
        // Feedback mail (issue 4): its own insert-once claim keyed by the upload id, so a resumed claim never mails twice.
        if (_notifier is not null) await _notifier.NotifyAsync(feedbackDocument, cancellationToken).ConfigureAwait(false);

        await _claims.CompleteAsync(owned, JsonSerializer.Serialize(outcome, Json), cancellationToken).ConfigureAwait(false);
        _logger.LogInformation(PipelineEvents.UploadProcessed,
            "Upload {UploadId} {Status}: area {AreaCode}, period {Period}, {Activities} activities, {Indicators} indicators, {Errors} errors, {Warnings} warnings",
            uploadId, status, kampung?.AreaCode, report?.Period?.ToString(), outcome.ActivityCount, outcome.IndicatorCount, outcome.ErrorCount, outcome.WarningCount);
        return outcome;
    }

    /// <returns>The kampung the upload is about (the path's, even when the content disagrees, so the
    /// dinas sees the attempt) and whether the content confirmed it.</returns>
    private async Task<(RegistryEntry? Kampung, bool Confirmed)> AttributeAsync(UploadPath path, IngestionReport report, List<Problem> problems, CancellationToken cancellationToken)
    {
        Attribution attribution;
        if (path.AreaCode is { } code)
        {
            var entry = await _registry.GetAsync(code, cancellationToken).ConfigureAwait(false);
            if (entry is null)
            {
                problems.Add(_engine.Problem(ProblemCodes.KampungNotRegistered, path.FileName, new Dictionary<string, string> { ["areaCode"] = code }));
                return (null, false);
            }
            attribution = KampungMatcher.Confirm(entry, report.Kampung);
        }
        else
        {
            var all = await _registry.ListAsync(null, cancellationToken).ConfigureAwait(false);
            attribution = KampungMatcher.Find(all, report.Kampung, path.FileName);
        }

        switch (attribution)
        {
            case Attribution.Found found:
                return (found.Entry, true);
            case Attribution.Mismatch mismatch:
                problems.Add(_engine.Problem(ProblemCodes.KampungMismatch, path.FileName, new Dictionary<string, string>
                {
                    ["found"] = mismatch.NameInFile,
                    ["expected"] = mismatch.Expected.Name,
                }));
                return (mismatch.Expected, false);
            case Attribution.Ambiguous ambiguous:
                problems.Add(_engine.Problem(ProblemCodes.KampungAmbiguous, path.FileName, new Dictionary<string, string>
                {
                    ["found"] = report.Kampung?.Village ?? report.Kampung?.Name ?? path.FileName,
                    ["candidates"] = string.Join("; ", ambiguous.Candidates.Take(5).Select(c => $"{c.Name} ({c.AreaCode}, Kec. {c.District})")),
                }));
                return (null, false);
            default:
                problems.Add(_engine.Problem(ProblemCodes.KampungUnknown, path.FileName, new Dictionary<string, string>
                {
                    ["found"] = report.Kampung?.Village ?? report.Kampung?.Name ?? "-",
                }));
                return (null, false);
        }
    }

    private static string Megabytes(long bytes) => (bytes / 1024d / 1024d).ToString("0.#", System.Globalization.CultureInfo.GetCultureInfo("id-ID")) + " MB";

    /// <summary>Keeps the very bytes that were judged, whatever happens to the blob in <c>uploads/</c> later.</summary>
    private async Task KeepOriginalAsync(ReadOnlyMemory<byte> content, string fileName, string uploadId, RegistryEntry? kampung,
        ReportingPeriod? period, bool accepted, UploadOutcome outcome, CancellationToken cancellationToken)
    {
        var safeFile = UploadPath.SafeFileName(fileName);
        var target = accepted
            ? $"{kampung!.AreaCode}/{period}/{uploadId}/{safeFile}"
            : $"{kampung?.AreaCode ?? StorageNames.UnknownRegency}/{uploadId}/{safeFile}";
        var container = accepted ? _names.Processed : _names.Rejected;
        var metadata = new Dictionary<string, string>
        {
            ["uploadid"] = uploadId,
            ["status"] = outcome.Status,
            ["areacode"] = kampung?.AreaCode ?? "",
            ["period"] = period?.ToString() ?? "",
            ["errors"] = outcome.ErrorCount.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["warnings"] = outcome.WarningCount.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        await _blobs.GetBlobContainerClient(container).GetBlobClient(target)
            .PutAsync(BinaryData.FromBytes(content), "application/octet-stream", metadata, cancellationToken).ConfigureAwait(false);
    }
}
