using Azure.Storage.Blobs;
using KampungKB.Core.Jobs.Retention;
using KampungKB.Functions;
using Microsoft.Extensions.Configuration;

namespace KampungKB.Integration.Tests.Retention;

/// <summary>
/// Originals are kept once (in processed/ or rejected/, never also in uploads/), and the
/// ApplyRetention run deletes originals and problem details past <c>Retention__Months</c>, keeping reports,
/// figures and the log's counts; it is idempotent. The clock is the harness' <see cref="ManualTime"/>.
/// </summary>
[Collection(AzuriteCollection.Name)]
public class RetentionTests(AzuriteFixture azurite)
{
    private const string Pelambuan = "63.71.04.1005";
    private static readonly ReportingPeriod October = new(2025, 10);
    private static readonly byte[] Pdf = "%PDF-1.4 bukan lembar kerja"u8.ToArray();

    private static RetentionSweeper Sweeper(PipelineHarness h, int months = RetentionOptions.DefaultMonths) =>
        TestStores.RetentionSweeper(h.Blobs, h.Tables, h.Names, new RetentionOptions { Months = months }, new PipelineOptions(), h.Time, NullLogger<RetentionSweeper>.Instance);

    private static async Task<UploadOutcome> UploadAsTriggerAsync(PipelineHarness h, string name, byte[] content)
    {
        var stored = await h.Blobs.GetBlobContainerClient(h.Names.Uploads).GetBlobClient(name).UploadAsync(BinaryData.FromBytes(content), overwrite: true);
        return await h.Processor.ProcessAsync(new UploadEvent(name, content.Length, h.Time.GetUtcNow(), stored.Value.ETag.ToString()), content);
    }

    private static async Task<byte[]> BytesAsync(BlobContainerClient container, string name) =>
        (await container.GetBlobClient(name).DownloadContentAsync()).Value.Content.ToArray();

    [SkippableFact]
    public async Task UploadJudged_OriginalKeptOnce_NewerFileUnderSameNameStays()
    {
        var h = new PipelineHarness(azurite);
        await h.InitAsync();
        var e01 = PipelineHarness.Example("E01");

        var accepted = await UploadAsTriggerAsync(h, $"{Pelambuan}/20251103020000-kegiatan.xlsx", e01);
        var rejected = await UploadAsTriggerAsync(h, $"{Pelambuan}/20251103020500-foto.xlsx", Pdf);

        Assert.Equal((UploadStatus.Accepted, UploadStatus.Rejected), (accepted.Status, rejected.Status));
        Assert.Empty(await h.ListAsync(h.Names.Uploads));
        var processed = Assert.Single(await h.ListAsync(h.Names.Processed));
        Assert.Equal(e01, await BytesAsync(h.Blobs.GetBlobContainerClient(h.Names.Processed), processed.Name));
        var kept = Assert.Single(await h.ListAsync(h.Names.Rejected));
        Assert.Equal(Pdf, await BytesAsync(h.Blobs.GetBlobContainerClient(h.Names.Rejected), kept.Name));

        // A corrected file lands under the same name before the first one is judged: the newer blob is not deleted.
        var name = $"{Pelambuan}/laporan.csv";
        var uploads = h.Blobs.GetBlobContainerClient(h.Names.Uploads);
        var first = await uploads.GetBlobClient(name).UploadAsync(BinaryData.FromBytes(Pdf), overwrite: true);
        await uploads.GetBlobClient(name).UploadAsync(BinaryData.FromBytes(e01), overwrite: true);
        await h.Processor.ProcessAsync(new UploadEvent(name, Pdf.Length, h.Time.GetUtcNow(), first.Value.ETag.ToString()), Pdf);
        Assert.Equal(e01, await BytesAsync(uploads, name));
    }

    [SkippableFact]
    public async Task ApplyRetention_PastTheMonths_DeletesOriginalsFeedbackAndProblems_KeepsReportsAndCounts_Idempotent()
    {
        var h = new PipelineHarness(azurite); // clock: 2025-11-03 02:00 UTC
        await h.InitAsync();
        var accepted = await h.UploadAsync($"{Pelambuan}/20251103020000-kegiatan.xlsx", PipelineHarness.Example("E01"));
        var rejected = await h.UploadAsync($"{Pelambuan}/20251103020500-foto.xlsx", Pdf);
        h.Time.Now = new DateTimeOffset(2027, 10, 1, 2, 0, 0, TimeSpan.Zero);
        var recent = await h.UploadAsync($"{Pelambuan}/20271001020000-foto.xlsx", Pdf);
        // A blob nobody has judged yet (its trigger is still retrying, or it went to poison): never touched.
        await h.Blobs.GetBlobContainerClient(h.Names.Uploads).GetBlobClient("belum-dibaca.xlsx").UploadAsync(BinaryData.FromBytes(Pdf));

        // 23 months and 30 days after the first uploads: everything is kept; only the duplicates in uploads/ go.
        h.Time.Now = new DateTimeOffset(2027, 11, 2, 2, 0, 0, TimeSpan.Zero);
        var early = await Sweeper(h).RunAsync();
        Assert.Equal((0, 0, 0, 3, 1), (early.UploadsPruned, early.OriginalsDeleted, early.FeedbackDeleted, early.DuplicatesDeleted, early.UploadsWaiting));
        Assert.Equal(["belum-dibaca.xlsx"], (await h.ListAsync(h.Names.Uploads)).Select(b => b.Name));
        Assert.Single(await h.ListAsync(h.Names.Processed));
        Assert.Equal(2, (await h.ListAsync(h.Names.Rejected)).Count);

        // 24 months and a day: the first two uploads lose their originals, feedback and problem details.
        h.Time.Now = new DateTimeOffset(2027, 11, 4, 2, 0, 0, TimeSpan.Zero);
        var due = await Sweeper(h).RunAsync();
        Assert.Equal((2, 2, 4), (due.UploadsPruned, due.OriginalsDeleted, due.FeedbackDeleted));
        Assert.Empty(await h.ListAsync(h.Names.Processed));
        var left = Assert.Single(await h.ListAsync(h.Names.Rejected));
        Assert.Contains(recent.UploadId, left.Name, StringComparison.Ordinal);
        Assert.Null(await FeedbackWriter.ReadAsync(h.Blobs, h.Names, accepted.UploadId));
        Assert.NotNull(await FeedbackWriter.ReadAsync(h.Blobs, h.Names, recent.UploadId));

        var log = (await h.Log.ListAsync("63.71")).Concat(await h.Log.ListAsync(StorageNames.UnknownRegency)).ToDictionary(u => u.UploadId);
        Assert.Empty(log[rejected.UploadId].Problems);
        Assert.Equal(rejected.ErrorCount, log[rejected.UploadId].ErrorCount);
        Assert.NotNull(log[rejected.UploadId].PrunedAt);
        Assert.NotEmpty(log[recent.UploadId].Problems);
        Assert.Null(log[recent.UploadId].PrunedAt);
        // The report and the figures the dinas recaps stay.
        Assert.Equal(5, (await h.Reports.ListActivitiesAsync("63.71", October)).Count);
        Assert.Equal(accepted.UploadId, Assert.Single(await h.Log.ListForPeriodAsync("63.71", October)).UploadId);

        var again = await Sweeper(h).RunAsync();
        Assert.Equal((0, 0, 0, 0, 1), (again.UploadsPruned, again.OriginalsDeleted, again.FeedbackDeleted, again.DuplicatesDeleted, again.UploadsWaiting));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("2")]
    [InlineData("121")]
    [InlineData("24 bulan")]
    [InlineData("-24")]
    public void RetentionMonths_Bad_RefusesToStart_NamingTheKey(string value)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true",
            ["KKB_TEMPLATES"] = Path.GetTempPath(),
            ["Links__SigningKey"] = KampungKB.Integration.Tests.Functions.FunctionsHarness.SigningKey,
            ["Retention:Months"] = value,
        }).Build();
        AppSettings.Load(configuration, out var errors);
        Assert.Contains(errors, e => e.StartsWith("Retention__Months:", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(null, 24)]
    [InlineData("36", 36)]
    public void RetentionMonths_DefaultOrSet_IsUsed(string? value, int months)
    {
        var values = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true",
            ["KKB_TEMPLATES"] = Path.GetTempPath(),
            ["Links__SigningKey"] = KampungKB.Integration.Tests.Functions.FunctionsHarness.SigningKey,
        };
        if (value is not null) values["Retention__Months"] = value;
        var settings = AppSettings.Load(new ConfigurationBuilder().AddInMemoryCollection(values).Build(), out var errors);
        Assert.DoesNotContain(errors, e => e.StartsWith("Retention__Months", StringComparison.Ordinal));
        Assert.Equal(months, settings.Retention.Months);
    }
}
