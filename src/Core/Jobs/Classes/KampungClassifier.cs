using KampungKB.Core.Model;

namespace KampungKB.Core.Jobs.Classes;

/// <summary>
/// What the classification of one kampung reads: the registry's profile columns, the latest reported figures
/// (indicator code → value, e.g. <c>pus</c> → 412; null when no figures were reported in the lookback window)
/// and the number of distinct partner agencies in its activities (null when no activities were reported in
/// the window; 0 when activities named no partner).
/// </summary>
internal sealed record ClassInputs(KampungProfile? Profile, IReadOnlyDictionary<string, decimal>? Figures, int? Partners);

/// <summary>
/// One indicator's outcome: the whole-number value scored (a count, points, or a rounded percentage; null when
/// missing) and its score 1–4 (1 when missing).
/// </summary>
internal sealed record IndicatorScore(string Code, string Index, int? Value, int Score)
{
    public bool Missing => Value is null;
}

/// <summary>An index: the plain mean of its indicators' scores, and whether it reaches (mean ≥ 3).</summary>
internal sealed record IndexScore(string Code, decimal Mean, bool Reaches);

/// <summary>
/// The computed class of one kampung with its 12 scores (catalogue order), 3 indices and what is missing:
/// indicator codes with no data at all (<c>cpr</c>), or <c>indicator.part</c> when only part of an indicator's
/// data is missing (<c>pokja.trained</c>, <c>poktanParticipation.pikr</c>); a missing part counts as none.
/// </summary>
internal sealed record Classification(KampungClass Class, IReadOnlyList<IndicatorScore> Scores, IReadOnlyList<IndexScore> Indices, IReadOnlyList<string> Missing)
{
    public IndicatorScore Score(string code) => Scores.First(s => s.Code == code);
    public IndexScore Index(string code) => Indices.First(s => s.Code == code);
}

/// <summary>
/// One step toward the next class: raise <see cref="Code"/> from <see cref="Score"/> to <see cref="TargetScore"/>,
/// i.e. bring its value into <see cref="TargetBand"/> (or, when <see cref="Missing"/>, report it at all).
/// </summary>
internal sealed record Lift(string Code, int? Value, int Score, int TargetScore, ScoreBand TargetBand)
{
    public bool Missing => Value is null;
}

/// <summary>
/// The BKKBN Kampung KB website's classification (shared/domain.md, "Classification in full"), pure: no
/// storage, no clock. Thread-safe; one instance per process over a loaded <see cref="ClassCatalogue"/>.
/// </summary>
public sealed class KampungClassifier(ClassCatalogue catalogue)
{
    public ClassCatalogue Catalogue => catalogue;

    /// <summary>Scores the 12 indicators, averages the indices and applies the decision rule.</summary>
    internal Classification Classify(ClassInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var missing = new List<string>();
        var values = IndicatorValues.Compute(inputs, catalogue, missing);
        var scores = catalogue.Indicators
            .Select(i => values[i.Code] is { } v ? new IndicatorScore(i.Code, i.Index, v, i.Score(v)) : new IndicatorScore(i.Code, i.Index, null, 1))
            .ToArray();
        var indices = ClassCatalogue.IndexCodes.Select(x => IndexOf(x, scores)).ToArray();
        var cls = Decide(indices[0].Reaches, indices[1].Reaches, indices[2].Reaches);
        return new Classification(cls, scores, indices, missing);
    }

    /// <summary>
    /// The decision rule (shared/domain.md): none or exactly one index reaches → dasar; input and proses
    /// without output → berkembang; output with exactly one of input and proses → mandiri; all three → berkelanjutan.
    /// </summary>
    public static KampungClass Decide(bool input, bool proses, bool output) => (input, proses, output) switch
    {
        (true, true, true) => KampungClass.Berkelanjutan,
        (true, true, false) => KampungClass.Berkembang,
        (true, false, true) or (false, true, true) => KampungClass.Mandiri,
        _ => KampungClass.Dasar,
    };

    /// <summary>
    /// The fewest one-band improvements that lift the kampung to a higher class: over every set of indices
    /// whose reaching would give a higher class, each index short of the mean is raised one band at a time,
    /// missing indicators first, then the lowest scores (catalogue order on ties); the set needing the fewest
    /// steps wins, the nearer class on a tie. Empty for berkelanjutan.
    /// </summary>
    internal IReadOnlyList<Lift> Lifts(Classification c)
    {
        ArgumentNullException.ThrowIfNull(c);
        List<Lift>? best = null;
        KampungClass? bestClass = null;
        foreach (var combo in Combos())
        {
            var target = Decide(combo[0], combo[1], combo[2]);
            if (target <= c.Class) continue;
            var steps = new List<(string Code, int From, int To)>();
            for (var i = 0; i < 3; i++)
                if (combo[i] && !c.Indices[i].Reaches) steps.AddRange(Raise(c, ClassCatalogue.IndexCodes[i]));
            var lifts = steps.Select(s => ToLift(c.Score(s.Code), s.To)).ToList();
            if (best is null || lifts.Sum(l => l.TargetScore - l.Score) < best.Sum(l => l.TargetScore - l.Score)
                || lifts.Sum(l => l.TargetScore - l.Score) == best.Sum(l => l.TargetScore - l.Score) && target < bestClass)
            { best = lifts; bestClass = target; }
        }
        return best ?? [];
    }

    /// <summary>The class the kampung would have after <paramref name="lifts"/> (its own class when there are none).</summary>
    internal KampungClass ClassAfter(Classification c, IReadOnlyList<Lift> lifts)
    {
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(lifts);
        var raised = c.Scores.Select(s => lifts.FirstOrDefault(l => l.Code == s.Code) is { } l ? s with { Score = l.TargetScore } : s).ToArray();
        var reach = ClassCatalogue.IndexCodes.Select(x => IndexOf(x, raised).Reaches).ToArray();
        return Decide(reach[0], reach[1], reach[2]);
    }

    private static IEnumerable<bool[]> Combos()
    {
        for (var m = 0; m < 8; m++) yield return [(m & 1) != 0, (m & 2) != 0, (m & 4) != 0];
    }

    /// <summary>One-band raises inside one index until its sum of scores reaches ReachScore × count.</summary>
    private List<(string Code, int From, int To)> Raise(Classification c, string index)
    {
        var members = c.Scores.Where(s => s.Index == index).ToList();
        var score = members.ToDictionary(s => s.Code, s => s.Score);
        var deficit = catalogue.ReachScore * members.Count - members.Sum(s => s.Score);
        var order = members.OrderByDescending(s => s.Missing).ThenBy(s => s.Score).Select(s => s.Code).ToList();
        while (deficit > 0)
        {
            var progressed = false;
            foreach (var code in order)
            {
                if (deficit <= 0) break;
                if (score[code] >= catalogue.Indicator(code).MaxScore) continue;
                score[code]++;
                deficit--;
                progressed = true;
            }
            if (!progressed) break;
        }
        return members.Where(s => score[s.Code] > s.Score).OrderBy(s => order.IndexOf(s.Code)).Select(s => (s.Code, s.Score, score[s.Code])).ToList();
    }

    private Lift ToLift(IndicatorScore s, int to)
    {
        var spec = catalogue.Indicator(s.Code);
        var band = spec.Bands.Where(b => b.Score == to).OrderBy(b => s.Value is { } v ? Distance(b, v) : 0).First();
        return new Lift(s.Code, s.Value, s.Score, to, band);

        static long Distance(ScoreBand b, int v) => b.From is { } f && v < f ? f - v : b.To is { } t && v > t ? v - t : 0;
    }

    private IndexScore IndexOf(string index, IReadOnlyList<IndicatorScore> scores)
    {
        var members = scores.Where(s => s.Index == index).ToList();
        var sum = members.Sum(s => s.Score);
        // Compared as sums, so a mean such as 8/3 is never rounded across the threshold.
        return new IndexScore(index, Math.Round((decimal)sum / members.Count, 2, MidpointRounding.AwayFromZero), sum >= catalogue.ReachScore * members.Count);
    }
}
