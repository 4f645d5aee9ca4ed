using System.Globalization;
using KampungKB.Core.Model;

namespace KampungKB.Core.Model;

/// <summary>
/// What each dinas decides for its kabupaten/kota: deadline day, time zone, who receives the recap, how
/// it names the top class. App settings <c>Regencies__{PPKK}__{Name}</c>, where PPKK is the regency code
/// without its dot (Linux app setting names allow no dots): <c>Regencies__6371__DeadlineDay=10</c>.
/// </summary>
public sealed record RegencySettings(
    string Code,
    string Name,
    string DinasName,
    int DeadlineDay,
    LocalTime TimeZone,
    IReadOnlyList<string> Recipients,
    string TopClassLabel,
    IReadOnlyList<int> ReminderOffsets)
{
    public const string Section = "Regencies";
    public static readonly IReadOnlyList<int> DefaultReminderOffsets = [-3, 1, 3, 7];

    /// <summary>The setting names one regency may carry (for docs and the Bicep drift test).</summary>
    public static readonly IReadOnlyList<string> SettingNames =
        ["Name", "DinasName", "DeadlineDay", "TimeZone", "Recipients", "TopClassLabel", "ReminderOffsets"];

    public static string Key(string compactCode, string name) => $"{Section}__{compactCode}__{name}";

    /// <summary>The dinas name of a regency whose settings and registry name none.</summary>
    public const string DefaultDinasName = "Dinas PPKB";

    /// <summary>A regency nobody configured: the defaults of domain.md (deadline on the 10th, zone by province).</summary>
    public static RegencySettings Default(string code) =>
        new(code, code, DefaultDinasName, 10, LocalTime.ForProvince(code), [], "Paripurna", DefaultReminderOffsets);

    /// <summary>
    /// Fills what the settings left unnamed from the registry: the regency's name (the most common
    /// "Kabupaten/Kota" of its kampung) when <see cref="Name"/> is only the code, and the dinas as
    /// "Dinas PPKB {name}" when <see cref="DinasName"/> is the default. Configured values always win.
    /// </summary>
    public RegencySettings WithRegistry(IEnumerable<RegistryEntry?> kampung)
    {
        var name = Name;
        if (string.IsNullOrWhiteSpace(name) || name == Code)
            name = kampung.Where(k => k is not null && k.RegencyCode == Code && !string.IsNullOrWhiteSpace(k.Regency))
                .GroupBy(k => k!.Regency!.Trim(), StringComparer.OrdinalIgnoreCase)
                .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => g.Key).FirstOrDefault() ?? Code;
        var dinas = DinasName;
        if ((string.IsNullOrWhiteSpace(dinas) || dinas == DefaultDinasName) && name != Code)
            dinas = DefaultDinasName + " " + name;
        return this with { Name = name, DinasName = dinas };
    }

    /// <summary>The deadline for a period's report, at the end of the deadline day in local time.</summary>
    public DateOnly DueDate(ReportingPeriod period) => period.DueDate(DeadlineDay);

    /// <summary>
    /// Reads every <c>Regencies__*</c> setting from <paramref name="settings"/> (flattened key/value pairs,
    /// <c>__</c> or <c>:</c> separated) and returns the regencies plus one error per bad key.
    /// </summary>
    public static IReadOnlyList<RegencySettings> Load(IEnumerable<KeyValuePair<string, string?>> settings, out IReadOnlyList<string> errors)
    {
        var problems = new List<string>();
        var byCode = new SortedDictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        foreach (var (rawKey, value) in settings)
        {
            var parts = rawKey.Replace(":", "__", StringComparison.Ordinal).Split("__");
            if (parts.Length != 3 || !string.Equals(parts[0], Section, StringComparison.OrdinalIgnoreCase) || value is null) continue;
            var (compact, name) = (parts[1], parts[2]);
            if (compact.Length != 4 || !compact.All(char.IsAsciiDigit))
            {
                problems.Add($"{rawKey}: '{compact}' is not a kabupaten/kota code of four digits (6371 for 63.71).");
                continue;
            }
            var known = SettingNames.FirstOrDefault(n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase));
            if (known is null)
            {
                problems.Add($"{rawKey}: unknown setting; known are {string.Join(", ", SettingNames)}.");
                continue;
            }
            if (!byCode.TryGetValue(compact, out var map)) byCode[compact] = map = new(StringComparer.Ordinal);
            map[known] = value.Trim();
        }

        var list = new List<RegencySettings>();
        foreach (var (compact, map) in byCode)
        {
            var code = compact[..2] + "." + compact[2..];
            var r = Default(code);
            string K(string n) => Key(compact, n);
            if (map.TryGetValue("Name", out var name) && name.Length > 0) r = r with { Name = name };
            if (map.TryGetValue("DinasName", out var dinas) && dinas.Length > 0) r = r with { DinasName = dinas };
            if (map.TryGetValue("DeadlineDay", out var day))
            {
                if (int.TryParse(day, NumberStyles.None, CultureInfo.InvariantCulture, out var d) && d is >= 1 and <= 28) r = r with { DeadlineDay = d };
                else problems.Add($"{K("DeadlineDay")}: '{day}' is not a day of the month from 1 to 28.");
            }
            if (map.TryGetValue("TimeZone", out var tz))
            {
                if (LocalTime.TryParse(tz, out var zone)) r = r with { TimeZone = zone };
                else problems.Add($"{K("TimeZone")}: '{tz}' is not WIB, WITA or WIT.");
            }
            if (map.TryGetValue("Recipients", out var to))
            {
                var emails = to.Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                var bad = emails.Where(e => !LooksLikeEmail(e)).ToList();
                if (bad.Count > 0) problems.Add($"{K("Recipients")}: not email addresses: {string.Join(", ", bad)}.");
                else r = r with { Recipients = emails };
            }
            if (map.TryGetValue("TopClassLabel", out var label))
            {
                if (label is "Paripurna" or "Berkelanjutan") r = r with { TopClassLabel = label };
                else problems.Add($"{K("TopClassLabel")}: '{label}' must be Paripurna or Berkelanjutan.");
            }
            if (map.TryGetValue("ReminderOffsets", out var offsets))
            {
                var parsed = offsets.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                    .Select(o => int.TryParse(o, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n : (int?)null).ToList();
                if (parsed.Count == 4 && parsed.All(p => p is >= -20 and <= 40) && parsed.SequenceEqual(parsed.Order()) && parsed[0] < 0 && parsed[1] > 0)
                    r = r with { ReminderOffsets = parsed.Select(p => p!.Value).ToList() };
                else problems.Add($"{K("ReminderOffsets")}: '{offsets}' must be four increasing day offsets from the deadline: before (negative), after, escalation, dinas (e.g. -3,1,3,7).");
            }
            list.Add(r);
        }
        errors = problems;
        return list;
    }

    internal static bool LooksLikeEmail(string text)
    {
        var at = text.IndexOf('@');
        return at > 0 && at == text.LastIndexOf('@') && text.IndexOf('.', at) > at + 1 && !text.EndsWith('.') && !text.Any(char.IsWhiteSpace);
    }
}
