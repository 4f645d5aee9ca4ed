using KampungKB.Core.Model;

namespace KampungKB.Core.Jobs.Classes;

/// <summary>
/// The whole-number value of each of the 12 indicators from a kampung's inputs (shared/domain.md,
/// "Classification in full" and "Derived, never uploaded"), or null when its data is missing. Parts that
/// are missing while the rest is known are added to the missing list as <c>indicator.part</c>.
/// </summary>
internal static class IndicatorValues
{
    private static readonly string[] LongTermMethods = ["kb_active_iud", "kb_active_mow", "kb_active_mop", "kb_active_implant"];
    private static readonly string[] AllMethods = [.. LongTermMethods, "kb_active_injectable", "kb_active_pill", "kb_active_condom"];

    internal static Dictionary<string, int?> Compute(ClassInputs inputs, ClassCatalogue catalogue, List<string> missing)
    {
        var p = inputs.Profile ?? new KampungProfile();
        var f = inputs.Figures ?? new Dictionary<string, decimal>();
        var v = new Dictionary<string, int?>(StringComparer.Ordinal)
        {
            ["pokja"] = Pokja(p, missing),
            ["fundingSources"] = p.FundingSources,
            ["poktanOwned"] = p.PoktanOwned,
            ["facilities"] = CountTrue("facilities", missing, ("secretariat", p.Secretariat), ("rumahDataKu", p.RumahDataKu)),
            ["pkbAndRegulation"] = CountTrue("pkbAndRegulation", missing, ("pkb", p.PkbAssigned), ("regulation", p.Regulation)),
            ["dataSources"] = p.DataSources,
            ["mechanisms"] = p.Mechanisms,
            ["partners"] = inputs.Partners,
            ["poktanParticipation"] = PoktanParticipation(f, catalogue.Poktan, missing),
            ["cpr"] = Percent(ActiveUsers(f), Get(f, "pus")),
            ["mkjp"] = Mkjp(f),
            ["unmetNeed"] = Percent(UnmetNeed(f), Get(f, "pus")),
        };
        // Whole indicators first, in catalogue order, before the parts already listed.
        missing.InsertRange(0, catalogue.Indicators.Where(i => v[i.Code] is null).Select(i => i.Code));
        return v;
    }

    /// <summary>Whole percent, rounded half away from zero; null without a positive denominator.</summary>
    internal static int? Percent(decimal? numerator, decimal? denominator) =>
        numerator is { } n && denominator is { } d && d > 0 ? (int)Math.Round(n * 100m / d, MidpointRounding.AwayFromZero) : null;

    private static decimal? Get(IReadOnlyDictionary<string, decimal> f, string code) => f.TryGetValue(code, out var x) ? x : null;

    /// <summary>No Pokja → 0; a Pokja → 1, +1 with members, +1 with trained members (bands: 0→1, 1→2, 2→3, 3→4).</summary>
    private static int? Pokja(KampungProfile p, List<string> missing)
    {
        if (p.PokjaDecree is null && p.PokjaMembers is null && p.PokjaTrained is null) return null;
        if (p.PokjaDecree is null) missing.Add("pokja.decree");
        if (p.PokjaMembers is null) missing.Add("pokja.members");
        if (p.PokjaTrained is null) missing.Add("pokja.trained");
        var members = p.PokjaMembers > 0;
        var trained = p.PokjaTrained > 0;
        var exists = p.PokjaDecree == true || members || trained;
        return exists ? 1 + (members ? 1 : 0) + (trained ? 1 : 0) : 0;
    }

    private static int? CountTrue(string code, List<string> missing, params (string Part, bool? Value)[] parts)
    {
        if (parts.All(x => x.Value is null)) return null;
        foreach (var (part, value) in parts) if (value is null) missing.Add(code + "." + part);
        return parts.Count(x => x.Value == true);
    }

    /// <summary>Mean over all poktan of members ÷ target families × 100; a poktan without data counts 0 and is listed.</summary>
    private static int? PoktanParticipation(IReadOnlyDictionary<string, decimal> f, IReadOnlyList<PoktanSpec> poktan, List<string> missing)
    {
        var ratios = new List<decimal>();
        var absent = new List<string>();
        foreach (var k in poktan)
        {
            if (Get(f, k.Members) is { } m && Get(f, k.Target) is { } t && t > 0) ratios.Add(m / t);
            else absent.Add("poktanParticipation." + k.Code);
        }
        if (ratios.Count == 0) return null;
        missing.AddRange(absent);
        return Percent(ratios.Sum(), poktan.Count);
    }

    /// <summary><c>kb_active</c>, or the sum of the method rows when only those were given.</summary>
    private static decimal? ActiveUsers(IReadOnlyDictionary<string, decimal> f)
    {
        if (Get(f, "kb_active") is { } total) return total;
        return AllMethods.Any(f.ContainsKey) ? AllMethods.Sum(m => Get(f, m) ?? 0) : null;
    }

    /// <summary>(IUD + MOW + MOP + implant) ÷ all users; needs the method rows (an absent method row counts 0).</summary>
    private static int? Mkjp(IReadOnlyDictionary<string, decimal> f)
    {
        if (!AllMethods.Any(f.ContainsKey)) return null;
        return Percent(LongTermMethods.Sum(m => Get(f, m) ?? 0), ActiveUsers(f));
    }

    /// <summary><c>unmet_need</c>, else IAT + TIAL when either was given.</summary>
    private static decimal? UnmetNeed(IReadOnlyDictionary<string, decimal> f)
    {
        if (Get(f, "unmet_need") is { } u) return u;
        var later = Get(f, "pus_not_kb_want_child_later");
        var none = Get(f, "pus_not_kb_no_more_children");
        return later is null && none is null ? null : (later ?? 0) + (none ?? 0);
    }
}
