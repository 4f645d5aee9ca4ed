using System.Diagnostics.CodeAnalysis;
using KampungKB.Core.Rendering.Exports;

namespace KampungKB.Core.Outbox.Mail;

/// <summary>A parsed <c>Name &lt;addr&gt;</c> or bare address. Deliberately strict: registry data is messy and a wrong address must fail early, not at the server.</summary>
internal readonly record struct ParsedAddress(string? DisplayName, string Address)
{
    public static bool TryParse(string? text, [NotNullWhen(true)] out ParsedAddress? parsed)
    {
        parsed = null;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var s = text.Trim();
        string? name = null;
        var address = s;
        var lt = s.LastIndexOf('<');
        if (lt >= 0)
        {
            if (!s.EndsWith('>')) return false;
            address = s[(lt + 1)..^1].Trim();
            name = ExportSanitizer.SingleLine(s[..lt].Trim().Trim('"'));
            if (name.Length == 0) name = null;
        }
        if (!IsValidAddress(address)) return false;
        parsed = new ParsedAddress(name, address);
        return true;
    }

    public static bool IsValidAddress(string? address)
    {
        if (string.IsNullOrEmpty(address) || address.Length > 254) return false;
        var at = address.IndexOf('@');
        if (at <= 0 || at != address.LastIndexOf('@') || at == address.Length - 1) return false;
        foreach (var ch in address)
        {
            if (ch <= ' ' || ch >= 127 || ch is '<' or '>' or '(' or ')' or ',' or ';' or ':' or '\\' or '"' or '[' or ']') return false;
        }
        var domain = address[(at + 1)..];
        return !domain.StartsWith('.') && !domain.EndsWith('.') && !domain.Contains("..", StringComparison.Ordinal);
    }
}
