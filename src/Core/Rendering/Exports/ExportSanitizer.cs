using System.Text;

namespace KampungKB.Core.Rendering.Exports;

/// <summary>
/// The one place where text from users (kampung names, activity titles, cell texts found in uploads)
/// is made safe before it leaves the system in a spreadsheet, a CSV file or an HTML mail. Every writer
/// calls it, so an injection fix lands everywhere at once (CsvHelper's injection options, OWASP's
/// "CSV injection" guidance).
/// </summary>
public static class ExportSanitizer
{
    /// <summary>The inert prefix put before text that a spreadsheet would otherwise read as a formula.</summary>
    public const char InertPrefix = '\'';

    /// <summary>
    /// Text for a spreadsheet or CSV cell: control characters (and characters XML cannot carry) are
    /// removed; text that starts with <c>= + - @</c>, a tab or a carriage return gets
    /// <see cref="InertPrefix"/> so no spreadsheet evaluates it when it is opened or pasted.
    /// </summary>
    public static string Cell(string? value)
    {
        if (string.IsNullOrEmpty(value)) return string.Empty;
        var cleaned = StripControl(value, keepLineBreaks: true);
        return cleaned.Length > 0 && StartsDangerously(cleaned) ? InertPrefix + cleaned : cleaned;
    }

    /// <summary>
    /// Text for HTML element content or a double-quoted attribute: control characters removed, then
    /// <c>&amp; &lt; &gt; " '</c> and the backtick encoded. Non-ASCII letters stay readable.
    /// </summary>
    public static string Html(string? value)
    {
        if (string.IsNullOrEmpty(value)) return string.Empty;
        var cleaned = StripControl(value, keepLineBreaks: true);
        var sb = new StringBuilder(cleaned.Length + 16);
        foreach (var ch in cleaned)
        {
            switch (ch)
            {
                case '&': sb.Append("&amp;"); break;
                case '<': sb.Append("&lt;"); break;
                case '>': sb.Append("&gt;"); break;
                case '"': sb.Append("&quot;"); break;
                case '\'': sb.Append("&#39;"); break;
                case '`': sb.Append("&#96;"); break;
                case '=': sb.Append("&#61;"); break;
                default: sb.Append(ch); break;
            }
        }
        return sb.ToString();
    }

    /// <summary>Text for a single-line field (mail subject, header, file or sheet name): every control character, line breaks included, becomes a space.</summary>
    public static string SingleLine(string? value)
    {
        if (string.IsNullOrEmpty(value)) return string.Empty;
        var sb = new StringBuilder(value.Length);
        foreach (var ch in StripControl(value, keepLineBreaks: true))
            sb.Append(ch is '\r' or '\n' or '\t' ? ' ' : ch);
        return sb.ToString().Trim();
    }

    /// <summary>True when a spreadsheet would treat text with this first character as a formula or command.</summary>
    public static bool StartsDangerously(string value) =>
        value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r' or '\n';

    internal static string StripControl(string value, bool keepLineBreaks)
    {
        var needs = false;
        foreach (var ch in value)
        {
            if (IsRemovable(ch, keepLineBreaks) || char.IsSurrogate(ch)) { needs = true; break; }
        }
        if (!needs) return value;

        var sb = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            var ch = value[i];
            if (char.IsHighSurrogate(ch) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                sb.Append(ch).Append(value[i + 1]);
                i++;
                continue;
            }
            if (char.IsSurrogate(ch) || IsRemovable(ch, keepLineBreaks)) continue;
            sb.Append(ch);
        }
        return sb.ToString();
    }

    private static bool IsRemovable(char ch, bool keepLineBreaks) =>
        ch switch
        {
            '\t' or '\n' or '\r' => !keepLineBreaks,
            < ' ' => true,
            >= '\u007f' and <= '\u009f' => true,
            '\ufffe' or '\uffff' => true,
            _ => false,
        };
}
