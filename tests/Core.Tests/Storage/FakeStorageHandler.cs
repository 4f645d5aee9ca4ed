using System.Net;
using Azure.Core.Pipeline;
using KampungKB.Core.Storage;

namespace KampungKB.Core.Tests.Storage;

/// <summary>An in-memory transport: records every request and answers from a script, no network.</summary>
internal sealed class FakeStorageHandler(Func<RecordedRequest, HttpResponseMessage> respond) : HttpMessageHandler
{
    public List<RecordedRequest> Requests { get; } = [];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var headers = request.Headers.Concat(request.Content?.Headers ?? Enumerable.Empty<KeyValuePair<string, IEnumerable<string>>>())
            .ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);
        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        var recorded = new RecordedRequest(request.Method.Method, request.RequestUri!, headers, body);
        lock (Requests) Requests.Add(recorded);
        var response = respond(recorded);
        response.RequestMessage = request;
        return response;
    }

    public static HttpResponseMessage Answer(HttpStatusCode status, string? body = null, string contentType = "application/json", params (string Name, string Value)[] headers)
    {
        var response = new HttpResponseMessage(status);
        if (body is not null)
        {
            response.Content = new StringContent(body);
            response.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);
        }
        foreach (var (name, value) in headers) response.Headers.TryAddWithoutValidation(name, value);
        return response;
    }

    public StorageClientOptions Options(int maxRetries = 1)
    {
        var options = StorageClientOptions.ForTests(maxRetries);
        options.Retry.Delay = TimeSpan.Zero;
        options.Retry.MaxDelay = TimeSpan.Zero;
        options.Transport = new HttpClientTransport(new HttpClient(this));
        return options;
    }

    public static readonly StorageSharedKeyCredential DevKey = new(StorageConnection.DevelopmentAccountName, StorageConnection.DevelopmentAccountKey);

    public TableStorageClient Tables(int maxRetries = 1) =>
        new(new Uri("http://127.0.0.1:10002/devstoreaccount1"), DevKey, Options(maxRetries));

    public BlobStorageClient Blobs(int maxRetries = 1) =>
        new(new Uri("http://127.0.0.1:10000/devstoreaccount1"), DevKey, Options(maxRetries));
}

internal sealed record RecordedRequest(string Method, Uri Uri, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    public string BodyText => System.Text.Encoding.UTF8.GetString(Body);

    public Dictionary<string, string> Query => Uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
        .Select(p => p.Split('=', 2))
        .ToDictionary(p => Uri.UnescapeDataString(p[0]), p => p.Length > 1 ? Uri.UnescapeDataString(p[1]) : "");
}
