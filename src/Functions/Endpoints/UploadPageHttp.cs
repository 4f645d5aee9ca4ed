using System.Text;
using System.Text.Json;
using KampungKB.Core.Links;
using KampungKB.Functions.Invocation;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace KampungKB.Functions.Endpoints;

/// <summary>
/// The HTTP request inside a custom-handler payload (<c>Data.req</c>), as the host builds it with
/// request forwarding off: <c>Url</c>, <c>Method</c>, <c>Query</c> (a JSON-encoded string of a
/// name→value map), <c>Headers</c> (name → array of values), <c>Params</c> (route values) and
/// <c>Body</c> — base64 bytes for multipart and octet-stream bodies, text otherwise, absent when empty.
/// </summary>
internal sealed class HttpTriggerRequest
{
    private HttpTriggerRequest(string method, IReadOnlyDictionary<string, string> headers, IReadOnlyDictionary<string, string> parameters, JsonElement? body)
    {
        Method = method;
        Headers = headers;
        Params = parameters;
        Body = body;
    }

    public string Method { get; }
    public IReadOnlyDictionary<string, string> Headers { get; }
    public IReadOnlyDictionary<string, string> Params { get; }
    public JsonElement? Body { get; }

    public static HttpTriggerRequest? From(InvocationRequest invocation, string binding = "req")
    {
        if (invocation.DataObject(binding) is not { } req) return null;
        var method = InvocationRequest.ReadString(req, "Method") ?? "GET";
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (Property(req, "Headers") is { ValueKind: JsonValueKind.Object } h)
            foreach (var p in h.EnumerateObject())
                headers[p.Name] = p.Value.ValueKind == JsonValueKind.Array
                    ? string.Join(",", p.Value.EnumerateArray().Select(v => v.ToString()))
                    : p.Value.ToString();
        var parameters = InvocationRequest.ReadStringMap(Property(req, "Params") is { } ps ? AsObject(ps) : null);
        return new HttpTriggerRequest(method.ToUpperInvariant(), headers, parameters, Property(req, "Body"));
    }

    public string? Header(string name) => Headers.TryGetValue(name, out var v) ? v : null;

    public string? Param(string name) => Params.TryGetValue(name, out var v) ? v : null;

    public bool WantsJson => Header("Accept") is { } accept && accept.Contains("application/json", StringComparison.OrdinalIgnoreCase);

    /// <summary>The raw body bytes: base64 (binary bodies) or text (UTF-8).</summary>
    public byte[]? BodyBytes()
    {
        if (Body is not { } b || b.ValueKind != JsonValueKind.String) return null;
        var text = b.GetString()!;
        if (IsBinary)
        {
            var buffer = new byte[text.Length * 3 / 4 + 3];
            return Convert.TryFromBase64String(text, buffer, out var n) ? buffer[..n] : null;
        }
        return Encoding.UTF8.GetBytes(text);
    }

    private bool IsBinary =>
        Header("Content-Type") is { } ct && (ct.StartsWith("multipart/", StringComparison.OrdinalIgnoreCase) || ct.StartsWith("application/octet-stream", StringComparison.OrdinalIgnoreCase));

    /// <summary>The first file of a multipart/form-data body; (null, null) when there is none.</summary>
    public async Task<(string? FileName, byte[]? Content)> ReadFileAsync(long maxBytes, CancellationToken cancellationToken)
    {
        if (!MediaTypeHeaderValue.TryParse(Header("Content-Type"), out var type) || !type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
            return (null, null);
        var boundary = HeaderUtilities.RemoveQuotes(type.Boundary).Value;
        if (string.IsNullOrEmpty(boundary) || BodyBytes() is not { } body) return (null, null);
        var reader = new MultipartReader(boundary, new MemoryStream(body, writable: false)) { BodyLengthLimit = maxBytes + 1 };
        try
        {
            while (await reader.ReadNextSectionAsync(cancellationToken) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) || !disposition.IsFileDisposition()) continue;
                var name = HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value;
                using var buffer = new MemoryStream();
                await section.Body.CopyToAsync(buffer, cancellationToken);
                return (name, buffer.ToArray());
            }
        }
        catch (InvalidDataException) { return ("berkas", new byte[maxBytes + 1]); } // a section over the limit: report it as too large
        return (null, null);
    }

    private static JsonElement? Property(JsonElement obj, string name)
    {
        foreach (var p in obj.EnumerateObject())
            if (string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)) return p.Value;
        return null;
    }

    private static JsonElement? AsObject(JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Object) return value;
        if (value.ValueKind != JsonValueKind.String) return null;
        try { using var doc = JsonDocument.Parse(value.GetString()!); return doc.RootElement.Clone(); }
        catch (JsonException) { return null; }
    }
}

/// <summary>The <c>res</c> output binding of an HTTP-triggered function.</summary>
internal static class HttpTriggerResponse
{
    public static IResult From(PageResponse page, string? log = null)
    {
        var headers = new Dictionary<string, string>
        {
            ["Content-Type"] = page.ContentType,
            ["Cache-Control"] = "no-store",
            ["X-Content-Type-Options"] = "nosniff",
            ["Referrer-Policy"] = "no-referrer",
            ["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; connect-src 'self'; form-action 'self'; img-src 'self'; base-uri 'none'; frame-ancestors 'none'",
        };
        if (page.Location is not null) headers["Location"] = page.Location;
        return Results.Json(new InvocationResponse
        {
            Outputs = { ["res"] = new Dictionary<string, object?> { ["statusCode"] = page.StatusCode, ["headers"] = headers, ["body"] = page.Body } },
            Logs = log is null ? [] : [log],
        });
    }
}
