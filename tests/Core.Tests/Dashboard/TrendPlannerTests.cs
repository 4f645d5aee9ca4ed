using KampungKB.Core.Dashboard;
using KampungKB.Core.Model;
using KampungKB.Core.Store;
using static KampungKB.Core.Tests.Dashboard.DashboardPagesFixture;

namespace KampungKB.Core.Tests.Dashboard;

public class TrendPlannerTests
{
    private static readonly ReportingPeriod October = new(2025, 10);

    private static IReadOnlyList<ReportMonth> TwelveMonths(Func<ReportingPeriod, StoredReport[]> reports) =>
        Enumerable.Range(0, 12).Select(i => ReportingPeriod.Of(October.FirstDay.AddMonths(i - 11))).Select(p => Month(p, reports(p))).ToList();

    [Fact]
    public void Cpr_IsTheRatioOfSums_NotTheAverageOfKampungRatios()
    {
        // 90/100 and 10/900: the mean of ratios is 45,6%, the ratio of sums 10%.
        var a = Report("63.71.04.1005", October, Wita(2025, 11, 5), indicators: new Dictionary<string, decimal> { ["kb_active"] = 90, ["pus"] = 100 });
        var b = Report("63.71.04.1006", October, Wita(2025, 11, 5), indicators: new Dictionary<string, decimal> { ["kb_active"] = 10, ["pus"] = 900 });
        Assert.Equal(0.1m, TrendPlanner.Ratio([a, b], "kb_active", "pus"));
    }

    [Fact]
    public void Ratio_LeavesOutKampungWithoutBothFigures_NullWhenNoneHas()
    {
        var a = Report("63.71.04.1005", October, Wita(2025, 11, 5), indicators: new Dictionary<string, decimal> { ["kb_active"] = 50, ["pus"] = 100 });
        var onlyPus = Report("63.71.04.1006", October, Wita(2025, 11, 5), indicators: new Dictionary<string, decimal> { ["pus"] = 900 });
        Assert.Equal(0.5m, TrendPlanner.Ratio([a, onlyPus], "kb_active", "pus"));
        Assert.Null(TrendPlanner.Ratio([onlyPus], "kb_active", "pus"));
    }

    [Fact]
    public void ReportingRate_PerKecamatan_OverTodaysActiveKampung()
    {
        var kampung = new[]
        {
            Kampung("63.71.04.1005", district: "Banjarmasin Barat"), Kampung("63.71.04.1006", district: "Banjarmasin Barat"),
            Kampung("63.71.05.1003", district: "Banjarmasin Utara"),
            Kampung("63.71.05.1004", district: "Banjarmasin Utara") with { RetiredAt = Wita(2025, 1, 1) },
        };
        var months = TwelveMonths(p => p == October ? [Report("63.71.04.1005", p, Wita(2025, 11, 5)), Report("63.71.05.1003", p, Wita(2025, 11, 5))] : []);
        var view = TrendPlanner.Plan("63.71", "Kota Banjarmasin", TrendIndicators.Reporting, kampung, months, Text);

        Assert.Equal(12, view.Total.Points.Count);
        Assert.Equal(2m / 3, view.Total.Points[^1].Value);
        Assert.Equal(0m, view.Total.Points[0].Value);
        Assert.Equal(["Banjarmasin Barat", "Banjarmasin Utara"], view.Kecamatan.Select(k => k.Name));
        Assert.Equal(0.5m, view.Kecamatan[0].Points[^1].Value);
        Assert.Equal(1m, view.Kecamatan[1].Points[^1].Value);
        Assert.Equal("50,0%", view.Kecamatan[0].Points[^1].Text);
    }

    [Fact]
    public void UnknownIndicator_FallsBackToReporting_AndTheTabsMarkIt()
    {
        var view = TrendPlanner.Plan("63.71", "Kota Banjarmasin", "<script>", [Kampung()], TwelveMonths(_ => []), Text);
        Assert.Equal(TrendIndicators.Reporting, view.Indicator);
        Assert.Single(view.Tabs, t => t.Current);
        Assert.Equal(TrendIndicators.All.Count, view.Tabs.Count);
    }

    [Fact]
    public void Svg_BreaksTheLineAtMonthsWithoutData_AndEncodesNames()
    {
        var points = Enumerable.Range(1, 12).Select(i => new TrendPoint($"2025-{i:00}", "M" + i, i is 5 or 6 ? null : i / 20m, "x")).ToList();
        var svg = SvgChart.Line("<Kampung & \"Sejahtera\">", points, percent: true, SvgChart.SmallHeight);
        Assert.StartsWith("<svg", svg);
        Assert.DoesNotContain("<Kampung", svg);
        Assert.Contains("&lt;Kampung &amp;", svg);
        var path = System.Text.RegularExpressions.Regex.Match(svg, "<path d=\"([^\"]+)\"").Groups[1].Value;
        Assert.Equal(2, path.Count(c => c == 'M'));
        Assert.Equal(10, System.Text.RegularExpressions.Regex.Matches(svg, "<circle").Count);
        Assert.DoesNotContain("<script", svg, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData(0, 10)]
    [InlineData(7, 10)]
    [InlineData(11, 20)]
    [InlineData(1204, 2000)]
    [InlineData(4999, 5000)]
    public void Axis_RoundsUpToOneTwoOrFive(int max, int top) => Assert.Equal(top, SvgChart.Nice(max));

    [Fact]
    public void Participants_SumOfTheMonthsAcceptedReports_NullWhenNoActivities()
    {
        var a = Report("63.71.04.1005", October, Wita(2025, 11, 5), participants: 21);
        var b = Report("63.71.04.1006", October, Wita(2025, 11, 5), participants: 9);
        var figuresOnly = Report("63.71.04.1007", October, Wita(2025, 11, 5), indicators: new Dictionary<string, decimal> { ["pus"] = 1 }, activities: false);
        Assert.Equal(30m, TrendPlanner.Value(TrendIndicators.Participants, [a, b, figuresOnly], 3));
        Assert.Null(TrendPlanner.Value(TrendIndicators.Participants, [figuresOnly], 3));
    }
}
