using System.Globalization;
using System.Text;
using KampungKB.Core.Model;
using KampungKB.Core.Rendering.Exports;
using KampungKB.Core.Store;

namespace KampungKB.Core.Dashboard;

/// <summary>The indicators the trends page charts (its tabs, <c>?indikator=</c>).</summary>
internal static class TrendIndicators
{
    /// <summary>Kampung with an accepted report / active kampung of today's registry.</summary>
    public const string Reporting = "laporan";
    /// <summary>CPR: Σ KB aktif / Σ PUS over the kampung whose month holds both (domain.md: ratios of sums, never averaged).</summary>
    public const string Cpr = "cpr";
    /// <summary>Unmet need: Σ unmet need / Σ PUS over the kampung whose month holds both.</summary>
    public const string UnmetNeed = "unmet";
    /// <summary>Activity participants: Σ over the month's accepted reports.</summary>
    public const string Participants = "peserta";

    public static readonly IReadOnlyList<string> All = [Reporting, Cpr, UnmetNeed, Participants];

    public static bool IsPercent(string code) => code != Participants;
}

/// <summary>One month's value of a series: <c>YYYY-MM</c>, the short label ("Okt"), the value (null: no data) and its text.</summary>
internal sealed record TrendPoint(string Period, string Label, decimal? Value, string Text);

/// <summary>One chart: the kabupaten/kota or one kecamatan, its twelve points, the latest value's text and the chart as inline SVG.</summary>
internal sealed record TrendSeries(string Name, bool IsTotal, int Kampung, IReadOnlyList<TrendPoint> Points, string Latest, string Svg);

/// <summary>The trends page (templates/dashboard/trends.hbs): the month picker, tabs, the kabupaten chart, one chart per kecamatan.</summary>
internal sealed record TrendsView(string RegencyCode, string Indicator, string IndicatorLabel, string? Note, IReadOnlyList<DashboardTab> Tabs,
    TrendSeries Total, IReadOnlyList<TrendSeries> Kecamatan, string FirstMonth, string LastMonth)
{
    /// <summary>The links to the twelve months ending a month earlier and later (null before the page is given one).</summary>
    public TrendMonthPicker? Picker { get; init; }
}

/// <summary>
/// The trends page's month picker, as the overview's: the last month shown (<see cref="Month"/>, "Oktober 2025"), the link to
/// the twelve months ending a month earlier, and a month later unless the shown month is the one now due (<see cref="Next"/> null).
/// </summary>
internal sealed record TrendMonthPicker(string Month, string? Previous, string PreviousLabel, string? Next, string NextLabel);

/// <summary>One tab of a page: label, link, whether it is the one shown.</summary>
internal sealed record DashboardTab(string Label, string Href, bool Current);

/// <summary>
/// Builds the trends from twelve months of one kabupaten/kota (<see cref="ReportStore.ListMonthAsync"/>: one partition per month,
/// not the upload history) and today's registry (its active kampung are every month's denominator; the registry keeps no
/// membership history, as the recap's trend). Each month uses that month's accepted reports only: no figure is carried
/// forward, so a month reads exactly what was reported in it. Pure; unit-tested.
/// </summary>
internal static class TrendPlanner
{
    /// <param name="text">A dashboard text by key with its placeholders filled.</param>
    /// <param name="month">The month the page was asked to end with (kept in the tabs' links); null for the month now due.</param>
    public static TrendsView Plan(string regencyCode, string regencyName, string indicator, IReadOnlyList<RegistryEntry> kampung,
        IReadOnlyList<ReportMonth> months, Func<string, (string Name, string Value)[], string> text, ReportingPeriod? month = null)
    {
        ArgumentNullException.ThrowIfNull(kampung);
        ArgumentNullException.ThrowIfNull(months);
        ArgumentNullException.ThrowIfNull(text);
        if (!TrendIndicators.All.Contains(indicator)) indicator = TrendIndicators.Reporting;
        var ordered = months.OrderBy(m => m.Period).ToList();
        var active = kampung.Where(k => !k.IsRetired).ToList();
        var label = text("trend_" + indicator, []);

        TrendSeries Series(string name, bool total, IReadOnlyList<RegistryEntry> members)
        {
            var areas = members.Select(m => m.AreaCode).ToHashSet(StringComparer.Ordinal);
            var points = ordered.Select(m =>
            {
                var reports = m.Current.Values.Where(r => areas.Contains(r.AreaCode)).ToList();
                var value = Value(indicator, reports, members.Count);
                var short_ = IndonesianFormat.MonthName(m.Period.Month)[..3];
                return new TrendPoint(m.Period.ToString(), short_, value, value is { } v ? Format(indicator, v) : "–");
            }).ToList();
            var latest = points.LastOrDefault(p => p.Value is not null);
            var latestText = latest is null ? text("trend_no_data", []) : text("trend_latest", [("value", latest.Text), ("month", IndonesianFormat.Month(latest.Period))]);
            return new TrendSeries(name, total, members.Count, points, latestText,
                SvgChart.Line(name + ": " + label, points, TrendIndicators.IsPercent(indicator), total ? SvgChart.LargeHeight : SvgChart.SmallHeight));
        }

        var kecamatan = active.GroupBy(k => k.DistrictCode, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => Series(g.Select(k => k.District).FirstOrDefault(d => !string.IsNullOrWhiteSpace(d)) ?? g.Key, false, g.ToList()))
            .ToList();
        var tabs = TrendIndicators.All.Select(i => new DashboardTab(text("trend_" + i, []), DashboardRoutes.TrendsPath(regencyCode, i, month), i == indicator)).ToList();
        return new TrendsView(regencyCode, indicator, label, text("trend_note_" + indicator, []), tabs, Series(regencyName, true, active), kecamatan,
            ordered.Count > 0 ? IndonesianFormat.Month(ordered[0].Period.ToString()) : "", ordered.Count > 0 ? IndonesianFormat.Month(ordered[^1].Period.ToString()) : "");
    }

    /// <summary>
    /// The picker of a trends page ending with <paramref name="shown"/>: the month before (none before January 2016, the first
    /// month the dashboard offers) and the month after, never past <paramref name="due"/>, the month now due.
    /// </summary>
    public static TrendMonthPicker Picker(string regencyCode, string indicator, ReportingPeriod shown, ReportingPeriod due)
    {
        var previous = shown.Previous;
        return new TrendMonthPicker(IndonesianFormat.Month(shown.ToString()),
            previous.CompareTo(FirstMonth) >= 0 ? DashboardRoutes.TrendsPath(regencyCode, indicator, previous) : null, Beside(previous, shown),
            shown.CompareTo(due) < 0 ? DashboardRoutes.TrendsPath(regencyCode, indicator, shown.Next == due ? null : shown.Next) : null,
            Beside(shown.Next, shown));
    }

    /// <summary>
    /// A picker button's label: the month's name alone when it is in the shown month's year (the heading above names the year),
    /// else with its year ("Desember 2024" under "Januari 2025"); so both buttons fit one line on a 360 px phone (docs/dashboard.md).
    /// </summary>
    private static string Beside(ReportingPeriod month, ReportingPeriod shown) =>
        month.Year == shown.Year ? IndonesianFormat.MonthName(month.Month) : IndonesianFormat.Month(month.ToString());

    /// <summary>The first month a dashboard page offers, as <see cref="KampungPages.Month"/> (Kampung KB began in January 2016).</summary>
    public static readonly ReportingPeriod FirstMonth = new(2016, 1);

    /// <summary>The value of one indicator over one month's reports of <paramref name="registered"/> kampung; null when nothing reports it.</summary>
    public static decimal? Value(string indicator, IReadOnlyList<StoredReport> reports, int registered) => indicator switch
    {
        TrendIndicators.Reporting => registered == 0 ? null : (decimal)reports.Count / registered,
        TrendIndicators.Cpr => Ratio(reports, "kb_active", "pus"),
        TrendIndicators.UnmetNeed => Ratio(reports, "unmet_need", "pus"),
        TrendIndicators.Participants => reports.Any(r => r.ActivitiesVersion is not null) ? reports.Sum(r => r.Participants) : null,
        _ => null,
    };

    /// <summary>Σ numerator / Σ denominator over the reports holding both with a positive denominator (never an average of ratios).</summary>
    public static decimal? Ratio(IEnumerable<StoredReport> reports, string numerator, string denominator)
    {
        decimal num = 0, den = 0;
        var any = false;
        foreach (var r in reports)
        {
            if (!r.Indicators.TryGetValue(denominator, out var d) || d <= 0 || !r.Indicators.TryGetValue(numerator, out var n)) continue;
            num += n;
            den += d;
            any = true;
        }
        return any ? num / den : null;
    }

    private static string Format(string indicator, decimal v) =>
        TrendIndicators.IsPercent(indicator) ? IndonesianFormat.Percent(v) : IndonesianFormat.Number(v, 0);
}

/// <summary>
/// Line charts as inline SVG, drawn on the server (no script, no CDN): a 320-unit-wide view box that scales to the column, so
/// at 360 px its 11-unit labels print at about 11 px. Gaps (months without data) break the line. Every text is HTML-encoded.
/// </summary>
internal static class SvgChart
{
    public const int Width = 320;
    public const int LargeHeight = 170;
    public const int SmallHeight = 120;
    private const int Left = 34, Right = 16, Top = 10, Bottom = 22;

    /// <param name="title">The chart's accessible name (its &lt;title&gt;).</param>
    public static string Line(string title, IReadOnlyList<TrendPoint> points, bool percent, int height)
    {
        ArgumentNullException.ThrowIfNull(points);
        var values = points.Where(p => p.Value is not null).Select(p => p.Value!.Value).ToList();
        var max = percent ? NicePercent(values.DefaultIfEmpty(0).Max()) : Nice(values.DefaultIfEmpty(0).Max());
        var plotW = Width - Left - Right;
        var plotH = height - Top - Bottom;
        double X(int i) => Left + (points.Count <= 1 ? plotW / 2.0 : plotW * i / (double)(points.Count - 1));
        double Y(decimal v) => Top + plotH - (max == 0 ? 0 : (double)(v / max) * plotH);
        static string F(double d) => d.ToString("0.#", CultureInfo.InvariantCulture);

        var sb = new StringBuilder(1400);
        sb.Append(CultureInfo.InvariantCulture, $"<svg viewBox=\"0 0 {Width} {height}\" width=\"100%\" role=\"img\" aria-label=\"{ExportSanitizer.Html(title)}\" class=\"chart\">");
        sb.Append("<title>").Append(ExportSanitizer.Html(title)).Append("</title>");
        // Three grid lines with their axis values.
        for (var g = 0; g <= 2; g++)
        {
            var v = max * g / 2;
            var y = F(Y(v));
            sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{y}\" y2=\"{y}\" stroke=\"#dde3e0\"/>");
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left - 4}\" y=\"{F(Y(v) + 4)}\" text-anchor=\"end\" font-size=\"11\" fill=\"#52606d\">{ExportSanitizer.Html(percent ? IndonesianFormat.Percent(v, 0) : Short(v))}</text>");
        }
        // Month labels: every second month, and the last.
        for (var i = 0; i < points.Count; i++)
            if (i % 2 == (points.Count - 1) % 2)
                sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(X(i))}\" y=\"{height - 6}\" text-anchor=\"middle\" font-size=\"11\" fill=\"#52606d\">{ExportSanitizer.Html(points[i].Label)}</text>");
        // The line, broken at gaps, and a dot per month with data.
        var path = new StringBuilder();
        var pen = false;
        for (var i = 0; i < points.Count; i++)
        {
            if (points[i].Value is not { } v) { pen = false; continue; }
            path.Append(pen ? 'L' : 'M').Append(F(X(i))).Append(',').Append(F(Y(v)));
            pen = true;
        }
        if (path.Length > 0) sb.Append("<path d=\"").Append(path).Append("\" fill=\"none\" stroke=\"#0b6e4f\" stroke-width=\"2.5\"/>");
        for (var i = 0; i < points.Count; i++)
            if (points[i].Value is { } v)
                sb.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{F(X(i))}\" cy=\"{F(Y(v))}\" r=\"3\" fill=\"#0b6e4f\"><title>{ExportSanitizer.Html(points[i].Period + ": " + points[i].Text)}</title></circle>");
        sb.Append("</svg>");
        return sb.ToString();
    }

    /// <summary>The percent axis top: 100% unless every value is under 50% (then 50%), so small rates stay visible.</summary>
    internal static decimal NicePercent(decimal max) => max <= 0.5m ? 0.5m : 1m;

    /// <summary>A round axis top at or above <paramref name="max"/> (1, 2 or 5 × 10ⁿ); 10 for an empty series.</summary>
    internal static decimal Nice(decimal max)
    {
        if (max <= 0) return 10;
        var step = 1m;
        while (step * 10 <= max) step *= 10;
        foreach (var m in new[] { 1m, 2m, 5m, 10m })
            if (step * m >= max) return step * m;
        return step * 10;
    }

    private static string Short(decimal v) => v >= 10_000 ? IndonesianFormat.Number(v / 1000, 0) + " rb" : IndonesianFormat.Number(v, 0);
}
