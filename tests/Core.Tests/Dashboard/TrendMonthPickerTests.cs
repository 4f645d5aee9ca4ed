using KampungKB.Core.Dashboard;
using KampungKB.Core.Model;

namespace KampungKB.Core.Tests.Dashboard;

public class TrendMonthPickerTests
{
    private static readonly ReportingPeriod Due = new(2025, 10);

    [Fact]
    public void Picker_AnEarlierMonth_LinksBothWays_KeepingTheIndicator()
    {
        var p = TrendPlanner.Picker("63.71", TrendIndicators.Cpr, new ReportingPeriod(2025, 6), Due);
        Assert.Equal("Juni 2025", p.Month);
        Assert.Equal("/api/dashboard/63.71/tren?indikator=cpr&bulan=2025-05", p.Previous);
        Assert.Equal("Mei", p.PreviousLabel); // the heading above names the year
        Assert.Equal("/api/dashboard/63.71/tren?indikator=cpr&bulan=2025-07", p.Next);
        Assert.Equal("Juli", p.NextLabel);
    }

    [Fact]
    public void Picker_AcrossAYear_TheOtherYearsMonthKeepsItsYear()
    {
        var january = TrendPlanner.Picker("63.71", TrendIndicators.Cpr, new ReportingPeriod(2025, 1), Due);
        Assert.Equal(("Desember 2024", "Februari"), (january.PreviousLabel, january.NextLabel));
        var december = TrendPlanner.Picker("63.71", TrendIndicators.Cpr, new ReportingPeriod(2024, 12), Due);
        Assert.Equal(("November", "Januari 2025"), (december.PreviousLabel, december.NextLabel));
    }

    [Fact]
    public void Picker_TheMonthNowDue_NoNext_TheMonthBeforeItLinksToThePlainPage()
    {
        Assert.Null(TrendPlanner.Picker("63.71", TrendIndicators.Reporting, Due, Due).Next);
        Assert.Equal("/api/dashboard/63.71/tren?indikator=laporan", TrendPlanner.Picker("63.71", TrendIndicators.Reporting, Due.Previous, Due).Next);
    }

    [Fact]
    public void Picker_FirstMonthOffered_NoPrevious()
    {
        Assert.Null(TrendPlanner.Picker("63.71", TrendIndicators.Reporting, TrendPlanner.FirstMonth, Due).Previous);
        Assert.NotNull(TrendPlanner.Picker("63.71", TrendIndicators.Reporting, TrendPlanner.FirstMonth.Next, Due).Previous);
    }
}
