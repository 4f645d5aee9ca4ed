using KampungKB.Core.Model;
using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using KampungKB.Core.Outbox.Mail;
using KampungKB.Core.Outbox.Notifications;
using KampungKB.Core.Registry;
using KampungKB.Core.Store;
using KampungKB.Core.Rendering.Templating;
using KampungKB.Core.Uploads;
using Microsoft.Extensions.Logging;

namespace KampungKB.Core.Uploads.Drive;

/// <summary>What one pass did with one linked folder.</summary>
public static class DriveFolderOutcomes
{
    public const string Listed = "listed";
    /// <summary>403/404 on the folder: sharing revoked, folder deleted or trashed, or the link is not a folder.</summary>
    public const string Unreachable = "unreachable";
    /// <summary>Rate-limited beyond the run's budget, Google unreachable (<c>network</c>) or the key refused (<c>auth</c>): the rest waits for the next run.</summary>
    public const string Throttled = "throttled";
    /// <summary>Unreachable before, not due for another check yet.</summary>
    public const string Waiting = "waiting";
    public const string GivenUp = "given-up";
}

/// <summary>One folder's pass: what was copied, what was left and why.</summary>
public sealed record DriveFolderResult(
    string AreaCode, string FolderId, string Outcome, string? Error,
    IReadOnlyList<string> Copied, int Unchanged, IReadOnlyList<string> Ignored, IReadOnlyList<string> Removed,
    IReadOnlyList<string> TooLarge, IReadOnlyList<string> Failed, bool DinasNotified);

/// <summary>A whole pass over the linked folders.</summary>
public sealed record DriveSyncResult(bool Enabled, IReadOnlyList<DriveFolderResult> Folders, int Requests)
{
    public int Copied => Folders.Sum(f => f.Copied.Count);
}

/// <summary>
/// The Google Drive channel (docs/channels.md): lists each kampung's linked folder (and its subfolders,
/// <see cref="MaxDepth"/> levels) through the Drive v3 API with the dinas' read-only service account, and copies
/// each new or changed spreadsheet (.xlsx/.xlsm/.xls/.ods/.csv/.tsv; native Google Sheets exported as .xlsx)
/// into <c>uploads/{area code}/{modifiedTime yyyyMMddHHmmss}-{name}</c>, where the blob trigger ingests it as the
/// kampung's upload (attributed by the folder's area code, as the upload page's files are). Each copy is
/// remembered in <c>DriveFiles</c> (file id + version) so nothing is copied twice; the blob name is derived
/// from the version and written only if absent, so a run that crashed between the copy and the record does
/// not make a second upload either.
/// Failures: a folder answering 403/404 is marked unreachable, the dinas is mailed once per episode (claimed in
/// the <c>Notifications</c> table, partition <c>{regency}_drive</c>, through the outbox), and it is checked
/// again only after <see cref="UnreachableBackoff"/> (6 h doubling to 48 h), given up after
/// <see cref="MaxFolderFailures"/> failures until linked again. Rate limits are retried within the run by the
/// client; beyond that the folder waits for the next run. Files gone from the folder are marked removed (their
/// reports stay); other files are ignored and named in the result. Nothing is ever written to Drive.
/// </summary>
public sealed class DriveSync
{
    /// <summary>Subfolder levels listed below the linked folder.</summary>
    public const int MaxDepth = 2;
    /// <summary>Consecutive unreachable checks before a folder is given up.</summary>
    public const int MaxFolderFailures = 5;
    /// <summary>Download attempts per file version refused by Drive (403 other than rate limits) before it is left.</summary>
    public const int MaxFileAttempts = 3;
    /// <summary>The dinas mail about an unreachable folder (templates/email/drive-unreachable.hbs).</summary>
    public const string UnreachableTemplate = EmailTemplates.DriveUnreachable;

    private static readonly HashSet<string> SpreadsheetMimeTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        DriveApiClient.XlsxMimeType, "application/vnd.ms-excel", "application/vnd.ms-excel.sheet.macroEnabled.12",
        "application/vnd.oasis.opendocument.spreadsheet", "text/csv", "text/tab-separated-values", DriveItem.SheetMimeType,
    };

    private readonly DriveOptions _options;
    private readonly Func<DriveApiClient>? _client;
    private readonly BlobServiceClient _blobs;
    private readonly StorageNames _names;
    private readonly DriveStore _store;
    private readonly RegistryStore _registry;
    private readonly NotificationLedger _ledger;
    private readonly EmailTemplates _templates;
    private readonly IMailSender _mail;
    private readonly IReadOnlyList<RegencySettings> _regencies;
    private readonly long _maxBytes;
    private readonly TimeProvider _time;
    private readonly ILogger<DriveSync> _logger;

    /// <param name="token">The service account's token source; null builds it from <see cref="DriveOptions.ServiceAccountKey"/> (null when the channel is off).</param>
    /// <param name="http">The HTTP client for Drive calls (one per process); null creates one.</param>
    internal DriveSync(DriveOptions options, BlobServiceClient blobs, DriveStore store, RegistryStore registry, TableServiceClient tables, StorageNames names, EmailTemplates templates, IMailSender mail,
        IReadOnlyList<RegencySettings> regencies, PipelineOptions pipeline, TimeProvider time, ILogger<DriveSync> logger,
        IDriveAccessToken? token = null, HttpClient? http = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(pipeline);
        _options = options;
        if (options.Enabled || token is not null)
        {
            var source = token ?? ServiceAccountAccessToken.FromKey(options.ServiceAccountKey!);
            Account = source.Account;
            var client = http ?? new HttpClient { Timeout = TimeSpan.FromMinutes(5) };
            _client = () => new DriveApiClient(client, source, options, time);
        }
        (_blobs, _names, _templates, _mail, _regencies, _maxBytes, _time, _logger) = (blobs, names, templates, mail, regencies, pipeline.MaxUploadBytes, time, logger);
        _store = store;
        _registry = registry;
        _ledger = new NotificationLedger(tables, names, time);
    }

    /// <summary>The service account address folders are shared with (null when the channel is off).</summary>
    public string? Account { get; }

    /// <summary>Whether a service account is configured.</summary>
    public bool Enabled => _client is not null;

    /// <summary>The links and their remembered files (for <c>kkb drive list</c>).</summary>
    public DriveStore Store => _store;

    /// <summary>Wait before re-checking a folder that failed <paramref name="failures"/> times: 6, 12, 24, 48 hours.</summary>
    public static TimeSpan UnreachableBackoff(int failures) => TimeSpan.FromHours(6 * Math.Pow(2, Math.Clamp(failures - 1, 0, 3)));

    /// <summary>
    /// One pass over every linked folder (or only <paramref name="areaCode"/>'s). Returns at once with
    /// <see cref="DriveSyncResult.Enabled"/> false when no service account is configured. Storage faults throw
    /// (the timer logs the run as failed; the next run repeats the pass, which converges).
    /// </summary>
    public async Task<DriveSyncResult> RunAsync(string? areaCode = null, CancellationToken ct = default)
    {
        if (_client is null) return new DriveSyncResult(false, [], 0);
        var client = _client();
        var results = new List<DriveFolderResult>();
        foreach (var link in await _store.ListAsync(areaCode: areaCode, ct: ct).ConfigureAwait(false))
        {
            ct.ThrowIfCancellationRequested();
            DriveFolderResult result;
            try
            {
                result = await SyncFolderAsync(client, link, ct).ConfigureAwait(false);
            }
            catch (Google.Apis.Auth.OAuth2.Responses.TokenResponseException e)
            {
                // The key was deleted or disabled: no folder can be read; say so once and stop the pass.
                _logger.LogError(DriveEvents.AuthFailed, "Drive service account refused by Google's token endpoint: {Error}", e.Error?.Error);
                results.Add(new DriveFolderResult(link.AreaCode, link.FolderId, DriveFolderOutcomes.Throttled, "auth", [], 0, [], [], [], [], false));
                break;
            }
            catch (Exception e) when (!ct.IsCancellationRequested && e is HttpRequestException or IOException or TaskCanceledException)
            {
                // Google unreachable or a download cut off: what was copied is remembered; the next run goes on.
                result = new DriveFolderResult(link.AreaCode, link.FolderId, DriveFolderOutcomes.Throttled, "network", [], 0, [], [], [], [], false);
            }
            results.Add(result);
            _logger.LogInformation(DriveEvents.FolderPassed,
                "Drive {AreaCode}: {Outcome} {Error}; {Copied} copied, {Unchanged} unchanged, {Ignored} ignored, {Removed} removed, {TooLarge} too large, {Failed} failed",
                result.AreaCode, result.Outcome, result.Error, result.Copied.Count, result.Unchanged, result.Ignored.Count, result.Removed.Count, result.TooLarge.Count, result.Failed.Count);
        }
        return new DriveSyncResult(true, results, client.Requests);
    }

    private async Task<DriveFolderResult> SyncFolderAsync(DriveApiClient client, DriveFolderLink link, CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        DriveFolderResult Result(string outcome, string? error = null, bool notified = false) =>
            new(link.AreaCode, link.FolderId, outcome, error, [], 0, [], [], [], [], notified);
        if (link.State == DriveFolderStates.GivenUp) return Result(DriveFolderOutcomes.GivenUp, link.LastError);
        if (link.State == DriveFolderStates.Unreachable && link.NextCheckAt > now) return Result(DriveFolderOutcomes.Waiting, link.LastError);

        List<(DriveItem Item, string Path)> listing;
        try
        {
            var (_, isFolder) = await client.GetFolderAsync(link.FolderId, ct).ConfigureAwait(false);
            if (!isFolder) throw new DriveApiException(404, "notAFolder", null);
            listing = await ListTreeAsync(client, link.FolderId, ct).ConfigureAwait(false);
        }
        catch (DriveApiException e) when (e.IsTransient)
        {
            return Result(DriveFolderOutcomes.Throttled, e.Status.ToString(CultureInfo.InvariantCulture));
        }
        catch (DriveApiException e)
        {
            var error = e.Reason ?? e.Status.ToString(CultureInfo.InvariantCulture);
            var failures = link.Failures + 1;
            var episode = link.State == DriveFolderStates.Active ? now : link.UnreachableSince ?? now;
            var next = link with
            {
                State = failures >= MaxFolderFailures ? DriveFolderStates.GivenUp : DriveFolderStates.Unreachable,
                Failures = failures, UnreachableSince = episode, NextCheckAt = now + UnreachableBackoff(failures), LastPassAt = now, LastError = error,
            };
            await _store.SaveFolderAsync(next, ct).ConfigureAwait(false);
            _logger.LogWarning(DriveEvents.FolderUnreachable, "Drive folder of {AreaCode} unreachable ({Status} {Reason}), failure {Failures}",
                link.AreaCode, e.Status, e.Reason, failures);
            var notified = link.State == DriveFolderStates.Active && await NotifyUnreachableAsync(next, e.Status, ct).ConfigureAwait(false);
            return Result(next.State == DriveFolderStates.GivenUp ? DriveFolderOutcomes.GivenUp : DriveFolderOutcomes.Unreachable, error, notified);
        }

        var known = await _store.ListFilesAsync(link.AreaCode, ct).ConfigureAwait(false);
        var (copied, ignored, removed, tooLarge, failed) = (new List<string>(), new List<string>(), new List<string>(), new List<string>(), new List<string>());
        var unchanged = 0;
        string outcome = DriveFolderOutcomes.Listed;
        string? outcomeError = null;
        foreach (var (item, path) in listing)
        {
            if (!IsSpreadsheet(item)) { ignored.Add(path); continue; }
            var version = item.Md5Checksum ?? item.ModifiedTime.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);
            var before = known.GetValueOrDefault(item.Id);
            if (before is not null && before.Version == version
                && (before.State is DriveFileStates.Copied or DriveFileStates.TooLarge || before.State == DriveFileStates.Failed && before.Attempts >= MaxFileAttempts))
            {
                unchanged++;
                continue;
            }
            var record = new DriveFileRecord(link.AreaCode, item.Id, path, version, DriveFileStates.Copied, now, null, 0);
            if (item.Size is { } size && size > _maxBytes)
            {
                await _store.SaveFileAsync(record with { State = DriveFileStates.TooLarge }, ct).ConfigureAwait(false);
                tooLarge.Add(path);
                continue;
            }
            try
            {
                var blob = await CopyAsync(client, link, item, ct).ConfigureAwait(false);
                await _store.SaveFileAsync(record with { BlobName = blob }, ct).ConfigureAwait(false);
                copied.Add(path);
            }
            catch (DriveApiException e) when (e.IsTransient)
            {
                (outcome, outcomeError) = (DriveFolderOutcomes.Throttled, e.Status.ToString(CultureInfo.InvariantCulture));
                break; // the rest waits for the next run; what was copied is remembered
            }
            catch (DriveApiException e) when (e.Status == 404)
            {
                removed.Add(path);
                known = known.Where(k => k.Key != item.Id).ToDictionary(); // gone between listing and download
            }
            catch (DriveApiException e)
            {
                var attempts = before?.Version == version ? before.Attempts + 1 : 1;
                await _store.SaveFileAsync(record with { State = DriveFileStates.Failed, Attempts = attempts }, ct).ConfigureAwait(false);
                failed.Add($"{path} ({e.Reason ?? e.Status.ToString(CultureInfo.InvariantCulture)})");
            }
        }
        if (outcome == DriveFolderOutcomes.Listed)
        {
            var present = listing.Select(l => l.Item.Id).ToHashSet(StringComparer.Ordinal);
            foreach (var gone in known.Values.Where(k => k.State != DriveFileStates.Removed && !present.Contains(k.FileId)))
            {
                await _store.SaveFileAsync(gone with { State = DriveFileStates.Removed, At = now }, ct).ConfigureAwait(false);
                removed.Add(gone.Name);
            }
        }
        await _store.SaveFolderAsync(link with
        {
            State = DriveFolderStates.Active, Failures = 0, UnreachableSince = null, NextCheckAt = null, LastPassAt = now,
            LastError = outcomeError, CopiedTotal = link.CopiedTotal + copied.Count,
        }, ct).ConfigureAwait(false);
        return new DriveFolderResult(link.AreaCode, link.FolderId, outcome, outcomeError, copied, unchanged, ignored, removed, tooLarge, failed, false);
    }

    /// <summary>The folder's files and those of its subfolders (<see cref="MaxDepth"/> levels), with their path inside the folder.</summary>
    private static async Task<List<(DriveItem Item, string Path)>> ListTreeAsync(DriveApiClient client, string folderId, CancellationToken ct)
    {
        var files = new List<(DriveItem, string)>();
        var queue = new Queue<(string Id, string Prefix, int Depth)>([(folderId, "", 0)]);
        var seen = new HashSet<string>(StringComparer.Ordinal) { folderId };
        while (queue.TryDequeue(out var folder))
        {
            string? page = null;
            do
            {
                var (items, next) = await client.ListAsync(folder.Id, page, ct).ConfigureAwait(false);
                foreach (var item in items)
                {
                    if (!item.IsFolder) files.Add((item, folder.Prefix + item.Name));
                    else if (folder.Depth < MaxDepth && seen.Add(item.Id)) queue.Enqueue((item.Id, folder.Prefix + item.Name + "/", folder.Depth + 1));
                }
                page = next;
            } while (page is not null);
        }
        return files;
    }

    internal static bool IsSpreadsheet(DriveItem item) =>
        SpreadsheetMimeTypes.Contains(item.MimeType) || SpreadsheetKinds.IsSpreadsheetName(item.Name);

    /// <summary>
    /// Streams the file (or the Sheet's .xlsx export) into <c>uploads/{area}/{modified}-{name}</c>, written only if
    /// absent: an existing blob of the same Drive file and version is the copy of a run that crashed before its record.
    /// </summary>
    private async Task<string> CopyAsync(DriveApiClient client, DriveFolderLink link, DriveItem item, CancellationToken ct)
    {
        var name = item.IsGoogleSheet && !item.Name.EndsWith(".xlsx", StringComparison.OrdinalIgnoreCase) ? item.Name + ".xlsx" : item.Name;
        var stamp = item.ModifiedTime.UtcDateTime.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
        var container = _blobs.GetBlobContainerClient(_names.Uploads);
        var metadata = new Dictionary<string, string> { ["source"] = "google-drive", ["driveFileId"] = item.Id, ["driveModified"] = stamp };
        foreach (var blobName in new[] { $"{link.AreaCode}/{stamp}-{UploadPath.SafeFileName(name)}", $"{link.AreaCode}/{stamp}-{item.Id}-{UploadPath.SafeFileName(name)}" })
        {
            var blob = container.GetBlobClient(blobName);
            if (await blob.ExistsAsync(ct).ConfigureAwait(false))
            {
                var props = await blob.GetPropertiesAsync(cancellationToken: ct).ConfigureAwait(false);
                if (props.Value.Metadata.TryGetValue("driveFileId", out var id) && id == item.Id) return blobName;
                continue; // another file of the same name and minute: use the name with the id
            }
            using var response = item.IsGoogleSheet
                ? await client.ExportXlsxAsync(item.Id, ct).ConfigureAwait(false)
                : await client.DownloadAsync(item.Id, ct).ConfigureAwait(false);
            await using var stream = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
            try
            {
                await blob.UploadAsync(stream, new BlobUploadOptions
                {
                    Metadata = metadata,
                    HttpHeaders = new BlobHttpHeaders { ContentType = "application/octet-stream" },
                    Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
                }, ct).ConfigureAwait(false);
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412)
            {
                // A concurrent run wrote it first: the same Drive file and version, so it is the same upload.
            }
            return blobName;
        }
        throw new InvalidOperationException("No free blob name for a Drive file.");
    }

    private async Task<bool> NotifyUnreachableAsync(DriveFolderLink link, int status, CancellationToken ct)
    {
        var regency = (_regencies.FirstOrDefault(r => r.Code == link.RegencyCode) ?? RegencySettings.Default(link.RegencyCode));
        var kampung = await _registry.GetAsync(link.AreaCode, ct).ConfigureAwait(false);
        regency = regency.WithRegistry([kampung]);
        var request = new NotificationRequest($"{link.RegencyCode}_drive", $"{link.AreaCode}_{link.UnreachableSince!.Value.UtcTicks.ToString(CultureInfo.InvariantCulture)}",
            "drive", link.RegencyCode) { AreaCode = link.AreaCode, Stage = DriveFolderOutcomes.Unreachable, RecipientRole = RecipientRoles.Dinas };
        if (regency.Recipients.Count == 0)
        {
            await _ledger.SkipOnceAsync(request, ReminderSkipReasons.NoDinasRecipients, ct).ConfigureAwait(false);
            return false;
        }
        var rendered = _templates.Render(UnreachableTemplate, new DriveUnreachableView(regency.DinasName, kampung?.Name ?? link.AreaCode, link.AreaCode,
            link.Url, status == 404, Account ?? "", IndonesianFormat.Date(regency.TimeZone.ToLocal(link.NextCheckAt!.Value))));
        var message = new MailMessage(regency.Recipients, [], rendered.Subject, rendered.Html, rendered.Text, [], regency.DinasName);
        return (await _ledger.SendOnceAsync(request, message, _mail, ct).ConfigureAwait(false)).Succeeded;
    }
}

/// <summary>The model of templates/email/drive-unreachable.hbs; <paramref name="FolderMissing"/>: Drive answered 404 (the folder is gone), else 403 (no longer shared); the template words each.</summary>
internal sealed record DriveUnreachableView(string DinasName, string KampungName, string AreaCode, string FolderUrl, bool FolderMissing, string Account, string NextCheck,
    string? HelpContact = null);

/// <summary>Stable event ids of the Drive channel (ids and counts only, never names or addresses).</summary>
internal static class DriveEvents
{
    public static readonly EventId FolderPassed = new(4101, nameof(FolderPassed));
    public static readonly EventId FolderUnreachable = new(4102, nameof(FolderUnreachable));
    /// <summary>Google refused the service account's key (deleted or disabled): the pass stopped.</summary>
    public static readonly EventId AuthFailed = new(4103, nameof(AuthFailed));
}
