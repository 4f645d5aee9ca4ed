using NetMailAddress = System.Net.Mail.MailAddress;
using Azure.Data.Tables;
using KampungKB.Core.Jobs.Reminders;
using KampungKB.Core.Model;
using KampungKB.Core.Outbox.Mail;
using KampungKB.Core.Outbox.Notifications;
using KampungKB.Core.Rendering.Templating;
using KampungKB.Core.Store;
using Microsoft.Extensions.Logging;

namespace KampungKB.Core.Dashboard;

/// <summary>
/// The dashboard's sign-in, sign-out and month overview (docs/dashboard.md): each method takes the copied request and
/// returns the answer to write. Sign-in: requests are counted per address and per client IP (<see cref="DashboardOptions"/>),
/// then handed to <see cref="SignInMailQueue"/>, which checks the address against the allowlist and, when listed, mails a
/// single-use 15-minute link after the answer; the answer is the same page, on the same path, whether or not it is listed. The link's page posts the token (scanners only GET);
/// a valid, unused, unexpired token of a user still listed starts a 12-hour session. Every form carries a CSRF token:
/// the session's, or before sign-in a double-submit cookie. Logs carry the opaque user id, never the address.
/// </summary>
public sealed class DashboardDesk
{
    private readonly DashboardStore store;
    private readonly DashboardGate gate;
    private readonly DashboardTemplates templates;
    private readonly DashboardOptions options;
    private readonly SignInMailQueue mailQueue;
    private readonly IReadOnlyList<RegencySettings> regencies;
    private readonly TableServiceClient tables;
    private readonly StorageNames names;
    private readonly MonthOverview overview;
    private readonly ReminderRunner reminders;
    private readonly TimeProvider time;
    private readonly ILogger<DashboardDesk> logger;

    internal DashboardDesk(DashboardStore store, DashboardGate gate, DashboardTemplates templates, DashboardOptions options, SignInMailQueue mailQueue, IReadOnlyList<RegencySettings> regencies, TableServiceClient tables, StorageNames names, ReminderRunner reminders, TimeProvider time, ILogger<DashboardDesk> logger,
        MonthOverview overview)
    {
        this.store = store;
        this.gate = gate;
        this.templates = templates;
        this.options = options;
        this.mailQueue = mailQueue;
        this.regencies = regencies;
        this.tables = tables;
        this.names = names;
        this.overview = overview;
        this.reminders = reminders;
        this.time = time;
        this.logger = logger;
    }

    private const int MaxEmailLength = 254;

    /// <summary>GET <c>/api/dashboard</c>: the sign-in form; signed in, the user's kabupaten/kota (or the list of them).</summary>
    public async Task<DashboardResponse> HomeAsync(DashboardRequest request, CancellationToken ct = default)
    {
        var access = await gate.SessionAsync(request, ct).ConfigureAwait(false);
        if (!access.Allowed) return SignInForm(request, null, 200);
        var session = access.Session!;
        if (session.Role == DashboardRole.Regency && session.Scope.Count == 1) return DashboardResponse.SeeOther(DashboardRoutes.OverviewPath(session.Scope[0]));
        var known = await RegencyScope.ResolveAsync(regencies, tables, names, ct).ConfigureAwait(false);
        var list = known.Where(r => session.CanOpen(r.Code)).Select(r => r.Code)
            .Concat(session.Role == DashboardRole.Regency ? session.Scope : [])
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)
            .Select(code => new { code, name = RegencyName(code, known), href = DashboardRoutes.OverviewPath(code) }).ToList();
        return templates.Page("regencies", new DashboardFrame(templates.Text("regencies_title"), SignedIn: true, Csrf: access.Csrf),
            new { regencies = list, none = list.Count == 0 });
    }

    /// <summary>POST <c>/api/dashboard/minta</c> (<c>email</c>, <c>csrf</c>): queues the request (a link is mailed when the address is listed); one answer either way.</summary>
    public async Task<DashboardResponse> RequestLinkAsync(DashboardRequest request, CancellationToken ct = default)
    {
        if (!FormCsrfValid(request)) return SignInForm(request, templates.Text("form_expired"), 400);
        var address = (request.Field("email") ?? "").Trim();
        if (address.Length is 0 or > MaxEmailLength || !NetMailAddress.TryCreate(address, out var parsed) || parsed.Address != address || !address.Contains('.', StringComparison.Ordinal))
            return SignInForm(request, templates.Text("email_invalid"), 400, address);
        var now = time.GetUtcNow();
        var userId = store.UserIdOf(address);
        // Both counters are counted for every request, listed or not, so the limit says nothing about the list either.
        var byIp = await store.CountAsync("i:" + (request.ClientIp ?? "-"), options.LinksPerIp, now, ct).ConfigureAwait(false);
        var byAddress = await store.CountAsync("a:" + DashboardStore.Normalize(address), options.LinksPerAddress, now, ct).ConfigureAwait(false);
        if (!byIp || !byAddress)
        {
            logger.LogWarning(DashboardEvents.RateLimited, "Dashboard sign-in link refused by the rate limit ({Which}) for user {UserId}", byIp ? "address" : "ip", userId);
            return templates.Page("message", Frame(templates.Text("limited_title")), new { text = templates.Text("limited_text", ("minutes", Minutes(options.ThrottleWindow))), home = DashboardRoutes.HomePath() }, 429);
        }
        // Listed or not, the request takes the same path to the answer: the allowlist lookup, the token and the mail happen
        // after it, in the queue's worker (SignInMailQueue), so neither the answer nor its time says whether the address is listed.
        await mailQueue.EnqueueAsync(address, now, ct).ConfigureAwait(false);
        return templates.Page("message", Frame(templates.Text("sent_title")), new { text = templates.Text("sent_text", ("minutes", Minutes(options.LinkLifetime))), home = DashboardRoutes.HomePath() });
    }

    /// <summary>GET <c>/api/dashboard/masuk</c>: the mailed link's page: one button that posts the token from the fragment.</summary>
    public DashboardResponse SignInPage(DashboardRequest request)
    {
        var (csrf, cookie) = FormToken(request);
        return templates.Page("confirm", Frame(templates.Text("confirm_title")), new { action = DashboardRoutes.SignInPath(), csrf }, 200, cookie);
    }

    /// <summary>POST <c>/api/dashboard/masuk</c> (<c>t</c>, <c>csrf</c>): uses the token once and starts a session; else the "link no longer valid" page (400).</summary>
    public async Task<DashboardResponse> SignInAsync(DashboardRequest request, CancellationToken ct = default)
    {
        if (!FormCsrfValid(request))
        {
            logger.LogWarning(DashboardEvents.CsrfRefused, "Dashboard sign-in post refused (CSRF)");
            return LinkInvalid();
        }
        var now = time.GetUtcNow();
        var userId = await store.ConsumeTokenAsync(request.Field("t"), now, ct).ConfigureAwait(false);
        var user = userId is null ? null : await store.GetUserAsync(userId, ct).ConfigureAwait(false);
        if (user is null)
        {
            logger.LogWarning(DashboardEvents.SignInRefused, "Dashboard sign-in refused: link unknown, used, expired or its user removed");
            return LinkInvalid();
        }
        var (cookie, session) = await store.StartSessionAsync(user.UserId, now, ct).ConfigureAwait(false);
        logger.LogInformation(DashboardEvents.SignedIn, "Dashboard sign-in: user {UserId}, role {Role}, session {SessionId}", user.UserId, user.Role, session.SessionId);
        return DashboardResponse.SeeOther(DashboardRoutes.HomePath(),
            [new DashboardCookie(DashboardGate.SessionCookie, cookie, DashboardGate.CookiePath, session.ExpiresAt), new DashboardCookie(DashboardGate.FormCookie, null, DashboardGate.CookiePath, null)]);
    }

    /// <summary>POST <c>/api/dashboard/keluar</c> (<c>csrf</c>): ends the session and clears the cookie.</summary>
    public async Task<DashboardResponse> SignOutAsync(DashboardRequest request, CancellationToken ct = default)
    {
        var access = await gate.PostAnyAsync(request, ct).ConfigureAwait(false);
        if (access.Refused is { StatusCode: 403 } refused) return refused;
        await store.EndSessionAsync(request.Cookie(DashboardGate.SessionCookie), ct).ConfigureAwait(false);
        if (access.Session is { } s) logger.LogInformation(DashboardEvents.SignedOut, "Dashboard sign-out: user {UserId}, session {SessionId}", s.UserId, s.SessionId);
        return DashboardResponse.SeeOther(DashboardRoutes.HomePath(), [DashboardGate.ClearSession]);
    }

    /// <summary>GET <c>/api/dashboard/{regency}[/{period}]</c>: the month overview (default: the month now due); a malformed month is a 404 page.</summary>
    public async Task<DashboardResponse> OverviewAsync(DashboardRequest request, string regency, string? period, CancellationToken ct = default)
    {
        var access = await gate.OpenAsync(request, regency, ct).ConfigureAwait(false);
        if (access.Refused is { } refused) return refused;
        var settings = Settings(regency);
        ReportingPeriod month;
        if (period is null) month = MonthOverview.DueMonth(settings.TimeZone.Today(time));
        else if (!ReportingPeriod.TryParse(period, out month) || month.ToString() != period)
            return templates.Page("message", new DashboardFrame(templates.Text("not_found_title"), SignedIn: true, Csrf: access.Csrf),
                new { text = templates.Text("period_invalid"), home = DashboardRoutes.OverviewPath(regency) }, 404);
        var overview = await this.overview.ReadAsync(settings, month, ct).ConfigureAwait(false);
        var notice = request.Query.TryGetValue("pesan", out var n) && templates.Texts.ContainsKey("notice_" + n) ? templates.Text("notice_" + n) : null;
        return templates.Page("overview", Frame(overview, access, notice), OverviewView.Build(overview, templates, settings.TimeZone, time));
    }

    /// <summary>
    /// POST <c>/api/dashboard/{regency}/{period}/pengingat</c> (<c>area</c>, <c>csrf</c>): one reminder to the kampung's Pokja
    /// through the outbox (<see cref="ReminderRunner.SendOnRequestAsync"/>, once a day), then 303 back to the overview with
    /// what happened (<c>?pesan=terkirim|sudah|tanpa-surel|gagal</c>).
    /// </summary>
    public async Task<DashboardResponse> RemindAsync(DashboardRequest request, string regency, string period, CancellationToken ct = default)
    {
        var access = await gate.PostAsync(request, regency, ct).ConfigureAwait(false);
        if (access.Refused is { } refused) return refused;
        var area = request.Field("area");
        if (!ReportingPeriod.TryParse(period, out var month) || !AreaCode.TryParse(area, out var code) || code.Regency != regency)
            return templates.Page("message", new DashboardFrame(templates.Text("not_found_title"), SignedIn: true, Csrf: access.Csrf),
                new { text = templates.Text("kampung_unknown"), home = DashboardRoutes.OverviewPath(regency) }, 404);
        var item = await reminders.SendOnRequestAsync(Settings(regency), month, code.Value, ct).ConfigureAwait(false);
        var outcome = item?.Action switch
        {
            ReminderActions.Sent => "terkirim",
            ReminderActions.Already => "sudah",
            ReminderActions.Skipped => "tanpa-surel",
            null => "tidak-dikenal",
            _ => "gagal",
        };
        logger.LogInformation(DashboardEvents.ReminderRequested, "Dashboard reminder for {AreaCode} {Period} by user {UserId}: {Outcome}",
            code.Value, month.ToString(), access.Session!.UserId, item?.Action ?? "unknown");
        return DashboardResponse.SeeOther($"{DashboardRoutes.OverviewPath(regency, month)}?pesan={outcome}#k-{code.Value}");
    }

    // ---- helpers ----

    private DashboardResponse SignInForm(DashboardRequest request, string? notice, int status, string? email = null)
    {
        var (csrf, cookie) = FormToken(request);
        return templates.Page("signin", Frame(templates.Text("signin_title"), notice), new { action = DashboardRoutes.Prefix + "/" + DashboardRoutes.RequestLink, csrf, email }, status, cookie);
    }

    private DashboardResponse LinkInvalid() =>
        templates.Page("message", Frame(templates.Text("link_invalid_title")), new { text = templates.Text("link_invalid_text", ("minutes", Minutes(options.LinkLifetime))), home = DashboardRoutes.HomePath() }, 400);

    /// <summary>The pre-session form token: the browser's cookie when it has a well-formed one, else a new one to set.</summary>
    private static (string Token, IReadOnlyList<DashboardCookie>? Cookie) FormToken(DashboardRequest request)
    {
        var existing = request.Cookie(DashboardGate.FormCookie);
        if (existing is { Length: 43 } && existing.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')) return (existing, null);
        var token = DashboardStore.NewSecret();
        return (token, [new DashboardCookie(DashboardGate.FormCookie, token, DashboardGate.CookiePath, null)]);
    }

    private static bool FormCsrfValid(DashboardRequest request) => DashboardGate.CheckCsrf(request, request.Cookie(DashboardGate.FormCookie));

    private DashboardFrame Frame(string title, string? notice = null) => new(title, Notice: notice);

    private DashboardFrame Frame(Overview overview, DashboardAccess access, string? notice) => new(
        overview.Regency.Name,
        IndonesianFormat.Month(overview.Period.ToString()),
        [
            new DashboardNav(templates.Text("nav_overview"), DashboardRoutes.OverviewPath(overview.Regency.Code, overview.Period), true),
            new DashboardNav(templates.Text("nav_trends"), DashboardRoutes.TrendsPath(overview.Regency.Code)),
            .. access.Session!.Role == DashboardRole.Province || access.Session.Scope.Count > 1 ? [new DashboardNav(templates.Text("nav_regencies"), DashboardRoutes.HomePath())] : Array.Empty<DashboardNav>(),
        ],
        notice, SignedIn: true, Csrf: access.Csrf);

    private RegencySettings Settings(string code) => regencies.FirstOrDefault(r => r.Code == code) ?? RegencySettings.Default(code);

    private static string RegencyName(string code, IReadOnlyList<RegencySettings> known) =>
        known.FirstOrDefault(r => r.Code == code) is { } r && r.Name != code ? r.Name : code;

    internal static string Minutes(TimeSpan span) => ((int)span.TotalMinutes).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
