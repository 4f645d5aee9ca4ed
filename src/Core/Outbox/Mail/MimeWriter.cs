using System.Globalization;
using System.Text;
using KampungKB.Core.Rendering.Templating;
using KampungKB.Core.Rendering.Exports;

namespace KampungKB.Core.Outbox.Mail;

/// <summary>
/// Writes RFC 5322 / MIME (RFC 2045–2047, 2231) messages: CRLF everywhere, every line under 998
/// octets, UTF-8 encoded-words for non-ASCII header text, base64 bodies and attachments.
/// Only what our mails need; no parsing.
/// </summary>
internal static class MimeWriter
{
    private const string Crlf = "\r\n";
    private const int Base64LineLength = 76;

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
        var sb = new StringBuilder();
        Header(sb, "Date", FormatDate(date));
        Header(sb, "From", FormatAddress(from));
        Header(sb, "To", string.Join("," + Crlf + " ", to.Select(FormatAddress)));
        if (cc.Count > 0) Header(sb, "Cc", string.Join("," + Crlf + " ", cc.Select(FormatAddress)));
        Header(sb, "Subject", EncodeHeaderText(ExportSanitizer.SingleLine(message.Subject)));
        Header(sb, "Message-ID", messageId);
        if (message.InReplyTo?.InternetMessageId is { } parent && IsMessageId(parent))
        {
            Header(sb, "In-Reply-To", parent);
            Header(sb, "References", parent);
        }
        Header(sb, "MIME-Version", "1.0");

        var text = message.TextBody ?? HtmlToText.Convert(message.HtmlBody ?? string.Empty);
        var attachments = message.Attachments ?? [];
        var alternative = NewBoundary("alt");
        if (attachments.Count == 0)
        {
            WriteAlternative(sb, alternative, text, message.HtmlBody ?? string.Empty);
        }
        else
        {
            var mixed = NewBoundary("mix");
            Header(sb, "Content-Type", $"multipart/mixed;{Crlf} boundary=\"{mixed}\"");
            sb.Append(Crlf);
            sb.Append("This is a multi-part message in MIME format.").Append(Crlf);
            sb.Append("--").Append(mixed).Append(Crlf);
            WriteAlternative(sb, alternative, text, message.HtmlBody ?? string.Empty);
            foreach (var att in attachments)
            {
                sb.Append(Crlf).Append("--").Append(mixed).Append(Crlf);
                var name = MessageChecks.SafeFileName(att.FileName);
                Header(sb, "Content-Type", $"{MessageChecks.SafeContentType(att.ContentType)};{Crlf} name=\"{EncodeHeaderText(name, quotedContext: true)}\"");
                Header(sb, "Content-Disposition", $"attachment;{Crlf} filename=\"{EncodeHeaderText(name, quotedContext: true)}\";{Crlf} filename*=UTF-8''{Rfc2231(name)};{Crlf} size={att.Content.Length.ToString(CultureInfo.InvariantCulture)}");
                Header(sb, "Content-Transfer-Encoding", "base64");
                sb.Append(Crlf);
                Base64(sb, att.Content);
            }
            sb.Append(Crlf).Append("--").Append(mixed).Append("--").Append(Crlf);
        }
        return Encoding.ASCII.GetBytes(sb.ToString());
    }

    private static void WriteAlternative(StringBuilder sb, string boundary, string text, string html)
    {
        Header(sb, "Content-Type", $"multipart/alternative;{Crlf} boundary=\"{boundary}\"");
        sb.Append(Crlf);
        foreach (var (type, body) in new[] { ("text/plain", text), ("text/html", html) })
        {
            sb.Append("--").Append(boundary).Append(Crlf);
            Header(sb, "Content-Type", $"{type}; charset=utf-8");
            Header(sb, "Content-Transfer-Encoding", "base64");
            sb.Append(Crlf);
            Base64(sb, Encoding.UTF8.GetBytes(NormalizeNewlines(body)));
            sb.Append(Crlf);
        }
        sb.Append("--").Append(boundary).Append("--").Append(Crlf);
    }

    private static void Header(StringBuilder sb, string name, string value) => sb.Append(name).Append(": ").Append(value).Append(Crlf);

    private static void Base64(StringBuilder sb, byte[] content)
    {
        var encoded = Convert.ToBase64String(content);
        for (var i = 0; i < encoded.Length; i += Base64LineLength)
            sb.Append(encoded, i, Math.Min(Base64LineLength, encoded.Length - i)).Append(Crlf);
    }

    private static string NormalizeNewlines(string s) => s.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').Replace("\n", Crlf, StringComparison.Ordinal);

    private static string NewBoundary(string kind) => $"=_kkb_{kind}_{Guid.NewGuid():N}";

    internal static string FormatDate(DateTimeOffset date)
    {
        var offset = date.Offset;
        var sign = offset < TimeSpan.Zero ? '-' : '+';
        var abs = offset.Duration();
        return date.ToString("ddd, dd MMM yyyy HH:mm:ss ", CultureInfo.InvariantCulture) +
               $"{sign}{abs.Hours:D2}{abs.Minutes:D2}";
    }

    internal static string FormatAddress(ParsedAddress address)
    {
        if (address.DisplayName is null) return address.Address;
        var name = address.DisplayName;
        string shown;
        if (!IsPrintableAscii(name) || name.Contains("=?", StringComparison.Ordinal)) shown = EncodeHeaderText(name);
        else shown = "\"" + name.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
        return $"{shown} <{address.Address}>";
    }

    /// <summary>Printable ASCII stays as is (if short); anything else becomes folded RFC 2047 B encoded-words of at most 75 characters.</summary>
    internal static string EncodeHeaderText(string text, bool quotedContext = false)
    {
        if (IsPrintableAscii(text) && !text.Contains("=?", StringComparison.Ordinal) && text.Length <= 900 && !(quotedContext && (text.Contains('"') || text.Contains('\\'))))
            return text;

        const int maxBytes = 45; // 60 base64 chars + 12 of "=?UTF-8?B??=" = 72 ≤ 75
        var words = new List<string>();
        var chunk = new List<byte>();
        var buffer = new byte[4];
        foreach (var rune in text.EnumerateRunes())
        {
            var n = rune.EncodeToUtf8(buffer);
            if (chunk.Count + n > maxBytes)
            {
                words.Add(Word(chunk));
                chunk.Clear();
            }
            chunk.AddRange(buffer.AsSpan(0, n).ToArray());
        }
        if (chunk.Count > 0) words.Add(Word(chunk));
        return string.Join(quotedContext ? " " : Crlf + " ", words);

        static string Word(List<byte> bytes) => "=?UTF-8?B?" + Convert.ToBase64String(bytes.ToArray()) + "?=";
    }

    private static string Rfc2231(string value)
    {
        var sb = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            if (b < 128 && (char.IsAsciiLetterOrDigit((char)b) || b is (byte)'.' or (byte)'-' or (byte)'_'))
                sb.Append((char)b);
            else
                sb.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }

    private static bool IsPrintableAscii(string s)
    {
        foreach (var ch in s)
            if (ch < ' ' || ch > '~') return false;
        return true;
    }
}
