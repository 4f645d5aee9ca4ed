
namespace KampungKB.Integration.Tests.Pipeline;

[Collection(AzuriteCollection.Name)]
public class UploadPipelineTests(AzuriteFixture azurite)
{
    private static readonly ReportingPeriod October = new(2025, 10);
    private const string Banjarmasin = "63.71";
    private const string Pelambuan = "63.71.04.1005";

    private static byte[] Csv(params string[] lines) => Encoding.UTF8.GetBytes(string.Join("\r\n", lines) + "\r\n");

    private static byte[] PelambuanActivities(params string[] rows) => Csv(
        ["Kampung KB Pelambuan Sejahtera,,,", "Kelurahan Pelambuan Kec. Banjarmasin Barat,,,", "Bulan: Oktober 2025,,,", ",,,",
         "Tanggal,Nama Kegiatan,Peserta L,Peserta P", .. rows]);

    [SkippableFact]
    public async Task UploadUnderAreaCode_Accepted_StoresActivitiesKeepsOriginalWritesFeedback()
    {
        var h = new PipelineHarness(azurite);
        await h.InitAsync();

        var outcome = await h.UploadAsync($"{Pelambuan}/kegiatan oktober.xlsx", PipelineHarness.Example("E01"));

        Assert.Equal(UploadStatus.Accepted, outcome.Status);
        Assert.Equal(Pelambuan, outcome.AreaCode);
        Assert.Equal(October, outcome.Period);
        var activities = await h.Reports.ListActivitiesAsync(Banjarmasin, October);
        Assert.Equal(5, activities.Count);
        Assert.Equal(140, activities.Sum(a => a.Activity.Participants ?? 0));
        var kept = Assert.Single(await h.ListAsync(h.Names.Processed));
        Assert.StartsWith($"{Pelambuan}/2025-10/{outcome.UploadId}/", kept.Name);
        var feedback = await FeedbackWriter.ReadAsync(h.Blobs, h.Names, outcome.UploadId);
        Assert.Equal("accepted", feedback!.Value.GetProperty("status").GetString());
        Assert.Equal(5, feedback.Value.GetProperty("activities").GetInt32());
    }

    [SkippableFact]
    public async Task SameUploadTenTimesConcurrently_StoresOneVersion_OneLogEntry_OneFeedback()
    {
        var h = new PipelineHarness(azurite);
        await h.InitAsync();
        var content = PipelineHarness.Example("E01");
        var name = $"{Pelambuan}/kegiatan.xlsx";
        await h.Blobs.GetBlobContainerClient(h.Names.Uploads).GetBlobClient(name).UploadAsync(BinaryData.FromBytes(content), overwrite: true);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ =>
            Task.Run(() => h.Processor.ProcessAsync(new UploadEvent(name, content.Length, h.Time.GetUtcNow()), content))));

        Assert.Single(outcomes.Select(o => o.UploadId).Distinct());
        Assert.All(outcomes, o => Assert.Equal(UploadStatus.Accepted, o.Status));
        Assert.Single(await h.Log.ListAsync(Banjarmasin));
        Assert.Equal(5, (await h.Reports.ListActivitiesAsync(Banjarmasin, October)).Count);
        Assert.Equal(2, (await h.ListAsync(h.Names.Feedback)).Count); // one .json and one .html
        Assert.Single(await h.ListAsync(h.Names.Processed));

        var again = await h.Processor.ProcessAsync(new UploadEvent(name, content.Length, h.Time.GetUtcNow()), content);
        Assert.True(again.Repeated);
        Assert.Single(await h.Log.ListAsync(Banjarmasin));
    }

    [SkippableFact]
    public async Task CorrectedReupload_ReplacesActivities_OldRowsGone()
    {
        var h = new PipelineHarness(azurite);
        await h.InitAsync();
        var first = await h.UploadAsync($"{Pelambuan}/oktober.csv", PelambuanActivities(
            "02/10/2025,Rapat Pokja,5,7", "09/10/2025,Posyandu Remaja,10,12", "16/10/2025,Kelas BKB,0,20"));
        h.Time.Now = h.Time.Now.AddHours(2);
        var second = await h.UploadAsync($"{Pelambuan}/oktober.csv", PelambuanActivities(
            "02/10/2025,Rapat Pokja,5,7", "16/10/2025,Kelas BKB,0,25"));

        Assert.Equal(UploadStatus.Accepted, first.Status);
        Assert.Equal(UploadStatus.Accepted, second.Status);
        Assert.NotEqual(first.UploadId, second.UploadId);
        var activities = await h.Reports.ListActivitiesAsync(Banjarmasin, October);
        Assert.Equal(2, activities.Count);
        Assert.Equal(37, activities.Sum(a => a.Activity.Participants ?? 0));
        var report = await h.Reports.GetAsync(Banjarmasin, Pelambuan, October);
        Assert.Equal(second.UploadId, report!.ActivitiesVersion);
        Assert.Equal(2, (await h.Log.ListAsync(Banjarmasin, Pelambuan)).Count);

        var rows = new List<string>();
        await foreach (var e in h.Tables.GetTableClient(h.Names.ActivitiesTable).QueryAsync<TableEntity>()) rows.Add(e.GetString("Version")!);
        Assert.All(rows, v => Assert.Equal(second.UploadId, v)); // superseded rows are cleaned up
    }

    [SkippableFact]
    public async Task OlderUploadProcessedLate_DoesNotReplaceNewer()
    {
        var h = new PipelineHarness(azurite);
        await h.InitAsync();
        var newer = PelambuanActivities("02/10/2025,Rapat Pokja,5,7");
        var older = PelambuanActivities("02/10/2025,Rapat Pokja,1,1", "03/10/2025,Senam,1,1");
        await h.Processor.ProcessAsync(new UploadEvent($"{Pelambuan}/b.csv", null, h.Time.Now.AddHours(1)), newer);
        var late = await h.Processor.ProcessAsync(new UploadEvent($"{Pelambuan}/a.csv", null, h.Time.Now), older);

        Assert.Equal(UploadStatus.Superseded, late.Status);
        Assert.Single(await h.Reports.ListActivitiesAsync(Banjarmasin, October));
    }

    [SkippableFact]
    public async Task FiguresFileAfterActivitiesFile_KeepsBothParts()
    {
        var h = new PipelineHarness(azurite);
        await h.InitAsync();
        await h.UploadAsync($"{Pelambuan}/kegiatan.xlsx", PipelineHarness.Example("E01"));
        h.Time.Now = h.Time.Now.AddMinutes(5);
        var figures = await h.UploadAsync($"{Pelambuan}/capaian.xlsx", PipelineHarness.Example("E02"));

        Assert.Equal(UploadStatus.Accepted, figures.Status);
        var report = await h.Reports.GetAsync(Banjarmasin, Pelambuan, October);
        Assert.Equal(5, report!.ActivityCount);
        Assert.Equal(1488m, report.Indicators["pus"]);
        Assert.Equal(1051m, report.Indicators["kb_active"]);
        Assert.Equal(5, (await h.Reports.ListActivitiesAsync(Banjarmasin, October)).Count);
    }

    [SkippableFact]
    public async Task SameBytesUnderAnotherName_StoresNothingNew()
    {
        var h = new PipelineHarness(azurite);
        await h.InitAsync();
        var content = PipelineHarness.Example("E01");
        var first = await h.UploadAsync($"{Pelambuan}/kegiatan.xlsx", content);
        h.Time.Now = h.Time.Now.AddMinutes(1);
        var second = await h.UploadAsync($"{Pelambuan}/kegiatan (1).xlsx", content);

        Assert.Equal(UploadStatus.Unchanged, second.Status);
        var report = await h.Reports.GetAsync(Banjarmasin, Pelambuan, October);
        Assert.Equal(first.UploadId, report!.ActivitiesVersion);
    }

    [SkippableFact]
    public async Task FaultyFile_Rejected_StoresNoReportData_KeepsOriginal()
    {
        var h = new PipelineHarness(azurite);
        await h.InitAsync();
        var outcome = await h.UploadAsync($"{Pelambuan}/salah.csv", PelambuanActivities(
            "02/10/2025,Rapat Pokja,5,7", "31/11/2025,Penyuluhan,4,banyak"));

        Assert.Equal(UploadStatus.Rejected, outcome.Status);
        Assert.True(outcome.ErrorCount >= 2);
        Assert.Null(await h.Reports.GetAsync(Banjarmasin, Pelambuan, October));
        var rows = 0;
        await foreach (var _ in h.Tables.GetTableClient(h.Names.ActivitiesTable).QueryAsync<TableEntity>()) rows++;
        Assert.Equal(0, rows);
        Assert.Single(await h.ListAsync(h.Names.Rejected));
        var logged = Assert.Single(await h.Log.ListAsync(Banjarmasin));
        Assert.Equal("rejected", logged.Status);
        Assert.Contains(logged.Problems, p => p.Code == "invalid-date" && p.Row == 7 && p.Column == "A");
        Assert.Contains(logged.Problems, p => p.Code == "not-a-number" && p.Row == 7 && p.Column == "D");
    }

    [SkippableFact]
    public async Task BulkDropWithoutCode_FindsKampungFromContent()
    {
        var h = new PipelineHarness(azurite);
        await h.InitAsync();
        var tajau = await h.UploadAsync("Kampung KB Tajau Pecah - November 2025.csv", PipelineHarness.Example("E03"));
        var banua = await h.UploadAsync("laporan_juni_2025_banua_anyar.xls", PipelineHarness.Example("E05"));

        Assert.Equal(("63.01.05.2009", UploadStatus.Accepted), (tajau.AreaCode, tajau.Status));
        Assert.Equal(("63.71.03.1002", UploadStatus.Accepted), (banua.AreaCode, banua.Status));
    }

    [SkippableFact]
    public async Task BulkDropOfUnregisteredKampung_RejectedAsUnknown()
    {
        var h = new PipelineHarness(azurite);
        await h.InitAsync();
        var outcome = await h.UploadAsync("kegiatan september.csv", PipelineHarness.Example("E04"));

        Assert.Equal(UploadStatus.Rejected, outcome.Status);
        var logged = Assert.Single(await h.Log.ListAsync(StorageNames.UnknownRegency));
        Assert.Contains(logged.Problems, p => p.Code == "kampung-unknown");
    }

    [SkippableFact]
    public async Task PathNamesAnotherKampung_RejectedAsMismatch()
    {
        var h = new PipelineHarness(azurite);
        await h.InitAsync();
        var outcome = await h.UploadAsync("63.71.03.1002/kegiatan.xlsx", PipelineHarness.Example("E01")); // Banua Anyar's link, Pelambuan's file

        Assert.Equal(UploadStatus.Rejected, outcome.Status);
        Assert.Null(await h.Reports.GetAsync(Banjarmasin, "63.71.03.1002", October));
        var logged = Assert.Single(await h.Log.ListAsync(Banjarmasin));
        Assert.Contains(logged.Problems, p => p.Code == "kampung-mismatch");
    }
}
