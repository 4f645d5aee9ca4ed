using System.Diagnostics;
using System.Globalization;

namespace KampungKB.Integration.Tests.Faults;

/// <summary>
/// A file with hundreds of problems used to loop forever while the upload log shrank
/// its problem list, so the cadre heard nothing. Now it is rejected in seconds, the feedback lists the
/// first problems and says how many there are in all.
/// </summary>
[Collection(AzuriteCollection.Name)]
public class ManyProblemsTests(AzuriteFixture azurite)
{
    [SkippableFact]
    public async Task FiveThousandRowsEachWithAnError_RejectedInSeconds_FeedbackListsFirstAndCountsAll()
    {
        var h = await FaultKit.PipelineAsync(azurite);
        var mail = new RecordingMailSender();
        var processor = await FaultKit.MailingProcessorAsync(h, mail);
        // Every row dated in September in an October report: date-outside-period on each of the 5,000.
        var bytes = FaultKit.ActivityCsv(5000, i => $"{1 + i % 28:D2}/09/2025,Kegiatan nomor {i} dengan nama yang cukup panjang,{i % 9},{i % 7}");
        const string name = FaultKit.Pelambuan + "/oktober.csv";
        await h.Blobs.GetBlobContainerClient(h.Names.Uploads).GetBlobClient(name).UploadAsync(BinaryData.FromBytes(bytes));

        var clock = Stopwatch.StartNew();
        var outcome = await Task.Run(() => processor.ProcessAsync(new UploadEvent(name, bytes.Length, h.Time.Now), bytes)).WaitAsync(TimeSpan.FromSeconds(60));
        clock.Stop();

        Assert.Equal(UploadStatus.Rejected, outcome.Status);
        Assert.True(outcome.ErrorCount >= 5000, $"{outcome.ErrorCount} errors");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed}");
        var feedback = (await FeedbackWriter.ReadAsync(h.Blobs, h.Names, outcome.UploadId))!.Value;
        Assert.Equal(outcome.ErrorCount, feedback.GetProperty("errorCount").GetInt32());
        var listed = feedback.GetProperty("problems").EnumerateArray().Where(p => p.GetProperty("severity").GetString() == "error").ToList();
        Assert.Equal(FeedbackWriter.MaxListed, listed.Count);
        Assert.Equal(6, listed[0].GetProperty("row").GetInt32()); // the first problems, in sheet order

        var logged = Assert.Single(await h.Log.ListAsync(FaultKit.Banjarmasin));
        Assert.Equal(outcome.ErrorCount, logged.ErrorCount);
        Assert.NotEmpty(logged.Problems);

        // The cadre's one mail gives the total as Indonesians write it and says only the first 200 are listed.
        var sent = Assert.Single(mail.Sent);
        var total = outcome.ErrorCount.ToString("#,0", CultureInfo.GetCultureInfo("id-ID"));
        Assert.Contains($"ditolak: {total} hal", sent.Subject, StringComparison.Ordinal);
        Assert.Contains($"ada {total} hal yang perlu diperbaiki", sent.TextBody, StringComparison.Ordinal);
        Assert.Contains($"hanya {FeedbackWriter.MaxListed} hal pertama dari {total}", sent.TextBody, StringComparison.Ordinal);
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

        var json = await Task.Run(() => KampungKB.Core.Store.UploadLog.KeptProblems(problems)).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.InRange(json.Length, 2, 30_000);
        Assert.StartsWith("[{", json);
    }
}
