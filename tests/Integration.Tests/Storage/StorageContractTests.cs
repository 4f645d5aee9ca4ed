using Azure;
using Azure.Storage.Blobs.Models;

namespace KampungKB.Integration.Tests.Storage;

/// <summary>
/// What the product relies on from storage, on Azurite through the Azure SDK clients as production registers
/// them, plus our client-side guards (docs/storage.md): batches, insert-once claims, ETags, blob conditions,
/// prefix listing and key rules.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class StorageContractTests(AzuriteFixture azurite)
{
    private async Task<TableClient> NewTableAsync()
    {
        var table = azurite.Tables.GetTableClient(AzuriteFixture.UniqueName("c"));
        await table.CreateIfNotExistsAsync();
        return table;
    }

    private static async Task<int> CountAsync(TableClient table)
    {
        var n = 0;
        await foreach (var _ in table.QueryAsync<TableEntity>(select: ["RowKey"])) n++;
        return n;
    }

    private static TableTransactionAction Upsert(string pk, int i) =>
        new(TableTransactionActionType.UpsertReplace, new TableEntity(pk, $"r{i:D4}") { ["Index"] = i, ["Title"] = $"Kegiatan {i}" });

    [SkippableFact]
    public async Task Batch_Of100_Stored_Of101_RefusedClientSide_NothingWritten()
    {
        var table = await NewTableAsync();

        await table.SubmitGuardedTransactionAsync(Enumerable.Range(0, 100).Select(i => Upsert("p", i)).ToList());
        Assert.Equal(100, await CountAsync(table));

        var ex = await Assert.ThrowsAsync<ArgumentException>(() =>
            table.SubmitGuardedTransactionAsync(Enumerable.Range(100, 101).Select(i => Upsert("p", i)).ToList()));
        Assert.Contains("101", ex.Message);
        Assert.Equal(100, await CountAsync(table));

        await table.SubmitInBatchesAsync(Enumerable.Range(100, 250).Select(i => Upsert("p", i)));
        Assert.Equal(350, await CountAsync(table));
    }

    [SkippableFact]
    public async Task Batch_TwoPartitions_RefusedClientSide_AlthoughAzuriteWouldTakeIt()
    {
        var table = await NewTableAsync();
        await Assert.ThrowsAsync<ArgumentException>(() => table.SubmitGuardedTransactionAsync([Upsert("p1", 1), Upsert("p2", 2)]));
        Assert.Equal(0, await CountAsync(table));
    }

    [SkippableFact]
    public async Task InsertOnceClaim_TwentyConcurrentAdds_OneWins_OthersAnswered409()
    {
        var table = await NewTableAsync();
        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            table.TryAddEntityAsync(new TableEntity("claims", "upload-1") { ["Owner"] = $"run-{i}" })));
        Assert.Single(results, won => won);

        var raw = await Assert.ThrowsAsync<RequestFailedException>(() => table.AddEntityAsync(new TableEntity("claims", "upload-1")));
        Assert.Equal(409, raw.Status);
        Assert.Equal("EntityAlreadyExists", raw.ErrorCode);
        Assert.False(StorageErrors.IsTransient(raw));
    }

    [SkippableFact]
    public async Task StaleETag_Answered412_CurrentETag_Wins()
    {
        var table = await NewTableAsync();
        await table.AddEntityAsync(new TableEntity("reports", "63.71.04.1005") { ["Version"] = "v1" });
        var read = (await table.GetEntityOrDefaultAsync("reports", "63.71.04.1005"))!;

        await table.UpdateEntityAsync(new TableEntity(read) { ["Version"] = "v2" }, read.ETag, TableUpdateMode.Replace);
        var stale = await Assert.ThrowsAsync<RequestFailedException>(() =>
            table.UpdateEntityAsync(new TableEntity(read) { ["Version"] = "v3" }, read.ETag, TableUpdateMode.Replace));
        Assert.Equal(412, stale.Status);
        Assert.Equal("v2", (await table.GetEntityOrDefaultAsync("reports", "63.71.04.1005"))!.GetString("Version"));
        Assert.Null(await table.GetEntityOrDefaultAsync("reports", "absent"));
    }

    [SkippableTheory]
    [InlineData("63.71/04")]
    [InlineData("a\\b")]
    [InlineData("a#b")]
    [InlineData("a?b")]
    [InlineData("a\u0007b")]
    public async Task Keys_WithForbiddenCharacters_RefusedBeforeTheService(string key)
    {
        var table = await NewTableAsync();
        await Assert.ThrowsAsync<ArgumentException>(() => table.TryAddEntityAsync(new TableEntity("p", key)));
        await Assert.ThrowsAsync<ArgumentException>(() => table.SubmitGuardedTransactionAsync(
            [new TableTransactionAction(TableTransactionActionType.UpsertMerge, new TableEntity(key, "r"))]));
        Assert.Equal(0, await CountAsync(table));
    }

    [SkippableFact]
    public async Task Blob_IfNoneMatchAll_WritesOnce_SecondAnswered409_StaleIfMatch412()
    {
        var container = azurite.Blobs.GetBlobContainerClient(AzuriteFixture.UniqueName("b"));
        await container.CreateIfNotExistsAsync();
        var blob = container.GetBlobClient("63.71.04.1005/oktober.xlsx");
        var createOnly = new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } };

        var first = await blob.UploadAsync(BinaryData.FromString("pertama"), createOnly);
        var again = await Assert.ThrowsAsync<RequestFailedException>(() => blob.UploadAsync(BinaryData.FromString("kedua"), createOnly));
        Assert.Equal(409, again.Status);
        Assert.Equal(BlobErrorCode.BlobAlreadyExists.ToString(), again.ErrorCode);

        await blob.UploadAsync(BinaryData.FromString("revisi"), new BlobUploadOptions { Conditions = new BlobRequestConditions { IfMatch = first.Value.ETag } });
        var stale = await Assert.ThrowsAsync<RequestFailedException>(() =>
            blob.UploadAsync(BinaryData.FromString("basi"), new BlobUploadOptions { Conditions = new BlobRequestConditions { IfMatch = first.Value.ETag } }));
        Assert.Equal(412, stale.Status);
        Assert.Equal("revisi", (await blob.DownloadContentOrDefaultAsync())!.Content.ToString());
        Assert.Null(await container.GetBlobClient("absent.csv").DownloadContentOrDefaultAsync());
    }

    [SkippableFact]
    public async Task Blob_PrefixListing_OnlyThatFolder_InNameOrder_AcrossPages()
    {
        var container = azurite.Blobs.GetBlobContainerClient(AzuriteFixture.UniqueName("b"));
        await container.CreateIfNotExistsAsync();
        string[] mine = ["63.71.04.1005/a.csv", "63.71.04.1005/b.xlsx", "63.71.04.1005/sub/c.xls", "63.71.04.1005/é ü.csv", "63.71.04.1005/z.ods"];
        foreach (var name in mine.Concat(["63.71.04.1006/a.csv", "63.71.04.10050/x.csv", "bulk.csv"]))
            await container.GetBlobClient(name).PutAsync(BinaryData.FromString(name), "text/csv", new Dictionary<string, string> { ["source"] = "test" });

        var listed = new List<BlobItem>();
        await foreach (var page in container.GetBlobsAsync(new GetBlobsOptions { Prefix = "63.71.04.1005/", Traits = BlobTraits.Metadata }).AsPages(pageSizeHint: 2))
            listed.AddRange(page.Values);
        Assert.Equal(mine.Order(StringComparer.Ordinal), listed.Select(b => b.Name));
        Assert.All(listed, b => Assert.Equal("test", b.Metadata["source"]));
        Assert.All(listed, b => Assert.Equal("text/csv", b.Properties.ContentType));
    }

    [SkippableFact]
    public async Task Queue_MessagesTravelBase64_AsTheFunctionsHostWritesThem()
    {
        var queue = azurite.Queues.GetQueueClient(AzuriteFixture.UniqueName("q"));
        await queue.CreateIfNotExistsAsync();
        await queue.SendMessageAsync("{\"BlobName\":\"63.71.04.1005/oktober.xlsx\"}");

        var raw = new Azure.Storage.Queues.QueueClient(azurite.Connection.ConnectionString, queue.Name);
        var message = Assert.Single((await raw.ReceiveMessagesAsync(1)).Value);
        Assert.Equal("{\"BlobName\":\"63.71.04.1005/oktober.xlsx\"}", System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(message.MessageText)));
    }
}
