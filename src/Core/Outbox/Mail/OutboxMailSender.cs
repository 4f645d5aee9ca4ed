using System.Globalization;
using System.Text;
using KampungKB.Core.Rendering.Exports;

namespace KampungKB.Core.Outbox.Mail;

/// <summary>
/// Writes each mail as a standard .eml file into <see cref="MailOptions.OutboxDirectory"/> instead of
/// sending it: the default for local runs and demos, so anyone can open the mails in Thunderbird,
/// Outlook or a browser extension and nobody gets mailed by accident. File names sort by time
/// (<c>20251106T013000123Z-laporan-diterima-1a2b3c4d.eml</c>) and never collide.
/// </summary>
internal sealed class OutboxMailSender : IMailSender
{
    private const string DefaultFrom = "kampungkb@localhost.invalid";
    private readonly string _directory;
    private readonly ParsedAddress _from;
    private readonly TimeProvider _time;

    public OutboxMailSender(MailOptions options, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _directory = Path.GetFullPath(options.OutboxDirectory);
        _from = new ParsedAddress(options.SenderName is { Length: > 0 } n ? ExportSanitizer.SingleLine(n) : "Kampung KB", options.Sender ?? DefaultFrom);
        _time = time ?? TimeProvider.System;
    }

    public string Directory => _directory;

    public async Task<MailSendResult> SendAsync(MailMessage message, CancellationToken ct)
    {
        if (MessageChecks.TryParseRecipients(message, out var to, out var cc) is { } invalid) return invalid;
        ct.ThrowIfCancellationRequested();

        var now = _time.GetUtcNow();
        var id = Guid.NewGuid().ToString("N");
        var domain = _from.Address[(_from.Address.IndexOf('@') + 1)..];
        var messageId = $"<{now:yyyyMMddHHmmss}.{id}@{domain}>";
        var from = message.SenderName is { Length: > 0 } name ? _from with { DisplayName = ExportSanitizer.SingleLine(name) } : _from;
        var bytes = MimeWriter.Write(message, from, to, cc, now, messageId);
        var fileName = $"{now.UtcDateTime.ToString("yyyyMMdd'T'HHmmssfff'Z'", CultureInfo.InvariantCulture)}-{Slug(message.Subject)}-{id[..8]}.eml";

        try
        {
            System.IO.Directory.CreateDirectory(_directory);
            var path = Path.Combine(_directory, fileName);
            var temp = Path.Combine(_directory, "." + fileName + ".tmp");
            await File.WriteAllBytesAsync(temp, bytes, ct).ConfigureAwait(false);
            File.Move(temp, path, overwrite: false);
            return MailSendResult.Sent(messageId, path);
        }
        catch (UnauthorizedAccessException ex)
        {
            return MailSendResult.Permanent(MailErrorCodes.OutboxNotWritable, detail: ex.GetType().Name, messageId: messageId);
        }
        catch (IOException ex)
        {
            return MailSendResult.Transient(MailErrorCodes.OutboxWriteFailed, detail: ex.GetType().Name, messageId: messageId);
        }
    }

    internal static string Slug(string? text)
    {
        var sb = new StringBuilder();
        var normalized = (text ?? string.Empty).Normalize(NormalizationForm.FormD);
        foreach (var ch in normalized)
        {
            if (sb.Length >= 40) break;
            if (char.IsAsciiLetterOrDigit(ch)) sb.Append(char.ToLowerInvariant(ch));
            else if (CharUnicodeInfo.GetUnicodeCategory(ch) == UnicodeCategory.NonSpacingMark) continue;
            else if (sb.Length > 0 && sb[^1] != '-') sb.Append('-');
        }
        var slug = sb.ToString().Trim('-');
        return slug.Length == 0 ? "mail" : slug;
    }
}
