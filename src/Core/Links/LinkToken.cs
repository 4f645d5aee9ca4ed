using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using KampungKB.Core.Model;

namespace KampungKB.Core.Links;

/// <summary>What a valid link says: which kampung, which key version of that kampung, until when.</summary>
public sealed record LinkClaims(string AreaCode, int KeyVersion, DateTimeOffset ExpiresAt);

/// <summary>
/// The token inside an upload link: <c>base64url("kkb1|{areaCode}|{keyVersion}|{expiresUnixSeconds}")</c>
/// + <c>"."</c> + <c>base64url(HMAC-SHA256(key, that payload))</c>. URL-safe, about 90 characters, no
/// secret in it; the signature alone makes it unforgeable, the key version makes it revocable.
/// </summary>
internal static class LinkToken
{
    private const string Version = "kkb1";
    private const int MaxTokenLength = 200;

    public static string Sign(LinkClaims claims, byte[] key)
    {
        var payload = $"{Version}|{claims.AreaCode}|{claims.KeyVersion.ToString(CultureInfo.InvariantCulture)}|{claims.ExpiresAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)}";
        var bytes = Encoding.ASCII.GetBytes(payload);
        return Base64Url.EncodeToString(bytes) + "." + Base64Url.EncodeToString(HMACSHA256.HashData(key, bytes));
    }

    /// <summary>Checks shape and signature only (not expiry nor revocation); null when either is wrong.</summary>
    public static LinkClaims? Read(string? token, byte[] key)
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
        if (!CryptographicOperations.FixedTimeEquals(HMACSHA256.HashData(key, payload), signature)) return null;

        var parts = Encoding.ASCII.GetString(payload).Split('|');
        if (parts.Length != 4 || parts[0] != Version) return null;
        if (!AreaCode.TryParse(parts[1], out var area) || area.Value != parts[1]) return null;
        if (!int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var keyVersion)) return null;
        if (!long.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out var expires)) return null;
        return new LinkClaims(area.Value, keyVersion, DateTimeOffset.FromUnixTimeSeconds(expires));
    }
}
