namespace KampungKB.Core.Outbox.Mail;

/// <summary>
/// A mail ready to send. Addresses are plain (<c>pokja@example.id</c>) or with a display name
/// (<c>Pokja Sungai Biru &lt;pokja@example.id&gt;</c>). <paramref name="TextBody"/> may be null: senders
/// then derive a plain-text alternative from the HTML. <paramref name="SenderName"/> is the display name
/// the mail is sent under (each kabupaten's own dinas); null keeps the configured <c>Mail__SenderName</c>.
/// <paramref name="InReplyTo"/> makes the mail a reply threaded to a received message (email in, docs/channels.md).
/// </summary>
public sealed record MailMessage(
    IReadOnlyList<string> To,
    IReadOnlyList<string> Cc,
    string Subject,
    string HtmlBody,
    string? TextBody,
    IReadOnlyList<MailAttachment> Attachments,
    string? SenderName = null,
    MailThread? InReplyTo = null);

/// <summary>
/// The received message a reply answers: <paramref name="Mailbox"/> it lies in, its Graph
/// <paramref name="MessageId"/> (an immutable id, so it survives the move to the processed folder) and its
/// RFC 5322 <paramref name="InternetMessageId"/> (<c>&lt;…@…&gt;</c>, for In-Reply-To in the .eml outbox).
/// Through Graph the reply is <c>POST /users/{mailbox}/messages/{id}/reply</c>, so mail clients thread it.
/// </summary>
public sealed record MailThread(string Mailbox, string MessageId, string? InternetMessageId);

/// <summary>A file attached to a mail: its name as the recipient sees it, its MIME type and its bytes.</summary>
public sealed record MailAttachment(string FileName, string ContentType, byte[] Content)
{
    public const string XlsxContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
}

/// <summary>The outcome class of one send: sent, worth retrying, or final failure (docs/mail.md).</summary>
public enum MailSendStatus
{
    Sent,
    /// <summary>Worth retrying later (throttling, outage, network): let the host retry.</summary>
    TransientFailure,
    /// <summary>Retrying will not help (bad address, missing permission, mailbox not found): record it and move on.</summary>
    PermanentFailure,
}

/// <summary>
/// What happened to one mail. <see cref="MessageId"/> is our own id for the mail (the .eml Message-ID,
/// or the <c>X-KampungKB-Id</c> header sent through Graph); <see cref="Location"/> says where it went
/// (the .eml path, or <c>graph:users/{sender}</c>). Failures carry a stable <see cref="ErrorCode"/>
/// from <see cref="MailErrorCodes"/> and, for Graph, the HTTP status.
/// </summary>
public sealed record MailSendResult(
    MailSendStatus Status,
    string? MessageId,
    string? Location,
    string? ErrorCode = null,
    int? HttpStatus = null,
    string? Detail = null)
{
    public bool Succeeded => Status == MailSendStatus.Sent;
    public bool IsTransient => Status == MailSendStatus.TransientFailure;

    public static MailSendResult Sent(string messageId, string location) => new(MailSendStatus.Sent, messageId, location);
    public static MailSendResult Transient(string code, int? httpStatus = null, string? detail = null, string? messageId = null) =>
        new(MailSendStatus.TransientFailure, messageId, null, code, httpStatus, detail);
    public static MailSendResult Permanent(string code, int? httpStatus = null, string? detail = null, string? messageId = null) =>
        new(MailSendStatus.PermanentFailure, messageId, null, code, httpStatus, detail);
}

/// <summary>Stable failure codes for <see cref="MailSendResult.ErrorCode"/>; safe to log (no addresses or names).</summary>
internal static class MailErrorCodes
{
    public const string InvalidMessage = "mail-invalid-message";
    public const string InvalidAddress = "mail-invalid-address";
    public const string Throttled = "mail-throttled";
    public const string ServiceUnavailable = "mail-service-unavailable";
    public const string Network = "mail-network";
    public const string Unauthorized = "mail-unauthorized";
    public const string Rejected = "mail-rejected";
    public const string AttachmentUploadFailed = "mail-attachment-upload-failed";
    public const string OutboxWriteFailed = "mail-outbox-write-failed";
    public const string OutboxNotWritable = "mail-outbox-not-writable";
}

/// <summary>Sends (or, for local runs, writes) one mail. Failures come back as results, classified transient or permanent; only cancellation and bugs throw.</summary>
public interface IMailSender
{
    Task<MailSendResult> SendAsync(MailMessage message, CancellationToken ct);
}
