using KampungKB.Core.Model;
using KampungKB.Core.Registry;
using KampungKB.Core.Store;

namespace KampungKB.Core.Jobs.Classes;

/// <summary>
/// A month whose upload our validation refused but whose figures or activities the class as the BKKBN website computes
/// it used (the website has no such validation): the month, the upload and its error codes.
/// </summary>
internal sealed record RefusedReportUse(ReportingPeriod Period, string UploadId, IReadOnlyList<string> ProblemCodes);

/// <summary>
/// One kampung's class. <see cref="Now"/> is the class the BKKBN website computes from what the cadre reported — refused
/// uploads included (<see cref="Refused"/> lists them, with our problems); <see cref="Checked"/> is the class from the data
/// that passed our validation only, set only when it differs from <see cref="Now"/>. Previous and year-start classes are
/// the website's, as are the lifts. <see cref="PopulationAsOf"/> and <see cref="KkbpkAsOf"/> are the months of the
/// population and KKBPK figures used (the website's latest record of each, whatever its age).
/// </summary>
internal sealed record KampungClassRow(
    RegistryEntry Kampung,
    Classification Now,
    Classification? Previous,
    Classification? YearStart,
    IReadOnlyList<Lift> Lifts,
    ReportingPeriod? FiguresAsOf)
{
    public ReportingPeriod? PopulationAsOf { get; init; }
    public ReportingPeriod? KkbpkAsOf { get; init; }
    public IReadOnlyList<RefusedReportUse> Refused { get; init; } = [];
    public Classification? Checked { get; init; }
}

/// <summary>
/// The classes of one kabupaten/kota for a period: per kampung (area-code order), the baseline month of the
/// year, and the yearly target (at least <see cref="ClassCatalogue.YearlyRiseTarget"/> of the kampung rise a class).
/// </summary>
public sealed record ClassReport
{
    internal ClassReport(string regencyCode, ReportingPeriod period, ReportingPeriod? baseline, decimal targetRatio, IReadOnlyList<KampungClassRow> kampung)
    {
        RegencyCode = regencyCode;
        Period = period;
        Baseline = baseline;
        TargetRatio = targetRatio;
        Kampung = kampung;
    }

    /// <summary>The kabupaten/kota code, e.g. <c>63.71</c>.</summary>
    public string RegencyCode { get; init; }
    /// <summary>The month classified.</summary>
    public ReportingPeriod Period { get; init; }
    /// <summary>The year's baseline month (null: none stored before the period).</summary>
    public ReportingPeriod? Baseline { get; init; }
    /// <summary>The share of kampung that must rise a class this year (<see cref="ClassCatalogue.YearlyRiseTarget"/>).</summary>
    public decimal TargetRatio { get; init; }
    internal IReadOnlyList<KampungClassRow> Kampung { get; init; }
    /// <summary>True when the kabupaten/kota has no active kampung in the registry (an unknown code, to the CLI).</summary>
    public bool IsEmpty => Kampung.Count == 0;

    /// <summary>Computed classes counted, every class present (0 when none).</summary>
    public IReadOnlyDictionary<KampungClass, int> Distribution =>
        Enum.GetValues<KampungClass>().ToDictionary(c => c, c => Kampung.Count(k => k.Now.Class == c));

    /// <summary>The registry's official classes counted; kampung without one are left out (see <see cref="OfficialUnclassified"/>).</summary>
    public IReadOnlyDictionary<KampungClass, int> OfficialDistribution =>
        Enum.GetValues<KampungClass>().ToDictionary(c => c, c => Kampung.Count(k => k.Kampung.Class == c));

    public int OfficialUnclassified => Kampung.Count(k => k.Kampung.Class is null);

    /// <summary>Kampung whose computed class differs from the previous period's (up or down).</summary>
    internal IReadOnlyList<KampungClassRow> MovedSincePrevious => Kampung.Where(k => k.Previous is { } p && p.Class != k.Now.Class).ToList();

    /// <summary>Kampung whose computed class differs from the start of the year's.</summary>
    internal IReadOnlyList<KampungClassRow> MovedSinceYearStart => Kampung.Where(k => k.YearStart is { } y && y.Class != k.Now.Class).ToList();

    /// <summary>Kampung whose computed class is higher than at the start of the year.</summary>
    public int RoseThisYear => Kampung.Count(k => k.YearStart is { } y && k.Now.Class > y.Class);

    /// <summary>⌈kampung × target ratio⌉: how many must rise this year.</summary>
    public int TargetCount => (int)Math.Ceiling(Kampung.Count * TargetRatio);

    public int MoreToRise => Math.Max(0, TargetCount - RoseThisYear);

    /// <summary>
    /// The kabupaten's retired kampung (no longer in its registry import, <see cref="RegistryEntry.IsRetired"/>): not classified,
    /// in no count, named once as retired; area-code order.
    /// </summary>
    public IReadOnlyList<RegistryEntry> Retired { get; init; } = [];
}

/// <summary>
/// Gathers the classification's inputs from what is stored (docs/classification.md) and classifies every registered kampung
/// of a kabupaten/kota as the BKKBN website does: the profile from the registry; the population figures from the kampung's
/// latest month with any population figure and the KKBPK figures from its latest month with any KKBPK figure (separately,
/// whatever their age); distinct partner agencies of the website's closed list over all its activities up to the period,
/// every free-text partner together counting once as "Lainnya". The history is every month back until
/// <see cref="ClassCatalogue.HistoryGapMonths"/> months in a row hold nothing. Each month is read once
/// (<see cref="ReportMonths"/>, shared with the recap). The same profile is used for every month (the registry keeps no dated
/// profile history).
/// </summary>
public sealed class ClassReader(RegistryStore registry, ReportStore reports, KampungClassifier classifier)
{
    /// <summary>No Kampung KB existed before the programme began (2016); the history walk never goes further back.</summary>
    private static readonly ReportingPeriod Floor = new(2016, 1);

    private sealed record Part(ReportingPeriod Period, IReadOnlyDictionary<string, decimal>? Figures, IReadOnlyList<string>? Partners, ReportedUpload? Refused);

    /// <param name="months">The request's month cache (the recap passes its own); a new one when null.</param>
    public async Task<ClassReport> ReadAsync(string regencyCode, ReportingPeriod period, CancellationToken cancellationToken = default, ReportMonths? months = null)
    {
        var catalogue = classifier.Catalogue;
        months ??= new ReportMonths(reports, regencyCode);
        var listed = (await registry.ListAsync(regencyCode, cancellationToken, includeRetired: true).ConfigureAwait(false))
            .OrderBy(k => k.AreaCode, StringComparer.Ordinal).ToList();
        var kampung = listed.Where(k => !k.IsRetired).ToList();
        var yearEnd = new ReportingPeriod(period.Year - 1, 12);

        // Newest first, back to the end of last year at least, then until a long enough run of empty months.
        var history = new List<ReportMonth>();
        var gap = 0;
        for (var p = period; p.CompareTo(Floor) >= 0 && (p.CompareTo(yearEnd) >= 0 || gap < catalogue.HistoryGapMonths); p = p.Previous)
        {
            var m = await months.GetAsync(p, cancellationToken).ConfigureAwait(false);
            history.Add(m);
            gap = m.IsEmpty ? gap + 1 : 0;
        }

        bool Reported(ReportingPeriod upTo) => history.Any(m => m.Period.CompareTo(upTo) <= 0 && !m.IsEmpty);
        ReportingPeriod? baseline = Reported(yearEnd) ? yearEnd
            : history.Where(m => m.Period.Year == period.Year && !m.IsEmpty).Select(m => m.Period).Order().Cast<ReportingPeriod?>().FirstOrDefault();
        var previousReported = Reported(period.Previous);

        var rows = new List<KampungClassRow>(kampung.Count);
        foreach (var k in kampung)
        {
            var website = await PartsAsync(k.AreaCode, history, months, withRefused: true, cancellationToken).ConfigureAwait(false);
            var checkedParts = await PartsAsync(k.AreaCode, history, months, withRefused: false, cancellationToken).ConfigureAwait(false);
            var now = Classify(k, period, website);
            var check = Classify(k, period, checkedParts);
            var previous = previousReported ? Classify(k, period.Previous, website).Class : null;
            var start = baseline is { } b ? Classify(k, b, website).Class : null;
            rows.Add(new KampungClassRow(k, now.Class, previous, start, classifier.Lifts(now.Class), Later(now.Population, now.Kkbpk))
            {
                PopulationAsOf = now.Population,
                KkbpkAsOf = now.Kkbpk,
                Refused = now.Refused,
                Checked = check.Class.Class != now.Class.Class ? check.Class : null,
            });
        }
        return new ClassReport(regencyCode, period, baseline, catalogue.YearlyRiseTarget, rows) { Retired = listed.Where(k => k.IsRetired).ToList() };
    }

    /// <summary>
    /// One kampung's class row for <paramref name="period"/> (the dashboard's kampung page), from its own months only: two point
    /// reads per month (<see cref="ReportStore.GetKampungMonthAsync"/>), twelve months at a time, back until
    /// <see cref="ClassCatalogue.HistoryGapMonths"/> months in a row hold nothing for it. <c>Now</c>, <c>Checked</c> and the lifts
    /// equal the row <see cref="ReadAsync"/> gives (they use only the kampung's data); the previous and year-start classes are
    /// judged on the kampung's own months, not on whether anyone in the kabupaten reported.
    /// </summary>
    internal async Task<KampungClassRow> ReadKampungAsync(RegistryEntry kampung, ReportingPeriod period, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(kampung);
        var catalogue = classifier.Catalogue;
        var months = new ReportMonths(reports, kampung.RegencyCode);
        var yearEnd = new ReportingPeriod(period.Year - 1, 12);
        var history = new List<ReportMonth>();
        var gap = 0;
        var next = period;
        while (next.CompareTo(Floor) >= 0 && (next.CompareTo(yearEnd) >= 0 || gap < catalogue.HistoryGapMonths))
        {
            var batch = new List<ReportingPeriod>();
            for (var i = 0; i < 12 && next.CompareTo(Floor) >= 0; i++, next = next.Previous) batch.Add(next);
            var read = await Task.WhenAll(batch.Select(p => reports.GetKampungMonthAsync(kampung.RegencyCode, kampung.AreaCode, p, cancellationToken))).ConfigureAwait(false);
            var stop = false;
            foreach (var m in read)
            {
                if (!(m.Period.CompareTo(yearEnd) >= 0 || gap < catalogue.HistoryGapMonths)) { stop = true; break; }
                history.Add(m);
                gap = m.IsEmpty ? gap + 1 : 0;
            }
            if (stop) break;
        }
        bool Reported(ReportingPeriod upTo) => history.Any(m => m.Period.CompareTo(upTo) <= 0 && !m.IsEmpty);
        ReportingPeriod? baseline = Reported(yearEnd) ? yearEnd
            : history.Where(m => m.Period.Year == period.Year && !m.IsEmpty).Select(m => m.Period).Order().Cast<ReportingPeriod?>().FirstOrDefault();
        // A pointer written before pointers carried partner lines: this kampung's own activity rows (one RowKey range), not the
        // kabupaten's month that ReportMonths.PartnersAsync would read.
        for (var i = 0; i < history.Count; i++)
            if (history[i].Current.GetValueOrDefault(kampung.AreaCode) is { Partners: null, ActivitiesVersion: not null } legacy)
            {
                var rows = await reports.ListKampungActivitiesAsync(kampung.RegencyCode, legacy, cancellationToken).ConfigureAwait(false);
                var lines = rows.Where(a => a.Partners.Count > 0).Select(a => string.Join(" dan ", a.Partners)).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
                history[i] = history[i] with { Current = new Dictionary<string, StoredReport>(StringComparer.Ordinal) { [kampung.AreaCode] = legacy with { Partners = lines } } };
            }
        var website = await PartsAsync(kampung.AreaCode, history, months, withRefused: true, cancellationToken).ConfigureAwait(false);
        var checkedParts = await PartsAsync(kampung.AreaCode, history, months, withRefused: false, cancellationToken).ConfigureAwait(false);
        var now = Classify(kampung, period, website);
        var check = Classify(kampung, period, checkedParts);
        var previous = Reported(period.Previous) ? Classify(kampung, period.Previous, website).Class : null;
        var start = baseline is { } b ? Classify(kampung, b, website).Class : null;
        return new KampungClassRow(kampung, now.Class, previous, start, classifier.Lifts(now.Class), Later(now.Population, now.Kkbpk))
        {
            PopulationAsOf = now.Population,
            KkbpkAsOf = now.Kkbpk,
            Refused = now.Refused,
            Checked = check.Class.Class != now.Class.Class ? check.Class : null,
        };
    }

    private static ReportingPeriod? Later(ReportingPeriod? a, ReportingPeriod? b) =>
        a is { } x && b is { } y ? (x.CompareTo(y) >= 0 ? x : y) : a ?? b;

    /// <summary>
    /// Per month (newest first), what counts for the kampung: the figures and the partner lines of its current report, or —
    /// in the website's view — of its latest refused upload when that is newer than the accepted part (the website keeps the
    /// cadre's latest submission).
    /// </summary>
    private static async Task<List<Part>> PartsAsync(string area, List<ReportMonth> history, ReportMonths months, bool withRefused, CancellationToken ct)
    {
        var parts = new List<Part>();
        foreach (var m in history)
        {
            m.Current.TryGetValue(area, out var report);
            var refused = withRefused && m.Reported.TryGetValue(area, out var r) ? r : null;
            IReadOnlyDictionary<string, decimal>? figures = report is { Indicators.Count: > 0 } ? report.Indicators : null;
            IReadOnlyList<string>? partners = report?.ActivitiesVersion is not null ? await months.PartnersAsync(report, ct).ConfigureAwait(false) : null;
            var used = false;
            if (refused is { Indicators.Count: > 0 } && (figures is null || refused.ReceivedAt > (report!.IndicatorsReceivedAt ?? report.ReceivedAt)))
            { figures = refused.Indicators; used = true; }
            if (refused?.Partners is { } rp && (partners is null || refused.ReceivedAt > (report!.ActivitiesReceivedAt ?? report.ReceivedAt)))
            { partners = rp; used = true; }
            if (figures is not null || partners is not null) parts.Add(new Part(m.Period, figures, partners, used ? refused : null));
        }
        return parts;
    }

    private (Classification Class, ReportingPeriod? Population, ReportingPeriod? Kkbpk, IReadOnlyList<RefusedReportUse> Refused) Classify(
        RegistryEntry k, ReportingPeriod at, List<Part> parts)
    {
        var upTo = parts.Where(p => p.Period.CompareTo(at) <= 0).ToList();
        var population = upTo.FirstOrDefault(p => p.Figures?.Keys.Any(IndicatorValues.PopulationCodes.Contains) == true);
        var kkbpk = upTo.FirstOrDefault(p => p.Figures?.Keys.Any(c => !IndicatorValues.PopulationCodes.Contains(c)) == true);
        Dictionary<string, decimal>? figures = null;
        if (population is not null || kkbpk is not null)
        {
            figures = new Dictionary<string, decimal>(StringComparer.Ordinal);
            foreach (var (c, v) in population?.Figures ?? new Dictionary<string, decimal>()) if (IndicatorValues.PopulationCodes.Contains(c)) figures[c] = v;
            foreach (var (c, v) in kkbpk?.Figures ?? new Dictionary<string, decimal>()) if (!IndicatorValues.PopulationCodes.Contains(c)) figures[c] = v;
        }

        // The website's count(distinct instansi_id) over all the kampung's interventions: each agency of its list once, all
        // free-text partners (its "Lainnya" with instansi_lainnya) together once.
        int? partners = null;
        var agencies = new HashSet<string>(StringComparer.Ordinal);
        var list = classifier.Catalogue.Options["partners"];
        foreach (var p in upTo.Where(p => p.Partners is not null))
        {
            partners = 0;
            foreach (var line in p.Partners!)
            {
                var match = list.Match(line);
                agencies.UnionWith(match.Options);
                if (match.Unknown.Count > 0 && list.Other is { } other) agencies.Add(other);
            }
        }
        if (partners is not null) partners = agencies.Count;

        var refused = new[] { population, kkbpk }.Concat(upTo.Where(p => p.Partners is not null))
            .Where(p => p?.Refused is not null).Select(p => p!).DistinctBy(p => p.Period)
            .Select(p => new RefusedReportUse(p.Period, p.Refused!.UploadId, p.Refused.ProblemCodes)).OrderBy(r => r.Period).ToList();
        return (classifier.Classify(new ClassInputs(k.Profile, figures, partners)), population?.Period, kkbpk?.Period, refused);
    }

    /// <summary>"2025-09 (not-a-number, date-outside-period)": the months and codes of refused uploads, for texts.</summary>
    internal static string Describe(IEnumerable<RefusedReportUse> refused, ClassCatalogue catalogue) =>
        string.Join("; ", refused.Select(r => catalogue.Text("problemsRefused", ("period", r.Period.ToString()), ("codes", string.Join(", ", r.ProblemCodes)))));

    /// <summary>Why the class from checked data only differs: the refused months it leaves out.</summary>
    internal static string CheckedReason(KampungClassRow row, ClassCatalogue catalogue) =>
        catalogue.Text("reasonRefused", ("periods", string.Join(", ", row.Refused.Select(r => r.Period.ToString()))));
}
