using System.Globalization;
using KampungKB.Core.Model;
using KampungKB.Core.Rendering.Templating;

namespace KampungKB.Core.Jobs.Quality;

/// <summary>
/// One finding: which kampung, month and figure, the value found and the range expected (null bounds: not a
/// range, e.g. a copied-forward figure), and why in Indonesian. <see cref="Figure"/> is an indicator code, or
/// for an internal-consistency flag the rule's code (<c>kb-active-le-pus</c>).
/// </summary>
internal sealed record QualityFlag(
    string Kind,
    string AreaCode,
    string KampungName,
    string? District,
    ReportingPeriod Period,
    string Figure,
    string FigureLabel,
    decimal Value,
    decimal? ExpectedLow,
    decimal? ExpectedHigh,
    string Why);

/// <summary>A kampung to call: its rank (1 = first), score (Σ weights of its flags) and flags, most serious first.</summary>
internal sealed record QualityRank(int Rank, string AreaCode, string Name, string? District, int Score, IReadOnlyList<QualityFlag> Flags);

/// <summary>The review of one kabupaten/kota and month: how many kampung had figures to check, every flag, the ranking.</summary>
public sealed record QualityReport
{
    internal QualityReport(string regencyCode, ReportingPeriod period, int @checked, IReadOnlyList<QualityFlag> flags, IReadOnlyList<QualityRank> ranking)
    {
        RegencyCode = regencyCode;
        Period = period;
        Checked = @checked;
        Flags = flags;
        Ranking = ranking;
    }

    /// <summary>The kabupaten/kota code, e.g. <c>63.71</c>.</summary>
    public string RegencyCode { get; init; }
    /// <summary>The month reviewed.</summary>
    public ReportingPeriod Period { get; init; }
    /// <summary>Kampung that had figures to check this month.</summary>
    public int Checked { get; init; }
    internal IReadOnlyList<QualityFlag> Flags { get; init; }
    internal IReadOnlyList<QualityRank> Ranking { get; init; }
}

/// <summary>
/// The figures the review reads: per month, per area code, the kampung's current indicator figures
/// (<see cref="Reports.StoredReport.Indicators"/>), as the reporting month carries them (never carried forward).
/// </summary>
internal sealed record QualityInput(
    string RegencyCode,
    ReportingPeriod Period,
    IReadOnlyList<RegistryEntry> Kampung,
    IReadOnlyDictionary<ReportingPeriod, IReadOnlyDictionary<string, IReadOnlyDictionary<string, decimal>>> Figures);

/// <summary>
/// The data-quality review as a pure planner over figures (no storage): WHO DQR module 1 checks with the
/// thresholds of <see cref="QualityCatalogue"/>. Each check only looks at what the kampung itself reported:
/// <list type="bullet">
/// <item>outliers: |x − mean| ≥ k·SD over the kampung's previous months with that figure (sample SD, n − 1;
///   at least <c>minimumHistory</c> months; SD 0 or a deviation below <c>minimumDeviation</c> is not an outlier);</item>
/// <item>copied forward: the same non-zero value in <c>months</c> consecutive months up to this one;</item>
/// <item>internal consistency: the rules of the template on this month's figures;</item>
/// <item>consistency over time per kecamatan: Σ this month against Σ of each kampung's mean over the previous
///   months, over the kampung that have both, beyond ± <c>maximumChange</c>.</item>
/// </list>
/// </summary>
public sealed class QualityReview(QualityCatalogue catalogue, Func<string, string> figureLabel)
{
    public QualityCatalogue Catalogue => catalogue;

    internal QualityReport Review(QualityInput input)
    {
        var flags = new List<QualityFlag>();
        var current = Month(input, input.Period);
        var checkedCount = 0;
        foreach (var k in input.Kampung)
        {
            if (!current.TryGetValue(k.AreaCode, out var now) || now.Count == 0) continue;
            checkedCount++;
            Outliers(input, k, now, flags);
            Copied(input, k, now, flags);
            Consistency(input.Period, k, now, flags);
        }
        Trend(input, current, flags);
        return new QualityReport(input.RegencyCode, input.Period, checkedCount, flags, Rank(input, flags));
    }

    private static IReadOnlyDictionary<string, IReadOnlyDictionary<string, decimal>> Month(QualityInput input, ReportingPeriod p) =>
        input.Figures.TryGetValue(p, out var m) ? m : new Dictionary<string, IReadOnlyDictionary<string, decimal>>();

    private static decimal? Value(QualityInput input, ReportingPeriod p, string area, string figure) =>
        input.Figures.TryGetValue(p, out var m) && m.TryGetValue(area, out var f) && f.TryGetValue(figure, out var v) ? v : null;

    private void Outliers(QualityInput input, RegistryEntry k, IReadOnlyDictionary<string, decimal> now, List<QualityFlag> flags)
    {
        var spec = catalogue.Outliers;
        foreach (var figure in catalogue.Figures)
        {
            if (!now.TryGetValue(figure, out var x)) continue;
            var history = new List<decimal>();
            for (var (p, i) = (input.Period.Previous, 0); i < spec.HistoryMonths; p = p.Previous, i++)
                if (Value(input, p, k.AreaCode, figure) is { } v) history.Add(v);
            if (history.Count < spec.MinimumHistory) continue;
            var mean = history.Average();
            var sd = (decimal)Math.Sqrt((double)(history.Sum(v => (v - mean) * (v - mean)) / (history.Count - 1)));
            var deviation = Math.Abs(x - mean);
            if (sd == 0 || deviation < spec.MinimumDeviation) continue;
            var z = deviation / sd;
            if (z < spec.ModerateSd) continue;
            var kind = z >= spec.ExtremeSd ? QualityKinds.OutlierExtreme : QualityKinds.OutlierModerate;
            var low = Math.Max(0, mean - spec.ModerateSd * sd);
            var high = mean + spec.ModerateSd * sd;
            flags.Add(Flag(kind, k, input.Period, figure, figureLabel(figure), x, Round(low), Round(high),
                catalogue.Text("why.outlier", ("value", x), ("months", history.Count), ("mean", Round(mean)), ("sd", Round(sd)), ("low", Round(low)), ("high", Round(high)))));
        }
    }

    private void Copied(QualityInput input, RegistryEntry k, IReadOnlyDictionary<string, decimal> now, List<QualityFlag> flags)
    {
        var spec = catalogue.CopiedForward;
        foreach (var figure in spec.Figures)
        {
            if (!now.TryGetValue(figure, out var x) || spec.IgnoreZero && x == 0) continue;
            var run = 1;
            var from = input.Period;
            for (var p = input.Period.Previous; Value(input, p, k.AreaCode, figure) == x; p = p.Previous) { run++; from = p; }
            if (run < spec.Months) continue;
            flags.Add(Flag(QualityKinds.CopiedForward, k, input.Period, figure, figureLabel(figure), x, null, null,
                catalogue.Text("why.copied-forward", ("value", x), ("months", run), ("from", IndonesianFormat.Month(from)), ("to", IndonesianFormat.Month(input.Period)))));
        }
    }

    private void Consistency(ReportingPeriod period, RegistryEntry k, IReadOnlyDictionary<string, decimal> now, List<QualityFlag> flags)
    {
        foreach (var rule in catalogue.Consistency)
        {
            var needed = rule.Right.Concat(rule.RightMinus ?? []).Concat(rule.Requires ?? []);
            if (!needed.All(now.ContainsKey) || !rule.Left.Any(now.ContainsKey)) continue;
            var left = rule.Left.Where(now.ContainsKey).Sum(c => now[c]);
            var limit = rule.Right.Sum(c => now[c]) - (rule.RightMinus ?? []).Sum(c => now[c]);
            var fails = rule.Equal ? left != limit : left > limit;
            if (!fails) continue;
            var label = catalogue.Texts["rule." + rule.Code];
            flags.Add(Flag(QualityKinds.Inconsistent, k, period, rule.Code, label, left, rule.Equal ? limit : 0, limit,
                catalogue.Text(rule.Equal ? "why.inconsistent.eq" : "why.inconsistent.le",
                    ("left", Names(rule.Left.Where(now.ContainsKey).ToList())), ("value", left),
                    ("right", Names(rule.Right) + string.Concat((rule.RightMinus ?? []).Select(m => " − " + figureLabel(m)))), ("limit", limit))));
        }
    }

    private string Names(IReadOnlyList<string> codes) => codes.Count <= 2 ? string.Join(" + ", codes.Select(figureLabel))
        : catalogue.Text("figures.many", ("count", codes.Count.ToString(CultureInfo.InvariantCulture)));

    private void Trend(QualityInput input, IReadOnlyDictionary<string, IReadOnlyDictionary<string, decimal>> current, List<QualityFlag> flags)
    {
        var spec = catalogue.KecamatanTrend;
        foreach (var district in input.Kampung.GroupBy(k => k.DistrictCode, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var districtName = district.Select(k => k.District).FirstOrDefault(d => !string.IsNullOrWhiteSpace(d)) ?? district.Key;
            foreach (var figure in spec.Figures)
            {
                decimal total = 0, expected = 0, worst = -1;
                RegistryEntry? contributor = null;
                foreach (var k in district)
                {
                    if (!current.TryGetValue(k.AreaCode, out var now) || !now.TryGetValue(figure, out var x)) continue;
                    var previous = new List<decimal>();
                    for (var (p, i) = (input.Period.Previous, 0); i < spec.PreviousMonths; p = p.Previous, i++)
                        if (Value(input, p, k.AreaCode, figure) is { } v) previous.Add(v);
                    if (previous.Count == 0) continue;
                    var mean = previous.Average();
                    total += x;
                    expected += mean;
                    if (Math.Abs(x - mean) > worst) { worst = Math.Abs(x - mean); contributor = k; }
                }
                if (contributor is null || expected < spec.MinimumExpected || expected <= 0) continue;
                if (Math.Abs(total / expected - 1) <= spec.MaximumChange) continue;
                var low = Round(expected * (1 - spec.MaximumChange));
                var high = Round(expected * (1 + spec.MaximumChange));
                flags.Add(Flag(QualityKinds.KecamatanTrend, contributor, input.Period, figure, figureLabel(figure), total, low, high,
                    catalogue.Text("why.kecamatan-trend", ("district", districtName), ("value", total), ("months", spec.PreviousMonths), ("expected", Round(expected)),
                        ("low", low), ("high", high), ("kampung", contributor.Name))));
            }
        }
    }

    private IReadOnlyList<QualityRank> Rank(QualityInput input, List<QualityFlag> flags)
    {
        var order = QualityCatalogue.Kinds.Select((k, i) => (k, i)).ToDictionary(x => x.k, x => x.i);
        var names = input.Kampung.ToDictionary(k => k.AreaCode, StringComparer.Ordinal);
        return flags.GroupBy(f => f.AreaCode, StringComparer.Ordinal)
            .Select(g => (Area: g.Key, Score: g.Sum(f => catalogue.Weights[f.Kind]), Flags: g.OrderBy(f => order[f.Kind]).ThenBy(f => f.Figure, StringComparer.Ordinal).ToList()))
            .OrderByDescending(x => x.Score).ThenByDescending(x => x.Flags.Count).ThenBy(x => x.Area, StringComparer.Ordinal)
            .Select((x, i) => new QualityRank(i + 1, x.Area, names[x.Area].Name, names[x.Area].District, x.Score, x.Flags))
            .ToList();
    }

    private static QualityFlag Flag(string kind, RegistryEntry k, ReportingPeriod p, string figure, string label, decimal value, decimal? low, decimal? high, string why) =>
        new(kind, k.AreaCode, k.Name, k.District, p, figure, label, value, low, high, why);

    /// <summary>Two decimals, half away from zero: ranges are shown, not computed with.</summary>
    private static decimal Round(decimal d) => Math.Round(d, 2, MidpointRounding.AwayFromZero);
}
