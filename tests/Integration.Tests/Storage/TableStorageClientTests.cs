using System.Diagnostics;
using Azure;
using KampungKB.Core.Storage;
using KampungKB.Integration.Tests.Azurite;
using Xunit.Abstractions;

namespace KampungKB.Integration.Tests.Storage;

[Collection(AzuriteCollection.Name)]
public sealed class TableStorageClientTests(AzuriteFixture fixture, ITestOutputHelper output)
{
    private async Task<string> NewTableAsync()
    {
        var name = AzuriteFixture.UniqueName("tbl");
        Assert.True(await fixture.Tables.CreateTableIfNotExistsAsync(name));
        return name;
    }

    [Fact]
    public async Task CreateTable_Twice_SecondReturnsFalse()
    {
        if (!fixture.Require()) return;
        var t = await NewTableAsync();
        Assert.False(await fixture.Tables.CreateTableIfNotExistsAsync(t));
        Assert.True(await fixture.Tables.DeleteTableAsync(t));
        Assert.False(await fixture.Tables.DeleteTableAsync(t));
    }

    [Fact]
    public async Task AddThenGet_AllPropertyTypes_RoundTrip()
    {
        if (!fixture.Require()) return;
        var t = await NewTableAsync();
        var when = new DateTimeOffset(2026, 3, 31, 23, 59, 58, TimeSpan.FromHours(7)).AddTicks(1234567);
        var id = Guid.NewGuid();
        var entity = new TableEntity("kampung-01", "2026-03 o'clock")
        {
            ["Name"] = "Sukamaju ünïcode",
            ["Count"] = 42,
            ["Big"] = 9_007_199_254_740_993L,
            ["Small64"] = 5L,
            ["Ratio"] = 0.125,
            ["Whole"] = 3.0,
            ["Done"] = true,
            ["When"] = when,
            ["Id"] = id,
            ["Bytes"] = new byte[] { 0, 1, 2, 255 },
        };
        var etag = await fixture.Tables.AddEntityAsync(t, entity);
        Assert.NotEqual(default, etag);

        var got = await fixture.Tables.GetEntityAsync(t, "kampung-01", "2026-03 o'clock");
        Assert.NotNull(got);
        Assert.Equal(etag, got.ETag);
        Assert.NotNull(got.Timestamp);
        Assert.Equal("Sukamaju ünïcode", got.GetString("Name"));
        Assert.Equal(42, got.GetInt32("Count"));
        Assert.Equal(9_007_199_254_740_993L, got.GetInt64("Big"));
        Assert.IsType<long>(got["Small64"]);
        Assert.Equal(0.125, got.GetDouble("Ratio"));
        Assert.IsType<double>(got["Whole"]);
        Assert.Equal(3.0, got.GetDouble("Whole"));
        Assert.True(got.GetBoolean("Done"));
        Assert.Equal(when.UtcDateTime, got.GetDateTimeOffset("When")!.Value.UtcDateTime);
        Assert.Equal(id, got.GetGuid("Id"));
        Assert.Equal(new byte[] { 0, 1, 2, 255 }, got.GetBinary("Bytes"));
        Assert.Null(got.GetString("Missing"));
        Assert.Throws<InvalidOperationException>(() => got.GetInt32("Name"));

        Assert.Null(await fixture.Tables.GetEntityAsync(t, "kampung-01", "other"));
    }

    [Fact]
    public async Task Add_Existing_Throws409_TryAddReturnsFalse()
    {
        if (!fixture.Require()) return;
        var t = await NewTableAsync();
        await fixture.Tables.AddEntityAsync(t, new TableEntity("p", "r") { ["v"] = 1 });
        var ex = await Assert.ThrowsAsync<RequestFailedException>(() => fixture.Tables.AddEntityAsync(t, new TableEntity("p", "r") { ["v"] = 2 }));
        Assert.Equal(409, ex.Status);
        Assert.Equal("EntityAlreadyExists", ex.ErrorCode);
        Assert.False(await fixture.Tables.TryAddEntityAsync(t, new TableEntity("p", "r") { ["v"] = 3 }));
        Assert.Equal(1, (await fixture.Tables.GetEntityAsync(t, "p", "r"))!.GetInt32("v"));
    }

    [Fact]
    public async Task TryAdd_TenConcurrentClaims_ExactlyOneWins()
    {
        if (!fixture.Require()) return;
        var t = await NewTableAsync();
        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(i =>
            Task.Run(() => fixture.Tables.TryAddEntityAsync(t, new TableEntity("uploads", "path-hash-1") { ["Owner"] = $"worker-{i}" }))));
        Assert.Equal(1, results.Count(r => r));
        var winner = Array.IndexOf(results, true);
        Assert.Equal($"worker-{winner}", (await fixture.Tables.GetEntityAsync(t, "uploads", "path-hash-1"))!.GetString("Owner"));
    }

    [Fact]
    public async Task Update_StaleETag_Fails412_CurrentSucceeds_UpsertAndMergeModes()
    {
        if (!fixture.Require()) return;
        var t = await NewTableAsync();
        var first = await fixture.Tables.AddEntityAsync(t, new TableEntity("p", "r") { ["a"] = 1, ["b"] = "keep" });
        var second = await fixture.Tables.UpdateEntityAsync(t, new TableEntity("p", "r") { ["a"] = 2 }, first);
        var merged = await fixture.Tables.GetEntityAsync(t, "p", "r");
        Assert.Equal(2, merged!.GetInt32("a"));
        Assert.Equal("keep", merged.GetString("b"));

        var ex = await Assert.ThrowsAsync<RequestFailedException>(() =>
            fixture.Tables.UpdateEntityAsync(t, new TableEntity("p", "r") { ["a"] = 3 }, first));
        Assert.Equal(412, ex.Status);
        Assert.Equal("UpdateConditionNotSatisfied", ex.ErrorCode);

        await fixture.Tables.UpdateEntityAsync(t, new TableEntity("p", "r") { ["a"] = 4 }, second, TableUpdateMode.Replace);
        var replaced = await fixture.Tables.GetEntityAsync(t, "p", "r");
        Assert.Equal(4, replaced!.GetInt32("a"));
        Assert.False(replaced.ContainsProperty("b"));

        await fixture.Tables.UpsertEntityAsync(t, new TableEntity("p", "new") { ["x"] = "y" });
        await fixture.Tables.UpsertEntityAsync(t, new TableEntity("p", "new") { ["z"] = 1 }, TableUpdateMode.Merge);
        var upserted = await fixture.Tables.GetEntityAsync(t, "p", "new");
        Assert.Equal("y", upserted!.GetString("x"));
        Assert.Equal(1, upserted.GetInt32("z"));

        var missing = await Assert.ThrowsAsync<RequestFailedException>(() =>
            fixture.Tables.UpdateEntityAsync(t, new TableEntity("p", "ghost") { ["a"] = 1 }, ETag.All));
        Assert.Equal(404, missing.Status);
    }

    [Fact]
    public async Task Delete_StaleETag_Fails412_ThenDeletes_MissingReturnsFalse()
    {
        if (!fixture.Require()) return;
        var t = await NewTableAsync();
        var first = await fixture.Tables.AddEntityAsync(t, new TableEntity("p", "r") { ["a"] = 1 });
        var current = await fixture.Tables.UpsertEntityAsync(t, new TableEntity("p", "r") { ["a"] = 2 });
        var ex = await Assert.ThrowsAsync<RequestFailedException>(() => fixture.Tables.DeleteEntityAsync(t, "p", "r", first));
        Assert.Equal(412, ex.Status);
        Assert.True(await fixture.Tables.DeleteEntityAsync(t, "p", "r", current));
        Assert.False(await fixture.Tables.DeleteEntityAsync(t, "p", "r"));
    }

    [Fact]
    public async Task Query_2500EntitiesInBatches_Top1000_FollowsContinuation()
    {
        if (!fixture.Require()) return;
        var t = await NewTableAsync();
        var sw = Stopwatch.StartNew();
        foreach (var partition in new[] { "a", "b", "c" })
        {
            var rows = Enumerable.Range(0, partition == "c" ? 500 : 1000).ToList();
            foreach (var chunk in rows.Chunk(100))
            {
                var actions = chunk.Select(i => new TableTransactionAction(TableTransactionActionType.Add,
                    new TableEntity(partition, i.ToString("D5")) { ["n"] = i, ["even"] = i % 2 == 0 })).ToList();
                var etags = await fixture.Tables.SubmitTransactionAsync(t, actions);
                Assert.Equal(actions.Count, etags.Count);
            }
        }
        output.WriteLine($"2,500 inserts in 25 batches: {sw.ElapsedMilliseconds} ms");

        sw.Restart();
        var all = await fixture.Tables.QueryAsync(t, pageSize: 1000).ToListAsync();
        output.WriteLine($"query 2,500 in pages of 1000: {sw.ElapsedMilliseconds} ms");
        Assert.Equal(2500, all.Count);
        Assert.Equal(2500, all.Select(e => e.PartitionKey + "/" + e.RowKey).Distinct().Count());

        var filtered = await fixture.Tables.QueryAsync(t,
            TableFilter.And(TableFilter.PartitionKeyEquals("b"), "even eq true"), select: ["n"], pageSize: 100).ToListAsync();
        Assert.Equal(500, filtered.Count);
        Assert.All(filtered, e => Assert.Equal(0, e.GetInt32("n")!.Value % 2));
        Assert.All(filtered, e => Assert.False(e.ContainsProperty("even")));
    }

    [Fact]
    public async Task Transaction_OneFailingAction_WritesNothing()
    {
        if (!fixture.Require()) return;
        var t = await NewTableAsync();
        await fixture.Tables.AddEntityAsync(t, new TableEntity("p", "005") { ["v"] = "existing" });
        var actions = Enumerable.Range(0, 10).Select(i => new TableTransactionAction(TableTransactionActionType.Add,
            new TableEntity("p", i.ToString("D3")) { ["v"] = "batch" })).ToList();
        var ex = await Assert.ThrowsAsync<TableTransactionFailedException>(() => fixture.Tables.SubmitTransactionAsync(t, actions));
        Assert.Equal(409, ex.Status);
        Assert.Equal("EntityAlreadyExists", ex.ErrorCode);
        output.WriteLine($"failed index: {ex.FailedActionIndex}; message: {ex.Message}");
        var stored = await fixture.Tables.QueryAsync(t, TableFilter.PartitionKeyEquals("p")).ToListAsync();
        Assert.Equal("005", Assert.Single(stored).RowKey);
    }

    [Fact]
    public async Task Transaction_MixedActions_AllApplied()
    {
        if (!fixture.Require()) return;
        var t = await NewTableAsync();
        var e1 = await fixture.Tables.AddEntityAsync(t, new TableEntity("p", "1") { ["v"] = 1 });
        await fixture.Tables.AddEntityAsync(t, new TableEntity("p", "2") { ["v"] = 2 });
        var etags = await fixture.Tables.SubmitTransactionAsync(t,
        [
            new(TableTransactionActionType.UpdateMerge, new TableEntity("p", "1") { ["w"] = 10 }, e1),
            new(TableTransactionActionType.Delete, new TableEntity("p", "2")),
            new(TableTransactionActionType.UpsertReplace, new TableEntity("p", "3") { ["v"] = 3L }),
            new(TableTransactionActionType.Add, new TableEntity("p", "4") { ["v"] = "four" }),
        ]);
        Assert.Equal(4, etags.Count);
        var one = await fixture.Tables.GetEntityAsync(t, "p", "1");
        Assert.Equal(1, one!.GetInt32("v"));
        Assert.Equal(10, one.GetInt32("w"));
        Assert.Null(await fixture.Tables.GetEntityAsync(t, "p", "2"));
        Assert.Equal(3L, (await fixture.Tables.GetEntityAsync(t, "p", "3"))!.GetInt64("v"));
        Assert.Equal("four", (await fixture.Tables.GetEntityAsync(t, "p", "4"))!.GetString("v"));
    }

    [Fact]
    public async Task Transaction_101Actions_RefusedClientSide()
    {
        if (!fixture.Require()) return;
        var t = await NewTableAsync();
        var actions = Enumerable.Range(0, 101).Select(i => new TableTransactionAction(TableTransactionActionType.Add,
            new TableEntity("p", i.ToString("D3")))).ToList();
        await Assert.ThrowsAsync<ArgumentException>(() => fixture.Tables.SubmitTransactionAsync(t, actions));
        Assert.Empty(await fixture.Tables.QueryAsync(t).ToListAsync());
    }

    [Fact]
    public async Task PropertySizeLimits_MaxStringAccepted_OverLimitRefusedClientSide()
    {
        if (!fixture.Require()) return;
        var t = await NewTableAsync();
        var max = new string('x', TableLimits.MaxStringChars);
        await fixture.Tables.AddEntityAsync(t, new TableEntity("p", "max") { ["s"] = max, ["b"] = new byte[TableLimits.MaxBinaryBytes] });
        Assert.Equal(max, (await fixture.Tables.GetEntityAsync(t, "p", "max"))!.GetString("s"));

        await Assert.ThrowsAsync<ArgumentException>(() =>
            fixture.Tables.AddEntityAsync(t, new TableEntity("p", "over") { ["s"] = max + "x" }));
        var wide = new TableEntity("p", "wide");
        for (var i = 0; i < 253; i++) wide[$"p{i}"] = i;
        await Assert.ThrowsAsync<ArgumentException>(() => fixture.Tables.AddEntityAsync(t, wide));
        var huge = new TableEntity("p", "huge");
        for (var i = 0; i < 20; i++) huge[$"s{i}"] = max;
        await Assert.ThrowsAsync<ArgumentException>(() => fixture.Tables.AddEntityAsync(t, huge));
    }

    [Fact]
    public async Task EscapedKeys_ArbitraryText_RoundTrip()
    {
        if (!fixture.Require()) return;
        var t = await NewTableAsync();
        const string raw = "uploads/Desa #1/a?b\\c 100%!";
        var key = TableKeys.Escape(raw);
        await fixture.Tables.AddEntityAsync(t, new TableEntity(key, key) { ["raw"] = raw });
        var got = await fixture.Tables.GetEntityAsync(t, key, key);
        Assert.Equal(raw, TableKeys.Unescape(got!.RowKey));
        await Assert.ThrowsAsync<ArgumentException>(() => fixture.Tables.GetEntityAsync(t, "a/b", "x"));
    }

    [Fact]
    public async Task Timing_BatchVersusSingleInserts()
    {
        if (!fixture.Require()) return;
        var t = await NewTableAsync();
        var sw = Stopwatch.StartNew();
        for (var i = 0; i < 500; i++) await fixture.Tables.UpsertEntityAsync(t, new TableEntity("single", i.ToString("D4")) { ["n"] = i });
        var single = sw.ElapsedMilliseconds;
        sw.Restart();
        foreach (var chunk in Enumerable.Range(0, 500).Chunk(100))
        {
            await fixture.Tables.SubmitTransactionAsync(t, chunk.Select(i =>
                new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity("batch", i.ToString("D4")) { ["n"] = i })).ToList());
        }
        var batch = sw.ElapsedMilliseconds;
        output.WriteLine($"500 upserts: one by one {single} ms, in 5 batches of 100 {batch} ms");
        Assert.Equal(1000, (await fixture.Tables.QueryAsync(t).ToListAsync()).Count);
    }
}
