using System.Text;
using Azure.Data.Tables;
using KampungKB.Core.Feedback;
using KampungKB.Core.Model;
using KampungKB.Core.Storage;
using KampungKB.Core.Uploads;
using KampungKB.Integration.Tests.Azurite;
using KampungKB.Integration.Tests.Pipeline;

namespace KampungKB.Integration.Tests.Faults;

/// <summary>
/// Issue 12 finding 2: overlapping uploads of one kampung's month used to lose the newer report when the
/// older run's clean-up deleted rows the newer one had written but not yet switched to.
/// </summary>
[Collection(AzuriteCollection.Name)]
public class OverlappingUploadsTests(AzuriteFixture azurite)
{
    private static readonly ReportingPeriod October = new(2025, 10);
    private const string Pelambuan = "63.71.04.1005";

    private static byte[] Version(int v)
    {
        var csv = new StringBuilder("Kampung KB Pelambuan Sejahtera,,,\r\nKelurahan Pelambuan Kec. Banjarmasin Barat,,,\r\nBulan: Oktober 2025,,,\r\n,,,\r\nTanggal,Nama Kegiatan,Peserta L,Peserta P\r\n");
        for (var i = 1; i <= 120 + v; i++) csv.Append($"{1 + i % 28:D2}/10/2025,Kegiatan {i} versi {v},{v},{i % 7}\r\n");
        return Encoding.UTF8.GetBytes(csv.ToString());
    }

    [SkippableFact]
    public async Task TenConcurrentVersionsOfOneMonth_LastReceivedWins_AllItsRowsVisible_NoOrphans_FeedbackForEach()
    {
        if (!azurite.Require()) return;
        var h = new PipelineHarness(azurite);
        await h.InitAsync();
        var t0 = h.Time.Now;
        var files = Enumerable.Range(0, 10).Select(v => (Name: $"{Pelambuan}/oktober-{v}.csv", Bytes: Version(v), At: t0.AddSeconds(10 * v))).ToList();

        var outcomes = await Task.WhenAll(files.Select(f => Task.Run(() =>
            h.Processor.ProcessAsync(new UploadEvent(f.Name, f.Bytes.Length, f.At), f.Bytes))));

        var winner = outcomes[9];
        Assert.Equal(UploadStatus.Accepted, winner.Status);
        Assert.All(outcomes, o => Assert.Contains(o.Status, new[] { UploadStatus.Accepted, UploadStatus.Superseded }));
        var report = await h.Reports.GetAsync("63.71", Pelambuan, October);
        Assert.Equal(winner.UploadId, report!.ActivitiesVersion);
        Assert.Equal(129, report.ActivityCount);
        var visible = await h.Reports.ListActivitiesAsync("63.71", October);
        Assert.Equal(129, visible.Count);
        Assert.All(visible, a => Assert.EndsWith("versi 9", a.Activity.Title));

        var rows = new List<string>();
        var partition = StorageNames.RegencyPeriodKey("63.71", October);
        await foreach (var e in h.Tables.GetTableClient(h.Names.ActivitiesTable).QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {partition}")))
            rows.Add(e.GetString("Version")!);
        Assert.Equal(129, rows.Count); // no orphan rows of the nine losers
        foreach (var o in outcomes)
            Assert.NotNull(await FeedbackWriter.ReadAsync(h.Blobs, h.Names, o.UploadId));
        Assert.Equal(10, (await h.Log.ListAsync("63.71")).Count);
    }
}
