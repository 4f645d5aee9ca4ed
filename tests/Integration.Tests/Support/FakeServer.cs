using System.Collections.Specialized;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using System.Web;

namespace KampungKB.Integration.Tests.Support;

/// <summary>Loopback ports for the servers a test starts (a fake API, a host, an Azurite of its own).</summary>
internal static class Loopback
{
    /// <summary>A port on 127.0.0.1 free right now (the OS picks it; another process may take it before it is used).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>One request a <see cref="FakeServer"/> received, body read in full, as it came (path and query not unescaped).</summary>
internal sealed record FakeRequest(string Method, string Path, string Query, IReadOnlyDictionary<string, string> Headers, byte[] RawBody, DateTimeOffset ReceivedAt)
{
    /// <summary>The body as UTF-8 text.</summary>
    public string Body => Encoding.UTF8.GetString(RawBody);
    public string? Authorization => Header("Authorization");
    public string? Header(string name) => Headers.TryGetValue(name, out var v) ? v : null;
    /// <summary>A query parameter, decoded (null when absent).</summary>
    public string? QueryValue(string name) => HttpUtility.ParseQueryString(Query).Get(name);
}

/// <summary>What a <see cref="FakeServer"/> answers: status, body, content type (none for an empty answer) and extra headers.</summary>
internal sealed record FakeResponse(int Status, byte[] Body, string? ContentType, params (string Name, string Value)[] Headers)
{
    public static FakeResponse Json(string json, int status = 200, params (string, string)[] headers) => new(status, Encoding.UTF8.GetBytes(json), "application/json", headers);
    public static FakeResponse Json(JsonNode json, int status = 200) => Json(json.ToJsonString(), status);
    /// <summary>The object serialised with System.Text.Json's defaults.</summary>
    public static FakeResponse JsonOf(object value, int status = 200) => new(status, JsonSerializer.SerializeToUtf8Bytes(value), "application/json");
    public static FakeResponse Bytes(byte[] body, string contentType, int status = 200) => new(status, body, contentType);
    /// <summary>No body (Content-Length: 0).</summary>
    public static FakeResponse Empty(int status, params (string, string)[] headers) => new(status, [], null, headers);
}

/// <summary>
/// The tests' one stand-in HTTP server on 127.0.0.1 (a free port): every request is read in full, recorded in order, and
/// answered by the handler the fake API gives (its routes); a handler that throws answers 500 with the exception's
/// message (<c>{"error":{"code":"FakeBug",…}}</c>), so a fake's own bug shows in the test's failure. The fakes of Graph
/// mail, the Graph mailbox, Google Drive and the WhatsApp Cloud API are built on it.
/// </summary>
internal sealed class FakeServer : IAsyncDisposable
{
    private readonly HttpListener _listener;
    private readonly Func<FakeRequest, FakeResponse> _handler;
    private readonly List<FakeRequest> _requests = [];
    private readonly Task _loop;

    private FakeServer(HttpListener listener, string baseUrl, Func<FakeRequest, FakeResponse> handler)
    {
        _listener = listener;
        _handler = handler;
        BaseUrl = baseUrl;
        _loop = Task.Run(LoopAsync);
    }

    /// <summary><c>http://127.0.0.1:{port}/</c>, with the closing slash.</summary>
    public string BaseUrl { get; }
    /// <summary>Every request so far, in the order received.</summary>
    public IReadOnlyList<FakeRequest> Requests { get { lock (_requests) return _requests.ToList(); } }
    public void ClearRequests() { lock (_requests) _requests.Clear(); }

    /// <summary>Starts listening on a free loopback port; <paramref name="handler"/> answers every request (called one request at a time).</summary>
    public static FakeServer Start(Func<FakeRequest, FakeResponse> handler)
    {
        for (var attempt = 1; ; attempt++)
        {
            var baseUrl = $"http://127.0.0.1:{Loopback.FreePort()}/";
            var listener = new HttpListener();
            listener.Prefixes.Add(baseUrl);
            try
            {
                listener.Start();
                return new FakeServer(listener, baseUrl, handler);
            }
            catch (HttpListenerException) when (attempt < 5) // the free port was taken in between: another one
            {
                listener.Close();
            }
        }
    }

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync(); }
            catch (Exception) { return; }
            try { await AnswerAsync(context); }
            catch (Exception) { context.Response.Abort(); } // the client went away
        }
    }

    private async Task AnswerAsync(HttpListenerContext context)
    {
        using var body = new MemoryStream();
        await context.Request.InputStream.CopyToAsync(body);
        var url = context.Request.Url!;
        var request = new FakeRequest(context.Request.HttpMethod, url.AbsolutePath, url.Query, Headers(context.Request.Headers), body.ToArray(), DateTimeOffset.UtcNow);
        lock (_requests) _requests.Add(request);

        FakeResponse response;
        try { response = _handler(request); }
        catch (Exception e)
        {
            response = FakeResponse.Json(new JsonObject { ["error"] = new JsonObject { ["code"] = "FakeBug", ["message"] = e.Message } }, 500);
        }
        context.Response.StatusCode = response.Status;
        foreach (var (name, value) in response.Headers) context.Response.Headers[name] = value;
        if (response.ContentType is not null) context.Response.ContentType = response.ContentType;
        context.Response.ContentLength64 = response.Body.Length;
        if (response.Body.Length > 0) await context.Response.OutputStream.WriteAsync(response.Body);
        context.Response.Close();
    }

    private static Dictionary<string, string> Headers(NameValueCollection headers)
    {
        var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in headers.AllKeys)
            if (name is not null && headers[name] is { } value) map[name] = value;
        return map;
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _loop;
    }
}
