using KampungKB.Core.Jobs.Recaps;
using KampungKB.Core.Store;

namespace KampungKB.Core.Tests.Recaps;

/// <summary>"N bln berturut-turut" in the recap: the kampung's own months without a report, back to its last one.</summary>
public class MonthsMissingTests
{
    private static StoredReport Report(string area, ReportingPeriod p) =>
        new(area, p, "v1", null, new DateTimeOffset(p.Next.FirstDay.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero), 1, 10, 5, 5, 0, new Dictionary<string, decimal>());

    private static IReadOnlyDictionary<ReportingPeriod, IReadOnlyDictionary<string, StoredReport>> History(ReportingPeriod period, params (string Month, string[] Areas)[] reported)
    {
        var history = new Dictionary<ReportingPeriod, Dictionary<string, StoredReport>>();
        for (var (p, i) = (period, 0); i <= RecapCompiler.HistoryMonths; p = p.Previous, i++) history[p] = new(StringComparer.Ordinal);
        foreach (var (month, areas) in reported)
            foreach (var a in areas) history[ReportingPeriod.Parse(month)][a] = Report(a, ReportingPeriod.Parse(month));
        return history.ToDictionary(h => h.Key, h => (IReadOnlyDictionary<string, StoredReport>)h.Value);
    }

    [Fact]
    public void AMonthNobodyReported_DoesNotBreakTheKampungsOwnRun()
    {
        // Pelambuan last reported in June; in August no kampung of the kabupaten reported at all. Its own chart shows
        // July, August, September and October missing: four months, not two.
        var october = ReportingPeriod.Parse("2025-10");
        var history = History(october, ("2025-05", ["A", "B"]), ("2025-06", ["A", "B"]), ("2025-07", ["B"]), ("2025-09", ["B"]), ("2025-10", ["B"]));

        Assert.Equal(4, RecapPlanner.MonthsMissingInARow("A", october, history));
        Assert.Equal(0, RecapPlanner.MonthsMissingInARow("B", october, history));
    }

    [Fact]
    public void MonthsBeforeTheKabupatensFirstReport_AreNotCountedAsMissed()
    {
        var october = ReportingPeriod.Parse("2025-10");
        var history = History(october, ("2025-09", ["B"]));   // the system has been in use since September

        Assert.Equal(2, RecapPlanner.MonthsMissingInARow("A", october, history));
    }
}
