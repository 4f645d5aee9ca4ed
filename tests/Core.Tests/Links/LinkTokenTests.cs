using KampungKB.Core.Uploads.Links;
using KampungKB.Core.Store;

namespace KampungKB.Core.Tests.Links;

public class LinkTokenTests
{
    private static readonly byte[] Key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
    private static readonly LinkClaims Claims = new("63.71.04.1005", 3, DateTimeOffset.FromUnixTimeSeconds(1_900_000_000));

    [Fact]
    public void Sign_ThenRead_GivesTheSameClaims() => Assert.Equal(Claims, LinkToken.Read(LinkToken.Sign(Claims, Key), Key));

    [Fact]
    public void Read_OtherKey_Null() => Assert.Null(LinkToken.Read(LinkToken.Sign(Claims, Key), Key.Reverse().ToArray()));

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("a.b.c")]
    [InlineData("!!!.???")]
    public void Read_Garbage_Null(string token) => Assert.Null(LinkToken.Read(token, Key));

    [Fact]
    public void Read_AnyFlippedCharacter_Null()
    {
        var token = LinkToken.Sign(Claims, Key);
        for (var i = 0; i < token.Length; i++)
        {
            if (token[i] == '.') continue;
            var flipped = token[..i] + (token[i] == 'A' ? 'B' : 'A') + token[(i + 1)..];
            Assert.Null(LinkToken.Read(flipped, Key));
        }
    }

    [Fact]
    public void Token_IsUrlSafe() => Assert.Matches("^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$", LinkToken.Sign(Claims, Key));

    [Theory]
    [InlineData(null, false)]
    [InlineData("c2hvcnQ=", false)]
    [InlineData("not base64!", false)]
    [InlineData("AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=", true)]
    public void TryParseKey_NeedsBase64OfAtLeast32Bytes(string? key, bool ok) => Assert.Equal(ok, LinkOptions.TryParseKey(key, out _, out _));

    [Fact]
    public void Sign_NamesItsKeyId_ReadPicksThatKey()
    {
        var other = Key.Select(b => (byte)(b + 100)).ToArray();
        var token = LinkToken.Sign(Claims with { KeyId = "k1a2b3c4d" }, other);
        Assert.Equal("k1a2b3c4d", LinkToken.KeyIdOf(token));
        Assert.Equal(Claims with { KeyId = "k1a2b3c4d" }, LinkToken.Read(token, id => id == "k1a2b3c4d" ? other : Key));
        Assert.Null(LinkToken.Read(token, id => id == "k1a2b3c4d" ? Key : other)); // the key of another id does not verify it
        Assert.Null(LinkToken.Read(token, _ => null));                             // an unknown key id verifies nothing
    }

    [Fact]
    public void LegacyToken_WithoutKeyId_ReadsAsSignedByTheSettingKey()
    {
        var legacy = LinkToken.SignLegacy(Claims, Key);
        Assert.Equal(LinkKeyRing.SettingKeyId, LinkToken.KeyIdOf(legacy));
        Assert.Equal(Claims, LinkToken.Read(legacy, id => id == LinkKeyRing.SettingKeyId ? Key : null));
    }

    [Fact]
    public void WrappedKey_UnwrapsOnlyWithItsSettingKeyAndId()
    {
        var stored = Enumerable.Range(50, 32).Select(i => (byte)i).ToArray();
        var wrapped = LinkKeyRing.Wrap(Key, "kabc", stored);
        Assert.Equal(stored, LinkKeyRing.Unwrap(Key, "kabc", wrapped));
        Assert.Null(LinkKeyRing.Unwrap(Key.Reverse().ToArray(), "kabc", wrapped));
        Assert.Null(LinkKeyRing.Unwrap(Key, "kother", wrapped));
        Assert.DoesNotContain(Convert.ToBase64String(stored), wrapped, StringComparison.Ordinal);
    }

    [Fact]
    public void Ring_SignsWithTheNewestKeyStillVerifying()
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
        var ring = new LinkKeyRing(
        [
            new LinkSigningKey("k0", DateTimeOffset.MinValue, now.AddDays(10)),
            new LinkSigningKey("kold", now.AddDays(-30), now.AddDays(-1)),
            new LinkSigningKey("knew", now.AddDays(-2), null),
        ]);
        Assert.Equal("knew", ring.Signing(now)!.Id);
        Assert.True(ring.Find("k0")!.VerifiesAt(now));
        Assert.False(ring.Find("kold")!.VerifiesAt(now));
        Assert.False(ring.Find("k0")!.VerifiesAt(now.AddDays(10)));
    }
}
