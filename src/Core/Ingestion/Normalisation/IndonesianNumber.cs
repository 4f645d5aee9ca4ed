using System.Globalization;
using System.Text.RegularExpressions;

namespace KampungKB.Core.Ingestion.Normalisation;

/// <summary>
/// Numbers as cadres write them: "1.204" is 1204 ('.' groups thousands), "12,5" is 12.5 (',' is the
/// decimal mark), "-" means nothing, a trailing unit ("25 orang") is allowed.
/// </summary>
internal static partial class IndonesianNumber
{
    [GeneratedRegex(@"^(?:orang|org|jiwa|kk|keluarga|pasang|peserta|pasangan|anak|remaja)$", RegexOptions.IgnoreCase)]
    private static partial Regex UnitRegex();

    [GeneratedRegex(@"^[+-]?\d{1,3}(?:\.\d{3})+(?:,\d+)?$")]
    private static partial Regex DotThousands();

    [GeneratedRegex(@"^[+-]?\d{1,3}(?:,\d{3})+\.\d+$")]
    private static partial Regex CommaThousandsWithDecimals();

    [GeneratedRegex(@"^[+-]?\d+(?:,\d+)?$")]
    private static partial Regex CommaDecimal();

    [GeneratedRegex(@"^[+-]?\d*\.\d+$")]
    private static partial Regex DotDecimal();

    internal static Parsed<decimal> Parse(object? value)
    {
        switch (value)
        {
            case null: return Parsed<decimal>.Empty;
            case double d:
                if (double.IsNaN(d) || double.IsInfinity(d) || Math.Abs(d) > 1e15) return Parsed<decimal>.Fail(ParseStatus.Invalid);
                return Parsed<decimal>.Ok(Tidy((decimal)d));
            case int i: return Parsed<decimal>.Ok(i);
            case long l: return Parsed<decimal>.Ok(l);
            case decimal m: return Parsed<decimal>.Ok(Tidy(m));
            case bool or DateTime: return Parsed<decimal>.Fail(ParseStatus.Invalid);
            case string s: return ParseText(s);
            default: return ParseText(value.ToString() ?? "");
        }
    }

    internal static Parsed<decimal> ParseText(string raw)
    {
        var s = Text.Visible(raw).Trim();
        if (s.Length == 0) return Parsed<decimal>.Empty;
        if (s is "-" or "–" or "—" or "--") return Parsed<decimal>.Empty;
        var space = s.LastIndexOf(' ');
        if (space > 0 && UnitRegex().IsMatch(s[(space + 1)..])) s = s[..space].TrimEnd();
        s = s.Replace(" ", "");
        if (s.StartsWith('(') && s.EndsWith(')')) return Parsed<decimal>.Fail(ParseStatus.Invalid);
        string normal;
        if (DotThousands().IsMatch(s)) normal = s.Replace(".", "").Replace(',', '.');
        else if (CommaThousandsWithDecimals().IsMatch(s)) normal = s.Replace(",", "");
        else if (CommaDecimal().IsMatch(s)) normal = s.Replace(',', '.');
        else if (DotDecimal().IsMatch(s)) normal = s;
        else return Parsed<decimal>.Fail(ParseStatus.Invalid);
        return decimal.TryParse(normal, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var v)
            ? Parsed<decimal>.Ok(Tidy(v))
            : Parsed<decimal>.Fail(ParseStatus.Invalid);
    }

    [GeneratedRegex(@"^\d{1,3}(?:,\d{3})+$")]
    private static partial Regex CommaThousands();

    /// <summary>
    /// A count: a whole number ≥ 0. "2,310" (groups of exactly three digits after commas, as an
    /// English-locale sheet writes thousands) is read as 2310 and flagged by <paramref name="commaGrouped"/>,
    /// since a count cannot have a fraction; the caller warns.
    /// </summary>
    internal static Parsed<int> ParseCount(object? value, out bool commaGrouped)
    {
        commaGrouped = false;
        if (value is string raw && Text.Visible(raw).Trim() is var s && CommaThousands().IsMatch(s))
        {
            var digits = s.Replace(",", "");
            if (int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var n)) { commaGrouped = true; return Parsed<int>.Ok(n); }
        }
        return ParseCount(value);
    }

    /// <summary>A count: a whole number ≥ 0.</summary>
    internal static Parsed<int> ParseCount(object? value)
    {
        if (value is double whole && whole >= 0 && whole <= int.MaxValue && whole == Math.Floor(whole)) return Parsed<int>.Ok((int)whole);
        var n = Parse(value);
        if (!n.IsOk) return Parsed<int>.Fail(n.Status);
        if (n.Value != decimal.Truncate(n.Value)) return Parsed<int>.Fail(ParseStatus.NotWhole);
        if (n.Value < 0) return Parsed<int>.Fail(ParseStatus.Negative);
        if (n.Value > int.MaxValue) return Parsed<int>.Fail(ParseStatus.Invalid);
        return Parsed<int>.Ok((int)n.Value);
    }

    /// <summary>Removes trailing zeros so 2310.0 prints as 2310.</summary>
    internal static decimal Tidy(decimal d) => d / 1.000000000000000000000000000000000m;
}
