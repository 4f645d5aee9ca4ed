using System.Security.Cryptography;
using System.Text;

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
