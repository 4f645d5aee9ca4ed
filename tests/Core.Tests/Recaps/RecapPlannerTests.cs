using KampungKB.Core.Jobs.Classes;
using KampungKB.Core.Jobs.Handover;
using KampungKB.Core.Jobs.Recaps;
using KampungKB.Core.Model;
using KampungKB.Core.Rendering.Templating;
using KampungKB.Core.Store;

namespace KampungKB.Core.Tests.Recaps;

/// <summary>
/// The recap's arithmetic from hand-made input records, without storage: what a dinas reads in the completeness
/// table, the missing list and the kecamatan table. Kota Banjarmasin (63.71) is in WITA (UTC+8); the October 2025
/// report is due on 10 November (the default deadline day, domain.md).
/// </summary>
public sealed class RecapPlannerTests
{
    private static readonly RecapCatalogue Catalogue = RecapCatalogue.Load(Repo.Templates);
    private static readonly RecapPlanner Planner = new(Catalogue);
    private static readonly ReportingPeriod October = new(2025, 10);
    private static readonly RegencySettings Banjarmasin = RegencySettings.Default("63.71") with { Name = "Kota Banjarmasin" };

    // Kecamatan 63.71.01 (Banjarmasin Selatan) has three kampung, 63.71.02 (Banjarmasin Timur) two.
    private const string Selatan1 = "63.71.01.1001", Selatan2 = "63.71.01.1002", Selatan3 = "63.71.01.1003";
    private const string Timur1 = "63.71.02.1001", Timur2 = "63.71.02.1002";

    private static RegistryEntry Kampung(string area, string name) =>
        new(area, name, null, area.StartsWith("63.71.01", StringComparison.Ordinal) ? "Banjarmasin Selatan" : "Banjarmasin Timur",
            "Kota Banjarmasin", null, null, null, "pokja@example.id", null, "Ibu PKB", null);

    private static StoredReport Report(string area, ReportingPeriod period, DateTimeOffset receivedAt, DateTimeOffset? firstReceivedAt = null,
        int participants = 10) =>
        new(area, period, "v1", null, receivedAt, 1, participants, participants / 2, participants - participants / 2, 0,
            new Dictionary<string, decimal>(), firstReceivedAt);

    private static UploadRecord Rejected(string area, DateTimeOffset receivedAt, string reason) =>
        new("u-" + area, "63.71", "uploads/" + area + "/laporan.xlsx", "laporan.xlsx", area, October, UploadStatus.Rejected, "hash", 1000,
            receivedAt, receivedAt, 0, 1, 0, [new Problem(Severity.Error, "date-missing", "Kegiatan", 5, "Tanggal", null, reason)]);

    private static Activity Kegiatan(int participants) =>
        new(new DateOnly(2025, 10, 5), "Penyuluhan KB", "KB dan Kesehatan Reproduksi", participants, participants / 2, participants - participants / 2, ["Puskesmas"]);

    /// <summary>The input for <paramref name="kampung"/> with the October reports and months before as given (others empty).</summary>
    private static RecapInput Input(IReadOnlyList<RegistryEntry> kampung, IReadOnlyDictionary<ReportingPeriod, IReadOnlyDictionary<string, StoredReport>>? months = null,
        IReadOnlyList<(string AreaCode, Activity Activity)>? activities = null, IReadOnlyList<UploadRecord>? uploads = null)
    {
        var history = new Dictionary<ReportingPeriod, IReadOnlyDictionary<string, StoredReport>>();
        for (var (p, i) = (October, 0); i <= RecapPlanner.HistoryMonths; p = p.Previous, i++)
            history[p] = months?.GetValueOrDefault(p) ?? new Dictionary<string, StoredReport>(StringComparer.Ordinal);
        var handover = new HandoverPlanner(Catalogue.Handover).Plan(new HandoverInput("63.71", Banjarmasin.Name, October, kampung,
            new Dictionary<string, IReadOnlyDictionary<string, decimal>>(), history[October].Keys.ToHashSet(StringComparer.Ordinal),
            new Dictionary<string, ReportingPeriod>(), new Dictionary<string, string>()));
        return new RecapInput(Banjarmasin, October, kampung, history, activities ?? [], uploads ?? [], [],
            new Dictionary<string, ClassChange>(), new ClassReport("63.71", October, null, RecapPlanner.ClassTargetRatio, []),
            new HandoverResult(handover, []), new DateTimeOffset(2025, 11, 12, 1, 0, 0, TimeSpan.Zero));
    }

    private static Dictionary<ReportingPeriod, IReadOnlyDictionary<string, StoredReport>> Months(params StoredReport[] reports) =>
        reports.GroupBy(r => r.Period).ToDictionary(g => g.Key, g => (IReadOnlyDictionary<string, StoredReport>)g.ToDictionary(r => r.AreaCode, StringComparer.Ordinal));

    [Fact]
    public void DeadlineDay_IsJudgedInTheRegencysTimeZone_NotInUtc()
    {
        var kampung = new[] { Kampung(Selatan1, "Pelambuan"), Kampung(Selatan2, "Kelayan"), Kampung(Selatan3, "Pekauman") };
        var input = Input(kampung, Months(
            // 10 Nov 15:30 UTC = 10 Nov 23:30 WITA: on the deadline day, on time.
            Report(Selatan1, October, new DateTimeOffset(2025, 11, 10, 15, 30, 0, TimeSpan.Zero)),
            // 10 Nov 16:30 UTC = 11 Nov 00:30 WITA: still 10 November in UTC, but late for Banjarmasin.
            Report(Selatan2, October, new DateTimeOffset(2025, 11, 10, 16, 30, 0, TimeSpan.Zero)),
            // Replaced on 20 Nov, first sent on 3 Nov: the first arrival decides, so on time.
            Report(Selatan3, October, new DateTimeOffset(2025, 11, 20, 2, 0, 0, TimeSpan.Zero), firstReceivedAt: new DateTimeOffset(2025, 11, 3, 2, 0, 0, TimeSpan.Zero))));

        var plan = Planner.Plan(input);

        Assert.Equal(new DateOnly(2025, 11, 10), plan.View.Deadline);
        Assert.Equal(new CompletenessView(3, 3, 2, 1, 0), plan.View.Completeness);
        Assert.Equal(Timeliness.OnTime, plan.Rows.Single(r => r.AreaCode == Selatan1).Status);
        Assert.Equal(Timeliness.Late, plan.Rows.Single(r => r.AreaCode == Selatan2).Status);
        Assert.Equal(Timeliness.OnTime, plan.Rows.Single(r => r.AreaCode == Selatan3).Status);
        Assert.Equal(new DateTime(2025, 11, 12, 9, 0, 0), plan.View.GeneratedAtLocal);
    }

    [Fact]
    public void RejectedUpload_CountsAsMissing_WithItsFirstErrorAsTheReason()
    {
        var kampung = new[] { Kampung(Selatan1, "Pelambuan"), Kampung(Selatan2, "Kelayan") };
        var sent = new DateTimeOffset(2025, 11, 4, 1, 15, 0, TimeSpan.Zero);
        var input = Input(kampung, Months(Report(Selatan1, October, new DateTimeOffset(2025, 11, 2, 0, 0, 0, TimeSpan.Zero))),
            uploads: [Rejected(Selatan2, sent, "Tanggal kegiatan di baris 5 kosong.")]);

        var plan = Planner.Plan(input);

        Assert.Equal(new CompletenessView(2, 1, 1, 0, 1), plan.View.Completeness);
        var missing = Assert.Single(plan.View.MissingKampung);
        Assert.Equal(("Kelayan", Selatan2, "Tanggal kegiatan di baris 5 kosong.", (DateTime?)new DateTime(2025, 11, 4, 9, 15, 0)),
            (missing.KampungName, missing.AreaCode, missing.RejectedReason, missing.RejectedOn));
        Assert.Equal(1, plan.View.MissingRejectedCount);
        var rejected = Assert.Single(plan.View.RejectedUploads);
        Assert.Equal(("Kelayan", "laporan.xlsx", 1), (rejected.KampungName, rejected.FileName, rejected.ErrorCount));
        Assert.Equal(Timeliness.Missing, plan.Rows.Single(r => r.AreaCode == Selatan2).Status);
    }

    [Fact]
    public void RejectedThenAccepted_IsReported_NotMissing()
    {
        var kampung = new[] { Kampung(Selatan1, "Pelambuan") };
        var input = Input(kampung, Months(Report(Selatan1, October, new DateTimeOffset(2025, 11, 5, 0, 0, 0, TimeSpan.Zero))),
            uploads: [Rejected(Selatan1, new DateTimeOffset(2025, 11, 4, 0, 0, 0, TimeSpan.Zero), "Tanggal kosong.")]);

        var plan = Planner.Plan(input);

        Assert.Empty(plan.View.MissingKampung);
        Assert.Null(plan.Rows.Single().Rejected);
        Assert.Single(plan.View.RejectedUploads);   // the refused file is still listed for the dinas
    }

    [Fact]
    public void KampungRetiredFromTheRegistry_IsLeftOutOfCountsActivitiesAndParticipants()
    {
        // Timur2 was retired by the last registry import: the registry no longer lists it, its October report and activities stay stored.
        var kampung = new[] { Kampung(Timur1, "Sungai Bilu") };
        var on = new DateTimeOffset(2025, 11, 2, 0, 0, 0, TimeSpan.Zero);
        var input = Input(kampung,
            Months(Report(Timur1, October, on, participants: 12), Report(Timur2, October, on, participants: 40),
                Report(Timur1, October.Previous, on.AddMonths(-1), participants: 8), Report(Timur2, October.Previous, on.AddMonths(-1), participants: 30)),
            activities: [(Timur1, Kegiatan(12)), (Timur2, Kegiatan(20)), (Timur2, Kegiatan(20))]);

        var plan = Planner.Plan(input);

        Assert.Equal(new CompletenessView(1, 1, 1, 0, 0), plan.View.Completeness);
        Assert.Equal([Timur1], plan.Rows.Select(r => r.AreaCode));
        Assert.Equal(1, plan.View.ActivityTotal);
        Assert.Single(plan.Activities);
        Assert.Equal((12, (int?)8), (plan.View.Participants.Total, plan.View.Participants.PreviousTotal));
        Assert.Equal(1, Assert.Single(plan.View.Partners).Count);
    }

    [Fact]
    public void ConsecutiveMonthsMissing_AreCountedBackToTheLastReport()
    {
        // Kelayan last reported in July: August, September and October missing. Pelambuan reported every month.
        var kampung = new[] { Kampung(Selatan1, "Pelambuan"), Kampung(Selatan2, "Kelayan") };
        var reports = new List<StoredReport>();
        foreach (var p in new[] { new ReportingPeriod(2025, 7), new ReportingPeriod(2025, 8), new ReportingPeriod(2025, 9), October })
            reports.Add(Report(Selatan1, p, new DateTimeOffset(p.Next.FirstDay.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero)));
        reports.Add(Report(Selatan2, new ReportingPeriod(2025, 7), new DateTimeOffset(2025, 8, 3, 0, 0, 0, TimeSpan.Zero)));

        var plan = Planner.Plan(Input(kampung, Months([.. reports])));

        var missing = Assert.Single(plan.View.MissingKampung);
        Assert.Equal(("Kelayan", 3, "Ibu PKB"), (missing.KampungName, missing.MonthsMissingInARow, missing.PkbName));
        Assert.Null(missing.RejectedReason);
        Assert.Equal(0, plan.Rows.Single(r => r.AreaCode == Selatan1).MonthsMissingInARow);
    }

    [Fact]
    public void KecamatanWithNoKampungReporting_ShowsAllMissing_NotLeftOut()
    {
        var kampung = new[] { Kampung(Selatan1, "Pelambuan"), Kampung(Selatan2, "Kelayan"), Kampung(Timur1, "Sungai Bilu"), Kampung(Timur2, "Kuripan") };
        var input = Input(kampung, Months(
            Report(Selatan1, October, new DateTimeOffset(2025, 11, 2, 0, 0, 0, TimeSpan.Zero)),
            Report(Selatan2, October, new DateTimeOffset(2025, 11, 12, 0, 0, 0, TimeSpan.Zero))));

        var plan = Planner.Plan(input);

        Assert.Equal(2, plan.View.Kecamatan.Count);
        var selatan = plan.View.Kecamatan[0];
        var timur = plan.View.Kecamatan[1];
        Assert.Equal(new KecamatanRow("Banjarmasin Selatan", 2, 2, 1, 1, 0), selatan);
        Assert.Equal(new KecamatanRow("Banjarmasin Timur", 2, 0, 0, 0, 2), timur);
        Assert.Equal(0m, timur.ReportedRatio);
        Assert.Equal(["Sungai Bilu", "Kuripan"], plan.View.MissingKampung.Select(m => m.KampungName));
        // The 12-month chart keeps the kecamatan too: October has data (the kota reported), none of its 2 on time or late.
        Assert.Equal(TrendCell.Of("2025-10", 2, 0, 0), plan.View.Trend.Rows.Single(r => r.Name == "Banjarmasin Timur").Latest);
    }
}
