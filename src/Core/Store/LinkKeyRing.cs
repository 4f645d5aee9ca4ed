using System.Security.Cryptography;
using System.Text;

namespace KampungKB.Core.Store;

/// <summary>One signing key of upload links: its id (in every token it signs), when it was made and when it stops verifying.</summary>
/// <param name="RetiresAt">From then on tokens signed with it are refused ("rotated out"); null: no end.</param>
public sealed record LinkSigningKey(string Id, DateTimeOffset CreatedAt, DateTimeOffset? RetiresAt)
{
    internal byte[] Key { get; init; } = [];

    public bool VerifiesAt(DateTimeOffset now) => RetiresAt is not { } end || now < end;
}

/// <summary>
/// The signing keys valid at once (docs/upload-page.md): <c>k0</c> is the <c>Links__SigningKey</c> setting,
/// the others were made by <c>kkb links rotate</c> and live in the <c>LinkKeys</c> table, each wrapped
/// (AES-256-GCM) under a key derived from the setting, so read access to storage alone cannot forge links.
/// New links are signed with the newest key that still verifies; older keys verify until their retirement.
/// </summary>
public sealed class LinkKeyRing
{
    /// <summary>The shortest signing key accepted, in bytes (256 bits, for HMAC-SHA256).</summary>
    public const int MinKeyBytes = 32;

    /// <summary>The id of the key from the app setting (and of every token issued before key ids).</summary>
    public const string SettingKeyId = "k0";

    public LinkKeyRing(IReadOnlyList<LinkSigningKey> keys) => Keys = keys;

    /// <summary>Every key, oldest first.</summary>
    public IReadOnlyList<LinkSigningKey> Keys { get; }

    /// <summary>The key new links are signed with: the newest that still verifies at <paramref name="now"/>; null when all are retired.</summary>
    public LinkSigningKey? Signing(DateTimeOffset now) => Keys.Where(k => k.VerifiesAt(now)).MaxBy(k => k.CreatedAt);

    public LinkSigningKey? Find(string keyId) => Keys.FirstOrDefault(k => k.Id == keyId);

    /// <summary><c>k</c> + 1–15 lowercase letters or digits.</summary>
    public static bool IsKeyId(string text) =>
        text.Length is >= 2 and <= 16 && text[0] == 'k' && text.AsSpan(1).IndexOfAnyExcept("abcdefghijklmnopqrstuvwxyz0123456789") < 0;

    /// <summary>A fresh key id: <c>k</c> + 8 random lowercase hex digits.</summary>
    internal static string NewKeyId() => "k" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));

    /// <summary>Seals a stored key under the setting key: base64(nonce 12 | ciphertext | tag 16), the key id as associated data.</summary>
    internal static string Wrap(byte[] settingKey, string keyId, byte[] key)
    {
        var nonce = RandomNumberGenerator.GetBytes(12);
        var sealedKey = new byte[key.Length];
        var tag = new byte[16];
        using var aes = new AesGcm(WrappingKey(settingKey), tag.Length);
        aes.Encrypt(nonce, key, sealedKey, tag, Encoding.ASCII.GetBytes(keyId));
        return Convert.ToBase64String([.. nonce, .. sealedKey, .. tag]);
    }

    /// <summary>The stored key, or null when it was wrapped under another setting key (or tampered with).</summary>
    internal static byte[]? Unwrap(byte[] settingKey, string keyId, string? wrapped)
    {
        if (wrapped is null) return null;
        var bytes = new byte[wrapped.Length];
        if (!Convert.TryFromBase64String(wrapped, bytes, out var length) || length < 12 + 16 + MinKeyBytes) return null;
        var key = new byte[length - 28];
        try
        {
            using var aes = new AesGcm(WrappingKey(settingKey), 16);
            aes.Decrypt(bytes.AsSpan(0, 12), bytes.AsSpan(12, key.Length), bytes.AsSpan(12 + key.Length, 16), key, Encoding.ASCII.GetBytes(keyId));
            return key;
        }
        catch (AuthenticationTagMismatchException) { return null; }
    }

    private static byte[] WrappingKey(byte[] settingKey) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, settingKey, 32, info: Encoding.ASCII.GetBytes("kampungkb link key wrapping v1"));
}
