using static KampungKB.Integration.Tests.Faults.FaultKit;

namespace KampungKB.Integration.Tests.Faults;

/// <summary>
/// A file rejected because its kampung was not yet registered used to stay rejected
/// for good (the claim answered from the cached rejection). Now such a rejection is judged again once the
/// registry has changed; a rejection for the file's content stays final.
/// </summary>
[Collection(AzuriteCollection.Name)]
public class RegistryDependentRejectionTests(AzuriteFixture azurite)
{

    [SkippableFact]
    public async Task RejectedAsNotRegistered_SameFileAfterRegistryImport_IsAccepted()
    {
        var h = await UnregisteredPipelineAsync(azurite);
        var name = $"{Pelambuan}/kegiatan.xlsx";

        var before = await h.UploadAsync(name, PipelineHarness.Example("E01"));
        Assert.Equal(UploadStatus.Rejected, before.Status);
        var again = await h.UploadAsync(name, PipelineHarness.Example("E01"));
        Assert.True(again.Repeated); // nothing changed: the cached answer stands

        await h.InitAsync(); // the dinas imports its registry, which lists Pelambuan
        var after = await h.UploadAsync(name, PipelineHarness.Example("E01"));

        Assert.Equal(UploadStatus.Accepted, after.Status);
        Assert.Equal(5, (await h.Reports.ListActivitiesAsync(Banjarmasin, October)).Count);
        var logged = Assert.Single(await h.Log.ListAsync(Banjarmasin));
        Assert.Equal("accepted", logged.Status);
    }
}
