using KampungKB.Core.Model;
using KampungKB.Core.Rendering.Templating;
using KampungKB.Core.Uploads.Feedback;
using KampungKB.Core.Uploads;
using KampungKB.Core.Store;
using KampungKB.Core.Registry;

namespace KampungKB.Core.Jobs.Recaps;

/// <summary>
/// Coverage and timeliness over the last <see cref="Months"/> months, for the kabupaten/kota and each
/// kecamatan, from the reports already read for the recap. The denominator of every month is today's
/// registry (the registry keeps no membership history); months before the kabupaten's first report are
/// shown as "no data", not as missed.
/// </summary>
internal static class RecapTrend
{
    public const int Months = 12;

    /// <summary>Height in pixels of one month's bar in the email chart.</summary>
    public const int BarPixels = 32;

    public static TrendView Build(
        RegencySettings regency, ReportingPeriod period, IReadOnlyList<RegistryEntry> kampung,
        IReadOnlyDictionary<ReportingPeriod, IReadOnlyDictionary<string, StoredReport>> history)
    {
        var months = Enumerable.Range(0, Months).Select(i => Shift(period, i - Months + 1)).ToList();
        var firstUsed = history.Where(h => h.Value.Count > 0).Select(h => (ReportingPeriod?)h.Key).Min();

        TrendRow Row(string name, bool isTotal, IReadOnlyList<RegistryEntry> members)
        {
            var cells = months.Select(m =>
            {
                var hasData = firstUsed is { } f && m.CompareTo(f) >= 0 && history.ContainsKey(m);
                if (!hasData) return TrendCell.NoData(m.ToString(), members.Count);
                var reports = history[m];
                var deadlineEnd = RecapPlanner.EndOfDay(regency.DueDate(m), regency.TimeZone);
                var onTime = members.Count(k => reports.TryGetValue(k.AreaCode, out var r) && r.FirstArrival < deadlineEnd);
                var reported = members.Count(k => reports.ContainsKey(k.AreaCode));
                return TrendCell.Of(m.ToString(), members.Count, onTime, reported - onTime);
            }).ToList();
            return new TrendRow(name, isTotal, cells);
        }

        var rows = new List<TrendRow> { Row(regency.Name, true, kampung) };
        rows.AddRange(kampung
            .GroupBy(k => k.DistrictCode, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => Row(g.Select(k => k.District).FirstOrDefault(d => !string.IsNullOrWhiteSpace(d)) ?? g.Key, false, g.ToList())));
        return new TrendView(months.Select(m => new TrendMonth(m.ToString(), IndonesianFormat.MonthName(m.Month)[..3], m.Month == 1 || m == months[0] ? m.Year.ToString(System.Globalization.CultureInfo.InvariantCulture) : null)).ToList(), rows);
    }

    private static ReportingPeriod Shift(ReportingPeriod p, int months) => ReportingPeriod.Of(p.FirstDay.AddMonths(months));
}
