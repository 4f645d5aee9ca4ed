using KampungKB.Core.Ingestion.Normalisation;

namespace KampungKB.Core.Tests;

public class IndonesianDateTests
{
    [Theory]
    [InlineData("06/11/2025", 2025, 11, 6)]
    [InlineData("6/11/2025", 2025, 11, 6)]
    [InlineData("06-11-2025", 2025, 11, 6)]
    [InlineData("06.11.2025", 2025, 11, 6)]
    [InlineData("6/11/25", 2025, 11, 6)]
    [InlineData("2025-11-06", 2025, 11, 6)]
    [InlineData("6 November 2025", 2025, 11, 6)]
    [InlineData("06 Nopember 2025", 2025, 11, 6)]
    [InlineData("6 Nop 2025", 2025, 11, 6)]
    [InlineData("Kamis, 6 November 2025", 2025, 11, 6)]
    [InlineData("kamis 6 november 2025", 2025, 11, 6)]
    [InlineData("Jum'at, 7 November 2025", 2025, 11, 7)]
    [InlineData("06-Okt-2025", 2025, 10, 6)]
    [InlineData("6-okt-25", 2025, 10, 6)]
    [InlineData("06 Okt. 2025", 2025, 10, 6)]
    [InlineData("1 Januari 2025", 2025, 1, 1)]
    [InlineData("3 Pebruari 2025", 2025, 2, 3)]
    [InlineData("3 Peb 2025", 2025, 2, 3)]
    [InlineData("28 Februari 2024", 2024, 2, 28)]
    [InlineData("29 Februari 2024", 2024, 2, 29)]
    [InlineData("17 Maret 2025", 2025, 3, 17)]
    [InlineData("5 Mei 2025", 2025, 5, 5)]
    [InlineData("12 Juni 2025", 2025, 6, 12)]
    [InlineData("12 Juli 2025", 2025, 7, 12)]
    [InlineData("17 Agustus 2025", 2025, 8, 17)]
    [InlineData("17 Agt 2025", 2025, 8, 17)]
    [InlineData("17 Ags 2025", 2025, 8, 17)]
    [InlineData("17 Agu 2025", 2025, 8, 17)]
    [InlineData("9 Sept 2025", 2025, 9, 9)]
    [InlineData("9 Sep 2025", 2025, 9, 9)]
    [InlineData("25 Des 2025", 2025, 12, 25)]
    [InlineData("25 Desember 2025", 2025, 12, 25)]
    [InlineData("  06/11/2025  ", 2025, 11, 6)]
    [InlineData("06/11/2025 00:00:00", 2025, 11, 6)]
    [InlineData("Senin, 03/11/2025", 2025, 11, 3)]
    [InlineData("45967", 2025, 11, 6)]
    public void ParseText_IndonesianForm_YieldsDate(string text, int y, int m, int d)
    {
        var r = IndonesianDate.Parse(text);
        Assert.Equal(ParseStatus.Ok, r.Status);
        Assert.Equal(new DateOnly(y, m, d), r.Value);
    }

    [Theory]
    [InlineData("31/11/2025")]
    [InlineData("2025-13-01")]
    [InlineData("29 Februari 2025")]
    [InlineData("32/10/2025")]
    [InlineData("06/13/2025")]
    [InlineData("0/10/2025")]
    [InlineData("6 Foo 2025")]
    [InlineData("besok")]
    [InlineData("Oktober 2025")]
    [InlineData("12345")]
    public void ParseText_ImpossibleOrUnknown_IsInvalid(string text)
    {
        Assert.Equal(ParseStatus.Invalid, IndonesianDate.Parse(text).Status);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("-")]
    public void Parse_BlankOrDash_IsEmpty(string? text)
    {
        Assert.Equal(ParseStatus.Empty, IndonesianDate.Parse(text).Status);
    }

    [Fact]
    public void Parse_RealDateAndSerial_YieldDate()
    {
        Assert.Equal(new DateOnly(2025, 10, 3), IndonesianDate.Parse(new DateTime(2025, 10, 3, 8, 30, 0)).Value);
        Assert.Equal(new DateOnly(2025, 10, 3), IndonesianDate.Parse(45933.0).Value);
        Assert.Equal(ParseStatus.Invalid, IndonesianDate.Parse(12.0).Status);
    }

    [Theory]
    [InlineData("BULAN OKTOBER 2025", "2025-10")]
    [InlineData("Bulan: Okt 2025", "2025-10")]
    [InlineData("LAPORAN KAMPUNG KB BANUA ANYAR - KEC. BANJARMASIN TIMUR - JUNI 2025", "2025-06")]
    [InlineData("periode nopember 2025", "2025-11")]
    [InlineData("data_capaian_oktober_2025", "2025-10")]
    public void TryFindPeriod_StatedMonth_YieldsPeriod(string text, string period)
    {
        Assert.True(IndonesianDate.TryFindPeriod(text.Replace('_', ' '), out var p));
        Assert.Equal(period, p.ToString());
    }

    [Theory]
    [InlineData("Banjarmasin, 31 Oktober 2025")]
    [InlineData("Tanggal 6 November 2025")]
    [InlineData("LAPORAN KEGIATAN")]
    public void TryFindPeriod_FullDateOrNoMonth_FindsNothing(string text)
    {
        Assert.False(IndonesianDate.TryFindPeriod(text, out _));
    }
}

public class IndonesianNumberTests
{
    [Theory]
    [InlineData("1.204", "1204")]
    [InlineData("1.120", "1120")]
    [InlineData("12.345.678", "12345678")]
    [InlineData("12,5", "12.5")]
    [InlineData("1.204,5", "1204.5")]
    [InlineData("1,204.5", "1204.5")]
    [InlineData("0,25", "0.25")]
    [InlineData("12.5", "12.5")]
    [InlineData("25", "25")]
    [InlineData(" 25 ", "25")]
    [InlineData("25 orang", "25")]
    [InlineData("2.310 KK", "2310")]
    [InlineData("1 204", "1204")]
    [InlineData("-3", "-3")]
    [InlineData("0", "0")]
    public void ParseText_IndonesianForm_YieldsNumber(string text, string expected)
    {
        var r = IndonesianNumber.Parse(text);
        Assert.Equal(ParseStatus.Ok, r.Status);
        Assert.Equal(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), r.Value);
    }

    [Theory]
    [InlineData("banyak")]
    [InlineData("12a")]
    [InlineData("1..2")]
    [InlineData("(5)")]
    [InlineData("1,2,3")]
    [InlineData("lima")]
    [InlineData("12%")]
    public void ParseText_NotANumber_IsInvalid(string text)
    {
        Assert.Equal(ParseStatus.Invalid, IndonesianNumber.Parse(text).Status);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("-")]
    [InlineData("–")]
    public void Parse_BlankOrDash_IsEmpty(string? text)
    {
        Assert.Equal(ParseStatus.Empty, IndonesianNumber.Parse(text).Status);
    }

    [Theory]
    [InlineData("12,5", "NotWhole")]
    [InlineData("-4", "Negative")]
    [InlineData("banyak", "Invalid")]
    [InlineData("1.204", "Ok")]
    [InlineData("-", "Empty")]
    public void ParseCount_Text_YieldsStatus(string text, string status)
    {
        Assert.Equal(status, IndonesianNumber.ParseCount(text).Status.ToString());
    }

    [Fact]
    public void ParseCount_Doubles_AreWholeOrNot()
    {
        Assert.Equal(31, IndonesianNumber.ParseCount(31.0).Value);
        Assert.Equal(ParseStatus.NotWhole, IndonesianNumber.ParseCount(2.5).Status);
        Assert.Equal("2310", IndonesianNumber.Parse(2310.0).Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}
