namespace KampungKB.Core.Model;

/// <summary>
/// Indonesia's three time zones, for the places where people read times and deadlines. A dinas may
/// set its own; otherwise the province part of the area code decides (WITA for Bali, Nusa Tenggara,
/// Kalimantan Selatan/Timur/Utara and Sulawesi; WIT for Maluku and Papua; WIB elsewhere).
/// </summary>
public sealed record LocalTime(string Label, TimeSpan Offset)
{
    public static readonly LocalTime Wib = new("WIB", TimeSpan.FromHours(7));
    public static readonly LocalTime Wita = new("WITA", TimeSpan.FromHours(8));
    public static readonly LocalTime Wit = new("WIT", TimeSpan.FromHours(9));

    public static LocalTime ForProvince(string areaOrRegencyCode)
    {
        var province = areaOrRegencyCode.Length >= 2 && int.TryParse(areaOrRegencyCode.AsSpan(0, 2), out var p) ? p : 0;
        return province switch
        {
            51 or 52 or 53 or 63 or 64 or 65 or (>= 71 and <= 76) => Wita,
            81 or 82 or (>= 91 and <= 96) => Wit,
            _ => Wib,
        };
    }

    public static bool TryParse(string? label, out LocalTime zone)
    {
        zone = label?.Trim().ToUpperInvariant() switch
        {
            "WIB" or "ASIA/JAKARTA" or "ASIA/PONTIANAK" => Wib,
            "WITA" or "ASIA/MAKASSAR" => Wita,
            "WIT" or "ASIA/JAYAPURA" => Wit,
            _ => null!,
        };
        return zone is not null;
    }

    public DateTime ToLocal(DateTimeOffset instant) => instant.ToOffset(Offset).DateTime;
    public DateOnly Today(TimeProvider time) => DateOnly.FromDateTime(ToLocal(time.GetUtcNow()));
}
