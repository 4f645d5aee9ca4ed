using Azure.Core;
using Azure.Core.Pipeline;

namespace KampungKB.Integration.Tests.Retention;

/// <summary>A table client on the run's Azurite that counts the entities each read returns.</summary>
internal static class CountingTables
{
    public static TableServiceClient Client(AzuriteFixture azurite, TableEntityCounter counter)
    {
        var options = new TableClientOptions();
        options.AddPolicy(counter, HttpPipelinePosition.PerCall);
        return new TableServiceClient(azurite.Connection.ConnectionString, options);
    }
}

/// <summary>
/// The upload page (refreshed every 3 s) and the recap read one month or one kampung of
/// the upload log, not the kabupaten's whole history; a log written before the index existed stays readable.
/// </summary>
[Collection(AzuriteCollection.Name)]
public class UploadIndexTests(AzuriteFixture azurite)
{
    private const string Regency = "63.71";
    private static readonly string[] Kampung = ["63.71.04.1005", "63.71.04.1006", "63.71.01.1001"];
    private static readonly ReportingPeriod Last = new(2025, 10);

    /// <summary>Three years of history: per kampung and month one rejected page upload and one accepted one.</summary>
    private static IEnumerable<UploadRecord> History(StorageNames names)
    {
        var period = Last;
        for (var m = 0; m < 36; m++, period = period.Previous)
            foreach (var area in Kampung)
                for (var n = 0; n < 2; n++)
                {
                    var at = new DateTimeOffset(period.Next.FirstDay.ToDateTime(new TimeOnly(2, 0)), TimeSpan.Zero).AddHours(n).AddMinutes(Array.IndexOf(Kampung, area));
                    var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{area}{period}{n}")));
                    var id = $"{at:yyyyMMdd'T'HHmmss}-{hash[..12]}";
                    var rejected = n == 0;
                    yield return new UploadRecord(id, Regency, $"{names.Uploads}/{area}/{at:yyyyMMddHHmmss}-laporan.xlsx", "laporan.xlsx", area, period,
                        rejected ? UploadStatus.Rejected : UploadStatus.Accepted, hash, 1000, at, at.AddSeconds(5), rejected ? 0 : 12, rejected ? 7 : 0, 1,
                        rejected
                            ? Enumerable.Range(1, 7).Select(r => new Problem(Severity.Error, "invalid-date", "Kegiatan", r + 8, "B", "32/13/2025", $"Baris {r + 8}: tanggal tidak terbaca")).ToList()
                            : [new Problem(Severity.Warning, "comma-thousands", "Kegiatan", 9, "E", "2,310", "dibaca 2310")]);
                }
    }

    [SkippableFact]
    public async Task ThreeYearsOfHistory_PageAndRecapReads_ReturnOnlyTheMonthOrTheKampung()
    {
        var names = new StorageNames(AzuriteFixture.UniqueName("ix"));
        await StorageBootstrap.EnsureAsync(azurite.Blobs, azurite.Tables, names);
        var writer = TestStores.For(azurite.Tables, names).Uploads;
        var history = History(names).ToList();
        foreach (var r in history) await writer.RecordAsync(r);

        var counter = new TableEntityCounter();
        var log = TestStores.For(CountingTables.Client(azurite, counter), names).Uploads;

        var month = await log.ListForPeriodAsync(Regency, Last);
        Assert.Equal(6, month.Count);
        Assert.All(month, u => Assert.Equal(Last, u.Period));
        var rejected = month.Where(u => u.Status == UploadStatus.Rejected).ToList();
        Assert.Equal(3, rejected.Count);
        Assert.All(rejected, u => Assert.Equal((7, UploadLog.IndexedErrors), (u.ErrorCount, u.Problems.Count)));
        var monthCost = counter.Entities;

        counter.Reset();
        var recent = await log.RecentAsync(Regency, Kampung[0], 5);
        Assert.Equal(history.Where(h => h.AreaCode == Kampung[0]).OrderByDescending(h => h.ReceivedAt).Take(5).Select(h => h.UploadId), recent.Select(r => r.UploadId));
        var recentCost = counter.Entities;

        counter.Reset();
        var wanted = history.First(h => h.AreaCode == Kampung[1] && h.Period == Last.Previous.Previous && h.Status == UploadStatus.Accepted);
        var stamp = wanted.Path.Split('/')[^1][..14];
        var found = await log.FindByPageReferenceAsync(Regency, Kampung[1], stamp, wanted.ContentHash[..16]);
        Assert.Equal(wanted.UploadId, found?.UploadId);
        Assert.Null(await log.FindByPageReferenceAsync(Regency, Kampung[1], stamp, new string('0', 16)));
        var resultCost = counter.Entities;

        // 216 uploads in the log; before the index each of these reads returned all 216.
        Assert.True(monthCost <= 6 + 1, $"month read returned {monthCost} entities");
        Assert.True(recentCost <= 5 + 1, $"recent read returned {recentCost} entities");
        Assert.True(resultCost <= 1 + 1, $"result page read returned {resultCost} entities");
    }

    [SkippableFact]
    public async Task LogWrittenBeforeTheIndex_ReadByScanUntilBackfilled_ThenByIndex_SameAnswers()
    {
        var names = new StorageNames(AzuriteFixture.UniqueName("lg"));
        await StorageBootstrap.EnsureAsync(azurite.Blobs, azurite.Tables, names);
        var history = History(names).Take(60).ToList();
        // The log as the code before the upload index wrote it: Uploads lines only, no index rows, no marker.
        var legacy = azurite.Tables.GetTableClient(names.UploadsTable);
        foreach (var r in history)
            await legacy.UpsertEntityAsync(new TableEntity(r.RegencyCode, r.UploadId)
            {
                ["Path"] = r.Path, ["FileName"] = r.FileName, ["Status"] = r.Status, ["ContentHash"] = r.ContentHash, ["Size"] = r.Size,
                ["ReceivedAt"] = r.ReceivedAt, ["ProcessedAt"] = r.ProcessedAt, ["ActivityCount"] = r.ActivityCount, ["ErrorCount"] = r.ErrorCount,
                ["WarningCount"] = r.WarningCount, ["ProblemCount"] = r.Problems.Count, ["Problems"] = UploadLog.KeptProblems(r.Problems),
                ["AreaCode"] = r.AreaCode, ["Period"] = r.Period.ToString(),
            });
        var period = history[0].Period!.Value;
        var expected = history.Where(h => h.Period == period).Select(h => h.UploadId).Order(StringComparer.Ordinal).ToList();

        var counter = new TableEntityCounter();
        var log = TestStores.For(CountingTables.Client(azurite, counter), names).Uploads;
        Assert.Equal(expected, (await log.ListForPeriodAsync(Regency, period)).Select(u => u.UploadId).Order(StringComparer.Ordinal));
        Assert.True(counter.Entities >= 60, "before the backfill the whole partition is scanned");
        var stampOf = history[1].Path.Split('/')[^1][..14];
        Assert.Equal(history[1].UploadId, (await log.FindByPageReferenceAsync(Regency, history[1].AreaCode!, stampOf, history[1].ContentHash[..16]))?.UploadId);

        Assert.Equal(60, await TestStores.For(azurite.Tables, names).Uploads.BackfillIndexAsync());
        Assert.Equal(0, await TestStores.For(azurite.Tables, names).Uploads.BackfillIndexAsync()); // once complete, nothing more

        counter.Reset();
        Assert.Equal(expected, (await log.ListForPeriodAsync(Regency, period)).Select(u => u.UploadId).Order(StringComparer.Ordinal));
        Assert.True(counter.Entities <= expected.Count + 2, $"after the backfill the month costs its own uploads, not {counter.Entities}");
        Assert.Equal(history[1].UploadId, (await log.FindByPageReferenceAsync(Regency, history[1].AreaCode!, stampOf, history[1].ContentHash[..16]))?.UploadId);
    }

    [SkippableFact]
    public async Task UploadLoggedAgainUnderAnotherMonth_LeavesNoStaleIndexRow()
    {
        var names = new StorageNames(AzuriteFixture.UniqueName("rx"));
        await StorageBootstrap.EnsureAsync(azurite.Blobs, azurite.Tables, names);
        var log = TestStores.For(azurite.Tables, names).Uploads;
        var first = History(names).First();
        await log.RecordAsync(first with { Period = null, Status = UploadStatus.Rejected });
        await log.RecordAsync(first with { Status = UploadStatus.Accepted, ErrorCount = 0, Problems = [] });

        var month = Assert.Single(await log.ListForPeriodAsync(Regency, first.Period!.Value));
        Assert.Equal(UploadStatus.Accepted, month.Status);
        Assert.Empty(await log.ListUndatedAsync(Regency, first.ReceivedAt.AddDays(-40), first.ReceivedAt.AddDays(40)));
        Assert.Single(await log.RecentAsync(Regency, first.AreaCode!, 5));
    }
}
