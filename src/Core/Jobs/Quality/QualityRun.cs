using KampungKB.Core.Model;
using KampungKB.Core.Registry;
using KampungKB.Core.Store;

namespace KampungKB.Core.Jobs.Quality;

/// <summary>
/// The data-quality review over the stores: the active kampung (registry) and the current reports of the month
/// and the <see cref="QualityCatalogue.OutlierSpec.HistoryMonths"/> before it, then <see cref="QualityReview"/>.
/// The recap's planner calls <see cref="Review(QualityReview, string, ReportingPeriod, IReadOnlyList{RegistryEntry}, IReadOnlyDictionary{ReportingPeriod, IReadOnlyDictionary{string, StoredReport}})"/>
/// with the months it already read.
/// </summary>
public sealed class QualityRun(RegistryStore registry, ReportStore reports, QualityReview review)
{
    public async Task<QualityReport> RunAsync(string regencyCode, ReportingPeriod period, CancellationToken cancellationToken = default)
    {
        var kampung = await registry.ListAsync(regencyCode, cancellationToken).ConfigureAwait(false);
        var history = new Dictionary<ReportingPeriod, IReadOnlyDictionary<string, StoredReport>>();
        for (var (p, i) = (period, 0); i <= review.Catalogue.Outliers.HistoryMonths; p = p.Previous, i++)
            history[p] = (await reports.ListAsync(regencyCode, p, cancellationToken).ConfigureAwait(false)).ToDictionary(r => r.AreaCode, StringComparer.Ordinal);
        return Review(review, regencyCode, period, kampung, history);
    }

    /// <summary>Reviews months already read (period → area code → current report) with <paramref name="review"/>; reads nothing.</summary>
    public static QualityReport Review(QualityReview review, string regencyCode, ReportingPeriod period, IReadOnlyList<RegistryEntry> kampung,
        IReadOnlyDictionary<ReportingPeriod, IReadOnlyDictionary<string, StoredReport>> history) =>
        review.Review(new QualityInput(regencyCode, period, kampung.OrderBy(k => k.AreaCode, StringComparer.Ordinal).ToList(),
            history.ToDictionary(h => h.Key, h => (IReadOnlyDictionary<string, IReadOnlyDictionary<string, decimal>>)h.Value.Values
                .Where(r => r.Indicators.Count > 0).ToDictionary(r => r.AreaCode, r => r.Indicators, StringComparer.Ordinal))));
}
