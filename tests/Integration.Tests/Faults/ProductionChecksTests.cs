using static KampungKB.Integration.Tests.Faults.FaultKit;

namespace KampungKB.Integration.Tests.Faults;

/// <summary>
/// The month-to-month checks and the expected-period check run in the upload
/// processor (not only when a test calls the engine), and the configured upload size is the engine's limit.
/// </summary>
[Collection(AzuriteCollection.Name)]
public class ProductionChecksTests(AzuriteFixture azurite)
{
    private static readonly ReportingPeriod September = new(2025, 9);

    private static async Task<List<string>> CodesAsync(PipelineHarness h, UploadOutcome o)
    {
        var f = (await FeedbackWriter.ReadAsync(h.Blobs, h.Names, o.UploadId))!.Value;
        return f.GetProperty("problems").EnumerateArray().Select(p => p.GetProperty("code").GetString()!).ToList();
    }

    /// <summary>Stores a September report of Pelambuan with the given figures, as an earlier upload would have.</summary>
    private static async Task SeptemberAsync(PipelineHarness h, IReadOnlyDictionary<string, decimal> figures)
    {
        var kampung = (await new KampungKB.Core.Store.RegistryStore(h.Tables, h.Names).GetAsync(Pelambuan))!;
        var report = new IngestionReport("september.xlsx", ReportStatus.Accepted, September, null, [], figures, []);
        await h.Reports.WriteVersionAsync(kampung, September, "20251001T000000-sept", "sept", h.Time.Now.AddDays(-30), report);
    }

    [SkippableFact]
    public async Task FiguresFarFromLastMonth_WarnStockChangeLarge()
    {
        var h = await PipelineAsync(azurite);
        var october = PipelineHarness.Engine.Ingest(new MemoryStream(PipelineHarness.Example("E02")), "capaian.xlsx");
        await SeptemberAsync(h, october.Indicators.ToDictionary(i => i.Key, i => i.Value * 2));

        var outcome = await h.UploadAsync($"{Pelambuan}/capaian.xlsx", PipelineHarness.Example("E02"));

        Assert.Equal(UploadStatus.Accepted, outcome.Status);
        Assert.Contains("stock-change-large", await CodesAsync(h, outcome));
    }

    [SkippableFact]
    public async Task FiguresWithLastMonthStored_EachSheetReadOnce_StillWarned()
    {
        var h = await PipelineAsync(azurite);
        // An engine of its own: its read seam counts how often each sheet of this upload is analysed.
        var engine = KampungKB.Core.Ingestion.Intake.IngestionEngine.Load(Path.Combine(PipelineHarness.Root, "templates"));
        var content = PipelineHarness.Example("E02");
        var october = engine.Ingest(new MemoryStream(content), "capaian.xlsx");
        await SeptemberAsync(h, october.Indicators.ToDictionary(i => i.Key, i => i.Value * 2));
        var reads = new System.Collections.Concurrent.ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        engine.BeforeSheet = (sheet, _) => reads.AddOrUpdate(sheet, 1, (_, n) => n + 1);
        var processor = TestStores.UploadProcessor(engine, h.Blobs, h.Tables, h.Names, h.Feedback, h.Time, new PipelineOptions(), NullLogger<UploadProcessor>.Instance);

        var outcome = await processor.ProcessAsync(new UploadEvent($"{Pelambuan}/capaian.xlsx", content.Length, h.Time.Now), content);

        Assert.Equal(UploadStatus.Accepted, outcome.Status);
        Assert.Contains("stock-change-large", await CodesAsync(h, outcome));
        Assert.NotEmpty(reads);
        Assert.All(reads, r => Assert.Equal(1, r.Value));
    }

    [SkippableFact]
    public async Task FiguresSameAsLastMonth_WarnFiguresUnchanged()
    {
        var h = await PipelineAsync(azurite);
        var october = PipelineHarness.Engine.Ingest(new MemoryStream(PipelineHarness.Example("E02")), "capaian.xlsx");
        await SeptemberAsync(h, october.Indicators);

        var outcome = await h.UploadAsync($"{Pelambuan}/capaian.xlsx", PipelineHarness.Example("E02"));

        Assert.Contains("figures-unchanged", await CodesAsync(h, outcome));
    }

    [SkippableFact]
    public async Task FileForAnotherMonthThanTheLinkChose_RejectedPeriodMismatch()
    {
        var h = await PipelineAsync(azurite);

        var outcome = await h.UploadAsync($"{Pelambuan}/2025-09/capaian.xlsx", PipelineHarness.Example("E02"));

        Assert.Equal(UploadStatus.Rejected, outcome.Status);
        Assert.Contains("period-mismatch", await CodesAsync(h, outcome));
    }

    [SkippableFact]
    public async Task RaisedUploadSizeSetting_IsTheEngineLimitToo()
    {
        var h = await PipelineAsync(azurite);
        var processor = TestStores.UploadProcessor(PipelineHarness.Engine, h.Blobs, h.Tables, h.Names, h.Feedback, h.Time,
            new PipelineOptions { MaxUploadBytes = 30L * 1024 * 1024 }, NullLogger<UploadProcessor>.Instance);
        var header = System.Text.Encoding.UTF8.GetBytes("Kampung KB Pelambuan Sejahtera,,,\r\nBulan: Oktober 2025,,,\r\nTanggal,Nama Kegiatan,Peserta L,Peserta P\r\n02/10/2025,Rapat Pokja,5,7\r\n");
        var content = new byte[21 * 1024 * 1024];
        header.CopyTo(content, 0);
        Array.Fill(content, (byte)' ', header.Length, content.Length - header.Length);

        var outcome = await processor.ProcessAsync(new UploadEvent($"{Pelambuan}/besar.csv", content.Length, h.Time.Now), content);

        Assert.DoesNotContain("file-too-large", await CodesAsync(h, outcome));
    }
}
