using System.Net.Sockets;
using Azure.Core;
using Azure.Identity;
using Microsoft.Graph;
using Microsoft.Graph.Models;
using Microsoft.Graph.Models.ODataErrors;
using Microsoft.Graph.Users.Item.Messages.Item.Attachments.CreateUploadSession;
using Microsoft.Graph.Users.Item.SendMail;
using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Authentication.Azure;
using KampungKB.Core.Rendering.Exports;

namespace KampungKB.Core.Outbox.Mail;

/// <summary>
/// Sends app-only through Microsoft Graph (<c>POST /users/{sender}/sendMail</c>) with the
/// <c>Mail.Send</c> application permission. Small attachments travel inline; when they exceed
/// <see cref="MailOptions.InlineAttachmentLimitBytes"/> the mail is created as a draft, large files are
/// uploaded through attachment upload sessions, and the draft is sent (a draft sent this way is
/// always kept in Sent Items). Graph's own retry handler retries 429/503/504 honouring Retry-After;
/// what still fails comes back as a transient or permanent <see cref="MailSendResult"/>.
/// One instance per process: it holds the HTTP client and the token cache.
/// </summary>
internal sealed class GraphMailSender : IMailSender, IDisposable
{
    /// <summary>Upload-session slices must be multiples of 320 KiB; Graph accepts at most 4 MB per slice for attachments.</summary>
    internal const int UploadSliceSize = 320 * 1024 * 10;
    internal const int LargeAttachmentThreshold = 3 * 1024 * 1024;
    public const string IdHeader = "X-KampungKB-Id";

    private readonly GraphServiceClient _client;
    private readonly MailOptions _options;
    private readonly string _sender;

    public GraphMailSender(MailOptions options)
        : this(options, CreateCredential(options))
    {
    }

    /// <summary>For tests and custom hosts: any <see cref="TokenCredential"/>; the token is sent only to the host of <see cref="MailOptions.GraphBaseUrl"/>.</summary>
    public GraphMailSender(MailOptions options, TokenCredential credential)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(credential);
        _options = options;
        _sender = options.Sender ?? throw new ArgumentException("Graph mode needs a sender mailbox.", nameof(options));
        _client = CreateClient(options, credential);
    }

    /// <summary>
    /// The one Graph client construction (sending here, reading in <c>Core/MailIn</c>): the token is sent only to
    /// the host of <see cref="MailOptions.GraphBaseUrl"/>, whose scope is Graph's own for a loopback test listener.
    /// </summary>
    internal static GraphServiceClient CreateClient(MailOptions options, TokenCredential credential)
    {
        var baseUrl = options.GraphBaseUrl.ToString().TrimEnd('/');
        var host = options.GraphBaseUrl.Host;
        var scope = options.GraphBaseUrl.IsLoopback ? "https://graph.microsoft.com/.default" : $"https://{host}/.default";
        var auth = new AzureIdentityAuthenticationProvider(credential, allowedHosts: [host], scopes: [scope]);
        return new GraphServiceClient(auth, baseUrl);
    }

    /// <summary>
    /// Asks Graph for immutable ids (<c>Prefer: IdType="ImmutableId"</c>): a message keeps its id when it is
    /// moved to another folder, so a reply queued in the outbox still finds the message it answers.
    /// </summary>
    internal const string ImmutableIdPreference = "IdType=\"ImmutableId\"";

    public async Task<MailSendResult> SendAsync(MailMessage message, CancellationToken ct)
    {
        if (MessageChecks.TryParseRecipients(message, out var to, out var cc) is { } invalid) return invalid;
        var id = Guid.NewGuid().ToString("N");
        var location = $"graph:users/{_sender}";
        var attachments = message.Attachments ?? [];
        var graphMessage = new Message
        {
            Subject = ExportSanitizer.SingleLine(message.Subject),
            Body = new ItemBody { ContentType = BodyType.Html, Content = message.HtmlBody ?? string.Empty },
            ToRecipients = to.Select(Recipient).ToList(),
            CcRecipients = cc.Select(Recipient).ToList(),
            InternetMessageHeaders = [new InternetMessageHeader { Name = IdHeader, Value = id }],
        };
        if (message.SenderName is { Length: > 0 } senderName)
            graphMessage.From = new Recipient { EmailAddress = new EmailAddress { Address = _sender, Name = ExportSanitizer.SingleLine(senderName) } };

        try
        {
            if (message.InReplyTo is { } thread)
            {
                // A reply keeps the thread (Graph sets "RE: subject", In-Reply-To and References itself).
                // No subject (Graph writes "RE: …") and no From (sent as the mailbox that received the message).
                var reply = new Message
                {
                    Body = graphMessage.Body,
                    ToRecipients = graphMessage.ToRecipients,
                    CcRecipients = graphMessage.CcRecipients,
                    InternetMessageHeaders = graphMessage.InternetMessageHeaders,
                };
                if (attachments.Count > 0) reply.Attachments = attachments.Select(a => (Attachment)ToFileAttachment(a)).ToList();
                await _client.Users[thread.Mailbox].Messages[thread.MessageId].Reply.PostAsync(
                    new Microsoft.Graph.Users.Item.Messages.Item.Reply.ReplyPostRequestBody { Message = reply },
                    c => c.Headers.Add("Prefer", ImmutableIdPreference), ct).ConfigureAwait(false);
                return MailSendResult.Sent(id, $"graph:users/{thread.Mailbox}/reply");
            }
            if (InlineSize(message) <= _options.InlineAttachmentLimitBytes)
            {
                graphMessage.Attachments = attachments.Select(a => (Attachment)ToFileAttachment(a)).ToList();
                await _client.Users[_sender].SendMail.PostAsync(
                    new SendMailPostRequestBody { Message = graphMessage, SaveToSentItems = _options.SaveToSentItems },
                    cancellationToken: ct).ConfigureAwait(false);
                return MailSendResult.Sent(id, location);
            }
            return await SendWithUploadsAsync(graphMessage, attachments, id, location, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (Classify(ex, id) is { } failure)
        {
            return failure;
        }
    }

    private async Task<MailSendResult> SendWithUploadsAsync(Message graphMessage, IReadOnlyList<MailAttachment> attachments, string id, string location, CancellationToken ct)
    {
        var messages = _client.Users[_sender].Messages;
        var draft = await messages.PostAsync(graphMessage, cancellationToken: ct).ConfigureAwait(false)
                    ?? throw new InvalidOperationException("Graph returned no draft.");
        var draftId = draft.Id ?? throw new InvalidOperationException("Graph returned a draft without id.");
        try
        {
            foreach (var attachment in attachments)
            {
                if (attachment.Content.Length < LargeAttachmentThreshold)
                {
                    await messages[draftId].Attachments.PostAsync(ToFileAttachment(attachment), cancellationToken: ct).ConfigureAwait(false);
                    continue;
                }
                var session = await messages[draftId].Attachments.CreateUploadSession.PostAsync(new CreateUploadSessionPostRequestBody
                {
                    AttachmentItem = new AttachmentItem
                    {
                        AttachmentType = AttachmentType.File,
                        Name = MessageChecks.SafeFileName(attachment.FileName),
                        ContentType = MessageChecks.SafeContentType(attachment.ContentType),
                        Size = attachment.Content.Length,
                    },
                }, cancellationToken: ct).ConfigureAwait(false) ?? throw new InvalidOperationException("Graph returned no upload session.");

                using var stream = new MemoryStream(attachment.Content, writable: false);
                var upload = new LargeFileUploadTask<FileAttachment>(session, stream, UploadSliceSize, _client.RequestAdapter);
                var result = await upload.UploadAsync(cancellationToken: ct).ConfigureAwait(false);
                if (!result.UploadSucceeded)
                {
                    await TryDeleteDraftAsync(draftId).ConfigureAwait(false);
                    return MailSendResult.Transient(MailErrorCodes.AttachmentUploadFailed, messageId: id);
                }
            }
            await messages[draftId].Send.PostAsync(cancellationToken: ct).ConfigureAwait(false);
            return MailSendResult.Sent(id, location);
        }
        catch
        {
            await TryDeleteDraftAsync(draftId).ConfigureAwait(false);
            throw;
        }
    }

    private async Task TryDeleteDraftAsync(string draftId)
    {
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _client.Users[_sender].Messages[draftId].DeleteAsync(cancellationToken: cts.Token).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Best effort: a leftover draft is harmless and the original failure matters more.
        }
    }

    /// <summary>Raw attachment bytes; the default limit leaves room for base64's 4/3 growth and the body under Graph's 4 MB request cap.</summary>
    private static long InlineSize(MailMessage message) => (message.Attachments ?? []).Sum(a => (long)a.Content.Length);

    private static FileAttachment ToFileAttachment(MailAttachment a) => new()
    {
        OdataType = "#microsoft.graph.fileAttachment",
        Name = MessageChecks.SafeFileName(a.FileName),
        ContentType = MessageChecks.SafeContentType(a.ContentType),
        ContentBytes = a.Content,
    };

    private static Recipient Recipient(ParsedAddress a) => new()
    {
        EmailAddress = new EmailAddress { Address = a.Address, Name = a.DisplayName },
    };

    /// <summary>Transient: throttling (after Graph's own retries), 5xx, 408, network. Permanent: other 4xx and credential problems.</summary>
    internal static MailSendResult? Classify(Exception ex, string id)
    {
        switch (ex)
        {
            case AggregateException agg:
                // Graph's retry handler gives up with an AggregateException after its retries.
                var inner = agg.Flatten().InnerExceptions.Select(e => Classify(e, id)).FirstOrDefault(r => r is not null && !r.IsTransient);
                return inner ?? MailSendResult.Transient(MailErrorCodes.Throttled, detail: "retries-exhausted", messageId: id);
            case ApiException api:
                var status = api.ResponseStatusCode;
                var code = (api as ODataError)?.Error?.Code;
                return status switch
                {
                    429 => MailSendResult.Transient(MailErrorCodes.Throttled, status, code, id),
                    408 or >= 500 => MailSendResult.Transient(MailErrorCodes.ServiceUnavailable, status, code, id),
                    401 or 403 => MailSendResult.Permanent(MailErrorCodes.Unauthorized, status, code, id),
                    _ => MailSendResult.Permanent(MailErrorCodes.Rejected, status, code, id),
                };
            case CredentialUnavailableException:
            case AuthenticationFailedException:
                return MailSendResult.Permanent(MailErrorCodes.Unauthorized, detail: ex.GetType().Name, messageId: id);
            case HttpRequestException:
            case SocketException:
            case IOException:
            case TaskCanceledException:
                return MailSendResult.Transient(MailErrorCodes.Network, detail: ex.GetType().Name, messageId: id);
            default:
                return null;
        }
    }

    internal static TokenCredential CreateCredential(MailOptions options)
    {
        if (options.UseManagedIdentity)
        {
            return string.IsNullOrWhiteSpace(options.ClientId)
                ? new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned)
                : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(options.ClientId));
        }
        return new ClientSecretCredential(options.TenantId, options.ClientId, options.ClientSecret);
    }

    public void Dispose() => _client.Dispose();
}
