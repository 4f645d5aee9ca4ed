using KampungKB.Core.Rendering.Exports;

namespace KampungKB.Core.Outbox.Mail;

internal static class MessageChecks
{
    /// <summary>Parses every recipient; a bad one is a permanent failure (user data), reported by position, never by address.</summary>
    public static MailSendResult? TryParseRecipients(MailMessage message, out List<ParsedAddress> to, out List<ParsedAddress> cc)
    {
        ArgumentNullException.ThrowIfNull(message);
        to = [];
        cc = [];
        if (message.To is null || message.To.Count == 0)
            return MailSendResult.Permanent(MailErrorCodes.InvalidMessage, detail: "no-recipient");
        for (var i = 0; i < message.To.Count; i++)
        {
            if (!ParsedAddress.TryParse(message.To[i], out var a)) return MailSendResult.Permanent(MailErrorCodes.InvalidAddress, detail: $"To[{i}]");
            to.Add(a.Value);
        }
        for (var i = 0; i < (message.Cc?.Count ?? 0); i++)
        {
            if (!ParsedAddress.TryParse(message.Cc![i], out var a)) return MailSendResult.Permanent(MailErrorCodes.InvalidAddress, detail: $"Cc[{i}]");
            cc.Add(a.Value);
        }
        foreach (var att in message.Attachments ?? [])
        {
            if (att?.Content is null || string.IsNullOrWhiteSpace(att.FileName))
                return MailSendResult.Permanent(MailErrorCodes.InvalidMessage, detail: "attachment");
        }
        return null;
    }

    public static string SafeFileName(string name)
    {
        var s = ExportSanitizer.SingleLine(name);
        var chars = s.Select(ch => ch is '/' or '\\' or '"' or ':' or '*' or '?' or '<' or '>' or '|' ? '_' : ch).ToArray();
        var result = new string(chars).Trim('.', ' ');
        if (result.Length == 0) result = "lampiran";
        return result.Length > 150 ? result[..150] : result;
    }

    public static string SafeContentType(string? contentType)
    {
        if (string.IsNullOrWhiteSpace(contentType)) return "application/octet-stream";
        var ct = contentType.Trim();
        var slash = ct.IndexOf('/');
        var ok = slash > 0 && slash < ct.Length - 1 && ct.Length <= 127 &&
                 ct.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is '/' or '.' or '+' or '-' or '_');
        return ok ? ct.ToLowerInvariant() : "application/octet-stream";
    }
}
