using KampungKB.Core.Model;

namespace KampungKB.Core.Dashboard;

/// <summary>
/// The dashboard's addresses under the host's route prefix (<c>/api</c>), one place for the functions, the
/// templates' links and the tests (docs/dashboard.md). Route templates are the Functions' <c>Route</c> strings;
/// the methods build the path a page links to (without the <c>/api</c> prefix: add <see cref="Prefix"/>).
/// The real Functions host does not rank a literal segment over a parameter as ASP.NET Core does: it tries the routes in the
/// alphabetical order of their function names, so <c>dashboard/{regency}</c> (DashboardOverview) would take
/// <c>GET dashboard/masuk</c> (DashboardSignIn) and <c>dashboard/{regency}/{period}</c> would take <c>…/tren</c> (Azure Functions
/// host, "HttpTrigger's Route precedence is different from ASP.NET Core behavior"). So <c>{regency}</c> and <c>{period}</c>
/// only match a segment that starts with a digit (every code and month does, no literal word does), under the real host and
/// the local runner alike.
/// </summary>
public static class DashboardRoutes
{
    /// <summary>The host's route prefix (host.json <c>extensions.http.routePrefix</c>).</summary>
    public const string Prefix = "/api";

    /// <summary>A kabupaten/kota code segment (<c>63.71</c>): one that starts with a digit, so no literal word is taken for it;
    /// the page itself refuses a malformed code (<c>63.7x</c>) as it refuses another kabupaten's.</summary>
    private const string Regency = "{regency:regex(^[0-9])}";
    /// <summary>A reporting month segment (<c>YYYY-MM</c>): one that starts with a digit; the page itself answers a malformed month.</summary>
    private const string Period = "{period:regex(^[0-9])}";

    /// <summary>GET: sign-in form, or a signed-in user's start page. </summary>
    public const string Home = "dashboard";
    /// <summary>POST (email, csrf): asks for a sign-in link; one answer whether the address is listed or not.</summary>
    public const string RequestLink = "dashboard/minta";
    /// <summary>GET: the mailed link's page (token in the fragment) with the button that POSTs it; POST (t, csrf): consumes it.</summary>
    public const string SignIn = "dashboard/masuk";
    /// <summary>POST (csrf): ends the session (its row is revoked, the cookie cleared).</summary>
    public const string SignOut = "dashboard/keluar";
    /// <summary>GET: the month overview of the month now due.</summary>
    public const string Overview = "dashboard/" + Regency;
    /// <summary>GET: the month overview of <c>{period}</c> (<c>YYYY-MM</c>).</summary>
    public const string OverviewPeriod = "dashboard/" + Regency + "/" + Period;
    /// <summary>POST (csrf, area): sends one kampung's reminder for the month through the outbox, exactly once (a day).</summary>
    public const string Remind = "dashboard/" + Regency + "/" + Period + "/pengingat";
    /// <summary>GET: the overview as .xlsx.</summary>
    public const string OverviewExport = "dashboard/" + Regency + "/" + Period + "/unduh";
    /// <summary>GET: the month's handover workbook, the figures ready to type into the BKKBN Kampung KB website (docs/handover.md).</summary>
    public const string Handover = "dashboard/" + Regency + "/" + Period + "/ketik-situs";
    /// <summary>GET: one kampung's page (12 months, uploads, feedback, class).</summary>
    public const string Kampung = "dashboard/" + Regency + "/kampung/{area}";
    /// <summary>GET: one kampung's months as .xlsx.</summary>
    public const string KampungExport = "dashboard/" + Regency + "/kampung/{area}/unduh";
    /// <summary>GET: an upload's original file (<c>{upload}</c> = upload id).</summary>
    public const string KampungOriginal = "dashboard/" + Regency + "/kampung/{area}/berkas/{upload}";
    /// <summary>POST (csrf, action=tautan|pengingat): resend the upload link or a reminder through the outbox, exactly once.</summary>
    public const string KampungAction = "dashboard/" + Regency + "/kampung/{area}/kirim";
    /// <summary>GET: 12-month trends per kecamatan (inline SVG).</summary>
    public const string Trends = "dashboard/" + Regency + "/tren";

    public static string HomePath() => $"{Prefix}/{Home}";
    public static string SignInPath() => $"{Prefix}/{SignIn}";
    public static string OverviewPath(string regency, ReportingPeriod? period = null) =>
        period is { } p ? $"{Prefix}/dashboard/{regency}/{p}" : $"{Prefix}/dashboard/{regency}";
    public static string RemindPath(string regency, ReportingPeriod period) => $"{Prefix}/dashboard/{regency}/{period}/pengingat";
    public static string OverviewExportPath(string regency, ReportingPeriod period) => $"{Prefix}/dashboard/{regency}/{period}/unduh";
    public static string HandoverPath(string regency, ReportingPeriod period) => $"{Prefix}/dashboard/{regency}/{period}/ketik-situs";
    public static string KampungPath(string regency, string area) => $"{Prefix}/dashboard/{regency}/kampung/{area}";
    public static string KampungExportPath(string regency, string area) => $"{Prefix}/dashboard/{regency}/kampung/{area}/unduh";
    public static string KampungOriginalPath(string regency, string area, string upload) => $"{Prefix}/dashboard/{regency}/kampung/{area}/berkas/{upload}";
    public static string KampungActionPath(string regency, string area) => $"{Prefix}/dashboard/{regency}/kampung/{area}/kirim";
    public static string TrendsPath(string regency) => $"{Prefix}/dashboard/{regency}/tren";
    /// <summary>The trends page of one indicator, its twelve months ending with <paramref name="month"/> (null: the month now due).</summary>
    public static string TrendsPath(string regency, string indicator, ReportingPeriod? month) =>
        $"{Prefix}/dashboard/{regency}/tren?indikator={indicator}" + (month is { } m ? $"&bulan={m}" : "");
}
