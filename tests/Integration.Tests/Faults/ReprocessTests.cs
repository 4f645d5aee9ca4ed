using static KampungKB.Integration.Tests.Faults.FaultKit;

namespace KampungKB.Integration.Tests.Faults;

/// <summary>
/// The operator's side (<c>kkb reprocess</c>): a file rejected because its kampung was
/// not yet registered is judged again from its kept original once the registry lists the kampung, without
/// the cadre uploading it again.
/// </summary>
[Collection(AzuriteCollection.Name)]
public class ReprocessTests(AzuriteFixture azurite)
{

    [SkippableFact]
    public async Task RejectedAsNotRegistered_ReprocessAfterRegistryImport_IsAcceptedWithOneReportAndFeedback()
    {
        var h = await UnregisteredPipelineAsync(azurite);
        AreaCode.TryParse(Pelambuan, out var kampung);
        var period = October;
        var reprocessor = TestStores.UploadReprocessor(h.Processor, h.Blobs, h.Tables, h.Names);

        var before = await h.UploadAsync($"{Pelambuan}/20251103020000-kegiatan.xlsx", PipelineHarness.Example("E01"));
        Assert.Equal(UploadStatus.Rejected, before.Status);
        // The cadre's blob is gone from uploads/ (cleaned up); only the kept original remains.
        await h.Blobs.GetBlobContainerClient(h.Names.Uploads).DeleteBlobAsync($"{Pelambuan}/20251103020000-kegiatan.xlsx");

        await h.InitAsync(); // the dinas imports its registry, which lists Pelambuan
        var results = await reprocessor.ReprocessAsync(kampung, period);

        var result = Assert.Single(results);
        Assert.Equal(before.UploadId, result.UploadId);
        Assert.Equal(UploadStatus.Rejected, result.PreviousStatus);
        Assert.Equal(UploadStatus.Accepted, result.Status);
        Assert.Equal(5, (await h.Reports.ListActivitiesAsync(Banjarmasin, period)).Count);
        Assert.Equal(5, (await h.Reports.GetAsync(Banjarmasin, Pelambuan, period))!.ActivityCount);
        var feedback = (await FeedbackWriter.ReadAsync(h.Blobs, h.Names, result.UploadId))!.Value;
        Assert.Equal("accepted", feedback.GetProperty("status").GetString());
        Assert.Equal("accepted", Assert.Single(await h.Log.ListAsync(Banjarmasin)).Status);
        Assert.Empty(await h.Log.ListAsync(StorageNames.UnknownRegency));

        // Nothing is left to judge again: a second run finds nothing.
        Assert.Empty(await reprocessor.ReprocessAsync(kampung, period));
    }
}
