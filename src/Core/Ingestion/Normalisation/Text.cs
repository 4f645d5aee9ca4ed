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
}
