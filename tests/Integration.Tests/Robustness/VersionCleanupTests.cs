
namespace KampungKB.Integration.Tests.Robustness;

/// <summary>
/// The switch removes the rows no pointer can reach — older versions, and orphans of a crashed older attempt
/// whose version sorts after the new one — while not reading back the rows it just wrote (see
/// docs/performance.md), and keeps the rows of a newer upload still being written (docs/robustness.md).
/// </summary>
[Collection(AzuriteCollection.Name)]
public class VersionCleanupTests(AzuriteFixture azurite)
{
    private static readonly ReportingPeriod October = new(2025, 10);

    private static IngestionReport Report(int n) => new("k.csv", ReportStatus.Accepted, October, null,
        Enumerable.Range(1, n).Select(i => new Activity(new DateOnly(2025, 10, 1 + i % 28), $"Kegiatan {i}", null, 3, 1, 2, [])).ToArray(),
        new Dictionary<string, decimal>(), []);

    [SkippableFact]
    public async Task Switch_RemovesOlderAndLaterSortingOrphans_KeepsNewRows()
    {
        var names = new StorageNames(AzuriteFixture.UniqueName("v"));
        await StorageBootstrap.EnsureAsync(azurite.Blobs, azurite.Tables, names);
        var store = TestStores.For(azurite.Tables, names).Reports;
        var kampung = new RegistryEntry("63.71.04.1005", "Kampung KB Pelambuan", "Pelambuan", null, null, null, null, null, null, null, null, null);
        var t0 = new DateTimeOffset(2025, 11, 3, 1, 0, 0, TimeSpan.Zero);
        Assert.Equal(VersionWrite.Switched, await store.WriteVersionAsync(kampung, October, "20251103T010000-aaaa", "h1", t0, Report(150)));

        // Rows of a crashed older attempt whose version sorts after the next one (its pointer never switched),
        // and rows of a newer upload still being written (it may yet switch: they must stay).
        var partition = StorageNames.RegencyPeriodKey("63.71", October);
        var orphans = Enumerable.Range(1, 120).Select(i => new TableTransactionAction(TableTransactionActionType.UpsertReplace,
            new TableEntity(partition, $"63.71.04.1005_20251103T020000-zzzz_{i:D5}") { ["AreaCode"] = "63.71.04.1005", ["Version"] = "20251103T020000-zzzz", ["ReceivedAt"] = t0.AddMinutes(30) })).ToList();
        var newer = Enumerable.Range(1, 40).Select(i => new TableTransactionAction(TableTransactionActionType.UpsertReplace,
            new TableEntity(partition, $"63.71.04.1005_20251103T030000-nnnn_{i:D5}") { ["AreaCode"] = "63.71.04.1005", ["Version"] = "20251103T030000-nnnn", ["ReceivedAt"] = t0.AddHours(2) })).ToList();
        await azurite.Tables.GetTableClient(names.ActivitiesTable).SubmitInBatchesAsync(orphans);
        await azurite.Tables.GetTableClient(names.ActivitiesTable).SubmitInBatchesAsync(newer);

        Assert.Equal(VersionWrite.Switched, await store.WriteVersionAsync(kampung, October, "20251103T020000-mmmm", "h2", t0.AddHours(1), Report(130)));

        var versions = new List<string>();
        await foreach (var e in azurite.Tables.GetTableClient(names.ActivitiesTable).QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {partition}")))
            versions.Add(e.GetString("Version")!);
        Assert.Equal(130, versions.Count(v => v == "20251103T020000-mmmm"));
        Assert.Equal(40, versions.Count(v => v == "20251103T030000-nnnn"));
        Assert.Equal(170, versions.Count);
        Assert.Equal(130, (await store.ListActivitiesAsync("63.71", October)).Count);
    }
}
