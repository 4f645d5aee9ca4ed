using KampungKB.Core.Model;
using KampungKB.Core.Registry;
using KampungKB.Core.Store;

namespace KampungKB.Core.Jobs.Classes;

/// <summary>
/// One kampung's computed class now, at the end of the previous period and at the start of the year (the
/// baseline of the yearly target; null when nothing was reported by then), with the lifts toward the next class.
/// <see cref="FiguresAsOf"/> is the month the output figures come from.
/// </summary>
public sealed record KampungClassRow(
    RegistryEntry Kampung,
    Classification Now,
    Classification? Previous,
    Classification? YearStart,
    IReadOnlyList<Lift> Lifts,
    ReportingPeriod? FiguresAsOf);

/// <summary>
/// The classes of one kabupaten/kota for a period: per kampung (area-code order), the baseline month of the
/// year, and the yearly target (at least <see cref="ClassCatalogue.YearlyRiseTarget"/> of the kampung rise a class).
/// </summary>
public sealed record ClassReport(string RegencyCode, ReportingPeriod Period, ReportingPeriod? Baseline, decimal TargetRatio, IReadOnlyList<KampungClassRow> Kampung)
{
    /// <summary>Computed classes counted, every class present (0 when none).</summary>
    public IReadOnlyDictionary<KampungClass, int> Distribution =>
        Enum.GetValues<KampungClass>().ToDictionary(c => c, c => Kampung.Count(k => k.Now.Class == c));

    /// <summary>The registry's official classes counted; kampung without one are left out (see <see cref="OfficialUnclassified"/>).</summary>
    public IReadOnlyDictionary<KampungClass, int> OfficialDistribution =>
        Enum.GetValues<KampungClass>().ToDictionary(c => c, c => Kampung.Count(k => k.Kampung.Class == c));

    public int OfficialUnclassified => Kampung.Count(k => k.Kampung.Class is null);

    /// <summary>Kampung whose computed class differs from the previous period's (up or down).</summary>
    public IReadOnlyList<KampungClassRow> MovedSincePrevious => Kampung.Where(k => k.Previous is { } p && p.Class != k.Now.Class).ToList();

    /// <summary>Kampung whose computed class differs from the start of the year's.</summary>
    public IReadOnlyList<KampungClassRow> MovedSinceYearStart => Kampung.Where(k => k.YearStart is { } y && y.Class != k.Now.Class).ToList();

    /// <summary>Kampung whose computed class is higher than at the start of the year.</summary>
    public int RoseThisYear => Kampung.Count(k => k.YearStart is { } y && k.Now.Class > y.Class);

    /// <summary>⌈kampung × target ratio⌉: how many must rise this year.</summary>
    public int TargetCount => (int)Math.Ceiling(Kampung.Count * TargetRatio);

    public int MoreToRise => Math.Max(0, TargetCount - RoseThisYear);
}

/// <summary>
/// Gathers the classification's inputs from what is stored (docs/classification.md) and classifies every
/// registered kampung of a kabupaten/kota: the profile columns from the registry; the output figures from
/// the latest report with figures within <see cref="ClassCatalogue.FiguresLookbackMonths"/>; distinct
/// partner agencies over the activities of the last <see cref="ClassCatalogue.PartnerWindowMonths"/> months.
/// The same profile is used for every month (the registry keeps no dated profile history).
/// </summary>
public sealed class ClassReader(RegistryStore registry, ReportStore reports, KampungClassifier classifier)
{
    private sealed record Month(IReadOnlyDictionary<string, StoredReport> Reports, ILookup<string, Activity> Activities);

    public async Task<ClassReport> ReadAsync(string regencyCode, ReportingPeriod period, CancellationToken cancellationToken = default)
    {
        var catalogue = classifier.Catalogue;
        var kampung = (await registry.ListAsync(regencyCode, cancellationToken).ConfigureAwait(false))
            .OrderBy(k => k.AreaCode, StringComparer.Ordinal).ToList();
        var yearEnd = new ReportingPeriod(period.Year - 1, 12);
        var reach = Math.Max(catalogue.FiguresLookbackMonths, catalogue.PartnerWindowMonths) - 1;
        var months = new Dictionary<ReportingPeriod, Month>();
        // The end of last year is never later than the previous period, so this window covers now, last month and the baseline.
        for (var m = Back(yearEnd, reach); m.CompareTo(period) <= 0; m = m.Next)
            months[m] = await LoadAsync(regencyCode, m, cancellationToken).ConfigureAwait(false);

        // The baseline: the end of last year when anything had been reported by then, else the first month of this year with reports.
        ReportingPeriod? baseline = months.Any(m => m.Key.CompareTo(yearEnd) <= 0 && m.Value.Reports.Count > 0) ? yearEnd
            : months.Keys.Where(m => m.Year == period.Year && m.CompareTo(period) <= 0 && months[m].Reports.Count > 0).Order().Cast<ReportingPeriod?>().FirstOrDefault();
        var previousReported = months.Any(m => m.Key.CompareTo(period.Previous) <= 0 && m.Value.Reports.Count > 0);

        var rows = new List<KampungClassRow>(kampung.Count);
        foreach (var k in kampung)
        {
            var (now, asOf) = Classify(k, period, months);
            var previous = previousReported ? Classify(k, period.Previous, months).Class : null;
            var start = baseline is { } b ? Classify(k, b, months).Class : null;
            rows.Add(new KampungClassRow(k, now, previous, start, classifier.Lifts(now), asOf));
        }
        return new ClassReport(regencyCode, period, baseline, catalogue.YearlyRiseTarget, rows);
    }

    private (Classification Class, ReportingPeriod? AsOf) Classify(RegistryEntry k, ReportingPeriod at, IReadOnlyDictionary<ReportingPeriod, Month> months)
    {
        var catalogue = classifier.Catalogue;
        IReadOnlyDictionary<string, decimal>? figures = null;
        ReportingPeriod? asOf = null;
        for (var (p, i) = (at, 0); i < catalogue.FiguresLookbackMonths; p = p.Previous, i++)
            if (months.TryGetValue(p, out var m) && m.Reports.TryGetValue(k.AreaCode, out var r) && r.Indicators.Count > 0)
            { figures = r.Indicators; asOf = p; break; }

        int? partners = null;
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var (p, i) = (at, 0); i < catalogue.PartnerWindowMonths; p = p.Previous, i++)
        {
            if (!months.TryGetValue(p, out var m) || !m.Reports.TryGetValue(k.AreaCode, out var r) || r.ActivitiesVersion is null) continue;
            partners = 0;
            foreach (var a in m.Activities[k.AreaCode])
                foreach (var name in a.Partners)
                    if (string.Join(' ', name.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)) is { Length: > 0 } tidy) seen.Add(tidy);
        }
        if (partners is not null) partners = seen.Count;
        return (classifier.Classify(new ClassInputs(k.Profile, figures, partners)), asOf);
    }

    private async Task<Month> LoadAsync(string regencyCode, ReportingPeriod period, CancellationToken ct)
    {
        var list = await reports.ListAsync(regencyCode, period, ct).ConfigureAwait(false);
        var activities = list.Any(r => r.ActivitiesVersion is not null)
            ? (await reports.ListActivitiesAsync(regencyCode, period, ct).ConfigureAwait(false)).ToLookup(a => a.AreaCode, a => a.Activity, StringComparer.Ordinal)
            : Array.Empty<(string AreaCode, Activity Activity)>().ToLookup(a => a.AreaCode, a => a.Activity, StringComparer.Ordinal);
        return new Month(list.ToDictionary(r => r.AreaCode, StringComparer.Ordinal), activities);
    }

    private static ReportingPeriod Back(ReportingPeriod p, int months)
    {
        for (var i = 0; i < months; i++) p = p.Previous;
        return p;
    }
}
