using Azure.Data.Tables;
using KampungKB.Core.Model;
using KampungKB.Core.Storage;

namespace KampungKB.Core.Links;

/// <summary>An issued link: the kampung it names and the URL a cadre opens.</summary>
public sealed record IssuedLink(string AreaCode, string Kampung, string Url, DateTimeOffset ExpiresAt);

/// <summary>Why a link was refused; logged as a code, never shown to the person holding it.</summary>
public enum LinkRefusal { None, Malformed, Expired, Revoked }

/// <summary>
/// The front door of personal upload links: issue one per kampung, verify one on every request
/// (signature, expiry, the kampung's current key version), revoke all of a kampung's links.
/// </summary>
public sealed class UploadLinks
{
    /// <summary>The path under the Functions route prefix (<c>/api</c>) where a link's page lives.</summary>
    public const string PagePath = "api/kampung/";

    private readonly LinkOptions _options;
    private readonly LinkKeyStore _keys;
    private readonly TimeProvider _time;

    public UploadLinks(LinkOptions options, TableServiceClient tables, StorageNames names, TimeProvider time)
    {
        _options = options;
        _keys = new LinkKeyStore(tables, names);
        _time = time;
    }

    public string KeysTable => _keys.Table;

    public Task EnsureAsync(CancellationToken cancellationToken = default) => _keys.EnsureAsync(cancellationToken);

    public async Task<IssuedLink> IssueAsync(RegistryEntry kampung, TimeSpan? lifetime = null, CancellationToken cancellationToken = default)
    {
        var area = Model.AreaCode.TryParse(kampung.AreaCode, out var a) ? a : throw new ArgumentException($"Not an area code: {kampung.AreaCode}", nameof(kampung));
        var version = await _keys.CurrentAsync(area, cancellationToken).ConfigureAwait(false);
        var expires = DateTimeOffset.FromUnixTimeSeconds((_time.GetUtcNow() + (lifetime ?? _options.DefaultLifetime)).ToUnixTimeSeconds());
        var token = LinkToken.Sign(new LinkClaims(area.Value, version, expires), _options.SigningKey);
        return new IssuedLink(area.Value, kampung.Name, PageUrl(token), expires);
    }

    public string PageUrl(string token) => _options.BaseUrl.ToString().TrimEnd('/') + "/" + PagePath + token;

    /// <summary>The claims of a valid link, or null with the reason (for logs only).</summary>
    public async Task<(LinkClaims? Claims, LinkRefusal Refusal)> VerifyAsync(string? token, CancellationToken cancellationToken = default)
    {
        var claims = LinkToken.Read(token, _options.SigningKey);
        if (claims is null) return (null, LinkRefusal.Malformed);
        if (claims.ExpiresAt <= _time.GetUtcNow()) return (null, LinkRefusal.Expired);
        var current = await _keys.CurrentAsync(Model.AreaCode.TryParse(claims.AreaCode, out var a) ? a : default, cancellationToken).ConfigureAwait(false);
        return claims.KeyVersion == current ? (claims, LinkRefusal.None) : (null, LinkRefusal.Revoked);
    }

    /// <summary>Makes every link issued so far for <paramref name="areaCode"/> invalid; returns the new key version.</summary>
    public Task<int> RevokeAsync(string areaCode, CancellationToken cancellationToken = default) =>
        Model.AreaCode.TryParse(areaCode, out var a)
            ? _keys.RevokeAsync(a, _time.GetUtcNow(), cancellationToken)
            : throw new ArgumentException($"Not an area code: {areaCode}", nameof(areaCode));
}
