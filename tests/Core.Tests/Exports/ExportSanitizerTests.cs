using KampungKB.Core.Rendering.Exports;

namespace KampungKB.Core.Tests.Exports;

public class ExportSanitizerTests
{
    [Theory]
    [InlineData("=1+1")]
    [InlineData("=HYPERLINK(\"http://evil\",\"klik\")")]
    [InlineData("+62812")]
    [InlineData("-2+3")]
    [InlineData("@SUM(A1)")]
    [InlineData("\t=1")]
    [InlineData("\r=1")]
    public void Cell_FormulaLikeText_GetsInertPrefix(string text)
    {
        var result = ExportSanitizer.Cell(text);

        Assert.Equal(ExportSanitizer.InertPrefix, result[0]);
        Assert.EndsWith(text.TrimStart('\t', '\r'), result, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Kampung KB Sungai Biru")]
    [InlineData("Rp 1.000 = lunas")]
    [InlineData("")]
    public void Cell_OrdinaryText_StaysUnchanged(string text) => Assert.Equal(text, ExportSanitizer.Cell(text));

    [Fact]
    public void Cell_ControlCharacters_AreRemoved()
    {
        Assert.Equal("ab\nc", ExportSanitizer.Cell("a\u0000b\n\u0007c\u0085"));
    }

    [Fact]
    public void Cell_LoneSurrogate_IsRemovedButPairsKept()
    {
        Assert.Equal("x😀y", ExportSanitizer.Cell("x\ud83d\ude00\ud800y"));
    }

    [Fact]
    public void Html_HostileMarkup_IsEncoded()
    {
        var result = ExportSanitizer.Html("<script>alert('x')</script> & \"q\"");

        Assert.DoesNotContain('<', result);
        Assert.DoesNotContain('>', result);
        Assert.DoesNotContain('"', result);
        Assert.DoesNotContain('\'', result);
        Assert.Contains("&lt;script&gt;", result, StringComparison.Ordinal);
    }

    [Fact]
    public void SingleLine_LineBreaks_BecomeSpaces()
    {
        Assert.Equal("a  b", ExportSanitizer.SingleLine("a\r\nb\u0001"));
    }
}
