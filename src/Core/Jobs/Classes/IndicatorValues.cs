using KampungKB.Core.Model;

namespace KampungKB.Core.Jobs.Classes;

/// <summary>
/// The whole-number value of each of the 12 indicators exactly as the BKKBN Kampung KB website's classification SQL
/// computes it (willyprmn/Kampung-KB, <c>database/sql/statistik/classification/kampungs.sql</c>; docs/classification.md
/// gives the working), or null when the SQL's value is NULL (scored 1, listed as missing). Parts that are missing while
/// the rest is known are added to the missing list as <c>indicator.part</c>.
/// </summary>
internal static class IndicatorValues
{
    /// <summary>The website's MKJP methods (its <c>new_kontrasepsi</c> ids 1, 2, 3, 5: IUD, MOW, MOP, Implan).</summary>
    internal static readonly string[] LongTermMethods = ["kb_active_iud", "kb_active_mow", "kb_active_mop", "kb_active_implant"];
    /// <summary>All seven methods of the website's contraception rows (ids 1–7), whose sum is its <c>jumlah_kontrasepsi</c>.</summary>
    internal static readonly string[] AllMethods = [.. LongTermMethods, "kb_active_injectable", "kb_active_pill", "kb_active_condom"];

    /// <summary>
    /// The figures of the website's population record (<c>new_penduduk_keluarga</c>: PUS, Jumlah Keluarga, Jumlah Remaja,
    /// families with toddlers, teens, elderly); every other report figure belongs to its KKBPK record.
    /// </summary>
    internal static readonly IReadOnlySet<string> PopulationCodes = new HashSet<string>(StringComparer.Ordinal)
        { "pus", "families", "teens", "families_with_toddlers", "families_with_teens", "families_with_elderly" };

    private const string Later = "pus_not_kb_want_child_later", NoMore = "pus_not_kb_no_more_children";

    internal static Dictionary<string, int?> Compute(ClassInputs inputs, ClassCatalogue catalogue, List<string> missing)
    {
        var p = inputs.Profile ?? new KampungProfile();
        var f = inputs.Figures ?? new Dictionary<string, decimal>();
        var hasKkbpk = f.Keys.Any(k => !PopulationCodes.Contains(k));
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
            ["poktanParticipation"] = PoktanParticipation(f, p, catalogue.Poktan, missing),
            ["cpr"] = Cpr(f, hasKkbpk),
            ["mkjp"] = Mkjp(f, hasKkbpk),
            ["unmetNeed"] = UnmetNeed(f),
        };
        // Whole indicators first, in catalogue order, before the parts already listed.
        missing.InsertRange(0, catalogue.Indicators.Where(i => v[i.Code] is null).Select(i => i.Code));
        return v;
    }

    /// <summary>
    /// PostgreSQL's <c>round(double precision)</c>: to the nearest whole number, a tie to the even one (40.5 → 40, 41.5 → 42),
    /// as the C library's <c>rint</c> under the default rounding mode. The website's percentages are float8
    /// (<c>jumlah / x::float * 100</c>), so the division and the product are IEEE doubles here too, in the SQL's order.
    /// </summary>
    internal static int RoundFloat8(double x) => (int)Math.Round(x, MidpointRounding.ToEven);

    /// <summary><c>ROUND((a / b::float) * 100)</c>: double division first, then × 100, then half-to-even.</summary>
    internal static int Percent(decimal numerator, decimal denominator) => RoundFloat8((double)numerator / (double)denominator * 100.0);

    private static decimal? Get(IReadOnlyDictionary<string, decimal> f, string code) => f.TryGetValue(code, out var x) ? x : null;

    /// <summary>
    /// The website's <c>input_pokja</c>: no board (<c>pokja_pengurusan_flag</c> false or not filled) → 0 points (score 1); a
    /// board → 1, +1 with members &gt; 0, +1 when trained (<c>pokja_pelatihan_flag</c>): bands 0→1, 1→2, 2→3, 3→4. The SK is not used.
    /// </summary>
    private static int? Pokja(KampungProfile p, List<string> missing)
    {
        if (p.PokjaBoard is not { } board) return null;
        if (!board) return 0;
        if (p.PokjaMembers is null) missing.Add("pokja.members");
        if (p.Trained is null) missing.Add("pokja.trained");
        return 1 + (p.PokjaMembers > 0 ? 1 : 0) + (p.Trained == true ? 1 : 0);
    }

    private static int? CountTrue(string code, List<string> missing, params (string Part, bool? Value)[] parts)
    {
        if (parts.All(x => x.Value is null)) return null;
        foreach (var (part, value) in parts) if (value is null) missing.Add(code + "." + part);
        return parts.Count(x => x.Value == true);
    }

    /// <summary>
    /// The website's <c>output_persentase_poktan</c>: for each poktan whose target row is in the population record, its
    /// percentage <c>ROUND(members / target::float * 100)</c> (0 when the target is 0; no value when the members row is absent);
    /// then <c>round(sum / 5)</c> — always divided by five, each rounded half-to-even. Null when no target row exists (or no
    /// poktan has a value). PIK-R's target is Jumlah Remaja; the registry's Jumlah Remaja stands in when the report has none.
    /// </summary>
    private static int? PoktanParticipation(IReadOnlyDictionary<string, decimal> f, KampungProfile p, IReadOnlyList<PoktanSpec> poktan, List<string> missing)
    {
        double? sum = null;
        var anyTarget = false;
        var absent = new List<string>();
        foreach (var k in poktan)
        {
            var target = Get(f, k.Target) ?? (k.Target == "teens" && p.Teens is { } teens ? teens : null);
            if (target is not { } t) { absent.Add("poktanParticipation." + k.Code); continue; }
            anyTarget = true;
            if (t <= 0) { sum = (sum ?? 0) + 0; continue; }
            if (Get(f, k.Members) is not { } m) { absent.Add("poktanParticipation." + k.Code); continue; }
            sum = (sum ?? 0) + Percent(m, t);
        }
        if (!anyTarget || sum is not { } s) return null;
        missing.AddRange(absent);
        return RoundFloat8(s / 5);
    }

    /// <summary>
    /// The website's <c>jumlah_kontrasepsi</c>: the sum of the method rows of the KKBPK record (0 when it has none), null without a
    /// KKBPK record. A report that gives only the total <c>kb_active</c> (the website's form has no total) uses that total.
    /// </summary>
    private static decimal? Users(IReadOnlyDictionary<string, decimal> f, bool hasKkbpk)
    {
        if (!hasKkbpk) return null;
        if (AllMethods.Any(f.ContainsKey)) return AllMethods.Sum(m => Get(f, m) ?? 0);
        return Get(f, "kb_active") ?? 0;
    }

    /// <summary>CPR, only with a PUS row: PUS &gt; 0 → <c>ROUND(users / pus::float * 100)</c> (null without a KKBPK record), PUS 0 → 0.</summary>
    private static int? Cpr(IReadOnlyDictionary<string, decimal> f, bool hasKkbpk)
    {
        if (Get(f, "pus") is not { } pus) return null;
        if (pus <= 0) return 0;
        return Users(f, hasKkbpk) is { } users ? Percent(users, pus) : null;
    }

    /// <summary>
    /// MKJP share, only with a PUS row (the SQL joins it to the population's PUS): users &gt; 0 → <c>ROUND(mkjp / users::float * 100)</c>,
    /// null when no MKJP method row was reported; users 0 → 0. Without a KKBPK record the SQL gives 0; both score 1, listed missing here.
    /// </summary>
    private static int? Mkjp(IReadOnlyDictionary<string, decimal> f, bool hasKkbpk)
    {
        if (!f.ContainsKey("pus") || Users(f, hasKkbpk) is not { } users) return null;
        if (users <= 0) return 0;
        if (!LongTermMethods.Any(f.ContainsKey)) return null;
        return Percent(LongTermMethods.Sum(m => Get(f, m) ?? 0), users);
    }

    /// <summary>
    /// Unmet need, only when the KKBPK record has an IAT or TIAL row (a reported "Unmet Need" total is not used): PUS &gt; 0 →
    /// <c>ROUND((IAT + TIAL) / pus::float * 100)</c>; PUS 0 or no PUS row → 0 (so score 4, as the website).
    /// </summary>
    private static int? UnmetNeed(IReadOnlyDictionary<string, decimal> f)
    {
        var later = Get(f, Later);
        var none = Get(f, NoMore);
        if (later is null && none is null) return null;
        var sum = (later ?? 0) + (none ?? 0);
        return Get(f, "pus") is { } pus && pus > 0 ? Percent(sum, pus) : 0;
    }
}
