using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace KampungKB.Core.Rendering.Templating;

/// <summary>A plain-text alternative derived from our own (table-based) HTML: enough for clients that show text only.</summary>
internal static partial class HtmlToText
{
    public static string Convert(string html)
    {
        if (string.IsNullOrEmpty(html)) return string.Empty;
        var s = HeadOrStyle().Replace(html, string.Empty);
        s = BlockBreak().Replace(s, "\n");
        s = CellBreak().Replace(s, "\t");
        s = Tag().Replace(s, string.Empty);
        s = WebUtility.HtmlDecode(s).Replace('\u00a0', ' ');
        var sb = new StringBuilder();
        var blank = 0;
        foreach (var raw in s.Split('\n'))
        {
            var line = Spaces().Replace(raw.Replace('\t', ' '), " ").Trim();
            if (line.Length == 0)
            {
                if (++blank > 1 || sb.Length == 0) continue;
            }
            else blank = 0;
            sb.Append(line).Append('\n');
        }
        return sb.ToString().TrimEnd() + "\n";
    }

    [GeneratedRegex(@"<(head|style|script)\b[^>]*>.*?</\1\s*>", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex HeadOrStyle();

    [GeneratedRegex(@"<(br|/p|/tr|/h[1-6]|/div|/li|/table)\b[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex BlockBreak();

    [GeneratedRegex(@"</t[dh]\s*>", RegexOptions.IgnoreCase)]
    private static partial Regex CellBreak();

    [GeneratedRegex(@"<[^>]*>")]
    private static partial Regex Tag();

    [GeneratedRegex(@"[ \t\r\f\v]+")]
    private static partial Regex Spaces();
}
