using KampungKB.Core.Outbox.Mail;
using Microsoft.Graph;
using Microsoft.Graph.Models;
using Microsoft.Graph.Models.ODataErrors;
using Microsoft.Graph.Users.Item.Messages.Item.Move;

namespace KampungKB.Core.Uploads.MailIn;

/// <summary>One received message, as much of it as email in needs (no subject or body: neither is used nor logged).</summary>
internal sealed record InboxMessage(string Id, string? InternetMessageId, DateTimeOffset ReceivedAt, string? SenderAddress);

/// <summary>One attachment's metadata; <see cref="IsFile"/> is false for item (forwarded mail) and reference (cloud link) attachments.</summary>
internal sealed record InboxAttachment(string Id, string Name, long Size, bool IsInline, bool IsFile);

/// <summary>
/// The few Graph calls email in makes on one mailbox (application permission <c>Mail.ReadWrite</c>, limited to
/// that mailbox by an application access policy): list the Inbox page by page following
/// <c>@odata.nextLink</c>, list and read attachments, find or create the processed folder, move a message.
/// Every call asks for immutable ids, so a message id stays valid after the move.
/// </summary>
internal sealed class GraphMailbox(GraphServiceClient client, string mailbox)
{
    private const int PageSize = 25;

    public string Mailbox => mailbox;

    /// <summary>Inbox messages, oldest first, following <c>@odata.nextLink</c> until <paramref name="max"/> are read.</summary>
    public async IAsyncEnumerable<InboxMessage> ListInboxAsync(int max, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var messages = client.Users[mailbox].MailFolders["inbox"].Messages;
        var page = await messages.GetAsync(c =>
        {
            c.QueryParameters.Select = ["id", "internetMessageId", "receivedDateTime", "from", "hasAttachments"];
            c.QueryParameters.Orderby = ["receivedDateTime"];
            c.QueryParameters.Top = PageSize;
            c.Headers.Add("Prefer", GraphMailSender.ImmutableIdPreference);
        }, ct).ConfigureAwait(false);
        var count = 0;
        while (page is not null)
        {
            foreach (var m in page.Value ?? [])
            {
                if (m.Id is null) continue;
                yield return new InboxMessage(m.Id, m.InternetMessageId, m.ReceivedDateTime ?? DateTimeOffset.UnixEpoch, m.From?.EmailAddress?.Address);
                if (++count >= max) yield break;
            }
            if (page.OdataNextLink is not { Length: > 0 } next) yield break;
            page = await messages.WithUrl(next).GetAsync(c => c.Headers.Add("Prefer", GraphMailSender.ImmutableIdPreference), ct).ConfigureAwait(false);
        }
    }

    /// <summary>Every attachment's metadata (no content), following <c>@odata.nextLink</c>.</summary>
    public async Task<IReadOnlyList<InboxAttachment>> ListAttachmentsAsync(string messageId, CancellationToken ct)
    {
        var attachments = client.Users[mailbox].Messages[messageId].Attachments;
        var list = new List<InboxAttachment>();
        var page = await attachments.GetAsync(c =>
        {
            c.QueryParameters.Select = ["id", "name", "contentType", "size", "isInline"];
            c.Headers.Add("Prefer", GraphMailSender.ImmutableIdPreference);
        }, ct).ConfigureAwait(false);
        while (page is not null)
        {
            foreach (var a in page.Value ?? [])
            {
                if (a.Id is null) continue;
                list.Add(new InboxAttachment(a.Id, a.Name ?? "", a.Size ?? 0, a.IsInline ?? false,
                    a is FileAttachment || a.OdataType == "#microsoft.graph.fileAttachment"));
            }
            if (page.OdataNextLink is not { Length: > 0 } next) break;
            page = await attachments.WithUrl(next).GetAsync(c => c.Headers.Add("Prefer", GraphMailSender.ImmutableIdPreference), ct).ConfigureAwait(false);
        }
        return list;
    }

    /// <summary>The bytes of one file attachment (<c>contentBytes</c>); empty when Graph returns none.</summary>
    public async Task<byte[]> ReadAttachmentAsync(string messageId, string attachmentId, CancellationToken ct)
    {
        var attachment = await client.Users[mailbox].Messages[messageId].Attachments[attachmentId]
            .GetAsync(c => c.Headers.Add("Prefer", GraphMailSender.ImmutableIdPreference), ct).ConfigureAwait(false);
        return (attachment as FileAttachment)?.ContentBytes ?? [];
    }

    /// <summary>The id of the top-level folder <paramref name="displayName"/>, created when absent (a concurrent creation is found again).</summary>
    public async Task<string> EnsureFolderAsync(string displayName, CancellationToken ct)
    {
        if (await FindFolderAsync(displayName, ct).ConfigureAwait(false) is { } id) return id;
        try
        {
            var created = await client.Users[mailbox].MailFolders.PostAsync(new MailFolder { DisplayName = displayName }, cancellationToken: ct).ConfigureAwait(false);
            return created?.Id ?? throw new InvalidOperationException("Graph created a mail folder without id.");
        }
        catch (ODataError e) when (e.ResponseStatusCode == 409)
        {
            return await FindFolderAsync(displayName, ct).ConfigureAwait(false)
                   ?? throw new InvalidOperationException("Graph says the processed folder exists but does not list it.", e);
        }
    }

    private async Task<string?> FindFolderAsync(string displayName, CancellationToken ct)
    {
        var escaped = displayName.Replace("'", "''", StringComparison.Ordinal);
        var page = await client.Users[mailbox].MailFolders.GetAsync(c =>
        {
            c.QueryParameters.Filter = $"displayName eq '{escaped}'";
            c.QueryParameters.Select = ["id", "displayName"];
        }, ct).ConfigureAwait(false);
        return page?.Value?.FirstOrDefault(f => string.Equals(f.DisplayName, displayName, StringComparison.OrdinalIgnoreCase))?.Id;
    }

    /// <summary>Moves the message into <paramref name="folderId"/>; a message already gone (404) counts as moved.</summary>
    public async Task MoveAsync(string messageId, string folderId, CancellationToken ct)
    {
        try
        {
            await client.Users[mailbox].Messages[messageId].Move.PostAsync(new MovePostRequestBody { DestinationId = folderId },
                c => c.Headers.Add("Prefer", GraphMailSender.ImmutableIdPreference), ct).ConfigureAwait(false);
        }
        catch (ODataError e) when (e.ResponseStatusCode == 404)
        {
            // Moved (or deleted) by an earlier run or by a person: nothing left to do.
        }
    }
}
