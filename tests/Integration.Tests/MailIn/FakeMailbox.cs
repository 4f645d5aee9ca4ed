using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Azure.Core;

namespace KampungKB.Integration.Tests.MailIn;

/// <summary>A message in the fake mailbox; <see cref="Folder"/> is "inbox" or a created folder's id.</summary>
internal sealed class FakeMessage(string id, string from, DateTimeOffset received, params FakeAttachment[] attachments)
{
    public string Id { get; } = id;
    public string From { get; } = from;
    public DateTimeOffset Received { get; } = received;
    public string InternetMessageId => $"<{Id}@mail.example.id>";
    public IReadOnlyList<FakeAttachment> Attachments { get; } = attachments;
    public string Folder { get; set; } = "inbox";
}

/// <summary>A file attachment (or, with <see cref="OdataType"/>, an item/reference attachment).</summary>
internal sealed record FakeAttachment(string Id, string Name, byte[] Content, bool IsInline = false, string OdataType = "#microsoft.graph.fileAttachment");

internal sealed record MailboxRequest(string Method, string Path, string Query, string? Prefer, string Body);

/// <summary>
/// Plays the few Graph endpoints email in uses, on 127.0.0.1, with state: the Inbox listed two messages a
/// page with <c>@odata.nextLink</c>, attachments (metadata and content), mail folders (list with a
/// displayName filter, create), move, reply and sendMail. <see cref="FailOnce"/> scripts one failure.
/// </summary>
internal sealed class FakeMailbox : IAsyncDisposable
{
    public const int PageSize = 2;
    private readonly FakeServer _server;
    private readonly ConcurrentQueue<(string PathSuffix, int Status)> _failures = new();
    private readonly List<(string Id, string Name)> _folders = [];

    private FakeMailbox() => _server = FakeServer.Start(Answer);

    public List<FakeMessage> Messages { get; } = [];
    public string BaseUrl => _server.BaseUrl;
    public Uri GraphUrl => new(BaseUrl + "v1.0");
    public IReadOnlyList<MailboxRequest> Requests =>
        _server.Requests.Select(r => new MailboxRequest(r.Method, Uri.UnescapeDataString(r.Path), Uri.UnescapeDataString(r.Query), r.Header("Prefer"), r.Body)).ToList();
    public IReadOnlyList<(string Id, string Name)> Folders { get { lock (_folders) return _folders.ToList(); } }

    public IReadOnlyList<MailboxRequest> Replies(string messageId) =>
        Requests.Where(r => r.Method == "POST" && r.Path.EndsWith($"/messages/{messageId}/reply", StringComparison.Ordinal)).ToList();

    public static FakeMailbox Start() => new();

    /// <summary>The next request whose path ends with <paramref name="pathSuffix"/> is answered with <paramref name="status"/>.</summary>
    public void FailOnce(string pathSuffix, int status) => _failures.Enqueue((pathSuffix, status));

    private FakeResponse Answer(FakeRequest request)
    {
        var body = request.Body;
        var path = Uri.UnescapeDataString(request.Path);

        if (_failures.TryPeek(out var failure) && path.EndsWith(failure.PathSuffix, StringComparison.Ordinal) && _failures.TryDequeue(out _))
        {
            var error = FakeResponse.Json(new JsonObject { ["error"] = new JsonObject { ["code"] = "Scripted", ["message"] = "scripted failure" } }, failure.Status);
            return failure.Status is 429 or 503 ? error with { Headers = [("Retry-After", "0")] } : error;
        }

        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries); // v1.0 users {mb} ...
        var rest = segments.Skip(3).ToArray();
        var method = request.Method;
        switch (rest)
        {
            case ["mailFolders", "inbox", "messages"] when method == "GET":
                var skip = request.QueryValue("$skiptoken") is { } token ? int.Parse(token, System.Globalization.CultureInfo.InvariantCulture) : 0;
                List<FakeMessage> inbox;
                lock (Messages) inbox = Messages.Where(m => m.Folder == "inbox").OrderBy(m => m.Received).ToList();
                var page = new JsonObject { ["value"] = new JsonArray(inbox.Skip(skip).Take(PageSize).Select(MessageJson).ToArray()) };
                if (skip + PageSize < inbox.Count)
                    page["@odata.nextLink"] = $"{BaseUrl}v1.0/users/{segments[2]}/mailFolders/inbox/messages?$skiptoken={skip + PageSize}";
                return FakeResponse.Json(page);
            case ["mailFolders"] when method == "GET":
                var filter = request.QueryValue("$filter") ?? "";
                JsonNode[] found;
                lock (_folders)
                    found = _folders.Where(f => filter.Contains($"'{f.Name}'", StringComparison.Ordinal))
                        .Select(f => (JsonNode)new JsonObject { ["id"] = f.Id, ["displayName"] = f.Name }).ToArray();
                return FakeResponse.Json(new JsonObject { ["value"] = new JsonArray(found) });
            case ["mailFolders"] when method == "POST":
                var name = JsonNode.Parse(body, new JsonNodeOptions { PropertyNameCaseInsensitive = true })!["displayName"]!.GetValue<string>();
                var id = "folder-" + Guid.NewGuid().ToString("N")[..8];
                lock (_folders) _folders.Add((id, name));
                return FakeResponse.Json(new JsonObject { ["id"] = id, ["displayName"] = name }, 201);
            case ["messages", var messageId, "attachments"] when method == "GET":
                return FakeResponse.Json(new JsonObject
                {
                    ["value"] = new JsonArray(Find(messageId).Attachments.Select(a => (JsonNode)new JsonObject
                    {
                        ["@odata.type"] = a.OdataType, ["id"] = a.Id, ["name"] = a.Name, ["contentType"] = "application/octet-stream",
                        ["size"] = a.Content.Length, ["isInline"] = a.IsInline,
                    }).ToArray()),
                });
            case ["messages", var messageId, "attachments", var attachmentId] when method == "GET":
                var attachment = Find(messageId).Attachments.Single(a => a.Id == attachmentId);
                return FakeResponse.Json(new JsonObject
                {
                    ["@odata.type"] = attachment.OdataType, ["id"] = attachment.Id, ["name"] = attachment.Name, ["size"] = attachment.Content.Length,
                    ["isInline"] = attachment.IsInline, ["contentBytes"] = Convert.ToBase64String(attachment.Content),
                });
            case ["messages", var messageId, "move"] when method == "POST":
                var message = Find(messageId);
                message.Folder = JsonNode.Parse(body, new JsonNodeOptions { PropertyNameCaseInsensitive = true })!["destinationId"]!.GetValue<string>();
                return FakeResponse.Json(MessageJson(message), 201);
            case ["messages", var messageId, "reply"] when method == "POST":
                _ = Find(messageId);
                return FakeResponse.Empty(202);
            case ["sendMail"] when method == "POST":
                return FakeResponse.Empty(202);
        }
        return FakeResponse.Json(new JsonObject { ["error"] = new JsonObject { ["code"] = "ErrorItemNotFound", ["message"] = path } }, 404);
    }

    private FakeMessage Find(string id)
    {
        lock (Messages) return Messages.Single(m => m.Id == id);
    }

    private static JsonNode MessageJson(FakeMessage m) => new JsonObject
    {
        ["id"] = m.Id,
        ["internetMessageId"] = m.InternetMessageId,
        ["receivedDateTime"] = m.Received.ToString("o"),
        ["hasAttachments"] = m.Attachments.Count > 0,
        ["from"] = new JsonObject { ["emailAddress"] = new JsonObject { ["address"] = m.From, ["name"] = "Ibu Kader" } },
    };

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    /// <summary>A fixed bearer token: the fake checks nothing, the SDK only needs one.</summary>
    internal sealed class Credential : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) => new("fake-token", DateTimeOffset.UtcNow.AddHours(1));
        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) => new(GetToken(requestContext, cancellationToken));
    }
}
