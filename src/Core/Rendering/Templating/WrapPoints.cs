using System.Text;
using KampungKB.Core.Rendering.Exports;

namespace KampungKB.Core.Rendering.Templating;

/// <summary>
/// HTML for text that may hold long unbroken tokens (file names such as
/// <c>laporan_kegiatan_kampung_kb_pelambuan_oktober_2025.xlsx</c>, paths, links): encoded through
/// <see cref="ExportSanitizer.Html"/>, with a <c>&lt;wbr&gt;</c> line-break opportunity after each
/// <c>_ - . , ; " ) <c>_ - . , /</c> inside a tokengt; /</c> inside a token longer than <see cref="LongToken"/> characters. A phone then wraps a file
/// name where a reader expects it, and no page or mail needs to break words at arbitrary letters
/// (<c>overflow-wrap:anywhere</c>), which split ordinary labels one letter per line on a 360 px screen.
/// </summary>
internal static class WrapPoints
{
    /// <summary>Tokens up to this many characters are left whole (short names fit a phone line).</summary>
    public const int LongToken = 16;

    /// <summary>Longest run inside a long token left without a break point (a phone line holds about 30 characters).</summary>
    public const int LongRun = 20;

    /// <summary>Encoded HTML of <paramref name="text"/> with <c>&lt;wbr&gt;</c> after the break characters of long tokens; "" for null.</summary>
    public static string Html(string? text)
    {
        if (string.IsNullOrEmpty(text)) return string.Empty;
        var sb = new StringBuilder(text.Length + 32);
        var start = 0;
        while (start < text.Length)
        {
            var end = start;
            while (end < text.Length && !char.IsWhiteSpace(text[end])) end++;
            var token = text[start..end];
            if (token.Length > LongToken)
            {
                var piece = 0;
                for (var i = 0; i < token.Length - 1; i++)
                    if (token[i] is '_' or '-' or '.' or ',' or ';' or '"' or ')' or '>' or '/' or '\\')
                    {
                        sb.Append(Chunked(token[piece..(i + 1)])).Append("<wbr>");
                        piece = i + 1;
                    }
                sb.Append(Chunked(token[piece..]));
            }
            else sb.Append(ExportSanitizer.Html(token));
            var space = end;
            while (end < text.Length && char.IsWhiteSpace(text[end])) end++;
            sb.Append(ExportSanitizer.Html(text[space..end]));
            start = end;
        }
        return sb.ToString();
    }

    /// <summary>A run without break characters longer than <see cref="LongRun"/> (a link's token, a hash) gets a break point every <see cref="LongRun"/> characters.</summary>
    private static string Chunked(string run)
    {
        if (run.Length <= LongRun) return ExportSanitizer.Html(run);
        var parts = new List<string>();
        for (var i = 0; i < run.Length; i += LongRun) parts.Add(ExportSanitizer.Html(run[i..Math.Min(run.Length, i + LongRun)]));
        return string.Join("<wbr>", parts);
    }
}
