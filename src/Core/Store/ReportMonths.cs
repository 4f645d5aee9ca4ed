using KampungKB.Core.Model;

namespace KampungKB.Core.Store;

/// <summary>
/// The months of one kabupaten/kota read once each (<see cref="ReportStore.ListMonthAsync"/>), shared by the readers of one
/// request (the recap's history and its class section), so no month's pointers are read twice. Not thread-safe; one per request.
/// </summary>
public sealed class ReportMonths(ReportStore store, string regencyCode)
{
    private readonly Dictionary<ReportingPeriod, ReportMonth> _months = [];
    private readonly Dictionary<(ReportingPeriod, string), IReadOnlyList<string>> _legacyPartners = [];
    private readonly HashSet<ReportingPeriod> _activitiesRead = [];

    public string RegencyCode => regencyCode;

    /// <summary>How many month partitions were queried (each at most once).</summary>
    public int MonthsRead => _months.Count;

    /// <summary>The month's reports and refused uploads' "as reported" rows: read on first use, then from memory.</summary>
    internal async Task<ReportMonth> GetAsync(ReportingPeriod period, CancellationToken cancellationToken = default)
    {
        if (_months.TryGetValue(period, out var m)) return m;
        m = await store.ListMonthAsync(regencyCode, period, cancellationToken).ConfigureAwait(false);
        _months[period] = m;
        return m;
    }

    /// <summary>
    /// The partner lines of a kampung's current activities (<see cref="StoredReport.Partners"/>); for a pointer written before
    /// pointers carried them, from the month's activity rows (read once per month, only then).
    /// </summary>
    public async Task<IReadOnlyList<string>> PartnersAsync(StoredReport report, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (report.Partners is { } known) return known;
        if (_activitiesRead.Add(report.Period))
        {
            var month = await GetAsync(report.Period, cancellationToken).ConfigureAwait(false);
            var rows = await store.ListActivitiesAsync(regencyCode, report.Period, month.Current.Values, cancellationToken).ConfigureAwait(false);
            foreach (var g in rows.GroupBy(r => r.AreaCode, StringComparer.Ordinal))
                _legacyPartners[(report.Period, g.Key)] = g.Where(r => r.Activity.Partners.Count > 0)
                    .Select(r => string.Join(" dan ", r.Activity.Partners)).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
        }
        return _legacyPartners.GetValueOrDefault((report.Period, report.AreaCode)) ?? [];
    }
}
