using System.Net;
using Azure;
using KampungKB.Core.Storage;

namespace KampungKB.Core.Tests.Storage;

public sealed class TableStorageClientTests
{
    private static readonly string OneEntityPage = """{"value":[{"odata.etag":"W/\"x\"","PartitionKey":"p","RowKey":"r"}]}""";

    [Fact]
    public async Task SubmitTransaction_TwoPartitions_RefusedClientSide_NothingSent()
    {
        var handler = new FakeStorageHandler(_ => throw new InvalidOperationException("no request expected"));
        var actions = new List<TableTransactionAction>
        {
            new(TableTransactionActionType.Add, new TableEntity("p1", "a")),
            new(TableTransactionActionType.Add, new TableEntity("p2", "b")),
        };
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => handler.Tables().SubmitTransactionAsync("ledger", actions));
        Assert.Contains("PartitionKey", ex.Message);
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task SubmitTransaction_101Actions_Or_SameRowTwice_Or_Empty_RefusedClientSide()
    {
        var handler = new FakeStorageHandler(_ => throw new InvalidOperationException("no request expected"));
        var tables = handler.Tables();
        await Assert.ThrowsAsync<ArgumentException>(() => tables.SubmitTransactionAsync("ledger",
            Enumerable.Range(0, 101).Select(i => new TableTransactionAction(TableTransactionActionType.Add, new TableEntity("p", i.ToString()))).ToList()));
        await Assert.ThrowsAsync<ArgumentException>(() => tables.SubmitTransactionAsync("ledger",
        [
            new(TableTransactionActionType.Add, new TableEntity("p", "a")),
            new(TableTransactionActionType.Delete, new TableEntity("p", "a")),
        ]));
        await Assert.ThrowsAsync<ArgumentException>(() => tables.SubmitTransactionAsync("ledger", []));
        Assert.Empty(handler.Requests);
    }

    [Theory]
    [InlineData("a/b")]
    [InlineData("a\\b")]
    [InlineData("a#b")]
    [InlineData("a?b")]
    [InlineData("a\u0001b")]
    [InlineData("a\u007Fb")]
    [InlineData("a\u0085b")]
    public async Task Keys_WithForbiddenCharacters_RefusedClientSide(string key)
    {
        var handler = new FakeStorageHandler(_ => throw new InvalidOperationException("no request expected"));
        var tables = handler.Tables();
        await Assert.ThrowsAsync<ArgumentException>(() => tables.AddEntityAsync("ledger", new TableEntity(key, "r")));
        await Assert.ThrowsAsync<ArgumentException>(() => tables.GetEntityAsync("ledger", "p", key));
        await Assert.ThrowsAsync<ArgumentException>(() => tables.DeleteEntityAsync("ledger", key, "r"));
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public void Keys_Over1KiB_Refused_Escape_MakesAnyTextSafe_AndReverses()
    {
        Assert.Throws<ArgumentException>(() => TableLimits.ValidateKey(new string('k', 513), "RowKey"));
        TableLimits.ValidateKey(new string('k', 512), "RowKey");

        var nasty = "a/b\\c#d?e%f!g\u0000h\u001Fi\u007Fj\u009Fk 'ü' %2F";
        var escaped = TableKeys.Escape(nasty);
        TableLimits.ValidateKey(escaped, "RowKey");
        Assert.DoesNotContain('%', escaped);
        Assert.Equal(nasty, TableKeys.Unescape(escaped));
        Assert.Equal("plain text", TableKeys.Escape("plain text"));
        Assert.Throws<FormatException>(() => TableKeys.Unescape("bad!2"));
    }

    [Fact]
    public async Task Query_ContinuationTokens_PassedBackOpaqueAndExact()
    {
        const string nextPk = "1!8!cGsx+/=%25?&";
        const string nextRk = "1!12!cm93!4D~";
        var handler = new FakeStorageHandler(r => r.Query.ContainsKey("NextPartitionKey")
            ? FakeStorageHandler.Answer(HttpStatusCode.OK, OneEntityPage)
            : FakeStorageHandler.Answer(HttpStatusCode.OK, OneEntityPage, headers:
                [("x-ms-continuation-NextPartitionKey", nextPk), ("x-ms-continuation-NextRowKey", nextRk)]));

        var all = await handler.Tables().QueryAsync("ledger", "PartitionKey eq 'p'", ["a", "b"], pageSize: 10).ToListAsync();

        Assert.Equal(2, all.Count);
        Assert.Equal(2, handler.Requests.Count);
        var second = handler.Requests[1].Query;
        Assert.Equal(nextPk, second["NextPartitionKey"]);
        Assert.Equal(nextRk, second["NextRowKey"]);
        Assert.Equal("PartitionKey eq 'p'", second["$filter"]);
        Assert.Equal("a,b", second["$select"]);
        Assert.Equal("10", second["$top"]);
    }

    [Fact]
    public async Task Get_503ThenOk_RetriedOnce_Succeeds()
    {
        var calls = 0;
        var handler = new FakeStorageHandler(_ => ++calls == 1
            ? FakeStorageHandler.Answer(HttpStatusCode.ServiceUnavailable, """{"odata.error":{"code":"ServerBusy","message":{"lang":"en-US","value":"busy"}}}""")
            : FakeStorageHandler.Answer(HttpStatusCode.OK, """{"PartitionKey":"p","RowKey":"r","n@odata.type":"Edm.Int64","n":"7"}""", headers: [("ETag", "W/\"e1\"")]));

        var entity = await handler.Tables(maxRetries: 1).GetEntityAsync("ledger", "p", "r");

        Assert.Equal(2, handler.Requests.Count);
        Assert.Equal(7L, entity!.GetInt64("n"));
        Assert.Equal(new ETag("W/\"e1\""), entity.ETag);
        // Each attempt is signed afresh.
        Assert.StartsWith("SharedKey devstoreaccount1:", handler.Requests[1].Headers["Authorization"]);
    }

    [Fact]
    public async Task Get_503Persistent_ThrowsTransientWithErrorCodeFromBody()
    {
        var handler = new FakeStorageHandler(_ => FakeStorageHandler.Answer(HttpStatusCode.ServiceUnavailable,
            """{"odata.error":{"code":"ServerBusy","message":{"lang":"en-US","value":"The server is busy."}}}"""));
        var ex = await Assert.ThrowsAsync<RequestFailedException>(() => handler.Tables(maxRetries: 1).GetEntityAsync("ledger", "p", "r"));
        Assert.Equal(503, ex.Status);
        Assert.Equal("ServerBusy", ex.ErrorCode);
        Assert.True(StorageErrors.IsTransient(ex));
        Assert.Equal(2, handler.Requests.Count);
    }

    [Fact]
    public async Task TryAdd_RetriedAfterLostSuccess_409OnOwnRow_CountsAsWon()
    {
        var calls = 0;
        var handler = new FakeStorageHandler(r => (++calls, r.Method) switch
        {
            (1, "POST") => FakeStorageHandler.Answer(HttpStatusCode.ServiceUnavailable),
            (_, "POST") => FakeStorageHandler.Answer(HttpStatusCode.Conflict,
                """{"odata.error":{"code":"EntityAlreadyExists","message":{"value":"exists"}}}"""),
            _ => FakeStorageHandler.Answer(HttpStatusCode.OK, """{"PartitionKey":"p","RowKey":"r","Owner":"me"}""", headers: [("ETag", "W/\"e\"")]),
        });
        Assert.True(await handler.Tables().TryAddEntityAsync("ledger", new TableEntity("p", "r") { ["Owner"] = "me" }));

        var other = new FakeStorageHandler(r => r.Method == "POST"
            ? FakeStorageHandler.Answer(HttpStatusCode.Conflict, """{"odata.error":{"code":"EntityAlreadyExists","message":{"value":"exists"}}}""")
            : throw new InvalidOperationException("a first-attempt 409 needs no read"));
        Assert.False(await other.Tables().TryAddEntityAsync("ledger", new TableEntity("p", "r") { ["Owner"] = "me" }));
    }

    [Fact]
    public async Task Add_WritesTypeAnnotations_ForInt64DateTimeGuidBinaryDouble()
    {
        var handler = new FakeStorageHandler(_ => FakeStorageHandler.Answer(HttpStatusCode.NoContent, headers: [("ETag", "W/\"e\"")]));
        var when = new DateTimeOffset(2026, 1, 2, 10, 4, 5, TimeSpan.FromHours(7));
        var id = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e");
        await handler.Tables().AddEntityAsync("ledger", new TableEntity("p", "r")
        {
            ["L"] = 5L, ["D"] = 1.0, ["T"] = when, ["G"] = id, ["B"] = new byte[] { 1, 2 }, ["I"] = 3, ["S"] = "s", ["F"] = false,
        });
        var body = handler.Requests.Single().BodyText;
        Assert.Contains("\"L@odata.type\":\"Edm.Int64\",\"L\":\"5\"", body);
        Assert.Contains("\"D@odata.type\":\"Edm.Double\",\"D\":1", body);
        Assert.Contains("\"T@odata.type\":\"Edm.DateTime\",\"T\":\"2026-01-02T03:04:05.0000000Z\"", body);
        Assert.Contains("\"G@odata.type\":\"Edm.Guid\",\"G\":\"0f8fad5b-d9cb-469f-a165-70867728950e\"", body);
        Assert.Contains("\"B@odata.type\":\"Edm.Binary\",\"B\":\"AQI=\"", body);
        Assert.Contains("\"I\":3", body);
        Assert.Equal("return-no-content", handler.Requests.Single().Headers["Prefer"]);
    }

    [Fact]
    public async Task SubmitTransaction_BuildsOneChangeset_ParsesFailureIndex()
    {
        const string failure = "--batchresponse_1\r\nContent-Type: multipart/mixed; boundary=changesetresponse_1\r\n\r\n" +
            "--changesetresponse_1\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\n" +
            "HTTP/1.1 409 Conflict\r\nContent-ID: 1\r\nContent-Type: application/json;odata=minimalmetadata;charset=utf-8\r\n\r\n" +
            "{\"odata.error\":{\"code\":\"EntityAlreadyExists\",\"message\":{\"lang\":\"en-US\",\"value\":\"1:The specified entity already exists.\"}}}\r\n" +
            "--changesetresponse_1--\r\n--batchresponse_1--\r\n";
        var handler = new FakeStorageHandler(_ => FakeStorageHandler.Answer(HttpStatusCode.Accepted, failure, "multipart/mixed; boundary=batchresponse_1"));
        var ex = await Assert.ThrowsAsync<TableTransactionFailedException>(() => handler.Tables().SubmitTransactionAsync("ledger",
        [
            new(TableTransactionActionType.UpsertMerge, new TableEntity("p", "a") { ["v"] = 1 }),
            new(TableTransactionActionType.Add, new TableEntity("p", "b") { ["v"] = 2 }),
        ]));
        Assert.Equal(409, ex.Status);
        Assert.Equal("EntityAlreadyExists", ex.ErrorCode);
        Assert.Equal(1, ex.FailedActionIndex);
        Assert.False(StorageErrors.IsTransient(ex));

        var request = handler.Requests.Single();
        Assert.EndsWith("/devstoreaccount1/$batch", request.Uri.AbsolutePath);
        Assert.StartsWith("multipart/mixed; boundary=batch_", request.Headers["Content-Type"]);
        var body = request.BodyText;
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(body, "boundary=changeset_"));
        Assert.Contains("MERGE http://127.0.0.1:10002/devstoreaccount1/ledger(PartitionKey='p',RowKey='a') HTTP/1.1", body);
        Assert.Contains("POST http://127.0.0.1:10002/devstoreaccount1/ledger HTTP/1.1", body);
    }
}
