using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using KampungKB.Core.Ingestion.Intake;
using KampungKB.Core.Model;
using KampungKB.Core.Store;
using KampungKB.Core.Ingestion.Validation;
using Microsoft.Extensions.Logging;
using KampungKB.Core.Uploads.Feedback;
using KampungKB.Core.Registry;

namespace KampungKB.Core.Uploads;

/// <summary>A blob that arrived in <c>uploads/</c>, as the trigger describes it (name relative to the container, size in bytes, ETag).</summary>
public sealed record UploadEvent(string Name, long? ContentLength = null, DateTimeOffset? LastModified = null, string? ETag = null);

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
    bool Repeated = false,
    string? RegistryVersion = null,
    int Timeouts = 0)
{
    /// <summary>True when the outcome is a rejection that depended on the registry (see <see cref="RegistryVersion"/>).</summary>
    public bool DependsOnRegistry => RegistryVersion is not null;

    /// <summary>
    /// True when this is a <c>processing-timeout</c> rejection that a new trigger of the same content reads once more:
    /// a deadline missed on a busy instance may pass on a quieter one; a second miss is final (docs/robustness.md).
    /// </summary>
    public bool ReadAgainOnRetrigger => Status == UploadStatus.Rejected && Timeouts == 1;
}

/// <summary>The upload pipeline's settings (app settings <c>Pipeline__*</c>): the size cap in bytes and the time one upload may take to read.</summary>
public sealed class PipelineOptions
{
    /// <summary>
    /// Uploads larger than this many bytes are refused before they are read (<c>file-too-large</c>): the app setting
    /// <c>Pipeline__MaxUploadBytes</c>, 1024–104,857,600, default <see cref="IngestionOptions.DefaultMaxFileBytes"/>
    /// (20 MiB). The one upload cap: the app's engine, the page, mail-in, Drive and retention read it from here.
    /// </summary>
    public long MaxUploadBytes { get; set; } = IngestionOptions.DefaultMaxFileBytes;

    /// <summary>
    /// Longest time one upload may take to read and judge (app setting <c>Ingestion__DeadlineSeconds</c>, 1–540,
    /// default 60); past it the upload is rejected with <c>processing-timeout</c>, the original kept and the cadre
    /// told, and the function does not throw, so the host does not retry it (docs/robustness.md).
    /// </summary>
    public TimeSpan IngestionDeadline { get; set; } = IngestionOptions.DefaultDeadline;

    /// <summary>Reads <c>Pipeline__MaxUploadBytes</c> and <c>Ingestion__DeadlineSeconds</c> (below the Functions timeout, so the rejection is written) through <paramref name="settings"/>.</summary>
    public static PipelineOptions FromSettings(SettingsReader settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return new PipelineOptions
        {
            MaxUploadBytes = settings.Whole("Pipeline__MaxUploadBytes", IngestionOptions.DefaultMaxFileBytes, 1024, 100L * 1024 * 1024, "a whole number of bytes between 1024 and 104857600"),
            IngestionDeadline = TimeSpan.FromSeconds(settings.Whole("Ingestion__DeadlineSeconds", (long)IngestionOptions.DefaultDeadline.TotalSeconds, 1, 540, "a whole number of seconds between 1 and 540")),
        };
    }
}

/// <summary>
/// What one upload is, as the processing path takes it: the blob as the trigger described it, the bytes judged (empty when
/// refused unread over the cap), the key that stands for them in the claim (their SHA-256, or the ETag and size when
/// unread), and how it came: <see cref="Reopen"/> for the operator's reprocessing, <see cref="EntryOf"/> for a file of a
/// zip, <see cref="Notifier"/> for feedback that goes elsewhere than the configured notifier (mail-in replies).
/// </summary>
internal sealed record UploadRequest(UploadEvent Upload, ReadOnlyMemory<byte> Content, string ContentHash, bool Read)
{
    /// <summary>Judge again an upload already judged: its done claim is reopened, keeping its first receipt time.</summary>
    public bool Reopen { get; init; }

    /// <summary>For a file of a zip: its receipt time, derived from the zip's (so its upload id is stable across
    /// retries); such a file is never expanded and not mailed on its own (the zip's combined feedback is).</summary>
    public DateTimeOffset? EntryOf { get; init; }

    /// <summary>Where this upload's feedback goes instead of the configured notifier; null: the configured one.</summary>
    public IFeedbackNotifier? Notifier { get; init; }

    /// <summary>An upload whose bytes were read; the claim is keyed by their SHA-256.</summary>
    public static UploadRequest Of(UploadEvent upload, ReadOnlyMemory<byte> content) =>
        new(upload, content, Convert.ToHexStringLower(SHA256.HashData(content.Span)), Read: true);

    /// <summary>An upload refused over the cap without being read; the claim is keyed by its ETag and size.</summary>
    public static UploadRequest Unread(UploadEvent upload) =>
        new(upload, ReadOnlyMemory<byte>.Empty, UploadProcessor.UnreadContentKey(upload.ETag, upload.ContentLength), Read: false);

    /// <summary>A read-only stream over <see cref="Content"/>, without copying it when it is backed by an array.</summary>
    public Stream OpenRead() => System.Runtime.InteropServices.MemoryMarshal.TryGetArray(Content, out var segment)
        ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
        : new MemoryStream(Content.ToArray(), writable: false);
}

/// <summary>
/// The upload path, exactly once per (blob name, content): claim → read and validate → attribute to a
/// kampung → store a new version (accepted only) → log → keep the original → write feedback → done.
/// User data never throws; infrastructure failures propagate so the host retries.
/// </summary>
public sealed class UploadProcessor
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly HashSet<string> RegistryCodes =
        [ProblemCodes.KampungNotRegistered, ProblemCodes.KampungUnknown, ProblemCodes.KampungAmbiguous, ProblemCodes.KampungMismatch, ProblemCodes.KampungRetired];
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
    private readonly ArchiveOptions _archive;

    internal UploadProcessor(IngestionEngine engine, BlobServiceClient blobs, RegistryStore registry, ReportStore reports, UploadLog log, ClaimLedger claims,
        StorageNames names, FeedbackWriter feedback,
        TimeProvider time, PipelineOptions options, ILogger<UploadProcessor> logger, IFeedbackNotifier? notifier = null, ArchiveOptions? archive = null)
    {
        _notifier = notifier;
        _archive = archive ?? new ArchiveOptions();
        _engine = engine;
        _blobs = blobs;
        _names = names;
        _registry = registry;
        _reports = reports;
        _log = log;
        _feedback = feedback;
        _claims = claims;
        _time = time;
        _options = options;
        _logger = logger;
    }

    /// <summary>Judges an upload whose bytes were read (at most <see cref="PipelineOptions.MaxUploadBytes"/>).</summary>
    public Task<UploadOutcome> ProcessAsync(UploadEvent upload, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default) =>
        ProcessCoreAsync(UploadRequest.Of(upload, content), cancellationToken);

    /// <summary>
    /// Judges an upload whose feedback goes to <paramref name="notifier"/> instead of the configured one (email in
    /// replies to the message the file came with); the notification ledger still keys it by the upload id.
    /// </summary>
    internal Task<UploadOutcome> ProcessAsync(UploadEvent upload, ReadOnlyMemory<byte> content, IFeedbackNotifier notifier, CancellationToken cancellationToken = default) =>
        ProcessCoreAsync(UploadRequest.Of(upload, content) with { Notifier = notifier }, cancellationToken);

    /// <summary>
    /// Judges again an upload that was already judged (the operator's <c>kkb reprocess</c>, see
    /// <see cref="UploadReprocessor"/>): its done claim is reopened, keeping the first receipt time and so its
    /// upload id, and the bytes go through the same path as on arrival; the latest received version still wins.
    /// </summary>
    internal Task<UploadOutcome> ReprocessAsync(UploadEvent upload, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default) =>
        ProcessCoreAsync(UploadRequest.Of(upload, content) with { Reopen = true }, cancellationToken);

    /// <summary>
    /// Refuses an upload whose properties show it over the cap, without reading it: the cadre gets the
    /// usual <c>file-too-large</c> feedback, and the original is copied server-side into <c>rejected/</c>.
    /// The claim is keyed by the blob's ETag and size instead of a content hash.
    /// </summary>
    public Task<UploadOutcome> ProcessUnreadTooLargeAsync(UploadEvent upload, CancellationToken cancellationToken = default) =>
        ProcessCoreAsync(UploadRequest.Unread(upload), cancellationToken);

    /// <summary>What stands for the content hash in the claim of an upload refused unread (its ETag and size).</summary>
    internal static string UnreadContentKey(string? etag, long? contentLength) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"unread\n{etag}\n{contentLength}")));

    /// <summary>
    /// The outcome of the upload of <paramref name="content"/> as <c>uploads/{blobName}</c> once some
    /// invocation (here or in a deployed app) has finished it; null while it has not. Read from the
    /// claims ledger, whose key is derived from the name and the content exactly as when processing.
    /// </summary>
    public static async Task<UploadOutcome?> FindOutcomeAsync(ClaimLedger claims, StorageNames names, string blobName, ReadOnlyMemory<byte> content,
        CancellationToken cancellationToken = default)
    {
        var claimId = ClaimIdOf(names, blobName, Convert.ToHexStringLower(SHA256.HashData(content.Span)));
        await claims.EnsureAsync(cancellationToken).ConfigureAwait(false);
        var summary = await claims.GetDoneSummaryAsync(claimId, cancellationToken).ConfigureAwait(false);
        return summary is null ? null : JsonSerializer.Deserialize<UploadOutcome>(summary, Json);
    }

    internal static string ClaimIdOf(StorageNames names, string blobName, string contentHash) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(names.Uploads + "/" + blobName + "\n" + contentHash)));

    /// <summary>The one path every upload takes (see <see cref="UploadRequest"/> for what it carries); each file is read once.</summary>
    private async Task<UploadOutcome> ProcessCoreAsync(UploadRequest request, CancellationToken cancellationToken)
    {
        var (upload, content) = (request.Upload, request.Content);
        var claimId = ClaimIdOf(_names, upload.Name, request.ContentHash);
        var receivedAt = request.EntryOf ?? (upload.LastModified is { } lastModified ? SimulatedClock.Map(_time, lastModified) : _time.GetUtcNow());

        var claim = await _claims.ClaimAsync(claimId, _names.Uploads + "/" + upload.Name, receivedAt, cancellationToken).ConfigureAwait(false);
        var timeoutsBefore = 0;
        switch (claim)
        {
            case ClaimLedger.Result.Done done:
                var earlier = JsonSerializer.Deserialize<UploadOutcome>(done.Summary, Json)!;
                // A rejection for the file's content is final for that content; one that depended on the registry is
                // judged again once the registry has changed, and a first processing-timeout is read once more, since the
                // deadline may have been missed for the instance's load rather than the file (docs/robustness.md).
                if (request.Reopen || earlier.ReadAgainOnRetrigger
                    || earlier.DependsOnRegistry && earlier.RegistryVersion != await _registry.GetVersionAsync(cancellationToken).ConfigureAwait(false))
                {
                    timeoutsBefore = earlier.Timeouts;
                    claim = await _claims.ReopenAsync(claimId, receivedAt, cancellationToken).ConfigureAwait(false);
                    break;
                }
                _logger.LogInformation(PipelineEvents.UploadRepeated, "Upload claim {ClaimId} already done; nothing repeated", claimId[..12]);
                // The same bytes under the same name are already kept: the copy in uploads/ goes (originals are kept once).
                await RemoveFromUploadsAsync(upload, cancellationToken).ConfigureAwait(false);
                return earlier with { Repeated = true };
        }
        var owned = (ClaimLedger.Result.Proceed)claim;
        var uploadId = $"{owned.ReceivedAt.UtcDateTime:yyyyMMdd'T'HHmmss}-{claimId[..12]}";

        var path = UploadPath.Parse(upload.Name);
        if (request.EntryOf is null && request.Read && path.Problem is null && content.Length <= _options.MaxUploadBytes && ArchiveReader.IsArchive(content))
            return await ProcessArchiveAsync(request, path, owned, uploadId, cancellationToken).ConfigureAwait(false);
        var problems = new List<Problem>();
        IngestionReport? report = null;
        if (path.Problem is { } pathProblem) problems.Add(_engine.Problem(pathProblem, path.FileName));
        else if (!request.Read || content.Length > _options.MaxUploadBytes || (upload.ContentLength ?? 0) > _options.MaxUploadBytes)
            problems.Add(_engine.Problem(ProblemCodes.FileTooLarge, path.FileName, new Dictionary<string, string> { ["size"] = IndonesianFormat.Megabytes(Math.Max(content.Length, upload.ContentLength ?? 0)), ["max"] = IndonesianFormat.Megabytes(_options.MaxUploadBytes) }));
        else
        {
            try
            {
                // Today where the kampung is; a bulk drop's kampung is not known yet, so the easternmost zone (WIT) is
                // used, which never calls a date of today "after today" anywhere in Indonesia.
                var today = (path.AreaCode is { } area ? LocalTime.ForProvince(area) : LocalTime.Wit).Today(_time);
                var context = new IngestionContext(path.FileName) { ExpectedPeriod = path.Period, MaxFileBytes = _options.MaxUploadBytes, Today = today, Deadline = _options.IngestionDeadline };
                // Month-to-month checks (stock-change-large, figures-unchanged) need last month's figures of this kampung,
                // looked up once the file has said its month; the file is read once.
                using var stream = request.OpenRead();
                report = await _engine.IngestAsync(stream, context,
                    (period, ct) => PreviousIndicatorsAsync(path, period, ct), cancellationToken).ConfigureAwait(false);
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

        var registryVersion = await _registry.GetVersionAsync(cancellationToken).ConfigureAwait(false);
        var accepted = report is not null && confirmed && report.Period is not null && !problems.Any(p => p.Severity == Severity.Error);
        var status = UploadStatus.Rejected;
        if (accepted)
        {
            var write = await _reports.WriteVersionAsync(kampung!, report!.Period!.Value, uploadId, request.ContentHash, owned.ReceivedAt, report, cancellationToken).ConfigureAwait(false);
            status = write switch
            {
                VersionWrite.SameContent => UploadStatus.Unchanged,
                VersionWrite.Superseded => UploadStatus.Superseded,
                _ => UploadStatus.Accepted,
            };
        }

        else if (report is not null && confirmed && kampung is not null && report.Period is { } reportedPeriod)
        {
            // The BKKBN website has no such validation: keep what the refused report still said for the class it would give.
            await _reports.WriteReportedAsync(kampung!, reportedPeriod, uploadId, owned.ReceivedAt, report,
                problems.Where(p => p.Severity == Severity.Error).Select(p => p.Code), cancellationToken).ConfigureAwait(false);
        }

        var regency = kampung?.RegencyCode ?? StorageNames.UnknownRegency;
        var feedbackDocument = new FeedbackDocument(uploadId, path.FileName, status, kampung, report?.Period,
            report, problems, owned.ReceivedAt);
        var outcome = new UploadOutcome(uploadId, status, kampung?.AreaCode, report?.Period,
            report?.Activities.Count ?? 0, report?.Indicators.Count ?? 0,
            feedbackDocument.ErrorTotal, feedbackDocument.WarningTotal,
            RegistryVersion: status == UploadStatus.Rejected && problems.Any(p => RegistryCodes.Contains(p.Code)) ? registryVersion : null,
            Timeouts: problems.Any(p => p.Code == ProblemCodes.ProcessingTimeout) ? timeoutsBefore + 1 : 0);

        await _log.RecordAsync(new UploadRecord(uploadId, regency, _names.Uploads + "/" + upload.Name, path.FileName,
            kampung?.AreaCode, report?.Period, status, request.ContentHash, request.Read ? content.Length : upload.ContentLength ?? 0, owned.ReceivedAt, _time.GetUtcNow(),
            outcome.ActivityCount, outcome.ErrorCount, outcome.WarningCount, problems), cancellationToken).ConfigureAwait(false);

        await KeepOriginalAsync(request.Read ? content : (ReadOnlyMemory<byte>?)null, upload.Name, path.FileName, uploadId, kampung, report?.Period, accepted, outcome, cancellationToken).ConfigureAwait(false);
        await _feedback.WriteAsync(feedbackDocument, cancellationToken).ConfigureAwait(false);
        // Feedback mail (docs/recaps-and-reminders.md): its own insert-once claim keyed by the upload id, so a resumed claim never mails twice.
        if (request.EntryOf is null && (request.Notifier ?? _notifier) is { } notify) await notify.NotifyAsync(feedbackDocument, cancellationToken).ConfigureAwait(false);

        await _claims.CompleteAsync(owned, JsonSerializer.Serialize(outcome, Json), cancellationToken).ConfigureAwait(false);
        await RemoveFromUploadsAsync(upload, cancellationToken).ConfigureAwait(false);
        _logger.LogInformation(PipelineEvents.UploadProcessed,
            "Upload {UploadId} {Status}: area {AreaCode}, period {Period}, {Activities} activities, {Indicators} indicators, {Errors} errors, {Warnings} warnings",
            uploadId, status, kampung?.AreaCode, report?.Period?.ToString(), outcome.ActivityCount, outcome.IndicatorCount, outcome.ErrorCount, outcome.WarningCount);
        return outcome;
    }

    /// <summary>
    /// A zip of reports (docs/channels.md): refused as a whole when its central directory breaks the <see cref="ArchiveOptions"/>, else each
    /// spreadsheet in it goes through the same exactly-once path as its own upload, named <c>{zip blob name}/{path in zip}</c> (own
    /// claim, stored version, log line, kept original and feedback page; not mailed alone), and files that are not spreadsheets are
    /// named as skipped. The zip is kept in <c>processed/</c> (or <c>rejected/</c> when refused) and gets one combined feedback and
    /// mail. A retry redoes this from the start: files already done answer from their claims, so nothing is stored or mailed twice.
    /// </summary>
    private async Task<UploadOutcome> ProcessArchiveAsync(UploadRequest request, UploadPath path, ClaimLedger.Result.Proceed owned, string uploadId,
        CancellationToken cancellationToken)
    {
        var (upload, content, contentHash) = (request.Upload, request.Content, request.ContentHash);
        var problems = new List<Problem>();
        var files = new List<FolderFile>();
        var (reader, refusal) = ArchiveReader.Open(content, _archive, _options.MaxUploadBytes);
        if (refusal is not null) problems.Add(_engine.Problem(refusal.Code, path.FileName, refusal.Args));
        else
        {
            using (reader)
            {
                if (reader!.SystemFiles > 0)
                    problems.Add(_engine.Problem(ProblemCodes.ArchiveSystemFiles, path.FileName,
                        new Dictionary<string, string> { ["count"] = reader.SystemFiles.ToString(System.Globalization.CultureInfo.InvariantCulture) }, Severity.Warning));
                // Processed in the order the files were last saved (then by path), each received a millisecond after the one before:
                // of two files for the same kampung and month, the one saved last wins, as if uploaded after. Deterministic, so a
                // retry gives every file the same receipt time and upload id.
                var order = reader.Items.OrderBy(i => i.Entry.LastWriteTime).ThenBy(i => i.Path, StringComparer.Ordinal).ToList();
                foreach (var (item, rank) in order.Select((item, rank) => (item, rank)))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var entry = reader.ReadItem(item);
                    if (entry.Content is not { } bytes)
                    {
                        files.Add(new FolderFile(item.Path, FolderFile.Skipped, null, null, null, 0, 0, 0, 0,
                            [_engine.Problem(entry.SkipCode!, System.IO.Path.GetFileName(item.Path), entry.SkipArgs, Severity.Warning)]));
                        continue;
                    }
                    var one = await ProcessCoreAsync(UploadRequest.Of(new UploadEvent(upload.Name + "/" + item.Path, bytes.Length), bytes)
                        with { EntryOf = owned.ReceivedAt.AddMilliseconds(rank) }, cancellationToken).ConfigureAwait(false);
                    files.Add(new FolderFile(item.Path, one.Status, one.UploadId, one.AreaCode, one.Period, one.ActivityCount,
                        one.IndicatorCount, one.ErrorCount, one.WarningCount, await TopProblemsAsync(one.UploadId, cancellationToken).ConfigureAwait(false)));
                }
            }
            files.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
            if (files.All(f => f.Status == FolderFile.Skipped)) problems.Add(_engine.Problem(ProblemCodes.ArchiveNoSpreadsheet, path.FileName));
        }

        // Who is told: the kampung of the upload link, else (a bulk drop) the one kampung all its files were attributed to.
        var kampung = path.AreaCode is { } code ? await _registry.GetAsync(code, cancellationToken).ConfigureAwait(false)
            : files.Select(f => f.AreaCode).OfType<string>().Distinct().ToList() is [var only] ? await _registry.GetAsync(only, cancellationToken).ConfigureAwait(false) : null;
        var status = problems.Any(p => p.Severity == Severity.Error) ? UploadStatus.Rejected : UploadStatus.Archive;
        var document = new FeedbackDocument(uploadId, path.FileName, status, kampung, null, null, problems, owned.ReceivedAt)
        {
            Files = files,
        };
        var outcome = new UploadOutcome(uploadId, status, kampung?.AreaCode, null, 0, 0, document.ErrorTotal, document.WarningTotal);
        var regency = kampung?.RegencyCode ?? StorageNames.UnknownRegency;
        await _log.RecordAsync(new UploadRecord(uploadId, regency, _names.Uploads + "/" + upload.Name, path.FileName, kampung?.AreaCode, null, status, contentHash,
            content.Length, owned.ReceivedAt, _time.GetUtcNow(), 0, outcome.ErrorCount, outcome.WarningCount, problems), cancellationToken).ConfigureAwait(false);

        var kept = _blobs.GetBlobContainerClient(status == UploadStatus.Archive ? _names.Processed : _names.Rejected)
            .GetBlobClient($"{kampung?.AreaCode ?? StorageNames.UnknownRegency}/{uploadId}/{UploadPath.SafeFileName(path.FileName)}");
        await kept.PutAsync(BinaryData.FromBytes(content), "application/zip", new Dictionary<string, string>
        {
            ["uploadid"] = uploadId,
            ["status"] = status,
            ["areacode"] = kampung?.AreaCode ?? "",
            ["files"] = files.Count(f => f.Status != FolderFile.Skipped).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["skipped"] = files.Count(f => f.Status == FolderFile.Skipped).ToString(System.Globalization.CultureInfo.InvariantCulture),
        }, cancellationToken).ConfigureAwait(false);
        await _feedback.WriteAsync(document, cancellationToken).ConfigureAwait(false);
        // One combined feedback, where the zip's own request says (mail-in: a reply to the cadre's message), else the configured notifier;
        // keyed by the zip's upload id in the notification ledger, so a retried zip is never answered twice.
        if ((request.Notifier ?? _notifier) is { } notify) await notify.NotifyAsync(document, cancellationToken).ConfigureAwait(false);
        await _claims.CompleteAsync(owned, JsonSerializer.Serialize(outcome, Json), cancellationToken).ConfigureAwait(false);
        _logger.LogInformation(PipelineEvents.ArchiveProcessed,
            "Zip upload {UploadId} {Status}: {Spreadsheets} spreadsheets ({Accepted} accepted, {Rejected} rejected), {Skipped} skipped, {SystemFiles} system files, refused {Refusal}",
            uploadId, status, files.Count(f => f.Status != FolderFile.Skipped), files.Count(f => f.Status is UploadStatus.Accepted or UploadStatus.Unchanged or UploadStatus.Superseded),
            files.Count(f => f.Status == UploadStatus.Rejected), files.Count(f => f.Status == FolderFile.Skipped), problems.Count(p => p.Code == ProblemCodes.ArchiveSystemFiles), refusal?.Code);
        return outcome;
    }

    /// <summary>The first problems of one upload (errors first) from its feedback document, as the combined feedback lists them.</summary>
    private async Task<IReadOnlyList<Problem>> TopProblemsAsync(string uploadId, CancellationToken cancellationToken)
    {
        if (await FeedbackWriter.ReadAsync(_blobs, _names, uploadId, cancellationToken).ConfigureAwait(false) is not { } f
            || !f.TryGetProperty("problems", out var list) || list.ValueKind != JsonValueKind.Array) return [];
        return list.Deserialize<List<ProblemJson>>(Json)!.Select(p => p.ToProblem())
            .OrderBy(p => p.Severity == Severity.Error ? 0 : 1).Take(FolderFile.TopProblems).ToList();
    }

    /// <returns>The kampung the upload is about (the path's, even when the content disagrees, so the
    /// dinas sees the attempt) and whether the content confirmed it.</returns>
    private async Task<(RegistryEntry? Kampung, bool Confirmed)> AttributeAsync(UploadPath path, IngestionReport report, List<Problem> problems, CancellationToken cancellationToken)
    {
        AttributionResult result;
        if (path.AreaCode is { } code)
        {
            var entry = await _registry.GetAsync(code, cancellationToken).ConfigureAwait(false);
            if (entry is null)
            {
                problems.Add(_engine.Problem(ProblemCodes.KampungNotRegistered, path.FileName, new Dictionary<string, string> { ["areaCode"] = code }));
                return (null, false);
            }
            if (entry.IsRetired)
            {
                problems.Add(Retired(path.FileName, entry));
                return (entry, false);
            }
            result = UploadAttribution.Confirm(_engine, path.FileName, entry, report);
        }
        else
        {
            result = UploadAttribution.Find(_engine, path.FileName, await _registry.ListAsync(null, cancellationToken).ConfigureAwait(false), report);
            // A bulk drop naming no active kampung but a retired one is told so, not "unknown".
            if (result.Kampung is null && result.Problem?.Code == ProblemCodes.KampungUnknown
                && (await _registry.ListAsync(null, cancellationToken, includeRetired: true).ConfigureAwait(false)).Where(e => e.IsRetired).ToList() is { Count: > 0 } retired
                && UploadAttribution.Find(_engine, path.FileName, retired, report) is { Kampung: { } gone, Confirmed: true })
            {
                problems.Add(Retired(path.FileName, gone));
                return (gone, false);
            }
        }
        if (result.Problem is { } problem) problems.Add(problem);
        return (result.Kampung, result.Confirmed);
    }

    private Problem Retired(string fileName, RegistryEntry entry) =>
        _engine.Problem(ProblemCodes.KampungRetired, fileName, new Dictionary<string, string>
        {
            ["name"] = entry.Name,
            ["areaCode"] = entry.AreaCode,
            ["value"] = IndonesianFormat.Date(LocalTime.ForProvince(entry.AreaCode).ToLocal(entry.RetiredAt!.Value)),
        });

    /// <summary>Last month's stored figures of the kampung the path names; null for bulk drops and unknown kampung.</summary>
    private async Task<IReadOnlyDictionary<string, decimal>?> PreviousIndicatorsAsync(UploadPath path, ReportingPeriod period, CancellationToken cancellationToken)
    {
        if (path.AreaCode is not { } code || await _registry.GetAsync(code, cancellationToken).ConfigureAwait(false) is not { } entry) return null;
        var previous = await _reports.GetAsync(entry.RegencyCode, code, period.Previous, cancellationToken).ConfigureAwait(false);
        return previous?.Indicators;
    }


    /// <summary>
    /// Originals are kept once (docs/retention.md): once the judged bytes are kept in <c>processed/</c> or
    /// <c>rejected/</c> and the claim is done, the blob in <c>uploads/</c> is deleted, only if it is still the
    /// version that was judged (If-Match on the trigger's ETag: a newer file under the same name stays for its own
    /// trigger). Without an ETag (reprocessing, tools) nothing is deleted. A failure here loses nothing: the
    /// retention timer removes such leftovers once their kept copy is found (<c>RetentionSweeper</c>).
    /// </summary>
    private async Task RemoveFromUploadsAsync(UploadEvent upload, CancellationToken cancellationToken)
    {
        if (upload.ETag is not { Length: > 0 } etag) return;
        try
        {
            await _blobs.GetBlobContainerClient(_names.Uploads).GetBlobClient(upload.Name).DeleteIfExistsAsync(
                Azure.Storage.Blobs.Models.DeleteSnapshotsOption.IncludeSnapshots,
                new Azure.Storage.Blobs.Models.BlobRequestConditions { IfMatch = new Azure.ETag(etag) }, cancellationToken).ConfigureAwait(false);
        }
        catch (Azure.RequestFailedException e) when (e.Status == 412 || StorageErrors.IsTransient(e))
        {
            _logger.LogInformation(PipelineEvents.UploadBlobLeft, "An upload blob was left in uploads/ ({Status}); retention removes it once its kept copy is found", e.Status);
        }
    }

    /// <summary>
    /// Keeps the very bytes that were judged, whatever happens to the blob in <c>uploads/</c> later; an
    /// upload that was not read (<paramref name="content"/> null) is copied server-side from <paramref name="blobName"/>.
    /// </summary>
    private async Task KeepOriginalAsync(ReadOnlyMemory<byte>? content, string blobName, string fileName, string uploadId, RegistryEntry? kampung,
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
        var kept = _blobs.GetBlobContainerClient(container).GetBlobClient(target);
        if (content is { } bytes)
        {
            await kept.PutAsync(BinaryData.FromBytes(bytes), "application/octet-stream", metadata, cancellationToken).ConfigureAwait(false);
            return;
        }
        // Not read (over the cap): a server-side copy within the account, then wait for it to finish.
        var source = _blobs.GetBlobContainerClient(_names.Uploads).GetBlobClient(blobName);
        var copy = await kept.StartCopyFromUriAsync(source.Uri, new Azure.Storage.Blobs.Models.BlobCopyFromUriOptions { Metadata = metadata }, cancellationToken).ConfigureAwait(false);
        await copy.WaitForCompletionAsync(cancellationToken).ConfigureAwait(false);
    }
}
