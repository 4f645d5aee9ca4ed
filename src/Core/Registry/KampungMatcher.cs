using System.Globalization;
using System.Text;
using KampungKB.Core.Model;

namespace KampungKB.Core.Registry;

/// <summary>The outcome of attributing an upload to one Kampung KB of the registry.</summary>
internal abstract record Attribution
{
    public sealed record Found(RegistryEntry Entry) : Attribution;
    public sealed record Unknown(string? NameInFile) : Attribution;
    public sealed record Ambiguous(IReadOnlyList<RegistryEntry> Candidates) : Attribution;
    public sealed record Mismatch(RegistryEntry Expected, string NameInFile) : Attribution;
}

/// <summary>
/// Finds which kampung a file is about by comparing the names written in it with the registry,
/// tolerant of case, spacing, punctuation and the prefixes cadres add (Kel., Ds., Desa, Kelurahan,
/// Kampung KB, Kec., Kab., Kota).
/// </summary>
internal static class KampungMatcher
{
    private static readonly string[] Prefixes =
    [
        "kampung kb", "kampung keluarga berkualitas", "kampung keluarga berencana", "kampung",
        "kelurahan", "kel", "desa", "ds", "kecamatan", "kec", "kabupaten", "kab", "kota",
    ];

    /// <summary>The file names its kampung; the upload path named <paramref name="expected"/>.</summary>
    public static Attribution Confirm(RegistryEntry expected, KampungIdentity? identity)
    {
        var written = NamesIn(identity).ToList();
        if (written.Count == 0) return new Attribution.Found(expected);
        var own = NamesOf(expected);
        if (written.Any(w => own.Contains(w))) return new Attribution.Found(expected);
        return new Attribution.Mismatch(expected, identity?.Village ?? identity?.Name ?? written[0]);
    }

    /// <summary>Bulk drops: no area code in the path, so the names in the file decide.</summary>
    public static Attribution Find(IReadOnlyCollection<RegistryEntry> registry, KampungIdentity? identity, string fileName)
    {
        var written = NamesIn(identity).ToList();
        var candidates = registry.Where(e => NamesOf(e).Overlaps(written)).ToList();
        if (candidates.Count == 0)
        {
            // Last resort: a kampung or village name inside the file name ("Kampung KB Tajau Pecah - November 2025.csv").
            var fromFile = " " + Normalise(Path.GetFileNameWithoutExtension(fileName)) + " ";
            candidates = registry.Where(e => NamesOf(e).Any(n => n.Length >= 4 && fromFile.Contains(" " + n + " "))).ToList();
        }
        if (candidates.Count > 1) candidates = Narrow(candidates, identity);
        return candidates.Count switch
        {
            1 => new Attribution.Found(candidates[0]),
            0 => new Attribution.Unknown(identity?.Village ?? identity?.Name),
            _ => new Attribution.Ambiguous(candidates),
        };
    }

    private static List<RegistryEntry> Narrow(List<RegistryEntry> candidates, KampungIdentity? identity)
    {
        var district = Normalise(identity?.District);
        if (district.Length > 0)
        {
            var inDistrict = candidates.Where(c => Normalise(c.District) == district).ToList();
            if (inDistrict.Count > 0) candidates = inDistrict;
        }
        var regency = Normalise(identity?.Regency);
        if (regency.Length > 0 && candidates.Count > 1)
        {
            var inRegency = candidates.Where(c => Normalise(c.Regency) == regency).ToList();
            if (inRegency.Count > 0) candidates = inRegency;
        }
        return candidates;
    }

    private static IEnumerable<string> NamesIn(KampungIdentity? identity)
    {
        if (identity is null) yield break;
        foreach (var text in new[] { identity.Village, identity.Name })
        {
            var n = Normalise(text);
            if (n.Length > 0) yield return n;
        }
    }

    private static HashSet<string> NamesOf(RegistryEntry entry)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        foreach (var text in new[] { entry.Village, entry.Name })
        {
            var n = Normalise(text);
            if (n.Length > 0) set.Add(n);
        }
        return set;
    }

    /// <summary>Lower case, letters and digits only, single spaces, known prefixes removed.</summary>
    internal static string Normalise(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return "";
        var decomposed = text.Normalize(NormalizationForm.FormD);
        var sb = new StringBuilder(decomposed.Length);
        foreach (var ch in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(ch) == UnicodeCategory.NonSpacingMark) continue;
            sb.Append(char.IsLetterOrDigit(ch) ? char.ToLowerInvariant(ch) : ' ');
        }
        var words = sb.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
        var stripped = true;
        while (stripped && words.Count > 1)
        {
            stripped = false;
            foreach (var prefix in Prefixes)
            {
                var parts = prefix.Split(' ');
                if (words.Count > parts.Length && words.Take(parts.Length).SequenceEqual(parts))
                {
                    words.RemoveRange(0, parts.Length);
                    stripped = true;
                    break;
                }
            }
        }
        return string.Join(' ', words);
    }
}
