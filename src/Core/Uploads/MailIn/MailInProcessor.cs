using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Core;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using KampungKB.Core.Uploads.Feedback;
using KampungKB.Core.Outbox.Mail;
using KampungKB.Core.Model;
using KampungKB.Core.Outbox.Notifications;
using KampungKB.Core.Registry;
using KampungKB.Core.Store;
using KampungKB.Core.Uploads;
using Microsoft.Extensions.Logging;

namespace KampungKB.Core.Uploads.MailIn;

/// <summary>What email in did with one message.</summary>
internal static class MailInActions
{
    /// <summary>Its spreadsheets (and zips of them) became uploads; each got its feedback as a reply (a zip: one for all its files).</summary>
    public const string Uploaded = "uploaded";
    /// <summary>No spreadsheet attached: a short reply says what to attach.</summary>
    public const string NoSpreadsheet = "no-spreadsheet";
    /// <summary>From the mailbox itself or an automatic sender (mailer-daemon, no-reply): moved without a reply, so mail never loops.</summary>
    public const string Ignored = "ignored";
    /// <summary>Handled by an earlier run (its claim is done); only moved again.</summary>
    public const string Already = "already";
}

/// <summary>One message's outcome: <see cref="MessageKey"/> is the first 12 hex digits of its claim id (safe to log), never an address.</summary>
public sealed record MailInMessageOutcome(string MessageKey, string Action, IReadOnlyList<UploadOutcome> Uploads, int SkippedAttachments);

/// <summary>One run: <see cref="Enabled"/> is false when <c>MailIn__Mailbox</c> is not set (nothing was read).</summary>
public sealed record MailInRunResult(bool Enabled, IReadOnlyList<MailInMessageOutcome> Messages)
{
    public int Uploads => Messages.Sum(m => m.Uploads.Count);
    public int Count(string action) => Messages.Count(m => m.Action == action);
}

/// <summary>
/// Email in (docs/channels.md): reads the reporting mailbox's Inbox through Graph and, per message,
/// exactly once across retries and overlapping runs (a claim per message id in the <c>Claims</c> table):
/// every spreadsheet or <c>.zip</c> file attachment (inline images, other files skipped) is judged as an upload
/// <c>uploads/{area}/{yyyyMMddHHmmss}-{file}</c>, the kampung whose registry <c>Email Pokja</c> is the sender's
/// address (else <c>uploads/email/…</c>, attributed by content as a bulk drop); its feedback goes back as a reply
/// threaded to the message through the outbox (<see cref="NotificationLedger"/>, keyed by upload id like every
/// feedback mail, so it is sent once and retried by the sweeper); a message without a spreadsheet gets a short
/// reply saying what to attach; then the message is moved to the processed folder. A zip is a folder of reports
/// (docs/channels.md, "A folder as one zip"): each spreadsheet in it its own upload, and its one combined feedback is the reply. The upload is judged before
/// its blob is written, so the blob trigger that follows finds the claim done and repeats nothing.
/// Logs carry claim-id prefixes and counts, never addresses, subjects or file names.
/// </summary>
public sealed class MailInProcessor
{

    /// <summary>The folder under <c>uploads/</c> of attachments whose sender is not a registered Pokja address.</summary>
    public const string UnknownSenderFolder = "email";

    private static readonly string[] AutomaticSenders = ["mailer-daemon", "postmaster", "no-reply", "noreply", "donotreply", "do-not-reply"];
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly MailInOptions _options;
    private readonly GraphMailbox? _mailbox;
    private readonly UploadProcessor _uploads;
    private readonly TemplateFeedbackRenderer _renderer;
    private readonly Links.UploadLinks? _links;
    private readonly IMailSender _mail;
    private readonly MailInTexts _texts;
    private readonly BlobServiceClient _blobs;
    private readonly StorageNames _names;
    private readonly TimeProvider _time;
    private readonly PipelineOptions _pipeline;
    private readonly IReadOnlyList<RegencySettings> _regencies;
    private readonly ILogger _logger;
    private readonly ClaimLedger _claims;
    private readonly NotificationLedger _ledger;
    private readonly RegistryStore _registry;

    /// <param name="credential">The Graph credential; null builds it from <paramref name="mail"/> (client secret or managed identity) as the sender does.</param>
    internal MailInProcessor(MailInOptions options, MailOptions mail, UploadProcessor uploads, TemplateFeedbackRenderer renderer, IMailSender sender,
        MailInTexts texts, BlobServiceClient blobs, RegistryStore registry, ClaimLedger claims, TableServiceClient tables, StorageNames names, TimeProvider time, PipelineOptions pipeline,
        IReadOnlyList<RegencySettings> regencies, ILogger<MailInProcessor> logger, TokenCredential? credential = null, Links.UploadLinks? links = null)
    {
        _links = links;
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(mail);
        _options = options;
        if (options.Enabled)
            _mailbox = new GraphMailbox(GraphMailSender.CreateClient(mail, credential ?? GraphMailSender.CreateCredential(mail)), options.Mailbox!);
        _uploads = uploads;
        _renderer = renderer;
        _mail = sender;
        _texts = texts;
        _blobs = blobs;
        _names = names;
        _time = time;
        _pipeline = pipeline;
        _regencies = regencies;
        _logger = logger;
        _claims = claims;
        _ledger = new NotificationLedger(tables, names, time);
        _registry = registry;
    }

    /// <summary>Handles up to <see cref="MailInOptions.MaxMessagesPerRun"/> Inbox messages, oldest first. Graph and storage faults throw (the next run resumes).</summary>
    public async Task<MailInRunResult> RunAsync(CancellationToken ct = default)
    {
        if (_mailbox is null) return new MailInRunResult(false, []);
        var folderId = await _mailbox.EnsureFolderAsync(_options.ProcessedFolder, ct).ConfigureAwait(false);
        IReadOnlyList<RegistryEntry>? registry = null;
        var outcomes = new List<MailInMessageOutcome>();
        // The whole listing first: moving messages out of the Inbox while following its nextLinks would shift the pages.
        var inbox = new List<InboxMessage>();
        await foreach (var message in _mailbox.ListInboxAsync(_options.MaxMessagesPerRun, ct).ConfigureAwait(false)) inbox.Add(message);
        foreach (var message in inbox)
        {
            registry ??= await _registry.ListAsync(null, ct).ConfigureAwait(false);
            outcomes.Add(await HandleAsync(message, folderId, registry, ct).ConfigureAwait(false));
        }
        var result = new MailInRunResult(true, outcomes);
        _logger.LogInformation(MailInEvents.MailInRun, "Email in: {Messages} messages, {Uploads} uploads, {NoSpreadsheet} without spreadsheet, {Ignored} ignored, {Already} already handled",
            outcomes.Count, result.Uploads, result.Count(MailInActions.NoSpreadsheet), result.Count(MailInActions.Ignored), result.Count(MailInActions.Already));
        return result;
    }

    private async Task<MailInMessageOutcome> HandleAsync(InboxMessage message, string folderId, IReadOnlyList<RegistryEntry> registry, CancellationToken ct)
    {
        var claimId = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"mailin\n{_mailbox!.Mailbox.ToLowerInvariant()}\n{message.Id}")));
        var key = claimId[..12];
        var claim = await _claims.ClaimAsync(claimId, "mailin/" + key, message.ReceivedAt, ct).ConfigureAwait(false);
        if (claim is ClaimLedger.Result.Done)
        {
            await _mailbox.MoveAsync(message.Id, folderId, ct).ConfigureAwait(false);
            _logger.LogInformation(MailInEvents.MessageRepeated, "Email {MessageKey} already handled; moved", key);
            return new MailInMessageOutcome(key, MailInActions.Already, [], 0);
        }
        var owned = (ClaimLedger.Result.Proceed)claim;

        MailInMessageOutcome outcome;
        var sender = message.SenderAddress?.Trim();
        if (sender is null || !ParsedAddress.IsValidAddress(sender) || IsAutomatic(sender) || IsOwnMailbox(sender))
        {
            outcome = new MailInMessageOutcome(key, MailInActions.Ignored, [], 0);
        }
        else
        {
            var thread = new MailThread(_mailbox.Mailbox, message.Id, message.InternetMessageId);
            var kampung = SenderKampung(registry, sender);
            var attachments = await _mailbox.ListAttachmentsAsync(message.Id, ct).ConfigureAwait(false);
            var files = attachments.Where(a => a.IsFile && !a.IsInline).ToList();
            // A zip is a folder of reports (docs/channels.md): judged as one upload, each spreadsheet in it on its own, one reply.
            var spreadsheets = files.Where(a => SpreadsheetKinds.IsUploadName(a.Name)).ToList();
            var skipped = attachments.Count - spreadsheets.Count;
            if (spreadsheets.Count == 0)
            {
                await ReplyNoSpreadsheetAsync(claimId, sender, thread, kampung, ct).ConfigureAwait(false);
                outcome = new MailInMessageOutcome(key, MailInActions.NoSpreadsheet, [], skipped);
            }
            else
            {
                var notifier = new ReplyFeedbackNotifier(this, sender, thread);
                var uploads = new List<UploadOutcome>();
                var used = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
                foreach (var attachment in spreadsheets)
                {
                    var name = BlobName(kampung, owned.ReceivedAt, UniqueName(used, UploadPath.SafeFileName(attachment.Name)));
                    var tooLarge = attachment.Size > _pipeline.MaxUploadBytes;
                    var content = tooLarge ? [] : await _mailbox.ReadAttachmentAsync(message.Id, attachment.Id, ct).ConfigureAwait(false);
                    var upload = new UploadEvent(name, tooLarge ? attachment.Size : content.Length, owned.ReceivedAt);
                    uploads.Add(await _uploads.ProcessAsync(upload, content, notifier, ct).ConfigureAwait(false));
                    // After judging: the blob trigger this write fires finds the claim done and repeats nothing.
                    if (!tooLarge) await PutOnceAsync(name, content, ct).ConfigureAwait(false);
                }
                outcome = new MailInMessageOutcome(key, MailInActions.Uploaded, uploads, skipped);
            }
        }

        await _mailbox.MoveAsync(message.Id, folderId, ct).ConfigureAwait(false);
        await _claims.CompleteAsync(owned, JsonSerializer.Serialize(new { outcome.Action, uploads = outcome.Uploads.Select(u => u.UploadId) }, Json), ct).ConfigureAwait(false);
        _logger.LogInformation(MailInEvents.MessageHandled, "Email {MessageKey} {Action}: {Uploads} uploads ({Accepted} accepted), {Skipped} other attachments",
            key, outcome.Action, outcome.Uploads.Count, outcome.Uploads.Count(u => u.Status != UploadStatus.Rejected), outcome.SkippedAttachments);
        return outcome;
    }

    /// <summary>The registered kampung whose Pokja email is the sender's address; null when none or several (then the content decides).</summary>
    private static RegistryEntry? SenderKampung(IReadOnlyList<RegistryEntry> registry, string sender)
    {
        var matches = registry.Where(k => ParsedAddress.TryParse(k.PokjaEmail, out var a) && string.Equals(a.Value.Address, sender, StringComparison.OrdinalIgnoreCase))
            .Take(2).ToList();
        return matches.Count == 1 ? matches[0] : null;
    }

    private static bool IsAutomatic(string address)
    {
        var local = address[..address.IndexOf('@')];
        return AutomaticSenders.Any(a => local.Equals(a, StringComparison.OrdinalIgnoreCase));
    }

    private bool IsOwnMailbox(string address) => string.Equals(address, _mailbox?.Mailbox, StringComparison.OrdinalIgnoreCase);

    private static string BlobName(RegistryEntry? kampung, DateTimeOffset receivedAt, string fileName) =>
        $"{kampung?.AreaCode ?? UnknownSenderFolder}/{receivedAt.UtcDateTime:yyyyMMddHHmmss}-{fileName}";

    private static string UniqueName(HashSet<string> used, string name)
    {
        var candidate = name;
        for (var i = 2; !used.Add(candidate); i++)
            candidate = $"{Path.GetFileNameWithoutExtension(name)} ({i}){Path.GetExtension(name)}";
        return candidate;
    }

    private async Task PutOnceAsync(string name, byte[] content, CancellationToken ct)
    {
        var blob = _blobs.GetBlobContainerClient(_names.Uploads).GetBlobClient(name);
        try
        {
            await blob.UploadAsync(BinaryData.FromBytes(content), overwrite: false, ct).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            // Written by an earlier attempt for this message: the same name and bytes.
        }
    }

    private string DinasName(string? regencyCode) =>
        regencyCode is null ? _texts["defaultDinas"]
        : (_regencies.FirstOrDefault(r => r.Code == regencyCode) ?? RegencySettings.Default(regencyCode)).DinasName;

    private async Task ReplyNoSpreadsheetAsync(string claimId, string sender, MailThread thread, RegistryEntry? kampung, CancellationToken ct)
    {
        var dinas = kampung is null ? null : DinasName(kampung.RegencyCode);
        var (subject, html, text) = _texts.NoSpreadsheet(dinas);
        var message = new MailMessage([sender], [], subject, html, text, [], dinas, thread);
        await SendOnceAsync(new NotificationRequest(MailInNotificationKinds.Partition, claimId, MailInNotificationKinds.NoSpreadsheet,
            kampung?.RegencyCode ?? StorageNames.UnknownRegency) { AreaCode = kampung?.AreaCode, RecipientRole = RecipientRoles.Pokja }, message, ct).ConfigureAwait(false);
    }

    private async Task SendOnceAsync(NotificationRequest request, MailMessage message, CancellationToken ct)
    {
        if ((await _ledger.SendOnceAsync(request, message, _mail, ct).ConfigureAwait(false)).Result is { Succeeded: false } result)
            _logger.LogWarning(MailInEvents.ReplyNotSent, "Reply {RowKey} not sent: {ErrorCode} (transient {Transient}; the outbox sweeper retries)",
                request.RowKey.Length > 24 ? request.RowKey[..24] : request.RowKey, result.ErrorCode, result.IsTransient);
    }

    /// <summary>The feedback of an emailed upload as a reply to its message, under the feedback row of that upload (one per upload id).</summary>
    private sealed class ReplyFeedbackNotifier(MailInProcessor owner, string sender, MailThread thread) : IFeedbackNotifier
    {
        public async Task NotifyAsync(FeedbackDocument feedback, CancellationToken cancellationToken = default)
        {
            var regency = feedback.Kampung?.RegencyCode ?? StorageNames.UnknownRegency;
            var dinas = owner.DinasName(feedback.Kampung?.RegencyCode);
            // The kampung's upload link, as every feedback mail carries it (a reply may also simply be answered with the fixed file).
            var link = owner._links is null || feedback.Kampung is not { IsRetired: false } k ? null
                : (await owner._links.IssueAsync(k, cancellationToken: cancellationToken).ConfigureAwait(false)).Url;
            var rendered = owner._renderer.Render(feedback, dinas, link);
            var message = new MailMessage([sender], [], rendered.Subject, rendered.Html, rendered.Text, [], dinas, thread);
            await owner.SendOnceAsync(new NotificationRequest(NotificationKeys.FeedbackPartition(regency), feedback.UploadId, NotificationKinds.Feedback, regency)
            {
                Channel = MailInNotificationKinds.ReplyChannel, Period = feedback.Period?.ToString(), AreaCode = feedback.Kampung?.AreaCode,
                Stage = feedback.Status, RecipientRole = RecipientRoles.Pokja,
            }, message, cancellationToken).ConfigureAwait(false);
        }
    }
}

/// <summary>Email in's rows in the <c>Notifications</c> table besides feedback replies (which use the feedback rows).</summary>
internal static class MailInNotificationKinds
{
    /// <summary>Partition of the "attach your spreadsheet" replies; the row key is the message's claim id.</summary>
    public const string Partition = "_mailin";
    public const string NoSpreadsheet = "mailin-no-spreadsheet";
    /// <summary><c>Channel</c> of a feedback row sent as a reply to the cadre's message.</summary>
    public const string ReplyChannel = "email-reply";
}

/// <summary>Stable event ids of email in (ids, codes and counts only).</summary>
internal static class MailInEvents
{
    public static readonly EventId MailInRun = new(4101, nameof(MailInRun));
    public static readonly EventId MessageHandled = new(4102, nameof(MessageHandled));
    public static readonly EventId MessageRepeated = new(4103, nameof(MessageRepeated));
    public static readonly EventId ReplyNotSent = new(4104, nameof(ReplyNotSent));
}
