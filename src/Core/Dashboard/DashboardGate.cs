using KampungKB.Core.Model;
using Microsoft.Extensions.Logging;

namespace KampungKB.Core.Dashboard;

/// <summary>
/// The result of <see cref="DashboardGate"/>: either <see cref="Refused"/> (send it as it is) or a live
/// <see cref="Session"/> with the CSRF token its pages put in every form (<see cref="Csrf"/>).
/// </summary>
internal sealed record DashboardAccess(DashboardSession? Session, string? Csrf, DashboardResponse? Refused)
{
    public bool Allowed => Session is not null && Refused is null;
}

/// <summary>
/// Who is asking, and may they (docs/dashboard.md): reads the session cookie (a point read of <c>DashboardSessions</c>),
/// the user's allowlist row (a point read: a user removed or moved to another kabupaten loses access at once), and
/// applies <see cref="DashboardSession.CanOpen"/>. No session: 303 to the sign-in page. Another kabupaten/kota: 403 with
/// the same page whether that regency exists or not. A POST must also carry the session's CSRF token in the form field
/// <c>csrf</c> and must not come from another site (<c>Sec-Fetch-Site</c>, else <c>Origin</c>).
/// </summary>
internal sealed class DashboardGate(DashboardStore store, DashboardTemplates templates, TimeProvider time, ILogger<DashboardGate> logger)
{
    /// <summary>The session cookie (HttpOnly, SameSite=Lax, Secure on https, path <c>/api/dashboard</c>).</summary>
    public const string SessionCookie = "kkb_dasbor";
    /// <summary>The pre-session CSRF cookie of the sign-in forms (double submit).</summary>
    public const string FormCookie = "kkb_dasbor_form";
    /// <summary>The path both cookies are scoped to.</summary>
    public const string CookiePath = DashboardRoutes.Prefix + "/dashboard";

    /// <summary>The signed-in user of a request, whatever regency; <see cref="DashboardAccess.Refused"/> is a 303 to sign in when there is none.</summary>
    internal async Task<DashboardAccess> SessionAsync(DashboardRequest request, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        var stored = await store.GetSessionAsync(request.Cookie(SessionCookie), now, ct).ConfigureAwait(false);
        var user = stored is null ? null : await store.GetUserAsync(stored.UserId, ct).ConfigureAwait(false);
        if (stored is null || user is null) return new(null, null, DashboardResponse.SeeOther(DashboardRoutes.HomePath(), [ClearSession]));
        return new(new DashboardSession(stored.SessionId, user.UserId, user.Role, user.Scope, stored.ExpiresAt), stored.Csrf, null);
    }

    /// <summary>For a GET of a kabupaten/kota's page or file: the session when it may open <paramref name="regency"/>.</summary>
    internal async Task<DashboardAccess> OpenAsync(DashboardRequest request, string regency, CancellationToken ct = default)
    {
        var access = await SessionAsync(request, ct).ConfigureAwait(false);
        if (!access.Allowed) return access;
        if (access.Session!.CanOpen(regency)) return access;
        logger.LogWarning(DashboardEvents.AccessRefused, "Dashboard access refused: user {UserId} to regency {Regency}", access.Session.UserId, Safe(regency));
        return access with { Refused = Forbidden(access) };
    }

    /// <summary>For a POST: as <see cref="OpenAsync"/>, and the form's <c>csrf</c> must be the session's and the post same-site (else 403).</summary>
    internal async Task<DashboardAccess> PostAsync(DashboardRequest request, string regency, CancellationToken ct = default)
    {
        var access = await OpenAsync(request, regency, ct).ConfigureAwait(false);
        if (!access.Allowed) return access;
        return CheckCsrf(request, access.Csrf) ? access : access with { Refused = CsrfRefused(access.Session!.UserId) };
    }

    /// <summary>A POST not tied to a regency (sign-out): the session and its CSRF token.</summary>
    internal async Task<DashboardAccess> PostAnyAsync(DashboardRequest request, CancellationToken ct = default)
    {
        var access = await SessionAsync(request, ct).ConfigureAwait(false);
        if (!access.Allowed) return access;
        return CheckCsrf(request, access.Csrf) ? access : access with { Refused = CsrfRefused(access.Session!.UserId) };
    }

    /// <summary>True when the form's <c>csrf</c> equals <paramref name="expected"/> (constant time) and the post is not cross-site.</summary>
    public static bool CheckCsrf(DashboardRequest request, string? expected)
    {
        if (!SameSite(request) || string.IsNullOrEmpty(expected)) return false;
        var given = request.Field("csrf");
        return given is not null && System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
            System.Text.Encoding.UTF8.GetBytes(given), System.Text.Encoding.UTF8.GetBytes(expected));
    }

    /// <summary>
    /// False when the browser says the post came from another site: <c>Sec-Fetch-Site</c> when sent (every current browser),
    /// else <c>Origin</c> against the request's host. No header at all (a script, an old browser) is judged by the token alone.
    /// </summary>
    public static bool SameSite(DashboardRequest request)
    {
        if (request.FetchSite is { Length: > 0 } site) return site is "same-origin" or "none";
        var origin = request.Origin;
        if (string.IsNullOrEmpty(origin) || origin == "null") return true;
        return Uri.TryCreate(origin, UriKind.Absolute, out var o) && string.Equals(o.Authority, request.Host, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The cookie that clears a session.</summary>
    public static DashboardCookie ClearSession => new(SessionCookie, null, CookiePath, null);

    private DashboardResponse CsrfRefused(string userId)
    {
        logger.LogWarning(DashboardEvents.CsrfRefused, "Dashboard form refused (CSRF) for user {UserId}", userId);
        return templates.Page("refused", new DashboardFrame(templates.Text("refused_title")), new { text = templates.Text("csrf_text"), home = DashboardRoutes.HomePath() }, 403);
    }

    private DashboardResponse Forbidden(DashboardAccess access) =>
        templates.Page("refused", new DashboardFrame(templates.Text("refused_title"), SignedIn: true, Csrf: access.Csrf),
            new { text = templates.Text("forbidden_text"), home = DashboardRoutes.HomePath() }, 403);

    /// <summary>A code for a log line: only digits and dots, at most 20 characters (the route value is user input).</summary>
    internal static string Safe(string? code) => new string((code ?? "").Where(c => char.IsAsciiDigit(c) || c == '.').Take(20).ToArray());
}
