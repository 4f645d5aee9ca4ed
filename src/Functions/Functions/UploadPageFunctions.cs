using KampungKB.Core.Links;
using KampungKB.Core.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Net.Http.Headers;

namespace KampungKB.Functions.Functions;

/// <summary>
/// The cadres' upload page (docs/upload-page.md): GET/POST <c>/api/kampung/{token}</c> and GET
/// <c>/api/kampung/{token}/hasil/{upload}</c>, each a call to <see cref="UploadDesk"/>. A POST checks
/// the link before reading the body, and refuses a body over the cap without reading it. Storage
/// outages answer a 503 page: an HTTP trigger is not retried by the host, the person retries.
/// </summary>
public sealed class UploadPageFunctions(UploadDesk desk, PageTemplates page)
{
    /// <summary>Room for the multipart envelope around the file (boundaries, part headers).</summary>
    private const long EnvelopeBytes = 64 * 1024;

    [Function(nameof(UploadPage))]
    public async Task<IActionResult> UploadPage(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", Route = "kampung/{token}")] HttpRequest request, string token, CancellationToken cancellationToken)
    {
        try
        {
            if (!HttpMethods.IsPost(request.Method)) return Page(request, await desk.HomeAsync(token, cancellationToken));
            var wantsJson = request.Headers.Accept.ToString().Contains("application/json", StringComparison.OrdinalIgnoreCase);
            if (!await desk.AcceptsAsync(token, cancellationToken))
                return Page(request, await desk.ReceiveAsync(token, null, null, wantsJson, cancellationToken));
            if (request.ContentLength > desk.MaxUploadBytes + EnvelopeBytes)
                return Page(request, await desk.RefuseTooLargeAsync(token, request.ContentLength.Value, wantsJson, cancellationToken));
            var (fileName, content, tooLarge) = await ReadFileAsync(request, desk.MaxUploadBytes, cancellationToken);
            if (tooLarge) return Page(request, await desk.RefuseTooLargeAsync(token, desk.MaxUploadBytes + 1, wantsJson, cancellationToken));
            return Page(request, await desk.ReceiveAsync(token, fileName, content, wantsJson, cancellationToken));
        }
        catch (Exception e) when (StorageErrors.IsTransient(e))
        {
            return Page(request, Busy);
        }
    }

    [Function(nameof(UploadPageResult))]
    public async Task<IActionResult> UploadPageResult(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "kampung/{token}/hasil/{upload}")] HttpRequest request, string token, string upload,
        CancellationToken cancellationToken)
    {
        try { return Page(request, await desk.ResultAsync(token, upload, cancellationToken)); }
        catch (Exception e) when (StorageErrors.IsTransient(e)) { return Page(request, Busy); }
    }

    /// <summary>The page's own "server busy, send again" text (templates/page/texts.json), as plain text.</summary>
    private PageResponse Busy => new(503, page.Text("storage_down"), "text/plain; charset=utf-8");

    /// <summary>The first file of a multipart/form-data body, read up to <paramref name="maxBytes"/>; (null, null, false) when there is none.</summary>
    private static async Task<(string? FileName, byte[]? Content, bool TooLarge)> ReadFileAsync(HttpRequest request, long maxBytes, CancellationToken cancellationToken)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var type) || !type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
            return (null, null, false);
        var boundary = HeaderUtilities.RemoveQuotes(type.Boundary).Value;
        if (string.IsNullOrEmpty(boundary)) return (null, null, false);
        var reader = new MultipartReader(boundary, request.Body) { BodyLengthLimit = maxBytes + 1 };
        try
        {
            while (await reader.ReadNextSectionAsync(cancellationToken) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) || !disposition.IsFileDisposition()) continue;
                var name = HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value;
                using var buffer = new MemoryStream();
                await section.Body.CopyToAsync(buffer, cancellationToken);
                return buffer.Length > maxBytes ? (name, null, true) : (name, buffer.ToArray(), false);
            }
        }
        catch (InvalidDataException) { return (null, null, true); } // a section over the limit
        return (null, null, false);
    }

    /// <summary>The page as an <see cref="IActionResult"/>, with the page's security headers.</summary>
    private static ContentResult Page(HttpRequest request, PageResponse page)
    {
        var headers = request.HttpContext.Response.Headers;
        headers.CacheControl = "no-store";
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; connect-src 'self'; form-action 'self'; img-src 'self'; base-uri 'none'; frame-ancestors 'none'";
        if (page.Location is not null) headers.Location = page.Location;
        return new ContentResult { StatusCode = page.StatusCode, Content = page.Body, ContentType = page.ContentType };
    }
}
