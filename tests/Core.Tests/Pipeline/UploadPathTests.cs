using KampungKB.Core.Uploads;
using KampungKB.Core.Store;

namespace KampungKB.Core.Tests.Pipeline;

public class UploadPathTests
{
    [Theory]
    [InlineData("63.71.04.1005/laporan.xlsx", "63.71.04.1005", "laporan.xlsx")]
    [InlineData("63.71.04.1005/20251103091500-laporan oktober.csv", "63.71.04.1005", "laporan oktober.csv")]
    [InlineData("laporan.xlsx", null, "laporan.xlsx")]
    [InlineData("dinas/kiriman/laporan.xlsx", null, "laporan.xlsx")]
    [InlineData("63.71.4.1005/laporan.xlsx", null, "laporan.xlsx")]
    public void Parse_ValidNames_AreaCodeFromFirstFolderAndTheCadresFileName(string name, string? area, string file)
    {
        var path = UploadPath.Parse(name);
        Assert.Null(path.Problem);
        Assert.Equal(area, path.AreaCode);
        Assert.Equal(file, path.FileName);
    }

    [Theory]
    [InlineData("63.71.04.1005/../63.71.03.1002/laporan.xlsx")]
    [InlineData("63.71.04.1005//laporan.xlsx")]
    [InlineData("63.71.04.1005/")]
    [InlineData("./laporan.xlsx")]
    [InlineData("63.71.04.1005/lapor\u0001an.xlsx")]
    public void Parse_DotSegmentsEmptySegmentsOrControlCharacters_InvalidUploadPath(string name)
    {
        Assert.Equal("invalid-upload-path", UploadPath.Parse(name).Problem);
    }

    [Theory]
    [InlineData("a/b\\c?.xlsx", "a_b_c_.xlsx")]
    [InlineData("...", "berkas")]
    [InlineData("laporan#1.csv", "laporan_1.csv")]
    public void SafeFileName_SeparatorsAndDotOnlyNames_Replaced(string input, string expected)
    {
        Assert.Equal(expected, UploadPath.SafeFileName(input));
    }
}
