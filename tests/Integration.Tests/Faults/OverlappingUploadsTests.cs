using static KampungKB.Integration.Tests.Faults.FaultKit;

namespace KampungKB.Integration.Tests.Faults;

/// <summary>
/// Overlapping uploads of one kampung's month used to lose the newer report when the
/// older run's clean-up deleted rows the newer one had written but not yet switched to.
/// </summary>
[Collection(AzuriteCollection.Name)]
public class OverlappingUploadsTests(AzuriteFixture azurite)
{
    /// <summary>Version <paramref name="v"/> has 120 + v activities, each title ending "versi v".</summary>
    private static byte[] Version(int v) => ActivityCsv(120 + v, i => $"{OctoberDate(i)},Kegiatan {i} versi {v},{v},{i % 7}");

    [SkippableFact]
    public async Task TenConcurrentVersionsOfOneMonth_LastReceivedWins_AllItsRowsVisible_NoOrphans_FeedbackForEach()
    {
        var h = await PipelineAsync(azurite);
        var mail = new RecordingMailSender();
        var processor = await MailingProcessorAsync(h, mail);
        var t0 = h.Time.Now;
        var files = Enumerable.Range(0, 10).Select(v => (Name: $"{Pelambuan}/oktober-{v}.csv", Bytes: Version(v), At: t0.AddSeconds(10 * v))).ToList();

        var outcomes = await Task.WhenAll(files.Select(f => Task.Run(() =>
            processor.ProcessAsync(new UploadEvent(f.Name, f.Bytes.Length, f.At), f.Bytes))));

        // Exactly one version wins, the last received, with all its rows; the others are told they were superseded.
        var winner = outcomes[9];
        Assert.Equal(UploadStatus.Accepted, winner.Status);
        Assert.All(outcomes, o => Assert.Contains(o.Status, new[] { UploadStatus.Accepted, UploadStatus.Superseded }));
        var report = await h.Reports.GetAsync(Banjarmasin, Pelambuan, October);
        Assert.Equal(winner.UploadId, report!.ActivitiesVersion);
        Assert.Equal(129, report.ActivityCount);
        var visible = await h.Reports.ListActivitiesAsync(Banjarmasin, October);
        Assert.Equal(129, visible.Count);
        Assert.All(visible, a => Assert.EndsWith("versi 9", a.Activity.Title));
        var rows = await ActivityRowsAsync(h.Tables, h.Names, Banjarmasin, October);
        Assert.Equal(129, rows.Count); // no orphan rows of the nine losers
        Assert.All(rows, r => Assert.Equal(winner.UploadId, r.GetString("Version")));

        // Every upload gets its feedback, exactly once: its page, one log entry, one mail to the Pokja.
        foreach (var o in outcomes)
            Assert.Equal(o.Status, (await FeedbackWriter.ReadAsync(h.Blobs, h.Names, o.UploadId))!.Value.GetProperty("status").GetString());
        Assert.Equal(outcomes.Select(o => o.UploadId).Order(), (await h.Log.ListAsync(Banjarmasin)).Select(r => r.UploadId).Order());
        var mailed = await new NotificationLog(h.Tables, h.Names).ListFeedbackAsync(Banjarmasin);
        Assert.Equal(outcomes.Select(o => o.UploadId).Order(), mailed.Where(r => r.State == NotificationState.Sent).Select(r => r.RowKey).Order());
        Assert.Equal(10, mail.Sent.Count);
        Assert.All(mail.Sent, m => Assert.Equal([PelambuanWithEmail.Email], m.To));
    }
}
