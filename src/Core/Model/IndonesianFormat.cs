using System.Globalization;
using KampungKB.Core.Model;

namespace KampungKB.Core.Model;

/// <summary>Indonesian number and date formatting, independent of the machine's ICU data: 1.204 · 12,5% · 6 November 2025 · Oktober 2025.</summary>
public static class IndonesianFormat
{
    public const string Nothing = "–";

    private static readonly string[] Months =
        ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober", "November", "Desember"];

    private static readonly NumberFormatInfo Numbers = new()
    {
        NumberGroupSeparator = ".",
        NumberDecimalSeparator = ",",
        NegativeSign = "-",
        PositiveSign = "+",
    };

    public static string MonthName(int month) => Months[month - 1];

    /// <summary>1204 → "1.204", 12.5 → "12,5"; up to <paramref name="decimals"/> decimals, trailing zeros dropped.</summary>
    public static string Number(object? value, int decimals = 2) =>
        ToDecimal(value) is { } d ? Format(d, decimals) : Nothing;

    /// <summary>A ratio as a percentage: 0.125 → "12,5%".</summary>
    public static string Percent(object? ratio, int decimals = 1) =>
        ToDecimal(ratio) is { } d ? Format(Math.Round(d * 100, decimals, MidpointRounding.AwayFromZero), decimals, fixedDecimals: true) + "%" : Nothing;

    /// <summary>A signed change: +12, -3, 0.</summary>
    public static string Change(object? value, int decimals = 2) =>
        ToDecimal(value) is { } d ? (d > 0 ? "+" : "") + Format(d, decimals) : Nothing;

    /// <summary>A change of a ratio, in percentage points: 0.015 → "+1,5 poin".</summary>
    public static string PercentChange(object? ratioChange, int decimals = 1)
    {
        if (ToDecimal(ratioChange) is not { } d) return Nothing;
        var points = Math.Round(d * 100, decimals, MidpointRounding.AwayFromZero);
        return (points > 0 ? "+" : "") + Format(points, decimals, fixedDecimals: true) + " poin";
    }

    /// <summary>
    /// A size in bytes as the cadre reads it in a message: binary megabytes (1 MB = 1,048,576 bytes), at most one
    /// decimal, Indonesian separators: 20,971,520 → "20 MB", 1,572,864 → "1,5 MB", 2 GiB → "2.048 MB". The one
    /// formatter of every size limit a user is told (file, zip, zip entry).
    /// </summary>
    public static string Megabytes(long bytes) => Format((decimal)bytes / (1024 * 1024), 1) + " MB";

    /// <summary>6 November 2025.</summary>
    public static string Date(object? value) => value switch
    {
        DateOnly d => $"{d.Day} {Months[d.Month - 1]} {d.Year}",
        DateTime dt => Date(DateOnly.FromDateTime(dt)),
        DateTimeOffset dto => Date(DateOnly.FromDateTime(dto.DateTime)),
        string s when DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) => Date(d),
        _ => Nothing,
    };

    /// <summary>09.30 (Indonesian clock notation).</summary>
    public static string Time(object? value) => value switch
    {
        DateTime dt => dt.ToString("HH'.'mm", CultureInfo.InvariantCulture),
        DateTimeOffset dto => dto.ToString("HH'.'mm", CultureInfo.InvariantCulture),
        TimeOnly t => t.ToString("HH'.'mm", CultureInfo.InvariantCulture),
        _ => Nothing,
    };

    /// <summary>"2025-10" (or a <see cref="ReportingPeriod"/>/date) → "Oktober 2025".</summary>
    public static string Month(object? value) => value switch
    {
        ReportingPeriod p => $"{Months[p.Month - 1]} {p.Year}",
        string s when ReportingPeriod.TryParse(s, out var p) => Month(p),
        DateOnly d => Month(ReportingPeriod.Of(d)),
        DateTime dt => Month(ReportingPeriod.Of(DateOnly.FromDateTime(dt))),
        _ => Nothing,
    };

    internal static decimal? ToDecimal(object? value) => value switch
    {
        null => null,
        decimal d => d,
        int i => i,
        long l => l,
        short s => s,
        byte b => b,
        uint u => u,
        double d when double.IsFinite(d) => (decimal)d,
        float f when float.IsFinite(f) => (decimal)f,
        string s when decimal.TryParse(s, NumberStyles.Number, CultureInfo.InvariantCulture, out var d) => d,
        _ => null,
    };

    private static string Format(decimal d, int decimals, bool fixedDecimals = false)
    {
        decimals = Math.Clamp(decimals, 0, 6);
        var rounded = Math.Round(d, decimals, MidpointRounding.AwayFromZero);
        var pattern = decimals == 0 ? "#,0" : "#,0." + new string(fixedDecimals ? '0' : '#', decimals);
        return rounded.ToString(pattern, Numbers);
    }
}
