using KampungKB.Core.Dashboard;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace KampungKB.Functions.Functions;

/// <summary>
/// Copies an <see cref="HttpRequest"/> into the dashboard's <see cref="DashboardRequest"/> and writes a
/// <see cref="DashboardResponse"/> back (docs/dashboard.md), so the dashboard's functions stay a few lines each.
/// A form body is read only for a POST with a form content type and at most <see cref="MaxFormBytes"/>; a larger or
/// unreadable one is read as empty (and so fails its CSRF check). Every answer carries <c>Cache-Control: no-store</c>,
/// <c>nosniff</c>, a same-origin referrer policy and a CSP allowing nothing from another origin.
/// </summary>
public static class DashboardHttpAdapter
{
    /// <summary>The largest dashboard form read (an address, a token, a CSRF token, an action).</summary>
    public const long MaxFormBytes = 8 * 1024;

    public static async Task<DashboardRequest> FromAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var form = new Dictionary<string, string>(StringComparer.Ordinal);
        if (HttpMethods.IsPost(request.Method) && request.HasFormContentType && request.ContentLength is { } length && length <= MaxFormBytes)
        {
            try
            {
                foreach (var (key, value) in await request.ReadFormAsync(cancellationToken).ConfigureAwait(false))
                    form[key] = value.ToString();
            }
            catch (Exception e) when (e is InvalidDataException or IOException or BadHttpRequestException) { form.Clear(); }
        }
        var cookies = request.Cookies.ToDictionary(c => c.Key, c => c.Value, StringComparer.Ordinal);
        var query = request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal);
        return new DashboardRequest(request.Method, cookies, form, request.IsHttps, Header(request, "Sec-Fetch-Site"), Header(request, "Origin"),
            request.Host.Value ?? "", ClientIp(request)) { Query = query };
    }

    private static string? Header(HttpRequest request, string name) => request.Headers[name].ToString() is { Length: > 0 } v ? v : null;

    /// <summary>
    /// The client's IP for the rate limit: the last <c>X-Forwarded-For</c> entry (the one Azure's front end appended; earlier
    /// ones are the client's own claim), else the connection's address.
    /// </summary>
    public static string? ClientIp(HttpRequest request)
    {
        var forwarded = request.Headers["X-Forwarded-For"].ToString();
        if (forwarded.Length > 0)
        {
            var last = forwarded.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
            if (!string.IsNullOrEmpty(last)) return last.Length > 64 ? last[..64] : last;
        }
        return request.HttpContext.Connection.RemoteIpAddress?.ToString();
    }

    public static IActionResult Write(HttpRequest request, DashboardResponse answer)
    {
        var response = request.HttpContext.Response;
        var headers = response.Headers;
        headers.CacheControl = "no-store";
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "same-origin";
        headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
        if (answer.Location is not null) headers.Location = answer.Location;
        foreach (var cookie in answer.Cookies ?? [])
        {
            var options = new CookieOptions
            {
                Path = cookie.Path,
                HttpOnly = true,
                Secure = request.IsHttps,
                SameSite = SameSiteMode.Lax,
                IsEssential = true,
            };
            if (cookie.Value is null) response.Cookies.Delete(cookie.Name, options);
            else
            {
                if (cookie.ExpiresAt is { } expires) options.Expires = expires;
                response.Cookies.Append(cookie.Name, cookie.Value, options);
            }
        }
        if (answer.File is { } bytes)
            return new FileContentResult(bytes, answer.ContentType) { FileDownloadName = answer.FileName };
        return new ContentResult { StatusCode = answer.StatusCode, Content = answer.Body ?? "", ContentType = answer.ContentType };
    }
}
