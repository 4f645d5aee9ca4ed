using KampungKB.Core.Dashboard;
using KampungKB.Core.Model;
using KampungKB.Core.Outbox.Notifications;
using KampungKB.Core.Store;
using static KampungKB.Core.Tests.Dashboard.DashboardPagesFixture;

namespace KampungKB.Core.Tests.Dashboard;

public class KampungPagePlannerTests
{
    private static readonly ReportingPeriod October = new(2025, 10);
    private const string Area = "63.71.04.1005";

    private static KampungPageView Plan(IReadOnlyDictionary<ReportingPeriod, ReportMonth>? months = null, IReadOnlyList<UploadRecord>? uploads = null,
        IReadOnlyDictionary<string, UploadRecord>? detailed = null, IReadOnlyDictionary<string, NotificationRecord>? feedback = null, RegistryEntry? kampung = null,
        IReadOnlyList<Activity>? activities = null) =>
        KampungPagePlanner.Plan(new KampungPageInput(Banjarmasin, kampung ?? Kampung(), October, October.Next,
            months ?? new Dictionary<ReportingPeriod, ReportMonth>(), uploads ?? [], detailed ?? new Dictionary<string, UploadRecord>(),
            feedback ?? new Dictionary<string, NotificationRecord>(), activities ?? [], null, new string('a', 32)),
            Text, code => "label " + code, null);

    [Fact]
    public void Strip_TwelveMonths_EndingWithTheChosenOne_AcrossTheYear()
    {
        var strip = KampungPagePlanner.Strip(new ReportingPeriod(2025, 3));
        Assert.Equal(12, strip.Count);
        Assert.Equal(new ReportingPeriod(2024, 4), strip[0]);
        Assert.Equal(new ReportingPeriod(2025, 3), strip[^1]);
    }

    [Fact]
    public void MonthStatus_OnTimeThroughTheDeadlineDay_LateFromTheNextDay_LocalTime()
    {
        // Deadline 10 November 2025 (the 10th of the next month), WITA.
        var months = new Dictionary<ReportingPeriod, ReportMonth>
        {
            [October] = Month(October, Report(Area, October, Wita(2025, 11, 10, 23, 59))),
            [October.Previous] = Month(October.Previous, Report(Area, October.Previous, Wita(2025, 10, 11, 0, 1))),
        };
        var page = Plan(months);
        Assert.Equal("tepat", page.Months[^1].Status);
        Assert.Equal("terlambat", page.Months[^2].Status);
        Assert.Equal("belum", page.Months[^3].Status);
        Assert.Equal(Texts["status_tepat"], page.StatusLabel);
    }

    [Fact]
    public void MonthStatus_RejectedOnlyWhenTheLatestUploadWasRefused_AndNoReportAccepted()
    {
        var refused = Upload("20251105T010000-a", Area, October, UploadStatus.Rejected, Wita(2025, 11, 5),
            new Problem(Severity.Error, "date-outside-period", "Kegiatan", 7, "A", "31/09/2025", "Tanggal di luar bulan laporan."));
        Assert.Equal("ditolak", Plan(uploads: [refused]).Status);
        // A refused file of unknown month does not make the month "rejected" (the overview's rule): it is listed, not judged.
        var undated = refused with { UploadId = "20251106T010000-b", Period = null, ReceivedAt = Wita(2025, 10, 30) };
        Assert.Equal("belum", Plan(uploads: [undated]).Status);

        // A later accepted upload makes a report: the month is then on time, its warnings shown beside it.
        var months = new Dictionary<ReportingPeriod, ReportMonth> { [October] = Month(October, Report(Area, October, Wita(2025, 11, 6), warnings: 2)) };
        var page = Plan(months, [refused]);
        Assert.Equal("tepat", page.Status);
        Assert.True(page.Warnings);
    }

    [Fact]
    public void Uploads_OfTheMonth_WithEveryKeptProblem_WhereAndMessage_AndHowManyMore()
    {
        var problems = Enumerable.Range(1, 3).Select(i => new Problem(Severity.Error, "not-a-number", "Data", 10 + i, "C", "x", $"Angka tidak terbaca di baris {10 + i}.")).ToArray();
        var index = Upload("20251105T010000-a", Area, October, UploadStatus.Rejected, Wita(2025, 11, 5)) with { ErrorCount = 250 };
        var line = index with { Problems = problems };
        var other = Upload("20250905T010000-b", Area, new ReportingPeriod(2025, 8), UploadStatus.Accepted, Wita(2025, 9, 5));
        var page = Plan(uploads: [index, other], detailed: new Dictionary<string, UploadRecord> { [index.UploadId] = line });

        var row = Assert.Single(page.Uploads);
        Assert.Equal(3, row.Problems.Count);
        Assert.Equal("Angka tidak terbaca di baris 11.", row.Problems[0].Message);
        Assert.Contains("baris 11", row.Problems[0].Where);
        Assert.Contains("lembar Data", row.Problems[0].Where);
        Assert.Equal(247, row.MoreProblems);
        Assert.Contains("247", row.More);
        Assert.Equal(DashboardRoutes.KampungOriginalPath("63.71", Area, index.UploadId), row.DownloadHref);
    }

    [Fact]
    public void UndatedUpload_ShownInTheMonthItArrived_LocalTime()
    {
        // 31 October 23:30 WITA is 15:30 UTC the same day; 1 November 00:30 WITA is still 31 October in UTC.
        var lateOctober = Upload("20251031T153000-a", Area, null, UploadStatus.Rejected, Wita(2025, 10, 31, 23, 30));
        var earlyNovember = Upload("20251031T163000-b", Area, null, UploadStatus.Rejected, Wita(2025, 11, 1, 0, 30));
        var page = Plan(uploads: [earlyNovember, lateOctober]);
        Assert.Equal(lateOctober.UploadId, Assert.Single(page.Uploads).UploadId);
    }

    [Fact]
    public void PrunedUpload_HasNoDownload_AndSaysWhy()
    {
        var pruned = Upload("20251105T010000-a", Area, October, UploadStatus.Accepted, Wita(2025, 11, 5)) with { PrunedAt = Wita(2027, 11, 6) };
        var row = Assert.Single(Plan(uploads: [pruned]).Uploads);
        Assert.Null(row.DownloadHref);
        Assert.True(row.Pruned);
    }

    [Fact]
    public void Feedback_SaysWhetherTheCadreGotTheMail_AndWhyNot()
    {
        var u = Upload("20251105T010000-a", Area, October, UploadStatus.Rejected, Wita(2025, 11, 5));
        NotificationRecord Row(string state, string? reason) => new(NotificationKeys.FeedbackPartition("63.71"), u.UploadId, NotificationKinds.Feedback, "63.71",
            "2025-10", Area, null, state, reason, RecipientRoles.Pokja, null, Wita(2025, 11, 5), Wita(2025, 11, 5, 9, 1), 1, false, null, null);
        Assert.Equal(Text("feedback_none"), Assert.Single(Plan(uploads: [u]).Uploads).Feedback);
        Assert.Contains("09.01", Assert.Single(Plan(uploads: [u], feedback: new Dictionary<string, NotificationRecord> { [u.UploadId] = Row(NotificationState.Sent, null) }).Uploads).Feedback);
        Assert.Contains(Texts["skip_no-pokja-email"],
            Assert.Single(Plan(uploads: [u], feedback: new Dictionary<string, NotificationRecord> { [u.UploadId] = Row(NotificationState.Skipped, ReminderSkipReasons.NoPokjaEmail) }).Uploads).Feedback);
    }

    [Fact]
    public void Actions_WithoutPokjaEmail_AreDisabled_AndSayToCall()
    {
        var page = Plan(kampung: Kampung(email: null));
        Assert.All(page.Actions, a => Assert.False(a.Enabled));
        Assert.All(page.Actions, a => Assert.Equal(Text("action_no_email"), a.Why));
        Assert.Equal("0812-0000-0000", page.PokjaPhone);
    }

    [Fact]
    public void Actions_ReminderOffOnceTheMonthIsReported_LinkStillOn_EachWithItsOwnId()
    {
        var months = new Dictionary<ReportingPeriod, ReportMonth> { [October] = Month(October, Report(Area, October, Wita(2025, 11, 6))) };
        var page = Plan(months);
        var link = page.Actions.Single(a => a.Action == KampungActions.Link);
        var reminder = page.Actions.Single(a => a.Action == KampungActions.Reminder);
        Assert.True(link.Enabled);
        Assert.False(reminder.Enabled);
        Assert.True(KampungActions.IsActionId(link.ActionId, KampungActions.Link));
        Assert.True(KampungActions.IsActionId(reminder.ActionId, KampungActions.Reminder));
        Assert.NotEqual(link.ActionId, reminder.ActionId);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-tautan/x")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA-tautan")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-pengingat")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa#-tautan")]
    public void ActionId_NotOneThePageRendered_IsRefused(string? id) => Assert.False(KampungActions.IsActionId(id, KampungActions.Link));

    [Fact]
    public void FiguresAndActivities_AsStored_WithLabelsAndIndonesianNumbers()
    {
        var months = new Dictionary<ReportingPeriod, ReportMonth>
        {
            [October] = Month(October, Report(Area, October, Wita(2025, 11, 6), indicators: new Dictionary<string, decimal> { ["pus"] = 1204, ["kb_active"] = 830 }, participants: 21)),
        };
        var page = Plan(months, activities: [new Activity(new DateOnly(2025, 10, 2), "Rapat Pokja", "Pokja", 12, 5, 7, ["PKK", "Puskesmas"], null, null, null, null, null, null)]);
        Assert.Contains(page.Figures, f => f.Code == "pus" && f.Value == "1.204" && f.Label == "label pus");
        var activity = Assert.Single(page.Activities);
        Assert.Equal("Rapat Pokja", activity.Title);
        Assert.Equal("12 (5 L, 7 P)", activity.Participants);
        Assert.Equal("PKK, Puskesmas", activity.Partners);
        Assert.Equal("21 (10 L, 11 P)", page.Participants);
    }

    [Fact]
    public void NextMonth_NotOfferedPastTheMonthNowDue()
    {
        var page = KampungPagePlanner.Plan(new KampungPageInput(Banjarmasin, Kampung(), October, October, new Dictionary<ReportingPeriod, ReportMonth>(), [],
            new Dictionary<string, UploadRecord>(), new Dictionary<string, NotificationRecord>(), [], null, new string('b', 32)), Text, c => c, null);
        Assert.Null(page.NextHref);
        Assert.EndsWith("bulan=2025-09", page.PreviousHref);
    }
}
