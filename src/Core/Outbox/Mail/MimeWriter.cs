using System.Text;
using KampungKB.Core.Rendering.Templating;
using KampungKB.Core.Rendering.Exports;
using MimeKit;

namespace KampungKB.Core.Outbox.Mail;

/// <summary>
/// Writes the RFC 5322 / MIME message of a <see cref="MailMessage"/> with MimeKit: CRLF everywhere, headers
/// folded under 78 columns, UTF-8 encoded-words (RFC 2047) for non-ASCII header text, RFC 2231 attachment
/// names, base64 bodies and attachments, no raw 8-bit octet. Layout: <c>multipart/alternative</c> (text, HTML),
/// inside <c>multipart/mixed</c> when there are attachments.
/// </summary>
internal static class MimeWriter
{
    private static readonly FormatOptions Format = CreateFormat();

    /// <summary>A single <c>&lt;local@domain&gt;</c> without spaces or controls: safe to copy into a header.</summary>
    internal static bool IsMessageId(string id) =>
        id.Length is > 4 and < 996 && id[0] == '<' && id[^1] == '>' && id.Contains('@') && !id.Any(c => c <= ' ' || c >= 127);

    public static byte[] Write(
        MailMessage message,
        ParsedAddress from,
        IReadOnlyList<ParsedAddress> to,
        IReadOnlyList<ParsedAddress> cc,
        DateTimeOffset date,
        string messageId)
    {
        var mime = new MimeMessage { Date = date, Subject = ExportSanitizer.SingleLine(message.Subject), MessageId = messageId.Trim('<', '>') };
        mime.From.Add(Mailbox(from));
        mime.To.AddRange(to.Select(Mailbox));
        mime.Cc.AddRange(cc.Select(Mailbox));
        if (message.InReplyTo?.InternetMessageId is { } parent && IsMessageId(parent))
        {
            mime.InReplyTo = parent;
            mime.References.Add(parent);
        }

        var alternative = new MultipartAlternative
        {
            Text("plain", message.TextBody ?? HtmlToText.Convert(message.HtmlBody ?? string.Empty)),
            Text("html", message.HtmlBody ?? string.Empty),
        };
        var attachments = message.Attachments ?? [];
        if (attachments.Count == 0) mime.Body = alternative;
        else
        {
            var mixed = new Multipart("mixed") { alternative };
            foreach (var att in attachments)
            {
                mixed.Add(new MimePart(MessageChecks.SafeContentType(att.ContentType))
                {
                    Content = new MimeContent(new MemoryStream(att.Content, writable: false)),
                    ContentDisposition = new ContentDisposition(ContentDisposition.Attachment) { Size = att.Content.Length },
                    ContentTransferEncoding = ContentEncoding.Base64,
                    FileName = MessageChecks.SafeFileName(att.FileName),
                });
            }
            mime.Body = mixed;
        }

        using var output = new MemoryStream();
        mime.WriteTo(Format, output);
        return output.ToArray();
    }

    private static MailboxAddress Mailbox(ParsedAddress a) => new(a.DisplayName ?? string.Empty, a.Address);

    private static TextPart Text(string subtype, string body) => new(subtype)
    {
        // CRLF line ends inside the body too: a base64 body is decoded as is, so bare LFs would reach the reader.
        Content = new MimeContent(new MemoryStream(Encoding.UTF8.GetBytes(CrlfLineEnds(body)), writable: false)),
        ContentType = { Charset = "utf-8" },
        ContentTransferEncoding = ContentEncoding.Base64,
    };

    private static string CrlfLineEnds(string s) =>
        s.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').Replace("\n", "\r\n", StringComparison.Ordinal);

    private static FormatOptions CreateFormat()
    {
        var format = FormatOptions.Default.Clone();
        format.NewLineFormat = NewLineFormat.Dos;
        format.International = false;
        return format;
    }
}
