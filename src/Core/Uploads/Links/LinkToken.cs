using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using KampungKB.Core.Model;

using KampungKB.Core.Store;

namespace KampungKB.Core.Uploads.Links;

/// <summary>
/// What a valid link says: which kampung, which key version of that kampung (revocation), until when, and
/// which signing key signed it (<see cref="KeyId"/>; <c>k0</c> is the <c>Links__SigningKey</c> setting, the
/// only key before key rotation).
/// </summary>
internal sealed record LinkClaims(string AreaCode, int KeyVersion, DateTimeOffset ExpiresAt, string KeyId = LinkKeyRing.SettingKeyId);

/// <summary>
/// The token of an upload link: <c>base64url("kkb2|{keyId}|{areaCode}|{keyVersion}|{expiresUnixSeconds}")</c>
/// + <c>"."</c> + <c>base64url(HMAC-SHA256(key of keyId, that payload))</c>. URL- and cookie-safe, about 110
/// characters, no secret in it: the signature makes it unforgeable, the key id lets several keys be valid at
/// once (rotation), the key version makes it revocable per kampung. Tokens issued before key ids existed
/// (<c>kkb1|{areaCode}|{keyVersion}|{expires}</c>) read as signed by <c>k0</c>.
/// </summary>
internal static class LinkToken
{
    private const string Version = "kkb2";
    private const string LegacyVersion = "kkb1";
    private const int MaxTokenLength = 200;

    public static string Sign(LinkClaims claims, byte[] key)
    {
        var payload = $"{Version}|{claims.KeyId}|{claims.AreaCode}|{claims.KeyVersion.ToString(CultureInfo.InvariantCulture)}|{claims.ExpiresAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)}";
        return Seal(payload, key);
    }

    /// <summary>A token as links were signed before key ids (<c>kkb1</c>); for the transition's tests only.</summary>
    internal static string SignLegacy(LinkClaims claims, byte[] key) =>
        Seal($"{LegacyVersion}|{claims.AreaCode}|{claims.KeyVersion.ToString(CultureInfo.InvariantCulture)}|{claims.ExpiresAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)}", key);

    private static string Seal(string payload, byte[] key)
    {
        var bytes = Encoding.ASCII.GetBytes(payload);
        return Base64Url.EncodeToString(bytes) + "." + Base64Url.EncodeToString(HMACSHA256.HashData(key, bytes));
    }

    /// <summary>The key id a token names, read without checking anything; null when the token has no valid shape.</summary>
    public static string? KeyIdOf(string? token) => Split(token) is { } parts ? parts.Claims.KeyId : null;

    /// <summary>
    /// Checks shape and signature with the key <paramref name="keyFor"/> gives for the token's key id (not expiry,
    /// revocation nor the key's retirement); null when the shape, the key id or the signature is wrong.
    /// </summary>
    public static LinkClaims? Read(string? token, Func<string, byte[]?> keyFor)
    {
        if (Split(token) is not { } parts || keyFor(parts.Claims.KeyId) is not { } key) return null;
        return CryptographicOperations.FixedTimeEquals(HMACSHA256.HashData(key, parts.Payload), parts.Signature) ? parts.Claims : null;
    }

    /// <summary>Checks shape and signature against one key.</summary>
    public static LinkClaims? Read(string? token, byte[] key) => Read(token, _ => key);

    private static (LinkClaims Claims, byte[] Payload, byte[] Signature)? Split(string? token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > MaxTokenLength) return null;
        var dot = token.IndexOf('.');
        if (dot <= 0 || dot != token.LastIndexOf('.')) return null;
        byte[] payload, signature;
        try
        {
            payload = Base64Url.DecodeFromChars(token.AsSpan(0, dot));
            signature = Base64Url.DecodeFromChars(token.AsSpan(dot + 1));
        }
        catch (FormatException) { return null; }

        var parts = Encoding.ASCII.GetString(payload).Split('|');
        string keyId;
        if (parts.Length == 5 && parts[0] == Version && LinkKeyRing.IsKeyId(parts[1])) { keyId = parts[1]; parts = parts[1..]; }
        else if (parts.Length == 4 && parts[0] == LegacyVersion) keyId = LinkKeyRing.SettingKeyId;
        else return null;
        if (!AreaCode.TryParse(parts[1], out var area) || area.Value != parts[1]) return null;
        if (!int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var keyVersion)) return null;
        if (!long.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out var expires) || expires > 253_402_300_799) return null;
        return (new LinkClaims(area.Value, keyVersion, DateTimeOffset.FromUnixTimeSeconds(expires), keyId), payload, signature);
    }
}
