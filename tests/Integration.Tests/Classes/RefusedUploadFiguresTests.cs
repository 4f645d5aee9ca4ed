
namespace KampungKB.Integration.Tests.Classes;

/// <summary>
/// An upload our validation refuses still tells the class as the BKKBN website computes it what the cadre reported: the
/// pipeline keeps its readable partners (and figures) and its error codes beside the kampung's pointer, which no report
/// reader lists.
/// </summary>
[Collection(AzuriteCollection.Name)]
public class RefusedUploadFiguresTests(AzuriteFixture azurite)
{
    [SkippableFact]
    public async Task RefusedUpload_KeepsWhatWasReported_ForTheWebsiteClass_ButIsNoReport()
    {
        var h = new PipelineHarness(azurite);
        await h.InitAsync();
        var csv = "Kampung KB Pelambuan Sejahtera,,,,\r\nBulan: Oktober 2025,,,,\r\nTanggal,Nama Kegiatan,Peserta L,Peserta P,Mitra\r\n" +
            "01/10/2025,Rapat,1,2,Puskesmas dan Dinas Kelautan dan Perikanan\r\n15/09/2025,Posyandu,3,4,Dinkes\r\n";
        var outcome = await h.UploadAsync("63.71.04.1005/laporan.csv", Encoding.UTF8.GetBytes(csv));
        Assert.Equal(UploadStatus.Rejected, outcome.Status);

        var october = new ReportingPeriod(2025, 10);
        Assert.Empty(await h.Reports.ListAsync("63.71", october));
        var month = await h.Reports.ListMonthAsync("63.71", october);
        Assert.Empty(month.Current);
        var kept = Assert.Single(month.Reported).Value;
        Assert.Equal(outcome.UploadId, kept.UploadId);
        Assert.Contains("date-outside-period", kept.ProblemCodes);
        Assert.Contains("Puskesmas dan Dinas Kelautan dan Perikanan", kept.Partners!);
    }
}
