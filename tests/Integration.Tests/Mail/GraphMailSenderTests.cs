using System.Collections.Concurrent;
using System.Net;
using Azure.Core;
using KampungKB.Core.Outbox.Mail;

namespace KampungKB.Integration.Tests.Mail;

public sealed class GraphMailSenderTests : IAsyncDisposable
{
    private const string Sender = "laporan@dppkb.example.go.id";
    private readonly FakeGraph _graph = FakeGraph.Start();

    public async ValueTask DisposeAsync() => await _graph.DisposeAsync();

    private GraphMailSender CreateSender(long? inlineLimit = null, bool saveToSentItems = false) => new(
        new MailOptions
        {
            Mode = MailMode.Graph,
            Sender = Sender,
            UseManagedIdentity = true,
            SaveToSentItems = saveToSentItems,
            GraphBaseUrl = new Uri(_graph.BaseUrl + "v1.0"),
            InlineAttachmentLimitBytes = inlineLimit ?? 3 * 1024 * 1024 - 256 * 1024,
        },
        new FakeCredential());

    private static MailMessage Message(byte[] attachment) => new(
        ["Pokja Sungai Biru <pokja@example.id>"],
        ["dinas@example.go.id"],
        "Laporan Kampung KB Sungai Biru — Oktober 2025 diterima",
        "<p>Laporan <b>diterima</b></p>",
        null,
        [new MailAttachment("rekap-2025-10.xlsx", MailAttachment.XlsxContentType, attachment)]);

    [Fact]
    public async Task SendAsync_SmallAttachment_PostsSendMailWithInlineFileAttachment()
    {
        _graph.Respond(HttpStatusCode.Accepted);
        var content = Encoding.ASCII.GetBytes("PK fake xlsx bytes");
        using var sender = CreateSender();

        var result = await sender.SendAsync(Message(content), CancellationToken.None);

        Assert.True(result.Succeeded);
        var request = Assert.Single(_graph.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal($"/v1.0/users/{Sender}/sendMail", Uri.UnescapeDataString(request.Path));
        Assert.Equal("Bearer fake-token", request.Authorization);

        using var json = JsonDocument.Parse(request.Body);
        // The SDK writes the action's parameters as "Message"/"SaveToSentItems"; Graph reads them case-insensitively.
        var root = json.RootElement;
        Assert.False(Property(root, "saveToSentItems").GetBoolean());
        var message = Property(root, "message");
        Assert.Equal("Laporan Kampung KB Sungai Biru — Oktober 2025 diterima", message.GetProperty("subject").GetString());
        Assert.Equal("html", message.GetProperty("body").GetProperty("contentType").GetString(), ignoreCase: true);
        Assert.Equal("<p>Laporan <b>diterima</b></p>", message.GetProperty("body").GetProperty("content").GetString());
        var to = Assert.Single(message.GetProperty("toRecipients").EnumerateArray()).GetProperty("emailAddress");
        Assert.Equal("pokja@example.id", to.GetProperty("address").GetString());
        Assert.Equal("Pokja Sungai Biru", to.GetProperty("name").GetString());
        Assert.Equal("dinas@example.go.id", Assert.Single(message.GetProperty("ccRecipients").EnumerateArray()).GetProperty("emailAddress").GetProperty("address").GetString());
        var attachment = Assert.Single(message.GetProperty("attachments").EnumerateArray());
        Assert.Equal("#microsoft.graph.fileAttachment", attachment.GetProperty("@odata.type").GetString());
        Assert.Equal("rekap-2025-10.xlsx", attachment.GetProperty("name").GetString());
        Assert.Equal(content, Convert.FromBase64String(attachment.GetProperty("contentBytes").GetString()!));
        Assert.Contains(message.GetProperty("internetMessageHeaders").EnumerateArray(),
            h => h.GetProperty("name").GetString() == GraphMailSender.IdHeader && h.GetProperty("value").GetString() == result.MessageId);
    }

    /// <summary>
    /// Microsoft.Graph 6 defaults <c>SaveToSentItems</c> to false and omits an unset value: the sender must
    /// always write the configured value, so the dinas' Sent Items keep a copy when the setting says so.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task SendAsync_SaveToSentItems_AlwaysSentExplicitly_AsConfigured(bool save)
    {
        _graph.Respond(HttpStatusCode.Accepted);
        using var sender = CreateSender(saveToSentItems: save);

        var result = await sender.SendAsync(Message([1, 2, 3]), CancellationToken.None);

        Assert.True(result.Succeeded);
        using var json = JsonDocument.Parse(Assert.Single(_graph.Requests).Body);
        var value = Property(json.RootElement, "saveToSentItems");
        Assert.Equal(save ? JsonValueKind.True : JsonValueKind.False, value.ValueKind);
    }

    [Fact]
    public async Task SendAsync_ThrottledOnceWithRetryAfter_RetriesAndSendsOnce()
    {
        _graph.Respond(HttpStatusCode.TooManyRequests, "{\"error\":{\"code\":\"ApplicationThrottled\",\"message\":\"slow down\"}}", ("Retry-After", "1"));
        _graph.Respond(HttpStatusCode.Accepted);
        using var sender = CreateSender();

        var result = await sender.SendAsync(Message([1, 2, 3]), CancellationToken.None);

        Assert.True(result.Succeeded);
        Assert.Equal(2, _graph.Requests.Count);
        Assert.True(_graph.Requests[1].ReceivedAt - _graph.Requests[0].ReceivedAt >= TimeSpan.FromMilliseconds(900));
        Assert.Equal(_graph.Requests[0].Body, _graph.Requests[1].Body);
    }

    [Fact]
    public async Task SendAsync_BadRequestODataError_IsPermanentFailure()
    {
        _graph.Respond(HttpStatusCode.BadRequest, "{\"error\":{\"code\":\"ErrorInvalidRecipients\",\"message\":\"bad\"}}");
        using var sender = CreateSender();

        var result = await sender.SendAsync(Message([1]), CancellationToken.None);

        Assert.Equal(MailSendStatus.PermanentFailure, result.Status);
        Assert.Equal(MailErrorCodes.Rejected, result.ErrorCode);
        Assert.Equal(400, result.HttpStatus);
        Assert.Equal("ErrorInvalidRecipients", result.Detail);
        Assert.Single(_graph.Requests);
    }

    [Fact]
    public async Task SendAsync_ServiceUnavailableEveryTime_IsTransientFailureAfterRetries()
    {
        for (var i = 0; i < 4; i++)
            _graph.Respond(HttpStatusCode.ServiceUnavailable, "{\"error\":{\"code\":\"ServiceUnavailable\",\"message\":\"down\"}}", ("Retry-After", "0"));
        using var sender = CreateSender();

        var result = await sender.SendAsync(Message([1]), CancellationToken.None);

        Assert.Equal(MailSendStatus.TransientFailure, result.Status);
        Assert.Equal(4, _graph.Requests.Count);
    }

    [Fact]
    public async Task SendAsync_Forbidden_IsPermanentUnauthorized()
    {
        _graph.Respond(HttpStatusCode.Forbidden, "{\"error\":{\"code\":\"ErrorAccessDenied\",\"message\":\"no\"}}");
        using var sender = CreateSender();

        var result = await sender.SendAsync(Message([1]), CancellationToken.None);

        Assert.Equal(MailSendStatus.PermanentFailure, result.Status);
        Assert.Equal(MailErrorCodes.Unauthorized, result.ErrorCode);
    }

    [Fact]
    public async Task SendAsync_LargeAttachment_UsesDraftUploadSessionThenSend()
    {
        var content = new byte[4 * 1024 * 1024 + 123];
        new Random(7).NextBytes(content);
        _graph.Respond(HttpStatusCode.Created, "{\"id\":\"draft-1\"}");
        _graph.Respond(HttpStatusCode.OK, $"{{\"uploadUrl\":\"{_graph.BaseUrl}upload/draft-1\",\"expirationDateTime\":\"2099-01-01T00:00:00Z\",\"nextExpectedRanges\":[\"0-\"]}}");
        _graph.Respond(HttpStatusCode.OK, $"{{\"expirationDateTime\":\"2099-01-01T00:00:00Z\",\"nextExpectedRanges\":[\"{GraphMailSender.UploadSliceSize}-\"]}}");
        // As documented for Outlook attachments: the last slice answers 201 with a Location and no body.
        _graph.Respond(HttpStatusCode.Created, null, ("Location", $"{_graph.BaseUrl}v1.0/users/{Sender}/messages/draft-1/attachments/att-1"));
        _graph.Respond(HttpStatusCode.Accepted);
        using var sender = CreateSender(inlineLimit: 1024);

        var result = await sender.SendAsync(Message(content), CancellationToken.None);

        Assert.True(result.Succeeded, result.ErrorCode + " " + result.Detail);
        var paths = _graph.Requests.Select(r => $"{r.Method} {Uri.UnescapeDataString(r.Path)}").ToList();
        Assert.Equal(
        [
            $"POST /v1.0/users/{Sender}/messages",
            $"POST /v1.0/users/{Sender}/messages/draft-1/attachments/createUploadSession",
            "PUT /upload/draft-1",
            "PUT /upload/draft-1",
            $"POST /v1.0/users/{Sender}/messages/draft-1/send",
        ], paths);
        Assert.Equal(content, _graph.Requests.Where(r => r.Method == "PUT").SelectMany(r => r.RawBody).ToArray());
        using var session = JsonDocument.Parse(_graph.Requests[1].Body);
        Assert.Equal(content.Length, Property(Property(session.RootElement, "attachmentItem"), "size").GetInt64());
    }

    private static JsonElement Property(JsonElement element, string name) =>
        element.EnumerateObject().Single(p => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase)).Value;

    private sealed class FakeCredential : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            new("fake-token", DateTimeOffset.UtcNow.AddHours(1));

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            new(GetToken(requestContext, cancellationToken));
    }
}

/// <summary>A scripted stand-in for Graph on 127.0.0.1: answers queued responses in order and records every request.</summary>
internal sealed class FakeGraph : IAsyncDisposable
{
    private readonly ConcurrentQueue<(HttpStatusCode Status, string? Body, (string, string)[] Headers)> _responses = new();
    private readonly FakeServer _server;

    private FakeGraph() => _server = FakeServer.Start(Answer);

    public string BaseUrl => _server.BaseUrl;
    public IReadOnlyList<FakeRequest> Requests => _server.Requests;

    public static FakeGraph Start() => new();

    public void Respond(HttpStatusCode status, string? body = null, params (string, string)[] headers) => _responses.Enqueue((status, body, headers));

    /// <summary>The answer once the queue is empty (default: an "unscripted" 500).</summary>
    public HttpStatusCode? Fallback { get; set; }

    private FakeResponse Answer(FakeRequest request)
    {
        var (status, body, headers) = _responses.TryDequeue(out var r) ? r : Fallback is { } f ? (f, null, []) : (HttpStatusCode.InternalServerError, "{\"error\":{\"code\":\"Unscripted\",\"message\":\"no response queued\"}}", []);
        return body is null ? FakeResponse.Empty((int)status, headers) : FakeResponse.Json(body, (int)status, headers);
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
