namespace KampungKB.Core.Dashboard;

/// <summary>
/// What the dashboard needs of an HTTP request, copied by the thin adapter in src/Functions (Core knows no HTTP):
/// method, cookies by name, form fields (empty for a GET or an unreadable body), whether it came over https,
/// the browser's <c>Sec-Fetch-Site</c> and <c>Origin</c> headers, the host it was sent to and the client's IP
/// (for the rate limit only; never logged).
/// </summary>
public sealed record DashboardRequest(
    string Method,
    IReadOnlyDictionary<string, string> Cookies,
    IReadOnlyDictionary<string, string> Form,
    bool IsHttps,
    string? FetchSite,
    string? Origin,
    string Host,
    string? ClientIp)
{
    /// <summary>The query string's values by name (first value of each); empty when there is none.</summary>
    public IReadOnlyDictionary<string, string> Query { get; init; } = new Dictionary<string, string>();

    public bool IsPost => string.Equals(Method, "POST", StringComparison.OrdinalIgnoreCase);
    public string? Cookie(string name) => Cookies.TryGetValue(name, out var v) ? v : null;
    public string? Field(string name) => Form.TryGetValue(name, out var v) ? v : null;
}

/// <summary>A cookie to set (<paramref name="Value"/> null: delete it). Always HttpOnly and SameSite=Lax; Secure on https.</summary>
public sealed record DashboardCookie(string Name, string? Value, string Path, DateTimeOffset? ExpiresAt);

/// <summary>
/// A dashboard answer for the adapter to write: status, body (HTML or text) or file bytes with their download
/// name, a redirect location and cookies to set. Every HTML answer is sent with <c>Cache-Control: no-store</c>
/// and the page's CSP (no external origin: no CDN).
/// </summary>
public sealed record DashboardResponse(
    int StatusCode,
    string? Body,
    string ContentType = DashboardResponse.Html,
    string? Location = null,
    IReadOnlyList<DashboardCookie>? Cookies = null,
    byte[]? File = null,
    string? FileName = null)
{
    public const string Html = "text/html; charset=utf-8";
    public const string Xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    /// <summary>A 303 to <paramref name="location"/> (after a POST, so a reload never posts again).</summary>
    public static DashboardResponse SeeOther(string location, IReadOnlyList<DashboardCookie>? cookies = null) =>
        new(303, null, Html, location, cookies);
}
