using System.Globalization;
using KampungKB.Core.Model;
using KampungKB.Core.Store;

namespace KampungKB.Core.Uploads.Links;

/// <summary>
/// How upload links are signed and where they point. The signing key comes from app setting
/// <c>Links__SigningKey</c> (base64, at least 32 bytes): it is key <c>k0</c> and wraps the keys that
/// rotation stores in the <c>LinkKeys</c> table; the base URL from <c>Links__BaseUrl</c>.
/// </summary>
public sealed class LinkOptions
{
    public const int MinKeyBytes = LinkKeyRing.MinKeyBytes;
    public static readonly Uri DefaultBaseUrl = new("http://127.0.0.1:7071");

    public required byte[] SigningKey { get; init; }
    public Uri BaseUrl { get; init; } = DefaultBaseUrl;
    /// <summary>How long an issued link stays valid unless the issuer says otherwise.</summary>
    public TimeSpan DefaultLifetime { get; init; } = TimeSpan.FromDays(90);
    /// <summary>
    /// How long an instance keeps the signing keys it read from storage (<c>Links__KeyCacheTtl</c>, a
    /// <see cref="TimeSpan"/>, 1 second to 1 hour; default 1 minute): the longest an instance may lag a rotation.
    /// </summary>
    public TimeSpan KeyCacheTtl { get; init; } = DefaultKeyCacheTtl;
    public static readonly TimeSpan DefaultKeyCacheTtl = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Reads <c>Links__SigningKey</c>, <c>Links__BaseUrl</c> and <c>Links__KeyCacheTtl</c> through <paramref name="settings"/>
    /// (docs/upload-page.md): a missing or short key would make every link forgeable or dead, so it is reported, never quoted.
    /// </summary>
    public static LinkOptions FromSettings(SettingsReader settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (!TryParseKey(settings.Raw("Links__SigningKey"), out var key, out var keyError)) settings.Error("Links__SigningKey", keyError);
        if (!TryParseBaseUrl(settings.Raw("Links__BaseUrl"), out var baseUrl))
            settings.Error("Links__BaseUrl", $"'{settings.Raw("Links__BaseUrl")}' is not an absolute http(s) URL without a query.");
        var ttl = DefaultKeyCacheTtl;
        if (settings.Text("Links__KeyCacheTtl") is { } text
            && (!TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out ttl) || ttl < TimeSpan.FromSeconds(1) || ttl > TimeSpan.FromHours(1)))
        {
            settings.Error("Links__KeyCacheTtl", $"'{text}' is not a time span from 00:00:01 to 01:00:00, e.g. 00:01:00.");
            ttl = DefaultKeyCacheTtl;
        }
        return new LinkOptions { SigningKey = key, BaseUrl = baseUrl, KeyCacheTtl = ttl };
    }

    /// <summary>Parses a base64 key; the error names what is wrong, never the key.</summary>
    public static bool TryParseKey(string? base64, out byte[] key, out string error)
    {
        key = [];
        error = "";
        if (string.IsNullOrWhiteSpace(base64)) { error = "is missing (base64, at least 32 bytes)."; return false; }
        var buffer = new byte[base64.Length];
        if (!Convert.TryFromBase64String(base64.Trim(), buffer, out var written)) { error = "is not base64."; return false; }
        if (written < MinKeyBytes) { error = $"is {written} bytes; at least {MinKeyBytes} are needed."; return false; }
        key = buffer[..written];
        return true;
    }

    public static bool TryParseBaseUrl(string? text, out Uri url)
    {
        url = DefaultBaseUrl;
        if (string.IsNullOrWhiteSpace(text)) return true;
        if (Uri.TryCreate(text.Trim().TrimEnd('/'), UriKind.Absolute, out var u) && (u.Scheme == Uri.UriSchemeHttps || u.Scheme == Uri.UriSchemeHttp) && string.IsNullOrEmpty(u.Query))
        {
            url = u;
            return true;
        }
        return false;
    }
}
