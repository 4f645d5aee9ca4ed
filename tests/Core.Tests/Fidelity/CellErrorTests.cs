
namespace KampungKB.Core.Tests.Fidelity;

/// <summary>
/// A formula that failed ("#REF!", "#VALUE!", "#N/A", "#DIV/0!", "#NAME?") is not an empty cell: the cadre's count
/// is broken and the dinas would read a row without it. ExcelDataReader 3.6 returns such .xlsx cells as empty, so
/// the sheet XML is read for them; CSV exports carry the text itself.
/// </summary>
public class CellErrorTests
{
    private static readonly object?[] Banner = ["Kampung KB Mawar, Desa Mawar"];
    private static readonly object?[] Month = ["Bulan: Oktober 2025"];
    private static readonly object?[] Header = ["Tanggal", "Nama Kegiatan", "L", "P", "Jumlah"];

    private static byte[] Activities(object? male, object? female, object? total, object? date = null)
    {
        var b = new XlsxBuilder();
        b.Sheet("Oktober").Row(Banner).Row(Month).Row(Header)
            .Row(new DateTime(2025, 10, 3), "Rapat Pokja", 5.0, 6.0, 11.0)
            .Row(date ?? new DateTime(2025, 10, 9), "Posyandu", male, female, total)
            .Row(new DateTime(2025, 10, 15), "Kelas BKB", 0.0, 12.0, 12.0);
        return b.Build();
    }

    public static TheoryData<string, byte[], int, string, string> BrokenCounts() => new()
    {
        { "formula-ref.xlsx", Activities(new ErrorCell("#REF!"), 20.0, 22.0), 5, "C", "#REF!" },
        { "typed-na.xlsx", Activities(2.0, 20.0, new ErrorCell("#N/A", null)), 5, "E", "#N/A" },
        { "div0.xlsx", Activities(2.0, new ErrorCell("#DIV/0!"), 22.0), 5, "D", "#DIV/0!" },
        { "name-in-date.xlsx", Activities(2.0, 20.0, 22.0, new ErrorCell("#NAME?")), 5, "A", "#NAME?" },
    };

    [Theory]
    [MemberData(nameof(BrokenCounts))]
    public void ErrorInACountOrDateCell_IsAnErrorNamingTheCell_NotAnEmptyCell(string name, byte[] bytes, int row, string column, string text)
    {
        var r = Engines.Bytes(bytes, name);

        Assert.False(r.IsAccepted);
        var p = Assert.Single(r.Errors);
        Assert.Equal((ProblemCodes.CellError, row, column, text), (p.Code, p.Row, p.Column, p.Text));
        Assert.Contains(text, p.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(r.Activities, a => a.Title == "Posyandu");
    }

    [Theory]
    [InlineData("#VALUE!")]
    [InlineData("#REF!")]
    [InlineData("#N/A")]
    public void CsvExportOfAnErrorCell_IsCellError_NotNotANumber(string error)
    {
        var r = Engines.Csv($"Kampung KB Mawar, Desa Mawar\nBulan: Oktober 2025\nTanggal,Nama Kegiatan,L,P\n03/10/2025,Rapat Pokja,5,{error}\n");

        var p = Assert.Single(r.Errors);
        Assert.Equal((ProblemCodes.CellError, 4, "D"), (p.Code, p.Row, p.Column));
    }

    [Fact]
    public void ErrorInAnIndicatorValue_IsAnError_AndTheFigureIsNotRead()
    {
        var b = new XlsxBuilder();
        b.Sheet("Capaian").Row(Banner).Row(Month).Row("Uraian", "Jumlah")
            .Row("Jumlah PUS", 700.0).Row("Peserta KB Aktif", new ErrorCell("#REF!", "SUM(#REF!)"));
        var r = Engines.Bytes(b.Build(), "capaian.xlsx");

        Assert.False(r.IsAccepted);
        var p = Assert.Single(r.Errors);
        Assert.Equal((ProblemCodes.CellError, 5, "B"), (p.Code, p.Row, p.Column));
        Assert.False(r.Indicators.ContainsKey("kb_active"));
        Assert.Equal(700m, r.Indicators["pus"]);
    }

    [Fact]
    public void ErrorInANotesCell_DoesNotRefuseTheRow()
    {
        var b = new XlsxBuilder();
        b.Sheet("Oktober").Row(Banner).Row(Month).Row("Tanggal", "Nama Kegiatan", "L", "P", "Keterangan")
            .Row(new DateTime(2025, 10, 3), "Rapat Pokja", 5.0, 6.0, new ErrorCell("#N/A", "VLOOKUP(A4,X!A:B,2,0)"));
        var r = Engines.Bytes(b.Build(), "laporan.xlsx");

        Assert.True(r.IsAccepted, string.Join("\n", r.Problems.Select(p => p.Message)));
        Assert.Equal(11, Assert.Single(r.Activities).Participants);
    }
}

/// <summary>Invisible characters copied from WhatsApp or a web page are not part of what the cadre wrote.</summary>
public class InvisibleCharacterTests
{
    [Theory]
    [InlineData("25\u200B")]
    [InlineData("\uFEFF25")]
    [InlineData("2\u200C5")]
    [InlineData("25\u2060")]
    [InlineData("25\u00A0")]
    [InlineData("\u200D25 orang")]
    public void CountWithAnInvisibleCharacter_IsTheNumber(string cell)
    {
        var b = new XlsxBuilder();
        b.Sheet("Oktober").Row("Kampung KB Mawar, Desa Mawar").Row("Bulan: Oktober 2025").Row("Tanggal", "Nama Kegiatan", "Jumlah Peserta")
            .Row(new DateTime(2025, 10, 3), "Rapat Pokja", cell);
        var r = Engines.Bytes(b.Build(), "laporan.xlsx");

        Assert.True(r.IsAccepted, string.Join("\n", r.Problems.Select(p => p.Message)));
        Assert.Equal(25, Assert.Single(r.Activities).Participants);
    }

    [Theory]
    [InlineData("03/10/2025\u200B")]
    [InlineData("\u200B3 Oktober 2025")]
    [InlineData("3\u00A0Oktober\u00A02025")]
    public void DateWithAnInvisibleCharacter_IsTheDate(string cell)
    {
        var r = Engines.Csv($"Kampung KB Mawar, Desa Mawar\nBulan: Oktober 2025\nTanggal,Nama Kegiatan,L,P\n{cell},Rapat Pokja,5,6\n");

        Assert.True(r.IsAccepted, string.Join("\n", r.Problems.Select(p => p.Message)));
        Assert.Equal(new DateOnly(2025, 10, 3), Assert.Single(r.Activities).Date);
    }

    [Fact]
    public void IndicatorWithAnInvisibleCharacter_IsTheNumber()
    {
        var r = Engines.Csv("Kampung KB Mawar, Desa Mawar\nBulan: Oktober 2025\nUraian,Jumlah\nJumlah PUS,\"1.204\u200B\"\n");

        Assert.Equal(1204m, r.Indicators["pus"]);
    }
}
