using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
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
    private readonly HttpListener _listener = new();
    private readonly List<MailboxRequest> _requests = [];
    private readonly ConcurrentQueue<(string PathSuffix, int Status)> _failures = new();
    private readonly List<(string Id, string Name)> _folders = [];
    private Task _loop = Task.CompletedTask;

    public List<FakeMessage> Messages { get; } = [];
    public string BaseUrl { get; private set; } = "";
    public Uri GraphUrl => new(BaseUrl + "v1.0");
    public IReadOnlyList<MailboxRequest> Requests { get { lock (_requests) return _requests.ToList(); } }
    public IReadOnlyList<(string Id, string Name)> Folders { get { lock (_folders) return _folders.ToList(); } }

    public IReadOnlyList<MailboxRequest> Replies(string messageId) =>
        Requests.Where(r => r.Method == "POST" && r.Path.EndsWith($"/messages/{messageId}/reply", StringComparison.Ordinal)).ToList();

    public static FakeMailbox Start()
    {
        var box = new FakeMailbox();
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        box.BaseUrl = $"http://127.0.0.1:{port}/";
        box._listener.Prefixes.Add(box.BaseUrl);
        box._listener.Start();
        box._loop = Task.Run(box.LoopAsync);
        return box;
    }

    /// <summary>The next request whose path ends with <paramref name="pathSuffix"/> is answered with <paramref name="status"/>.</summary>
    public void FailOnce(string pathSuffix, int status) => _failures.Enqueue((pathSuffix, status));

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync(); }
            catch (Exception) { return; }
            try { await HandleAsync(context); }
            catch (Exception e)
            {
                context.Response.StatusCode = 500;
                await WriteAsync(context, new JsonObject { ["error"] = new JsonObject { ["code"] = "FakeBug", ["message"] = e.Message } });
            }
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        var request = context.Request;
        using var reader = new StreamReader(request.InputStream, Encoding.UTF8);
        var body = await reader.ReadToEndAsync();
        var path = Uri.UnescapeDataString(request.Url!.AbsolutePath);
        var query = Uri.UnescapeDataString(request.Url.Query);
        lock (_requests) _requests.Add(new(request.HttpMethod, path, query, request.Headers["Prefer"], body));

        if (_failures.TryPeek(out var failure) && path.EndsWith(failure.PathSuffix, StringComparison.Ordinal) && _failures.TryDequeue(out _))
        {
            context.Response.StatusCode = failure.Status;
            if (failure.Status is 429 or 503) context.Response.Headers["Retry-After"] = "0";
            await WriteAsync(context, new JsonObject { ["error"] = new JsonObject { ["code"] = "Scripted", ["message"] = "scripted failure" } });
            return;
        }

        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries); // v1.0 users {mb} ...
        var rest = segments.Skip(3).ToArray();
        var method = request.HttpMethod;
        switch (rest)
        {
            case ["mailFolders", "inbox", "messages"] when method == "GET":
                var skip = request.QueryString["$skiptoken"] is { } token ? int.Parse(token, System.Globalization.CultureInfo.InvariantCulture) : 0;
                List<FakeMessage> inbox;
                lock (Messages) inbox = Messages.Where(m => m.Folder == "inbox").OrderBy(m => m.Received).ToList();
                var page = new JsonObject { ["value"] = new JsonArray(inbox.Skip(skip).Take(PageSize).Select(MessageJson).ToArray()) };
                if (skip + PageSize < inbox.Count)
                    page["@odata.nextLink"] = $"{BaseUrl}v1.0/users/{segments[2]}/mailFolders/inbox/messages?$skiptoken={skip + PageSize}";
                await WriteAsync(context, page);
                return;
            case ["mailFolders"] when method == "GET":
                var filter = request.QueryString["$filter"] ?? "";
                JsonNode[] found;
                lock (_folders)
                    found = _folders.Where(f => filter.Contains($"'{f.Name}'", StringComparison.Ordinal))
                        .Select(f => (JsonNode)new JsonObject { ["id"] = f.Id, ["displayName"] = f.Name }).ToArray();
                await WriteAsync(context, new JsonObject { ["value"] = new JsonArray(found) });
                return;
            case ["mailFolders"] when method == "POST":
                var name = JsonNode.Parse(body, new JsonNodeOptions { PropertyNameCaseInsensitive = true })!["displayName"]!.GetValue<string>();
                var id = "folder-" + Guid.NewGuid().ToString("N")[..8];
                lock (_folders) _folders.Add((id, name));
                context.Response.StatusCode = 201;
                await WriteAsync(context, new JsonObject { ["id"] = id, ["displayName"] = name });
                return;
            case ["messages", var messageId, "attachments"] when method == "GET":
                await WriteAsync(context, new JsonObject
                {
                    ["value"] = new JsonArray(Find(messageId).Attachments.Select(a => (JsonNode)new JsonObject
                    {
                        ["@odata.type"] = a.OdataType, ["id"] = a.Id, ["name"] = a.Name, ["contentType"] = "application/octet-stream",
                        ["size"] = a.Content.Length, ["isInline"] = a.IsInline,
                    }).ToArray()),
                });
                return;
            case ["messages", var messageId, "attachments", var attachmentId] when method == "GET":
                var attachment = Find(messageId).Attachments.Single(a => a.Id == attachmentId);
                await WriteAsync(context, new JsonObject
                {
                    ["@odata.type"] = attachment.OdataType, ["id"] = attachment.Id, ["name"] = attachment.Name, ["size"] = attachment.Content.Length,
                    ["isInline"] = attachment.IsInline, ["contentBytes"] = Convert.ToBase64String(attachment.Content),
                });
                return;
            case ["messages", var messageId, "move"] when method == "POST":
                var message = Find(messageId);
                message.Folder = JsonNode.Parse(body, new JsonNodeOptions { PropertyNameCaseInsensitive = true })!["destinationId"]!.GetValue<string>();
                context.Response.StatusCode = 201;
                await WriteAsync(context, MessageJson(message));
                return;
            case ["messages", var messageId, "reply"] when method == "POST":
                _ = Find(messageId);
                context.Response.StatusCode = 202;
                context.Response.Close();
                return;
            case ["sendMail"] when method == "POST":
                context.Response.StatusCode = 202;
                context.Response.Close();
                return;
        }
        context.Response.StatusCode = 404;
        await WriteAsync(context, new JsonObject { ["error"] = new JsonObject { ["code"] = "ErrorItemNotFound", ["message"] = path } });
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

    private static async Task WriteAsync(HttpListenerContext context, JsonNode json)
    {
        var bytes = Encoding.UTF8.GetBytes(json.ToJsonString());
        context.Response.ContentType = "application/json";
        context.Response.ContentLength64 = bytes.Length;
        await context.Response.OutputStream.WriteAsync(bytes);
        context.Response.Close();
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _loop;
    }

    /// <summary>A fixed bearer token: the fake checks nothing, the SDK only needs one.</summary>
    internal sealed class Credential : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) => new("fake-token", DateTimeOffset.UtcNow.AddHours(1));
        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) => new(GetToken(requestContext, cancellationToken));
    }
}
