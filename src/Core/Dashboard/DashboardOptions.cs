using System.Security.Cryptography;
using System.Text;
using KampungKB.Core.Model;
using KampungKB.Core.Uploads.Links;

namespace KampungKB.Core.Dashboard;

/// <summary>
/// The dashboard's settings (docs/dashboard.md). <see cref="Key"/> is derived from the upload links' signing key
/// (<c>Links__SigningKey</c>, HKDF-SHA256 with the label <c>kkb-dashboard</c>), so no second secret is needed; it keys
/// the opaque user ids. Limits count sign-in link requests in windows of <see cref="ThrottleWindow"/>.
/// </summary>
public sealed class DashboardOptions
{
    /// <summary>A mailed sign-in link works once, within this time (issue text: 15 minutes).</summary>
    public TimeSpan LinkLifetime { get; init; } = TimeSpan.FromMinutes(15);
    /// <summary>A session ends this long after sign-in, whatever happens (12 hours).</summary>
    public TimeSpan SessionLifetime { get; init; } = TimeSpan.FromHours(12);
    /// <summary>Sign-in link requests per address per window (<c>Dashboard__LinksPerAddress</c>, default 5).</summary>
    public int LinksPerAddress { get; init; } = 5;
    /// <summary>Sign-in link requests per client IP per window (<c>Dashboard__LinksPerIp</c>, default 20).</summary>
    public int LinksPerIp { get; init; } = 20;
    /// <summary>The window of both limits (15 minutes).</summary>
    public TimeSpan ThrottleWindow { get; init; } = TimeSpan.FromMinutes(15);
    /// <summary>Where the mailed links and the recap's "Buka dashboard" point (the upload links' <c>Links__BaseUrl</c>).</summary>
    public Uri BaseUrl { get; init; } = new("http://127.0.0.1:7071");
    /// <summary>32 bytes keying user ids and IP hashes.</summary>
    public required byte[] Key { get; init; }

    /// <summary>The settings read by <see cref="FromSettings"/>, for <c>AppSettings.Keys</c> and the docs.</summary>
    public static readonly IReadOnlyList<string> Keys = ["Dashboard__LinksPerAddress", "Dashboard__LinksPerIp"];

    /// <summary>
    /// Reads the sign-in limits <c>Dashboard__LinksPerAddress</c> (default 5) and <c>Dashboard__LinksPerIp</c> (default 20), each a
    /// whole number from 1 to 1000 per 15 minutes (docs/dashboard.md), and derives the key and the address from the upload links'
    /// <paramref name="links"/> (<c>Links__SigningKey</c>, <c>Links__BaseUrl</c>; a missing key, already reported by
    /// <see cref="LinkOptions.FromSettings"/>, is replaced by zeros so the other settings are still checked). A bad value is
    /// reported on <paramref name="settings"/> as a <see cref="SettingError"/> under its key and its default used.
    /// </summary>
    public static DashboardOptions FromSettings(SettingsReader settings, LinkOptions links)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(links);
        int Limit(string key, int fallback) => (int)settings.Whole(key, fallback, 1, 1000, "a whole number from 1 to 1000");
        return From(links.SigningKey.Length > 0 ? links.SigningKey : new byte[32], links.BaseUrl,
            Limit("Dashboard__LinksPerAddress", 5), Limit("Dashboard__LinksPerIp", 20));
    }

    /// <summary>The options with the key derived from the upload links' signing key.</summary>
    public static DashboardOptions From(byte[] linkSigningKey, Uri baseUrl, int linksPerAddress = 5, int linksPerIp = 20) => new()
    {
        Key = HKDF.DeriveKey(HashAlgorithmName.SHA256, linkSigningKey, 32, info: Encoding.ASCII.GetBytes("kkb-dashboard")),
        BaseUrl = baseUrl,
        LinksPerAddress = linksPerAddress,
        LinksPerIp = linksPerIp,
    };

    /// <summary>The absolute address of a dashboard path (<c>/api/…</c>).</summary>
    public string Url(string path) => BaseUrl.ToString().TrimEnd('/') + path;
}
