using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using KampungKB.Core.Storage;

namespace KampungKB.Core.Tests.Storage;

public sealed class StoragePipelineTests
{
    private static readonly DateTimeOffset FixedNow = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private static string ExpectedSignature(string stringToSign) =>
        Convert.ToBase64String(HMACSHA256.HashData(Convert.FromBase64String(StorageConnection.DevelopmentAccountKey), Encoding.UTF8.GetBytes(stringToSign)));

    private static HttpMessage NewMessage()
    {
        var pipeline = HttpPipelineBuilder.Build(new StorageClientOptions { Transport = new HttpClientTransport(new HttpClient(new FakeStorageHandler(_ => new HttpResponseMessage()))) });
        return pipeline.CreateMessage();
    }

    [Fact]
    public void BlobSharedKey_KnownRequest_SignsDocumentedStringToSign()
    {
        using var message = NewMessage();
        var request = message.Request;
        request.Method = RequestMethod.Put;
        request.Uri.Reset(new Uri("http://127.0.0.1:10000/devstoreaccount1/my-container/dir/a%20b.txt?timeout=30&comp=metadata"));
        request.Headers.SetValue("Content-Type", "text/plain");
        request.Headers.SetValue("If-None-Match", "*");
        request.Headers.SetValue("x-ms-version", "2025-11-05");
        request.Headers.SetValue("x-ms-meta-Kampung", " sukamaju ");
        request.Headers.SetValue("x-ms-blob-type", "BlockBlob");
        request.Content = RequestContent.Create(Encoding.UTF8.GetBytes("hello"));

        var policy = new SharedKeyPolicy(FakeStorageHandler.DevKey, table: false, () => FixedNow);
        policy.OnSendingRequest(message);

        const string expected =
            "PUT\n\n\n5\n\ntext/plain\n\n\n\n*\n\n\n" +
            "x-ms-blob-type:BlockBlob\nx-ms-date:Fri, 02 Jan 2026 03:04:05 GMT\nx-ms-meta-kampung:sukamaju\nx-ms-version:2025-11-05\n" +
            "/devstoreaccount1/devstoreaccount1/my-container/dir/a%20b.txt\ncomp:metadata\ntimeout:30";
        Assert.Equal(expected, policy.BuildBlobStringToSign(request));
        Assert.True(request.Headers.TryGetValue("Authorization", out var auth));
        Assert.Equal("SharedKey devstoreaccount1:" + ExpectedSignature(expected), auth);
    }

    [Fact]
    public void TableSharedKey_KnownRequest_SignsOnlyDateTypeAndCompParameter()
    {
        using var message = NewMessage();
        var request = message.Request;
        request.Method = RequestMethod.Get;
        request.Uri.Reset(new Uri("http://127.0.0.1:10002/devstoreaccount1/ledger(PartitionKey='p',RowKey='r')?$select=a&comp=acl"));
        request.Headers.SetValue("x-ms-version", "2019-02-02");
        request.Headers.SetValue("Content-Type", "application/json");

        var policy = new SharedKeyPolicy(FakeStorageHandler.DevKey, table: true, () => FixedNow);
        policy.OnSendingRequest(message);

        const string expected = "GET\n\napplication/json\nFri, 02 Jan 2026 03:04:05 GMT\n" +
            "/devstoreaccount1/devstoreaccount1/ledger(PartitionKey='p',RowKey='r')?comp=acl";
        Assert.Equal(expected, policy.BuildTableStringToSign(request));
        request.Headers.TryGetValue("Authorization", out var auth);
        Assert.Equal("SharedKey devstoreaccount1:" + ExpectedSignature(expected), auth);
    }

    [Fact]
    public async Task Bearer_OverHttps_SendsTokenForStorageScope()
    {
        var credential = new FakeTokenCredential();
        var handler = new FakeStorageHandler(_ => FakeStorageHandler.Answer(HttpStatusCode.OK, "{}"));
        var client = new BlobStorageClient(new Uri("https://acct.blob.core.windows.net"), credential, handler.Options());
        await client.GetPropertiesAsync("uploads", "a.xlsx");
        Assert.Equal("Bearer token-1", handler.Requests.Single().Headers["Authorization"]);
        Assert.Equal(["https://storage.azure.com/.default"], credential.Scopes);
    }

    [Fact]
    public async Task Bearer_OverHttp_RefusedByAzureCore()
    {
        var handler = new FakeStorageHandler(_ => FakeStorageHandler.Answer(HttpStatusCode.OK));
        var client = new BlobStorageClient(new Uri("http://127.0.0.1:10000/devstoreaccount1"), new FakeTokenCredential(), handler.Options());
        await Assert.ThrowsAnyAsync<InvalidOperationException>(() => client.GetPropertiesAsync("uploads", "a.xlsx"));
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task ErrorCode_FromXmlBody_WhenHeaderMissing()
    {
        var handler = new FakeStorageHandler(_ => FakeStorageHandler.Answer(HttpStatusCode.Forbidden,
            "<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>AuthorizationFailure</Code><Message>nope</Message></Error>", "application/xml"));
        var ex = await Assert.ThrowsAsync<RequestFailedException>(() => handler.Blobs().GetAsync("uploads", "a.xlsx"));
        Assert.Equal(403, ex.Status);
        Assert.Equal("AuthorizationFailure", ex.ErrorCode);
        Assert.False(StorageErrors.IsTransient(ex));
    }

    [Fact]
    public async Task ErrorCode_HeaderWins_AndStreamedDownloadErrorIsReadable()
    {
        var handler = new FakeStorageHandler(_ => FakeStorageHandler.Answer(HttpStatusCode.Conflict,
            "<Error><Code>Other</Code><Message>m</Message></Error>", "application/xml", ("x-ms-error-code", "LeaseIdMissing")));
        var ex = await Assert.ThrowsAsync<RequestFailedException>(() => handler.Blobs().DownloadToAsync("uploads", "a.xlsx", new MemoryStream()));
        Assert.Equal("LeaseIdMissing", ex.ErrorCode);
    }

    [Fact]
    public async Task BlobList_FollowsNextMarker_DecodesEncodedNames()
    {
        var handler = new FakeStorageHandler(r => FakeStorageHandler.Answer(HttpStatusCode.OK, r.Query.ContainsKey("marker")
            ? "<EnumerationResults><Blobs><Blob><Name Encoded=\"true\">b%EF%BF%BE.txt</Name><Properties><Etag>\"0x2\"</Etag><Content-Length>2</Content-Length></Properties></Blob></Blobs><NextMarker /></EnumerationResults>"
            : "<EnumerationResults><Blobs><Blob><Name>a/ü.txt</Name><Properties><Etag>\"0x1\"</Etag><Content-Length>1</Content-Length></Properties><Metadata><k>v</k></Metadata></Blob></Blobs><NextMarker>opaque!marker/=</NextMarker></EnumerationResults>",
            "application/xml"));
        var items = await handler.Blobs().ListAsync("uploads", "a", includeMetadata: true, pageSize: 1).ToListAsync();
        Assert.Equal(["a/ü.txt", "b\uFFFE.txt"], items.Select(i => i.Name));
        Assert.Equal("v", items[0].Metadata["k"]);
        Assert.Equal("opaque!marker/=", handler.Requests[1].Query["marker"]);
        Assert.Equal("1", handler.Requests[0].Query["maxresults"]);
        Assert.Equal("metadata", handler.Requests[0].Query["include"]);
    }

    [Fact]
    public void BlobUri_EncodesSegments_KeepsSlashes()
    {
        var client = new FakeStorageHandler(_ => new HttpResponseMessage()).Blobs();
        var uri = client.GetBlobUri("uploads", "Desa Ü/laporan #1?.xlsx");
        Assert.Equal("/devstoreaccount1/uploads/Desa%20%C3%9C/laporan%20%231%3F.xlsx", uri.AbsolutePath);
        Assert.Throws<ArgumentException>(() => client.GetBlobUri("uploads", "a/../b"));
        Assert.Throws<ArgumentException>(() => client.GetBlobUri("Uploads", "a"));
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

    private sealed class FakeTokenCredential : TokenCredential
    {
        public string[] Scopes { get; private set; } = [];

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            Scopes = requestContext.Scopes;
            return new AccessToken("token-1", DateTimeOffset.UtcNow.AddHours(1));
        }

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            new(GetToken(requestContext, cancellationToken));
    }
}
