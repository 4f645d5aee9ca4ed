using Azure.Data.Tables;
using KampungKB.Core.Model;
using KampungKB.Core.Store;

namespace KampungKB.Core.Uploads.Links;

/// <summary>
/// An issued link: the kampung it names and the URL a cadre opens,
/// <c>{base}/api/kampung/{areaCode}#{token}</c> (the token in the fragment, which browsers never send).
/// </summary>
public sealed record IssuedLink(string AreaCode, string Kampung, string Url, DateTimeOffset ExpiresAt, string KeyId = LinkKeyRing.SettingKeyId);

/// <summary>Why a link was refused; logged as a code, never shown to the person holding it.</summary>
internal enum LinkRefusal { None, Malformed, Expired, Revoked, RotatedOut, OtherKampung }

/// <summary>A key rotation: the key new links are signed with from now on, and the older keys with the date they stop verifying.</summary>
public sealed record LinkRotation(LinkSigningKey Added, IReadOnlyList<LinkSigningKey> Retiring);

/// <summary>
/// The front door of personal upload links: issue one per kampung, verify one on every request (key id,
/// the key's retirement, signature, expiry, the kampung's current key version), revoke all of a kampung's
/// links, rotate the signing key with an overlap. The signing keys live in storage and every instance
/// reads them through a cache of <see cref="LinkOptions.KeyCacheTtl"/> (reloaded at once for a key id it
/// does not know), so instances agree within that time; retirement is a stored date, so they agree on it exactly.
/// </summary>
public sealed class UploadLinks
{
    /// <summary>The path under the Functions route prefix (<c>/api</c>) where a link's page lives.</summary>
    public const string PagePath = "api/kampung/";

    /// <summary>A reload for an unknown key id happens at most this often (a burst of forged ids costs one read).</summary>
    private static readonly TimeSpan UnknownKeyReload = TimeSpan.FromSeconds(5);

    private readonly LinkOptions _options;
    private readonly LinkKeyStore _keys;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _reload = new(1, 1);
    private (LinkKeyRing Ring, DateTimeOffset LoadedAt)? _ring;

    public UploadLinks(LinkOptions options, LinkKeyStore keys, TimeProvider time)
    {
        _options = options;
        _keys = keys;
        _time = time;
    }

    public string KeysTable => _keys.Table;

    public Task EnsureAsync(CancellationToken cancellationToken = default) => _keys.EnsureAsync(cancellationToken);

    /// <summary>A link for <paramref name="kampung"/>, signed with the newest key that still verifies.</summary>
    /// <exception cref="InvalidOperationException">Every key is retired (run <c>kkb links rotate</c>).</exception>
    public async Task<IssuedLink> IssueAsync(RegistryEntry kampung, TimeSpan? lifetime = null, CancellationToken cancellationToken = default)
    {
        var area = Model.AreaCode.TryParse(kampung.AreaCode, out var a) ? a : throw new ArgumentException($"Not an area code: {kampung.AreaCode}", nameof(kampung));
        var version = await _keys.CurrentAsync(area, cancellationToken).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        var key = (await RingAsync(null, cancellationToken).ConfigureAwait(false)).Signing(now)
            ?? throw new InvalidOperationException("Every upload-link signing key is retired; run 'kkb links rotate'.");
        var expires = DateTimeOffset.FromUnixTimeSeconds((now + (lifetime ?? _options.DefaultLifetime)).ToUnixTimeSeconds());
        var token = LinkToken.Sign(new LinkClaims(area.Value, version, expires, key.Id), key.Key);
        return new IssuedLink(area.Value, kampung.Name, LinkUrl(area.Value, token), expires, key.Id);
    }

    /// <summary>The kampung's page without any credential: <c>{base}/api/kampung/{areaCode}</c>.</summary>
    public string PageUrl(string areaCode) => _options.BaseUrl.ToString().TrimEnd('/') + "/" + PagePath + areaCode;

    /// <summary>The link a cadre is sent: the page URL with the token as its fragment.</summary>
    public string LinkUrl(string areaCode, string token) => PageUrl(areaCode) + "#" + token;

    /// <summary>The claims of a valid link, or null with the reason (for logs only).</summary>
    /// <param name="areaCode">The kampung the request is for (its URL), or null when only the token names it.</param>
    internal async Task<(LinkClaims? Claims, LinkRefusal Refusal)> VerifyAsync(string? token, CancellationToken cancellationToken = default, string? areaCode = null)
    {
        var keyId = LinkToken.KeyIdOf(token);
        if (keyId is null) return (null, LinkRefusal.Malformed);
        var ring = await RingAsync(keyId, cancellationToken).ConfigureAwait(false);
        var key = ring.Find(keyId);
        var claims = key is null ? null : LinkToken.Read(token, id => id == key.Id ? key.Key : null);
        if (claims is null) return (null, LinkRefusal.Malformed);
        var now = _time.GetUtcNow();
        if (!key!.VerifiesAt(now)) return (null, LinkRefusal.RotatedOut);
        if (claims.ExpiresAt <= now) return (null, LinkRefusal.Expired);
        if (areaCode is not null && areaCode != claims.AreaCode) return (null, LinkRefusal.OtherKampung);
        var current = await _keys.CurrentAsync(Model.AreaCode.TryParse(claims.AreaCode, out var a) ? a : default, cancellationToken).ConfigureAwait(false);
        return claims.KeyVersion == current ? (claims, LinkRefusal.None) : (null, LinkRefusal.Revoked);
    }

    /// <summary>Makes every link issued so far for <paramref name="areaCode"/> invalid; returns the new key version.</summary>
    public Task<int> RevokeAsync(string areaCode, CancellationToken cancellationToken = default) =>
        Model.AreaCode.TryParse(areaCode, out var a)
            ? _keys.RevokeAsync(a, _time.GetUtcNow(), cancellationToken)
            : throw new ArgumentException($"Not an area code: {areaCode}", nameof(areaCode));

    /// <summary>
    /// Adds a new signing key (used for every link issued from now on) and retires every older key at
    /// now + <paramref name="overlap"/>: links signed with them keep working until then. An overlap of zero
    /// retires them at once (a leaked key); other instances follow within <see cref="LinkOptions.KeyCacheTtl"/>.
    /// </summary>
    public async Task<LinkRotation> RotateAsync(TimeSpan overlap, CancellationToken cancellationToken = default)
    {
        if (overlap < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(overlap), "The overlap cannot be negative.");
        var (added, retiring) = await _keys.RotateAsync(_options.SigningKey, _time.GetUtcNow(), overlap, cancellationToken).ConfigureAwait(false);
        _ring = null;
        return new LinkRotation(added, retiring);
    }

    /// <summary>Every signing key, oldest first, as storage holds them now.</summary>
    public async Task<IReadOnlyList<LinkSigningKey>> ListKeysAsync(CancellationToken cancellationToken = default)
    {
        _ring = null;
        return (await RingAsync(null, cancellationToken).ConfigureAwait(false)).Keys;
    }

    /// <summary>The cached ring; reloaded when older than the TTL, or when it lacks <paramref name="wantedKeyId"/> (at most every 5 s).</summary>
    private async Task<LinkKeyRing> RingAsync(string? wantedKeyId, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        if (Fresh(_ring, now, wantedKeyId) is { } ring) return ring;
        await _reload.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Fresh(_ring, now, wantedKeyId) is { } again) return again;
            var loaded = await _keys.LoadRingAsync(_options.SigningKey, cancellationToken).ConfigureAwait(false);
            _ring = (loaded, now);
            return loaded;
        }
        finally { _reload.Release(); }
    }

    private LinkKeyRing? Fresh((LinkKeyRing Ring, DateTimeOffset LoadedAt)? cached, DateTimeOffset now, string? wantedKeyId)
    {
        if (cached is not { } c) return null;
        var age = now - c.LoadedAt;
        if (age < TimeSpan.Zero || age >= _options.KeyCacheTtl) return null;
        if (wantedKeyId is not null && c.Ring.Find(wantedKeyId) is null && age >= UnknownKeyReload) return null;
        return c.Ring;
    }
}
