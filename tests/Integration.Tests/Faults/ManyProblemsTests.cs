using System.Diagnostics;
using System.Text;
using KampungKB.Core.Feedback;
using KampungKB.Core.Uploads;
using KampungKB.Integration.Tests.Azurite;
using KampungKB.Integration.Tests.Pipeline;

namespace KampungKB.Integration.Tests.Faults;

/// <summary>
/// Issue 12 finding 1: a file with hundreds of problems used to loop forever while the upload log shrank
/// its problem list, so the cadre heard nothing. Now it is rejected in seconds, the feedback lists the
/// first problems and says how many there are in all.
/// </summary>
[Collection(AzuriteCollection.Name)]
public class ManyProblemsTests(AzuriteFixture azurite)
{
    private const string Pelambuan = "63.71.04.1005";

    [SkippableFact]
    public async Task FiveThousandRowsEachWithAnError_RejectedInSeconds_FeedbackListsFirstAndCountsAll()
    {
        if (!azurite.Require()) return;
        var h = new PipelineHarness(azurite);
        await h.InitAsync();
        var csv = new StringBuilder("Kampung KB Pelambuan Sejahtera,,,\r\nKelurahan Pelambuan Kec. Banjarmasin Barat,,,\r\nBulan: Oktober 2025,,,\r\n,,,\r\nTanggal,Nama Kegiatan,Peserta L,Peserta P\r\n");
        for (var i = 1; i <= 5000; i++) csv.Append($"{1 + i % 28:D2}/09/2025,Kegiatan nomor {i} dengan nama yang cukup panjang,{i % 9},{i % 7}\r\n");
        var bytes = Encoding.UTF8.GetBytes(csv.ToString());

        var clock = Stopwatch.StartNew();
        var outcome = await Task.Run(() => h.UploadAsync($"{Pelambuan}/oktober.csv", bytes)).WaitAsync(TimeSpan.FromSeconds(60));
        clock.Stop();

        Assert.Equal(UploadStatus.Rejected, outcome.Status);
        Assert.True(outcome.ErrorCount >= 5000, $"{outcome.ErrorCount} errors");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed}");
        var feedback = (await FeedbackWriter.ReadAsync(h.Blobs, h.Names, outcome.UploadId))!.Value;
        Assert.Equal(outcome.ErrorCount, feedback.GetProperty("errorCount").GetInt32());
        var listed = feedback.GetProperty("problems").EnumerateArray().Where(p => p.GetProperty("severity").GetString() == "error").ToList();
        Assert.Equal(FeedbackWriter.MaxListed, listed.Count);
        Assert.Equal(6, listed[0].GetProperty("row").GetInt32()); // the first problems, in sheet order

        var logged = Assert.Single(await h.Log.ListAsync("63.71"));
        Assert.Equal(outcome.ErrorCount, logged.ErrorCount);
        Assert.NotEmpty(logged.Problems);
    }
}

/// <summary>The upload log's problem list fits one table property whatever the problems are like.</summary>
public class UploadLogProblemListTests
{
    [SkippableTheory]
    [InlineData(250, 150)]
    [InlineData(450, 400)]
    [InlineData(5000, 1000)]
    public async Task LongProblemLists_ShrinkToFit_InBoundedSteps(int count, int messageLength)
    {
        var problems = Enumerable.Range(1, count).Select(i => new KampungKB.Core.Model.Problem(
            KampungKB.Core.Model.Severity.Error, "date-outside-period", "Kegiatan", i, "A", new string('x', 300),
            new string('m', messageLength))).ToList();

        var json = await Task.Run(() => KampungKB.Core.Uploads.UploadLog.KeptProblems(problems)).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.InRange(json.Length, 2, 30_000);
        Assert.StartsWith("[{", json);
    }
}
