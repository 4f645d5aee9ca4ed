using System.Net.Http.Json;
using System.Text.Json;
using LinkOptions = KampungKB.Core.Links.LinkOptions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace KampungKB.Cli.Dev;

/// <summary>One HTTP-triggered function as its function.json declares it.</summary>
internal sealed record HttpFunction(string Name, string Route, IReadOnlyList<string> Methods);

/// <summary>
/// Plays the Functions host's part for HTTP triggers, for local runs only: listens where <c>func start</c>
/// would (127.0.0.1:7071, routes under <c>/api</c>), turns each browser request into the host's payload
/// (<c>Data.req</c> with Url, Method, Query as a JSON string, Headers as arrays, Params, Body — base64
/// for multipart) and POSTs it to the handler at <c>/{FunctionName}</c>; <c>Outputs.res</c> becomes the reply.
/// </summary>
internal sealed class HttpTriggerHost : IAsyncDisposable
{
    public const int DevPort = 7071;
    private readonly WebApplication _app;

    private HttpTriggerHost(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public Uri Address { get; }

    /// <summary>The HTTP functions declared under <c>functions/</c>.</summary>
    public static IReadOnlyList<HttpFunction> Discover(string functionsDirectory)
    {
        var list = new List<HttpFunction>();
        foreach (var file in Directory.EnumerateFiles(functionsDirectory, "function.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(file));
            foreach (var b in doc.RootElement.GetProperty("bindings").EnumerateArray())
            {
                if (b.GetProperty("type").GetString() != "httpTrigger") continue;
                var name = Path.GetFileName(Path.GetDirectoryName(file)!);
                var route = b.TryGetProperty("route", out var r) ? r.GetString()! : name;
                var methods = b.TryGetProperty("methods", out var m) ? m.EnumerateArray().Select(x => x.GetString()!.ToUpperInvariant()).ToList() : ["GET", "POST"];
                list.Add(new HttpFunction(name, route, methods));
            }
        }
        return list;
    }

    public static async Task<HttpTriggerHost> StartAsync(HttpClient handler, IReadOnlyList<HttpFunction> functions, int port, long maxBodyBytes, CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = maxBodyBytes);
        var app = builder.Build();
        foreach (var f in functions)
            app.MapMethods("/api/" + f.Route, f.Methods, (HttpContext context) => ForwardAsync(context, handler, f));
        app.MapGet("/", () => Results.Text("kkb dev: fungsi HTTP ada di /api/…"));
        await app.StartAsync(cancellationToken);
        var address = new Uri(app.Urls.First());
        return new HttpTriggerHost(app, address);
    }

    private static async Task ForwardAsync(HttpContext context, HttpClient handler, HttpFunction function)
    {
        var request = context.Request;
        object? body = null;
        if (request.ContentLength is > 0)
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer, context.RequestAborted);
            var type = request.ContentType ?? "";
            body = type.StartsWith("multipart/", StringComparison.OrdinalIgnoreCase) || type.StartsWith("application/octet-stream", StringComparison.OrdinalIgnoreCase)
                ? Convert.ToBase64String(buffer.GetBuffer(), 0, (int)buffer.Length)
                : System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
        }
        var req = new Dictionary<string, object?>
        {
            ["Url"] = $"{request.Scheme}://{request.Host}{request.Path}{request.QueryString}",
            ["Method"] = request.Method,
            ["Query"] = JsonSerializer.Serialize(request.Query.ToDictionary(q => q.Key, q => q.Value.ToString())),
            ["Headers"] = request.Headers.ToDictionary(h => h.Key, h => h.Value.Select(v => v ?? "").ToArray()),
            ["Params"] = context.GetRouteData().Values.ToDictionary(v => v.Key, v => v.Value?.ToString()),
            ["Identities"] = "[]",
        };
        if (body is not null) req["Body"] = body;
        var payload = new Dictionary<string, object>
        {
            ["Data"] = new Dictionary<string, object> { ["req"] = req },
            ["Metadata"] = new Dictionary<string, object>
            {
                ["sys"] = new Dictionary<string, object> { ["MethodName"] = function.Name, ["UtcNow"] = DateTimeOffset.UtcNow.ToString("O"), ["RandGuid"] = Guid.NewGuid().ToString() },
            },
        };
        using var response = await handler.PostAsJsonAsync("/" + function.Name, payload, context.RequestAborted);
        if (!response.IsSuccessStatusCode)
        {
            context.Response.StatusCode = 500;
            return;
        }
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync(context.RequestAborted));
        if (!doc.RootElement.TryGetProperty("Outputs", out var outputs) || !outputs.TryGetProperty("res", out var res))
        {
            context.Response.StatusCode = 204;
            return;
        }
        context.Response.StatusCode = res.TryGetProperty("statusCode", out var sc) && sc.TryGetInt32(out var code) ? code
            : sc.ValueKind == JsonValueKind.String && int.TryParse(sc.GetString(), out code) ? code : 200;
        if (res.TryGetProperty("headers", out var headers) && headers.ValueKind == JsonValueKind.Object)
            foreach (var h in headers.EnumerateObject()) context.Response.Headers[h.Name] = h.Value.ToString();
        if (res.TryGetProperty("body", out var b) && b.ValueKind == JsonValueKind.String)
            await context.Response.WriteAsync(b.GetString()!, context.RequestAborted);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>The signing key local runs use: generated once, kept in <c>.kkb/links-signing-key</c>.</summary>
internal static class LocalLinkKey
{
    public static string Load(string root)
    {
        var file = Path.Combine(root, ".kkb", "links-signing-key");
        if (File.Exists(file) && LinkOptions.TryParseKey(File.ReadAllText(file).Trim(), out _, out _)) return File.ReadAllText(file).Trim();
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        var key = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        File.WriteAllText(file, key);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return key;
    }

    /// <summary>App setting first (a real deployment's key), else the local one.</summary>
    public static string Resolve(string root) =>
        Environment.GetEnvironmentVariable("Links__SigningKey") is { Length: > 0 } configured ? configured : Load(root);
}
