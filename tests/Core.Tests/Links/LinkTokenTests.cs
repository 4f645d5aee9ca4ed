using KampungKB.Core.Links;

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
}
