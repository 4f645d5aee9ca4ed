using Azure;
using Azure.Data.Tables;
using KampungKB.Core.Store;

namespace KampungKB.Core.Tests.Storage;

/// <summary>
/// The client-side guards for what Azurite does not enforce (docs/storage.md): they must refuse before
/// anything is sent, so these need no storage at all.
/// </summary>
public sealed class StorageGuardTests
{
    private static TableTransactionAction Upsert(string pk, string rk) =>
        new(TableTransactionActionType.UpsertReplace, new TableEntity(pk, rk) { ["N"] = 1 });

    [Fact]
    public void Batch_Of100_OnePartition_Passes_101_Refused()
    {
        TableLimits.ValidateBatch(Enumerable.Range(0, 100).Select(i => Upsert("p", $"r{i:D3}")).ToList());
        var ex = Assert.Throws<ArgumentException>(() =>
            TableLimits.ValidateBatch(Enumerable.Range(0, 101).Select(i => Upsert("p", $"r{i:D3}")).ToList()));
        Assert.Contains("at most 100", ex.Message);
    }

    [Fact]
    public void Batch_TwoPartitions_Or_SameRowTwice_Or_Empty_Refused()
    {
        var mixed = Assert.Throws<ArgumentException>(() => TableLimits.ValidateBatch([Upsert("p1", "r1"), Upsert("p2", "r2")]));
        Assert.Contains("action 1", mixed.Message);
        Assert.Throws<ArgumentException>(() => TableLimits.ValidateBatch([Upsert("p", "r"), Upsert("p", "r")]));
        Assert.Throws<ArgumentException>(() => TableLimits.ValidateBatch([]));
    }

    [Fact]
    public async Task GuardedSubmit_MixedPartitions_RefusedBeforeAnyRequest()
    {
        // An endpoint nobody listens on: reaching the network would fail differently (RequestFailedException).
        var table = new TableClient(new Uri("http://127.0.0.1:9/devstoreaccount1"), "guarded",
            new TableSharedKeyCredential(StorageConnection.DevelopmentAccountName, StorageConnection.DevelopmentAccountKey),
            new TableClientOptions { Retry = { MaxRetries = 0 } });
        await Assert.ThrowsAsync<ArgumentException>(() => table.SubmitGuardedTransactionAsync([Upsert("p1", "a"), Upsert("p2", "b")]));
        await Assert.ThrowsAsync<ArgumentException>(() => table.TryAddEntityAsync(new TableEntity("a/b", "r")));
    }

    [Theory]
    [InlineData("a/b")]
    [InlineData("a\\b")]
    [InlineData("a#b")]
    [InlineData("a?b")]
    [InlineData("a\u0001b")]
    [InlineData("a\u007Fb")]
    [InlineData("a\u0085b")]
    public void Keys_WithForbiddenCharacters_Refused(string key)
    {
        Assert.Throws<ArgumentException>(() => TableLimits.ValidateKey(key, "RowKey"));
        Assert.Throws<ArgumentException>(() => TableLimits.ValidateEntity(new TableEntity(key, "r")));
        Assert.Throws<ArgumentException>(() => TableLimits.ValidateBatch([Upsert("p", key)]));
        Assert.Throws<ArgumentException>(() => TableLimits.ValidateBatch(
            [new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity("p", key))]));
    }

    [Fact]
    public void Keys_Over1KiB_And_Strings_Over64KiB_Refused()
    {
        Assert.Throws<ArgumentException>(() => TableLimits.ValidateKey(new string('k', 513), "RowKey"));
        TableLimits.ValidateKey(new string('k', 512), "RowKey");
        TableLimits.ValidateKey("63.71.04.1003_20251103T020000-abc_00001", "RowKey");
        var ex = Assert.Throws<ArgumentException>(() => TableLimits.ValidateEntity(new TableEntity("p", "r") { ["Notes"] = new string('x', 32 * 1024 + 1) }));
        Assert.Contains("Notes", ex.Message);
    }

    [Theory]
    [InlineData(408, true)]
    [InlineData(429, true)]
    [InlineData(500, true)]
    [InlineData(503, true)]
    [InlineData(400, false)]
    [InlineData(404, false)]
    [InlineData(409, false)]
    [InlineData(412, false)]
    public void IsTransient_ByStatus(int status, bool transient) =>
        Assert.Equal(transient, StorageErrors.IsTransient(new RequestFailedException(status, "x")));

    [Fact]
    public void IsTransient_NetworkAndTimeouts_True_CancellationAndArgument_False()
    {
        Assert.True(StorageErrors.IsTransient(new IOException()));
        Assert.True(StorageErrors.IsTransient(new HttpRequestException()));
        Assert.True(StorageErrors.IsTransient(new TimeoutException()));
        Assert.True(StorageErrors.IsTransient(new RequestFailedException(0, "net", new HttpRequestException())));
        Assert.True(StorageErrors.IsTransient(new TaskCanceledException("t", new TimeoutException())));
        Assert.False(StorageErrors.IsTransient(new OperationCanceledException()));
        Assert.False(StorageErrors.IsTransient(new ArgumentException()));
    }
}
