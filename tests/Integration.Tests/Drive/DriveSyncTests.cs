using Azure.Storage.Blobs.Models;
using KampungKB.Core.Uploads.Drive;
using KampungKB.Core.Rendering.Exports;

namespace KampungKB.Integration.Tests.Drive;

/// <summary>
/// Google Drive folders: the channel against a local listener that plays Drive's API and Google's
/// token endpoint (<see cref="FakeDrive"/>), with the real service-account credential and the run's Azurite.
/// Pelambuan (63.71.04.1005, in the E06 registry) shares folder <see cref="Folder"/> with the dinas' account.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class DriveSyncTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private const string Pelambuan = "63.71.04.1005";
    private const string Folder = "1PelambuanFolder_abcdefghijklmnop";
    private const string Xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    private const string Sheet = "application/vnd.google-apps.spreadsheet";

    private FakeDrive _drive = null!;
    private PipelineHarness _h = null!;
    private readonly RecordingMailSender _mail = new();

    public Task InitializeAsync()
    {
        _drive = FakeDrive.Start();
        _drive.AddFolder(Folder, "Laporan Kampung KB Pelambuan");
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _drive.DisposeAsync();

    private async Task<DriveSync> SetUpAsync(TimeSpan? maxRetryAfter = null)
    {
        _h = new PipelineHarness(azurite);
        await _h.InitAsync();
        await TestStores.For(_h.Tables, _h.Names).Drive.LinkAsync(AreaCode.TryParse(Pelambuan, out var a) ? a : default, Folder, _h.Time.GetUtcNow());
        return Create(maxRetryAfter);
    }

    private DriveSync Create(TimeSpan? maxRetryAfter = null)
    {
        var options = new DriveOptions { ServiceAccountKey = _drive.ServiceAccountKey(), BaseUrl = new Uri(_drive.BaseUrl), MaxRetryAfter = maxRetryAfter ?? TimeSpan.FromSeconds(5) };
        RegencySettings[] regencies = [RegencySettings.Default("63.71") with { DinasName = "DPPKB Kota Banjarmasin", Recipients = ["dinas@dppkb.example"] }];
        return TestStores.DriveSync(options, _h.Blobs, _h.Tables, _h.Names, NotificationHarness.Templates, _mail, regencies, new PipelineOptions(), _h.Time,
            NullLogger<DriveSync>.Instance);
    }

    /// <summary>A real activity report for Pelambuan, October 2025, with <paramref name="rows"/> activities.</summary>
    private static byte[] Report(int rows = 2)
    {
        var data = new List<IReadOnlyList<XlsxCell>> { new XlsxCell[] { "Kelurahan Pelambuan Kec. Banjarmasin Barat" }, new XlsxCell[] { "Bulan: Oktober 2025" }, Array.Empty<XlsxCell>(),
            new XlsxCell[] { "Tanggal", "Nama Kegiatan", "Peserta L", "Peserta P" } };
        for (var i = 1; i <= rows; i++) data.Add(new XlsxCell[] { new DateOnly(2025, 10, i), "Penyuluhan KB " + i, 3 + i, 5 + i });
        return XlsxWorkbookWriter.ToBytes([new XlsxSheet("Kegiatan", [new XlsxColumn("Kampung KB Pelambuan Sejahtera")], data)]);
    }

    private async Task<List<BlobItem>> UploadsAsync() =>
        (await _h.ListAsync(_h.Names.Uploads)).OrderBy(b => b.Name, StringComparer.Ordinal).ToList();

    private async Task<byte[]> ReadAsync(string blob) =>
        (await _h.Blobs.GetBlobContainerClient(_h.Names.Uploads).GetBlobClient(blob).DownloadContentAsync()).Value.Content.ToArray();

    [SkippableFact]
    public async Task NewSpreadsheet_CopiedOnceIntoKampungFolder_SecondPassCopiesNothing_OthersIgnored()
    {
        var sync = await SetUpAsync();
        var report = Report();
        _drive.Add(Folder, "f-xlsx-1", "laporan oktober.xlsx", Xlsx, report);
        _drive.Add(Folder, "f-pdf-1", "foto kegiatan.pdf", "application/pdf", [0x25, 0x50, 0x44, 0x46]);
        _drive.Add(Folder, "f-doc-1", "Notulen rapat", "application/vnd.google-apps.document");

        var first = await sync.RunAsync();

        var folder = Assert.Single(first.Folders);
        Assert.Equal((DriveFolderOutcomes.Listed, 1), (folder.Outcome, folder.Copied.Count));
        Assert.Equal(["Notulen rapat", "foto kegiatan.pdf"], folder.Ignored.Order(StringComparer.Ordinal));
        var blob = Assert.Single(await UploadsAsync());
        Assert.Equal($"{Pelambuan}/20251102030405-laporan oktober.xlsx", blob.Name);
        Assert.Equal(report, await ReadAsync(blob.Name));
        // Read-only: only the token is POSTed; every Drive call is a GET with the service account's bearer token.
        Assert.All(_drive.Requests.Where(r => r.Path != "/token"), r => Assert.Equal(("GET", true), (r.Method, r.Authorization!.StartsWith("Bearer tok-", StringComparison.Ordinal))));
        Assert.DoesNotContain(_drive.Requests, r => r.IsMedia && r.Path.Contains("f-pdf-1", StringComparison.Ordinal));

        _drive.ClearRequests();
        var second = await Create().RunAsync();

        Assert.Equal((0, 1), (second.Copied, second.Folders[0].Unchanged));
        Assert.Single(await UploadsAsync());
        Assert.DoesNotContain(_drive.Requests, r => r.IsMedia || r.IsExport);
    }

    [SkippableFact]
    public async Task ChangedSpreadsheet_CopiedAgainAsNewUpload_BothIngested()
    {
        var sync = await SetUpAsync();
        var file = _drive.Add(Folder, "f-xlsx-1", "laporan.xlsx", Xlsx, Report(2));
        await sync.RunAsync();

        file.Content = Report(3);
        file.ModifiedTime = file.ModifiedTime.AddHours(5);
        var again = await sync.RunAsync();

        Assert.Equal(["laporan.xlsx"], again.Folders[0].Copied);
        var blobs = await UploadsAsync();
        Assert.Equal([$"{Pelambuan}/20251102030405-laporan.xlsx", $"{Pelambuan}/20251102080405-laporan.xlsx"], blobs.Select(b => b.Name));
        // Each copy is an upload of its own: the pipeline keeps both, the later one replaces the report.
        foreach (var b in blobs)
        {
            _h.Time.Now += TimeSpan.FromMinutes(1); // the trigger fires as each copy arrives
            var bytes = await ReadAsync(b.Name);
            var outcome = await _h.Processor.ProcessAsync(new UploadEvent(b.Name, bytes.Length, _h.Time.GetUtcNow()), bytes);
            Assert.Equal((UploadStatus.Accepted, Pelambuan), (outcome.Status, outcome.AreaCode));
        }
        var report = await _h.Reports.GetAsync("63.71", Pelambuan, new ReportingPeriod(2025, 10));
        Assert.Equal(3, report!.ActivityCount);
    }

    [SkippableFact]
    public async Task GoogleSheet_ExportedAsXlsx_IngestedAsTheKampungsUpload()
    {
        var sync = await SetUpAsync();
        var export = Report();
        _drive.Add(Folder, "sheet-1", "Laporan Oktober", Sheet, export);

        var result = await sync.RunAsync();

        Assert.Equal(["Laporan Oktober"], result.Folders[0].Copied);
        var request = Assert.Single(_drive.Requests, r => r.IsExport);
        Assert.Contains("mimeType=application%2Fvnd.openxmlformats-officedocument.spreadsheetml.sheet", request.Query, StringComparison.Ordinal);
        var blob = Assert.Single(await UploadsAsync());
        Assert.Equal($"{Pelambuan}/20251102030405-Laporan Oktober.xlsx", blob.Name);
        var bytes = await ReadAsync(blob.Name);
        Assert.Equal(export, bytes);
        var outcome = await _h.Processor.ProcessAsync(new UploadEvent(blob.Name, bytes.Length, _h.Time.GetUtcNow()), bytes);
        Assert.Equal((UploadStatus.Accepted, Pelambuan, 2), (outcome.Status, outcome.AreaCode, outcome.ActivityCount));
        Assert.Equal("Laporan Oktober.xlsx", (await _h.Log.ListAsync("63.71")).Single().FileName);
    }

    [SkippableFact]
    public async Task FolderOfThreePages_EveryFileCopied_SubfolderIncluded()
    {
        var sync = await SetUpAsync();
        _drive.PageSize = 2;
        for (var i = 1; i <= 3; i++) _drive.Add(Folder, $"f-{i}", $"laporan-{i}.csv", "text/csv", System.Text.Encoding.UTF8.GetBytes($"Tanggal,Nama Kegiatan\n0{i}/10/2025,Rapat {i}\n"));
        _drive.AddFolder("sub-1", "Arsip 2025", Folder);
        _drive.Add("sub-1", "f-sub", "september.xlsx", Xlsx, Report());

        var result = await sync.RunAsync();

        Assert.Equal(["Arsip 2025/september.xlsx", "laporan-1.csv", "laporan-2.csv", "laporan-3.csv"], result.Folders[0].Copied.Order(StringComparer.Ordinal));
        var lists = _drive.Requests.Where(r => r.IsList && r.Q!.Contains(Folder, StringComparison.Ordinal)).ToList();
        Assert.Equal([null, "2"], lists.Select(r => r.PageToken)); // the 4 children (3 files, 1 folder) in two pages
        Assert.Equal(4, (await UploadsAsync()).Count);
    }

    [SkippableFact]
    public async Task RateLimited_429WithRetryAfter_RetriedWithinTheRun_ThenCopied()
    {
        var sync = await SetUpAsync();
        _drive.Add(Folder, "f-xlsx-1", "laporan.xlsx", Xlsx, Report());
        _drive.Script.Enqueue((r => r.IsMedia, 429, [("Retry-After", "1")], FakeDrive.ErrorBody(429, "rateLimitExceeded")));

        var started = DateTimeOffset.UtcNow;
        var result = await sync.RunAsync();

        Assert.Equal((DriveFolderOutcomes.Listed, 1), (result.Folders[0].Outcome, result.Copied));
        Assert.Equal(2, _drive.Requests.Count(r => r.IsMedia));
        Assert.True(DateTimeOffset.UtcNow - started >= TimeSpan.FromSeconds(0.9), "the client waited as Retry-After asked");
    }

    [SkippableFact]
    public async Task RateLimited_LongerThanTheRunWaits_FolderWaitsForNextRun_NothingRememberedWrongly()
    {
        var sync = await SetUpAsync(maxRetryAfter: TimeSpan.FromSeconds(5));
        _drive.Add(Folder, "f-xlsx-1", "laporan.xlsx", Xlsx, Report());
        _drive.Script.Enqueue((r => r.IsMedia, 429, [("Retry-After", "3600")], FakeDrive.ErrorBody(429, "rateLimitExceeded")));

        var throttled = await sync.RunAsync();

        Assert.Equal((DriveFolderOutcomes.Throttled, "429", 0), (throttled.Folders[0].Outcome, throttled.Folders[0].Error, throttled.Copied));
        Assert.Equal(1, _drive.Requests.Count(r => r.IsMedia));
        Assert.Empty(await UploadsAsync());

        var next = await sync.RunAsync();
        Assert.Equal(1, next.Copied);
    }

    [SkippableFact]
    public async Task RevokedSharing_ReportedToDinasOnce_NotHammered_ResumesWhenSharedAgain()
    {
        var sync = await SetUpAsync();
        _drive.Add(Folder, "f-xlsx-1", "laporan.xlsx", Xlsx, Report());
        _drive.Unshared[Folder] = true;

        var first = await sync.RunAsync();

        Assert.Equal((DriveFolderOutcomes.Unreachable, "insufficientFilePermissions", true), (first.Folders[0].Outcome, first.Folders[0].Error, first.Folders[0].DinasNotified));
        var mail = Assert.Single(_mail.Sent);
        Assert.Equal(["dinas@dppkb.example"], mail.To);
        Assert.Contains("Pelambuan", mail.Subject, StringComparison.Ordinal);
        Assert.Contains("kkb-drive@dinas-kkb.iam.gserviceaccount.com", mail.TextBody, StringComparison.Ordinal);
        Assert.Contains(Folder, mail.TextBody, StringComparison.Ordinal);
        Assert.Contains("tidak dapat dibaca lagi oleh sistem pelaporan: folder tidak dibagikan.", mail.HtmlBody, StringComparison.Ordinal); // Drive's 403
        var row = Assert.Single(await new NotificationLedger(_h.Tables, _h.Names, _h.Time).ListAsync("63.71_drive", default));
        Assert.Equal(NotificationState.Sent, row.State);
        Assert.Equal(RecipientRoles.Dinas, row.RecipientRole); // the outbox's one vocabulary, as the recap to the same dinas

        // Half an hour later (the next timer run): not asked again.
        _drive.ClearRequests();
        _h.Time.Now += TimeSpan.FromMinutes(30);
        var second = await sync.RunAsync();
        Assert.Equal(DriveFolderOutcomes.Waiting, second.Folders[0].Outcome);
        Assert.DoesNotContain(_drive.Requests, r => r.Path != "/token");

        // After the backoff (6 h): asked once, still refused, no second mail.
        _h.Time.Now += TimeSpan.FromHours(6);
        var third = await sync.RunAsync();
        Assert.Equal(DriveFolderOutcomes.Unreachable, third.Folders[0].Outcome);
        Assert.Single(_drive.Requests, r => r.Path != "/token");
        Assert.Single(_mail.Sent);
        Assert.Equal(2, (await sync.Store.ListAsync(areaCode: Pelambuan)).Single().Failures);

        // Shared again: the next due check reads it and copies the sheet.
        _drive.Unshared.TryRemove(Folder, out _);
        _h.Time.Now += TimeSpan.FromHours(12);
        var resumed = await sync.RunAsync();
        Assert.Equal((DriveFolderOutcomes.Listed, 1), (resumed.Folders[0].Outcome, resumed.Copied));
        Assert.Equal(DriveFolderStates.Active, (await sync.Store.ListAsync(areaCode: Pelambuan)).Single().State);
    }

    [SkippableFact]
    public async Task FolderUnreachableFiveTimes_GivenUp_UntilLinkedAgain()
    {
        var sync = await SetUpAsync();
        _drive.Deleted[Folder] = true;
        for (var i = 0; i < DriveSync.MaxFolderFailures; i++)
        {
            await sync.RunAsync();
            _h.Time.Now += TimeSpan.FromDays(3);
        }
        _drive.ClearRequests();

        var after = await sync.RunAsync();

        Assert.Equal(DriveFolderOutcomes.GivenUp, after.Folders[0].Outcome);
        Assert.DoesNotContain(_drive.Requests, r => r.Path != "/token");
        // One episode, one mail, saying the folder is gone (Drive's 404).
        Assert.Contains("tidak dapat dibaca lagi oleh sistem pelaporan: folder hilang.", Assert.Single(_mail.Sent).HtmlBody, StringComparison.Ordinal);
        AreaCode.TryParse(Pelambuan, out var area);
        await sync.Store.LinkAsync(area, Folder, _h.Time.GetUtcNow());
        _drive.Deleted.TryRemove(Folder, out _);
        Assert.Equal(DriveFolderOutcomes.Listed, (await sync.RunAsync()).Folders[0].Outcome);
    }

    [SkippableFact]
    public async Task DeletedOrTrashedFile_MarkedRemoved_ItsCopyStays()
    {
        var sync = await SetUpAsync();
        _drive.Add(Folder, "f-xlsx-1", "laporan.xlsx", Xlsx, Report());
        _drive.Add(Folder, "f-xlsx-2", "kegiatan.xlsx", Xlsx, Report(1));
        await sync.RunAsync();

        _drive.Files.TryRemove("f-xlsx-2", out _); // trashed: files.list with trashed=false no longer names it
        var result = await sync.RunAsync();

        Assert.Equal(["kegiatan.xlsx"], result.Folders[0].Removed);
        Assert.Equal(DriveFileStates.Removed, (await sync.Store.ListFilesAsync(Pelambuan))["f-xlsx-2"].State);
        Assert.Equal(2, (await UploadsAsync()).Count);
        Assert.Empty((await sync.RunAsync()).Folders[0].Removed); // said once
    }

    [SkippableFact]
    public async Task NoServiceAccountKey_ChannelOff_NothingAsked()
    {
        _h = new PipelineHarness(azurite);
        await StorageBootstrap.EnsureAsync(_h.Blobs, _h.Tables, _h.Names);
        var off = TestStores.DriveSync(new DriveOptions(), _h.Blobs, _h.Tables, _h.Names, NotificationHarness.Templates, _mail, [], new PipelineOptions(), _h.Time,
            NullLogger<DriveSync>.Instance);

        var result = await off.RunAsync();

        Assert.False(result.Enabled);
        Assert.False(off.Enabled);
        Assert.Empty(_drive.Requests);
    }
}
