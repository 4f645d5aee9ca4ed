using System.Globalization;
using System.Text.RegularExpressions;
using KampungKB.Core.Model;

namespace KampungKB.Core.Ingestion.Normalisation;

/// <summary>
/// Dates as cadres write them: real Excel dates, serials, 06/11/2025 (day first), 06-11-2025,
/// 6 November 2025, Kamis, 6 November 2025, 06-Okt-2025, with Indonesian month names and short forms.
/// </summary>
internal static partial class IndonesianDate
{
    private static readonly Dictionary<string, int> Months = new(StringComparer.OrdinalIgnoreCase)
    {
        ["januari"] = 1, ["jan"] = 1, ["january"] = 1,
        ["februari"] = 2, ["pebruari"] = 2, ["feb"] = 2, ["peb"] = 2, ["february"] = 2, ["febuari"] = 2,
        ["maret"] = 3, ["mar"] = 3, ["mrt"] = 3, ["mart"] = 3, ["march"] = 3,
        ["april"] = 4, ["apr"] = 4,
        ["mei"] = 5, ["may"] = 5,
        ["juni"] = 6, ["jun"] = 6, ["june"] = 6,
        ["juli"] = 7, ["jul"] = 7, ["july"] = 7,
        ["agustus"] = 8, ["agus"] = 8, ["agu"] = 8, ["agt"] = 8, ["ags"] = 8, ["agst"] = 8, ["aug"] = 8, ["august"] = 8,
        ["september"] = 9, ["sep"] = 9, ["sept"] = 9, ["sept."] = 9,
        ["oktober"] = 10, ["okt"] = 10, ["oct"] = 10, ["october"] = 10,
        ["november"] = 11, ["nopember"] = 11, ["nov"] = 11, ["nop"] = 11,
        ["desember"] = 12, ["des"] = 12, ["dec"] = 12, ["december"] = 12,
    };

    internal const string MonthPattern =
        "januari|january|jan|februari|pebruari|febuari|february|feb|peb|maret|march|mart|mrt|mar|april|apr|mei|may|juni|june|jun|juli|july|jul|" +
        "agustus|august|agst|agus|agu|agt|ags|aug|september|sept|sep|oktober|october|okt|oct|november|nopember|nov|nop|desember|december|des|dec";

    [GeneratedRegex(@"^(?:senin|selasa|rabu|kamis|jumat|jum'at|jum’at|sabtu|minggu|ahad)\s*[,/]?\s*", RegexOptions.IgnoreCase)]
    private static partial Regex Weekday();

    [GeneratedRegex(@"\s+(?:pukul\s+|jam\s+)?\d{1,2}[:.]\d{2}(?:[:.]\d{2})?(?:\s*(?:wita|wib|wit|am|pm))?$", RegexOptions.IgnoreCase)]
    private static partial Regex TrailingTime();

    [GeneratedRegex(@"^(\d{1,2})\s*[/\-.]\s*(\d{1,2})\s*[/\-.]\s*(\d{4}|\d{2})$")]
    private static partial Regex DayMonthYear();

    /// <summary>2025-10-03, 2025/10/03, and ISO 8601 with a time ("2025-10-03T00:00:00", t="d" cells read as text).</summary>
    [GeneratedRegex(@"^(\d{4})[/\-.](\d{1,2})[/\-.](\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$")]
    private static partial Regex YearMonthDay();

    [GeneratedRegex(@"^(\d{1,2})\s*[/\-]\s*(\d{1,2})$")]
    private static partial Regex DayMonth();

    [GeneratedRegex(@"^(\d{1,2})[\s\-/.]*([a-z]+)\.?$", RegexOptions.IgnoreCase)]
    private static partial Regex DayName();

    [GeneratedRegex(@"^(\d{1,2})[\s\-/.]*([a-z]+)\.?[\s\-/.,]*(\d{4}|\d{2})$", RegexOptions.IgnoreCase)]
    private static partial Regex DayNameYear();

    [GeneratedRegex(@"(?<!\d[\s\-/.]*)\b(" + MonthPattern + @")\.?[\s\-/,]*((?:19|20)\d{2})\b", RegexOptions.IgnoreCase)]
    private static partial Regex MonthYear();

    internal static Parsed<DateOnly> Parse(object? value)
    {
        switch (value)
        {
            case null: return Parsed<DateOnly>.Empty;
            case DateTime dt: return Parsed<DateOnly>.Ok(DateOnly.FromDateTime(dt));
            case double d: return FromSerial(d);
            case string s: return ParseText(s);
            default: return Parsed<DateOnly>.Fail(ParseStatus.Invalid);
        }
    }

    private static Parsed<DateOnly> FromSerial(double d)
    {
        // 1982..2119: anything else is a count or an id, not a date.
        if (d < 30000 || d > 80000 || double.IsNaN(d)) return Parsed<DateOnly>.Fail(ParseStatus.Invalid);
        return Parsed<DateOnly>.Ok(DateOnly.FromDateTime(DateTime.FromOADate(Math.Floor(d))));
    }

    internal static Parsed<DateOnly> ParseText(string raw)
    {
        var s = Text.Collapse(Text.Visible(raw));
        if (s.Length == 0 || s is "-" or "–") return Parsed<DateOnly>.Empty;
        s = Weekday().Replace(s, "");
        s = TrailingTime().Replace(s, "").Trim().TrimEnd('.', ',');

        Match m;
        if ((m = DayMonthYear().Match(s)).Success)
            return Make(Year(m.Groups[3].Value), Int(m.Groups[2].Value), Int(m.Groups[1].Value));
        if ((m = YearMonthDay().Match(s)).Success)
            return Make(Int(m.Groups[1].Value), Int(m.Groups[2].Value), Int(m.Groups[3].Value));
        if ((m = DayNameYear().Match(s)).Success)
        {
            if (!Months.TryGetValue(m.Groups[2].Value, out var month)) return Parsed<DateOnly>.Fail(ParseStatus.Invalid);
            return Make(Year(m.Groups[3].Value), month, Int(m.Groups[1].Value));
        }
        if ((m = DayMonth().Match(s)).Success)
            return WithoutYear(Int(m.Groups[2].Value), Int(m.Groups[1].Value));
        if ((m = DayName().Match(s)).Success)
            return Months.TryGetValue(m.Groups[2].Value, out var mo) ? WithoutYear(mo, Int(m.Groups[1].Value)) : Parsed<DateOnly>.Fail(ParseStatus.Invalid);
        if (s.Length == 5 && s.All(char.IsAsciiDigit)) return FromSerial(Int(s));
        return Parsed<DateOnly>.Fail(ParseStatus.Invalid);
    }

    /// <summary>
    /// "7/11", "12 Nov", "25 Nopember": a day and month with no year. The value carries leap year 2000 as a
    /// placeholder; <see cref="WithYearOf"/> gives it the report's year once the period is known.
    /// </summary>
    private static Parsed<DateOnly> WithoutYear(int month, int day)
    {
        if (month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(2000, month)) return Parsed<DateOnly>.Fail(ParseStatus.Invalid);
        return new Parsed<DateOnly>(ParseStatus.NoYear, new DateOnly(2000, month, day));
    }

    /// <summary>
    /// The year a yearless date belongs to in a report of <paramref name="period"/>: the period's year, the
    /// next one for January dates in a December report, the previous one for December dates in a January
    /// report. Null when the day does not exist in that year (29 February).
    /// </summary>
    internal static DateOnly? WithYearOf(DateOnly placeholder, ReportingPeriod period)
    {
        var year = period.Year;
        if (period.Month == 12 && placeholder.Month == 1) year++;
        else if (period.Month == 1 && placeholder.Month == 12) year--;
        return placeholder.Day <= DateTime.DaysInMonth(year, placeholder.Month) ? new DateOnly(year, placeholder.Month, placeholder.Day) : null;
    }

    /// <summary>Finds a stated month such as "Oktober 2025" or "BULAN OKT 2025" in free text; ignores full dates ("31 Oktober 2025").</summary>
    internal static bool TryFindPeriod(string text, out ReportingPeriod period)
    {
        period = default;
        var m = MonthYear().Match(text);
        if (!m.Success || !Months.TryGetValue(m.Groups[1].Value, out var month)) return false;
        period = new ReportingPeriod(Int(m.Groups[2].Value), month);
        return true;
    }

    internal static bool IsMonthWord(string word) => Months.ContainsKey(word);

    /// <summary>"JANUARI", "Okt.", "Nopember" → the month number; null for anything else.</summary>
    internal static int? MonthOf(string text) => Months.TryGetValue(text.Trim().TrimEnd('.'), out var m) ? m : null;

    private static int Year(string y) => y.Length == 2 ? 2000 + Int(y) : Int(y);

    private static int Int(string s) => int.Parse(s, NumberStyles.None, CultureInfo.InvariantCulture);

    private static Parsed<DateOnly> Make(int year, int month, int day)
    {
        if (year < 1900 || year > 2199 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
            return Parsed<DateOnly>.Fail(ParseStatus.Invalid);
        return Parsed<DateOnly>.Ok(new DateOnly(year, month, day));
    }
}
