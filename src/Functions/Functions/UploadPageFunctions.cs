using KampungKB.Core.Uploads.Links;
using KampungKB.Core.Store;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Net.Http.Headers;
using KampungKB.Core.Rendering.Templating;

namespace KampungKB.Functions.Functions;

/// <summary>
/// The cadres' upload page (docs/upload-page.md): GET/POST <c>/api/kampung/{areaCode}</c>, GET
/// <c>/api/kampung/{areaCode}/hasil/{upload}</c> and POST <c>/api/kampung/{areaCode}/buka</c>, each a call to
/// <see cref="UploadDesk"/>. The area code in the path is no credential: the token travels in the link's
/// fragment (never sent to a server, so never in a request log), is posted once to <c>/buka</c> and then kept in
/// a per-kampung HttpOnly cookie. A path segment that is not an area code is a link issued before this scheme
/// (token in the path), moved to the new address. A POST checks the link before reading the body, and refuses
/// a body over the cap without reading it. Storage outages answer a 503 page: an HTTP trigger is not retried
/// by the host, the person retries.
/// </summary>
public sealed class UploadPageFunctions(UploadDesk desk, PageTemplates page)
{
    /// <summary>Room for the multipart envelope around the file (boundaries, part headers).</summary>
    private const long EnvelopeBytes = 64 * 1024;
    /// <summary>The most a <c>/buka</c> form (one token) may weigh; more is refused unread.</summary>
    private const long OpenFormBytes = 4 * 1024;

    [Function(nameof(UploadPage))]
    public async Task<IActionResult> UploadPage(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", Route = "kampung/{token}")] HttpRequest request, string token, CancellationToken cancellationToken)
    {
        try
        {
            var (area, credential) = Credential(request, token);
            if (!HttpMethods.IsPost(request.Method)) return Page(request, await desk.HomeAsync(area, credential, cancellationToken));
            var wantsJson = request.Headers.Accept.ToString().Contains("application/json", StringComparison.OrdinalIgnoreCase);
            if (!await desk.AcceptsAsync(area, credential, cancellationToken))
                return Page(request, await desk.ReceiveAsync(area, credential, null, null, wantsJson, cancellationToken));
            if (request.ContentLength > desk.MaxUploadBytes + EnvelopeBytes)
                return Page(request, await desk.RefuseTooLargeAsync(area, credential, request.ContentLength.Value, wantsJson, cancellationToken));
            var (fileName, content, tooLarge) = await ReadFileAsync(request, desk.MaxUploadBytes, cancellationToken);
            if (tooLarge) return Page(request, await desk.RefuseTooLargeAsync(area, credential, desk.MaxUploadBytes + 1, wantsJson, cancellationToken));
            return Page(request, await desk.ReceiveAsync(area, credential, fileName, content, wantsJson, cancellationToken));
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
        try
        {
            var (area, credential) = Credential(request, token);
            return Page(request, await desk.ResultAsync(area, credential, upload, cancellationToken));
        }
        catch (Exception e) when (StorageErrors.IsTransient(e)) { return Page(request, Busy); }
    }

    /// <summary>
    /// The page's script posts the token it read from the link's fragment here (form field <c>t</c>); a valid
    /// token for this kampung sets the cookie and answers 303 to the page. A cross-site post, or a body over
    /// 4 KiB, is refused unread.
    /// </summary>
    [Function(nameof(UploadPageOpen))]
    public async Task<IActionResult> UploadPageOpen(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "kampung/{area}/buka")] HttpRequest request, string area, CancellationToken cancellationToken)
    {
        try
        {
            if (request.ContentLength is not { } length || length > OpenFormBytes || !SameOrigin(request) || !request.HasFormContentType)
                return Page(request, await desk.OpenLinkAsync(area, null, cancellationToken));
            var form = await request.ReadFormAsync(cancellationToken);
            return Page(request, await desk.OpenLinkAsync(area, form["t"].ToString(), cancellationToken));
        }
        catch (Exception e) when (StorageErrors.IsTransient(e)) { return Page(request, Busy); }
    }

    /// <summary>
    /// The kampung and the token of a request: for <c>/api/kampung/{areaCode}</c> the area code and the cookie;
    /// for a legacy <c>/api/kampung/{token}</c> no area code (the token names it) and the path's token.
    /// </summary>
    private static (string? Area, string? Token) Credential(HttpRequest request, string segment) =>
        KampungKB.Core.Model.AreaCode.TryParse(segment, out var area) && area.Value == segment
            ? (segment, request.Cookies[LinkCookie.Name])
            : (null, segment);

    /// <summary>
    /// False when the browser says the post came from another site: <c>Sec-Fetch-Site</c> when sent (every current
    /// browser), else <c>Origin</c>. The page's no-referrer policy makes browsers send <c>Origin: null</c> for its own
    /// form posts, so "null" (like no Origin) says nothing either way.
    /// </summary>
    private bool SameOrigin(HttpRequest request)
    {
        if (request.Headers["Sec-Fetch-Site"].ToString() is { Length: > 0 } site) return site is "same-origin" or "none";
        var origin = request.Headers.Origin.ToString();
        if (origin.Length == 0 || origin == "null") return true;
        return Uri.TryCreate(origin, UriKind.Absolute, out var o)
            && (string.Equals(o.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase) || string.Equals(o.Authority, desk.PageAuthority, StringComparison.OrdinalIgnoreCase));
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
        if (page.SetLink is { } link)
            request.HttpContext.Response.Cookies.Append(LinkCookie.Name, link.Token, new CookieOptions
            {
                Path = link.Path,
                Expires = link.ExpiresAt,
                HttpOnly = true,
                Secure = request.IsHttps || link.Secure,
                SameSite = Microsoft.AspNetCore.Http.SameSiteMode.Lax,
                IsEssential = true,
            });
        return new ContentResult { StatusCode = page.StatusCode, Content = page.Body, ContentType = page.ContentType };
    }
}
