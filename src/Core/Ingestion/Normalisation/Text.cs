using System.Globalization;
using System.Text;

namespace KampungKB.Core.Ingestion.Normalisation;

internal static class Text
{
    /// <summary>The text a cadre sees in the cell, for messages.</summary>
    internal static string? Display(object? value) => value switch
    {
        null => null,
        string s => s,
        DateTime d => d.TimeOfDay == TimeSpan.Zero ? d.ToString("dd/MM/yyyy", CultureInfo.InvariantCulture) : d.ToString("dd/MM/yyyy HH:mm", CultureInfo.InvariantCulture),
        double x => x.ToString("G15", CultureInfo.InvariantCulture),
        bool b => b ? "TRUE" : "FALSE",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    internal static bool IsBlank(object? value) => value is null || (value is string s && string.IsNullOrWhiteSpace(s));

    /// <summary>Trims and collapses every run of whitespace (incl. non-breaking spaces and line breaks) to one space.</summary>
    internal static string Collapse(string s)
    {
        if (IsCollapsed(s)) return s; // the usual cell: no copy, the reader's (shared) string is kept
        var sb = new StringBuilder(s.Length);
        var space = false;
        foreach (var c in s)
        {
            if (char.IsWhiteSpace(c) || c == '\u00A0')
            {
                space = sb.Length > 0;
                continue;
            }
            if (space) { sb.Append(' '); space = false; }
            sb.Append(c);
        }
        return sb.ToString();
    }

    /// <summary>True when <see cref="Collapse"/> would return <paramref name="s"/> unchanged.</summary>
    private static bool IsCollapsed(string s)
    {
        if (s.Length == 0) return true;
        if (IsSpace(s[0]) || IsSpace(s[^1])) return false;
        for (var i = 1; i < s.Length - 1; i++)
            if (IsSpace(s[i]) && (s[i] != ' ' || IsSpace(s[i + 1]))) return false;
        return true;
    }

    private static bool IsSpace(char c) => c == ' ' || char.IsWhiteSpace(c) || c == '\u00A0';

    /// <summary>
    /// A comparison key: lower case, accents and punctuation removed, spacing collapsed, abbreviations expanded
    /// word by word ("Tgl." → "tanggal", "Jml" → "jumlah").
    /// </summary>
    internal static string Key(string s, IReadOnlyDictionary<string, string>? abbreviations = null)
    {
        var sb = new StringBuilder(s.Length);
        foreach (var ch in s.Normalize(NormalizationForm.FormD))
        {
            var cat = CharUnicodeInfo.GetUnicodeCategory(ch);
            if (cat == UnicodeCategory.NonSpacingMark) continue;
            sb.Append(char.IsLetterOrDigit(ch) ? char.ToLowerInvariant(ch) : ' ');
        }
        var words = sb.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (abbreviations is not null)
            for (var i = 0; i < words.Length; i++)
                if (abbreviations.TryGetValue(words[i], out var full)) words[i] = full;
        return string.Join(' ', words);
    }

    /// <summary>"PELAMBUAN SEJAHTERA" → "Pelambuan Sejahtera"; mixed-case text is kept as written.</summary>
    internal static string Tidy(string s)
    {
        s = Collapse(s).Trim(' ', ',', '-', ':', ';', '.', '–');
        if (s.Any(char.IsLower)) return s;
        return CultureInfo.InvariantCulture.TextInfo.ToTitleCase(s.ToLowerInvariant());
    }

    /// <summary>
    /// True for the format characters a copy from WhatsApp, a web page or a PDF leaves in a cell: zero-width space,
    /// non-joiner and joiner (U+200B–U+200D), word joiner (U+2060) and a stray byte-order mark (U+FEFF).
    /// </summary>
    internal static bool IsInvisible(char c) => c is >= '\u200B' and <= '\u200D' or '\u2060' or '\uFEFF';

    /// <summary>
    /// <paramref name="s"/> without invisible format characters and with non-breaking spaces as spaces, as a cadre
    /// sees the text: "25\u200B" is 25. The usual text is returned as is, without a copy.
    /// </summary>
    internal static string Visible(string s)
    {
        var i = 0;
        for (; i < s.Length; i++) if (IsInvisible(s[i]) || s[i] == '\u00A0' || s[i] == '\u202F') break;
        if (i == s.Length) return s;
        var sb = new StringBuilder(s.Length);
        sb.Append(s, 0, i);
        for (; i < s.Length; i++)
        {
            var c = s[i];
            if (IsInvisible(c)) continue;
            sb.Append(c is '\u00A0' or '\u202F' ? ' ' : c);
        }
        return sb.ToString();
    }

    /// <summary>
    /// "#REF!", "#VALUE!", "#N/A", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!", "#GETTING_DATA": what
    /// Excel and Google Sheets show (and export to CSV) for a formula that failed.
    /// </summary>
    internal static bool IsCellError(object? value)
    {
        if (value is not string s || s.Length is < 4 or > 16) return false;
        var t = s.Trim().ToUpperInvariant();
        return t is "#REF!" or "#VALUE!" or "#N/A" or "#DIV/0!" or "#NAME?" or "#NUM!" or "#NULL!" or "#SPILL!" or "#CALC!" or "#GETTING_DATA" or "#ERROR!";
    }
}
