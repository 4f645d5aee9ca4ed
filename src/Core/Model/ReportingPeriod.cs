using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace KampungKB.Core.Model;

/// <summary>
/// A calendar month a kampung reports on (<c>YYYY-MM</c>). Reports for month M are due on a
/// deadline day of month M+1 that each dinas sets, so the period knows how to find its due date.
/// </summary>
[JsonConverter(typeof(ReportingPeriodJsonConverter))]
public readonly record struct ReportingPeriod(int Year, int Month) : IComparable<ReportingPeriod>
{
    public static ReportingPeriod Of(DateOnly date) => new(date.Year, date.Month);

    public DateOnly FirstDay => new(Year, Month, 1);
    public DateOnly LastDay => FirstDay.AddMonths(1).AddDays(-1);
    public ReportingPeriod Next => Of(FirstDay.AddMonths(1));
    public ReportingPeriod Previous => Of(FirstDay.AddMonths(-1));

    public bool Contains(DateOnly date) => date.Year == Year && date.Month == Month;

    /// <summary>The deadline for this period's report: day <paramref name="deadlineDay"/> of the next month (clamped to its length).</summary>
    public DateOnly DueDate(int deadlineDay)
    {
        var next = FirstDay.AddMonths(1);
        var day = Math.Clamp(deadlineDay, 1, DateTime.DaysInMonth(next.Year, next.Month));
        return new DateOnly(next.Year, next.Month, day);
    }

    public static bool TryParse([NotNullWhen(true)] string? text, out ReportingPeriod period)
    {
        period = default;
        if (text is null || text.Length != 7 || text[4] != '-') return false;
        if (!int.TryParse(text.AsSpan(0, 4), NumberStyles.None, CultureInfo.InvariantCulture, out var y)) return false;
        if (!int.TryParse(text.AsSpan(5, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var m)) return false;
        if (y < 2000 || y > 2999 || m < 1 || m > 12) return false;
        period = new ReportingPeriod(y, m);
        return true;
    }

    public static ReportingPeriod Parse(string text) =>
        TryParse(text, out var p) ? p : throw new FormatException($"Not a reporting period (YYYY-MM): '{text}'.");

    public int CompareTo(ReportingPeriod other) => (Year * 12 + Month).CompareTo(other.Year * 12 + other.Month);

    public override string ToString() => $"{Year:D4}-{Month:D2}";
}

/// <summary>Writes and reads a period as its <c>YYYY-MM</c> text, the form every API and file uses.</summary>
internal sealed class ReportingPeriodJsonConverter : JsonConverter<ReportingPeriod>
{
    public override ReportingPeriod Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        ReportingPeriod.TryParse(reader.GetString(), out var p) ? p : throw new JsonException("Expected a period YYYY-MM.");

    public override void Write(Utf8JsonWriter writer, ReportingPeriod value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToString());
}
