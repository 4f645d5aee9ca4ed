using KampungKB.Core.Rendering.Templating;

namespace KampungKB.Core.Tests.Templating;

public class IndonesianFormatTests
{
    [Theory]
    [InlineData(1204, "1.204")]
    [InlineData(1234567, "1.234.567")]
    [InlineData(0, "0")]
    [InlineData(-3, "-3")]
    public void Number_Integers_UseDotThousands(int value, string expected) => Assert.Equal(expected, IndonesianFormat.Number(value));

    [Theory]
    [InlineData(20L * 1024 * 1024, "20 MB")]        // the default upload cap, as the page and the feedback say it
    [InlineData(1024L * 1024 * 3 / 2, "1,5 MB")]    // a decimal comma, not a point
    [InlineData(1024L * 1024 + 1, "1 MB")]          // at most one decimal
    [InlineData(2L * 1024 * 1024 * 1024, "2.048 MB")] // the largest zip limit, a dot between thousands
    [InlineData(0, "0 MB")]
    public void Megabytes_SizeLimits_InIndonesian(long bytes, string expected) => Assert.Equal(expected, IndonesianFormat.Megabytes(bytes));

    [Fact]
    public void Number_Decimals_UseComma()
    {
        Assert.Equal("12,5", IndonesianFormat.Number(12.5m));
        Assert.Equal("1.204,75", IndonesianFormat.Number(1204.75));
        Assert.Equal(IndonesianFormat.Nothing, IndonesianFormat.Number(null));
    }

    [Fact]
    public void Percent_Ratio_ShowsIndonesianPercent()
    {
        Assert.Equal("12,5%", IndonesianFormat.Percent(0.125m));
        Assert.Equal("62%", IndonesianFormat.Percent(0.62m, 0));
        Assert.Equal("+1,5 poin", IndonesianFormat.PercentChange(0.015m));
        Assert.Equal("+12", IndonesianFormat.Change(12));
    }

    [Fact]
    public void Date_AnyDateType_UsesIndonesianMonthNames()
    {
        Assert.Equal("6 November 2025", IndonesianFormat.Date(new DateOnly(2025, 11, 6)));
        Assert.Equal("31 Agustus 2025", IndonesianFormat.Date(new DateTime(2025, 8, 31, 23, 0, 0)));
        Assert.Equal("09.30", IndonesianFormat.Time(new DateTime(2025, 8, 31, 9, 30, 0)));
    }

    [Fact]
    public void Month_PeriodText_BecomesMonthAndYear()
    {
        Assert.Equal("Oktober 2025", IndonesianFormat.Month("2025-10"));
        Assert.Equal("Februari 2026", IndonesianFormat.Month(new ReportingPeriod(2026, 2)));
        Assert.Equal(IndonesianFormat.Nothing, IndonesianFormat.Month("2025-13"));
    }

    [Theory]
    [InlineData(0, 10, 0)]
    [InlineData(10, 10, 100)]
    [InlineData(4, 10, 40)]
    [InlineData(15, 10, 100)]
    public void Bar_Values_DrawProportionalCells(int value, int max, int filled)
    {
        var html = HtmlBar.Render(value, max, null);
        Assert.StartsWith("<table", html, StringComparison.Ordinal);
        if (filled > 0) Assert.Contains($"width=\"{filled}%\"", html, StringComparison.Ordinal);
        if (filled < 100) Assert.Contains($"width=\"{100 - filled}%\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Bar_HostileColor_FallsBackToDefault()
    {
        Assert.Contains(HtmlBar.DefaultColor, HtmlBar.Render(1, 2, "red;background:url(x)"), StringComparison.Ordinal);
    }
}
