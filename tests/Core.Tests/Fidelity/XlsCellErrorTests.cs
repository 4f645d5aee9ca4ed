using KampungKB.Core.Model;
using KampungKB.Core.Ingestion.Validation;

namespace KampungKB.Core.Tests.Fidelity;

/// <summary>
/// A broken formula in a binary .xls (Excel 97–2003, Excel 95) is an error cell like in .xlsx: ExcelDataReader 3.6
/// returns it as empty, so the count the dinas would read is missing while the row is accepted. The files are
/// written record by record (<see cref="OldXls"/>) and, for a workbook of a real tool, by LibreOffice
/// (scripts/fixtures/xls-error-cells.sh, committed as Fixtures/xls_error_cells.xls). A workbook encrypted under
/// Excel's default password (only protected, opened without a prompt) is told the same; LibreOffice writes it and one
/// with a real password (scripts/fixtures/xls-encrypted.sh, Fixtures/xls_error_cells_protected.xls, xls_password.xls).
/// </summary>
public class XlsCellErrorTests
{
    private static readonly object?[] Banner = ["Kampung KB Mawar, Desa Mawar"];
    private static readonly object?[] Month = ["Bulan: Oktober 2025"];
    private static readonly object?[] Header = ["Tanggal", "Nama Kegiatan", "L", "P", "Jumlah"];

    private static object?[][] Rows(object? male, object? female, object? total) =>
    [
        Banner, Month, Header,
        ["03/10/2025", "Rapat Pokja", 5.0, 6.0, 11.0],
        ["09/10/2025", "Posyandu", male, female, total],
        ["15/10/2025", "Kelas BKB", 0.0, 12.0, 12.0],
    ];

    public static TheoryData<string, byte[], string, string> BrokenCounts() => new()
    {
        { "excel97-ref.xls", OldXls.Biff8("Oktober", Rows(new ErrorCell("#REF!"), 20.0, 22.0)), "C", "#REF!" },
        { "excel97-div0.xls", OldXls.Biff8("Oktober", Rows(2.0, new ErrorCell("#DIV/0!"), 22.0)), "D", "#DIV/0!" },
        { "excel97-typed-na.xls", OldXls.Biff8("Oktober", Rows(2.0, 20.0, new ErrorCell("#N/A", null))), "E", "#N/A" },
        { "excel95-value.xls", OldXls.Biff5("Oktober", Rows(new ErrorCell("#VALUE!"), 20.0, 22.0)), "C", "#VALUE!" },
    };

    [Theory]
    [MemberData(nameof(BrokenCounts))]
    public void ErrorInAnXlsCountCell_IsCellErrorNamingSheetAndCell_NotAnEmptyCount(string name, byte[] bytes, string column, string text)
    {
        var r = Engines.Bytes(bytes, name);

        Assert.False(r.IsAccepted);
        var p = Assert.Single(r.Errors);
        Assert.Equal((ProblemCodes.CellError, "Oktober", 5, column, text), (p.Code, p.Sheet, p.Row, p.Column, p.Text));
        Assert.Contains(text, p.Message, StringComparison.Ordinal);
        Assert.Contains("Oktober", p.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(r.Activities, a => a.Title == "Posyandu");
    }

    [Fact]
    public void XlsAndXlsxWithTheSameBrokenCell_AreToldTheSame()
    {
        var xlsx = new XlsxBuilder();
        var sheet = xlsx.Sheet("Oktober");
        foreach (var row in Rows(new ErrorCell("#REF!"), 20.0, 22.0))
            sheet.Row(row.Select(c => c is string s && s.Length == 10 && s[2] == '/' ? (object)DateTime.ParseExact(s, "dd/MM/yyyy", null) : c).ToArray());

        var fromXls = Assert.Single(Engines.Bytes(OldXls.Biff8("Oktober", Rows(new ErrorCell("#REF!"), 20.0, 22.0)), "laporan.xls").Errors);
        var fromXlsx = Assert.Single(Engines.Bytes(xlsx.Build(), "laporan.xlsx").Errors);

        Assert.Equal((fromXlsx.Code, fromXlsx.Sheet, fromXlsx.Row, fromXlsx.Column, fromXlsx.Text, fromXlsx.Message),
                     (fromXls.Code, fromXls.Sheet, fromXls.Row, fromXls.Column, fromXls.Text, fromXls.Message));
    }

    [Fact]
    public void ErrorInAnXlsIndicatorValue_IsAnError_AndTheFigureIsNotStored()
    {
        object?[][] rows = [Banner, Month, ["Uraian", "Jumlah"], ["Jumlah PUS", 700.0], ["Peserta KB Aktif", new ErrorCell("#REF!")]];

        var r = Engines.Bytes(OldXls.Biff8("Capaian", rows), "capaian.xls");

        Assert.False(r.IsAccepted);
        var p = Assert.Single(r.Errors);
        Assert.Equal((ProblemCodes.CellError, 5, "B", "#REF!"), (p.Code, p.Row, p.Column, p.Text));
        Assert.False(r.Indicators.ContainsKey("kb_active"));
        Assert.Equal(700m, r.Indicators["pus"]);
    }

    [Fact]
    public void XlsWithoutErrorCells_IsReadAsBefore()
    {
        var r = Engines.Bytes(OldXls.Biff8("Oktober", Rows(2.0, 20.0, 22.0)), "laporan.xls");

        Assert.True(r.IsAccepted, string.Join("\n", r.Problems.Select(p => p.Message)));
        Assert.Equal([11, 22, 12], r.Activities.Select(a => a.Participants));
    }

    /// <summary>
    /// The LibreOffice workbook as saved, and the same workbook encrypted under Excel's default password: each broken
    /// cell is named with its place, and the one whole row is read with its figures.
    /// </summary>
    [Theory]
    [InlineData("xls_error_cells.xls", false)]
    [InlineData("xls_error_cells_protected.xls", true)]
    public void LibreOfficeXls_ErrorsOnTheSecondSheet_AreEachNamedWithTheirCell_PlainOrUnderTheDefaultPassword(string fixture, bool cipherText)
    {
        var bytes = File.ReadAllBytes(Path.Combine(Repo.Fixtures, fixture));
        // The protected file is cipher text: no title of the workbook is in its bytes, in either string encoding.
        Assert.Equal(cipherText, bytes.AsSpan().IndexOf("Senam Lansia"u8) < 0 && bytes.AsSpan().IndexOf(System.Text.Encoding.Unicode.GetBytes("Senam Lansia")) < 0);

        var r = Engines.Bytes(bytes, "laporan_oktober.xls");

        Assert.False(r.IsAccepted);
        var errors = r.Errors.Select(p => (p.Code, p.Sheet, p.Row, p.Column, p.Text)).ToList();
        Assert.Equal(
            [
                (ProblemCodes.CellError, "Oktober", 3, "D", "#DIV/0!"),
                (ProblemCodes.CellError, "Oktober", 4, "C", "#N/A"),
                (ProblemCodes.CellError, "Oktober", 5, "C", "#REF!"),
                (ProblemCodes.CellError, "Oktober", 5, "D", "#VALUE!"),
            ], errors);
        if (cipherText)
        {
            // Decrypted, the cadre is told exactly what the plain workbook tells.
            var plain = Engines.Bytes(File.ReadAllBytes(Path.Combine(Repo.Fixtures, "xls_error_cells.xls")), "laporan_oktober.xls");
            Assert.Equal(plain.Errors.Select(p => p.Message), r.Errors.Select(p => p.Message));
        }
        // The one row without a broken cell is read with its figures; none of the others is stored with a blank count.
        Assert.Equal(("Senam Lansia", 13), (Assert.Single(r.Activities).Title, r.Activities[0].Participants));
    }

    [Fact]
    public void LibreOfficeXlsWithARealPassword_IsEncryptedFile_WithNothingElseClaimed()
    {
        var r = Engines.Bytes(File.ReadAllBytes(Path.Combine(Repo.Fixtures, "xls_password.xls")), "laporan_oktober.xls");

        Assert.False(r.IsAccepted);
        var p = Assert.Single(r.Problems);
        Assert.Equal(ProblemCodes.EncryptedFile, p.Code);
        Assert.Contains("kata sandi", p.Message, StringComparison.Ordinal);
        Assert.Contains("laporan_oktober.xls", p.Message, StringComparison.Ordinal);
        Assert.Empty(r.Activities);
    }

    public static TheoryData<string, byte[]> DefaultPasswordKinds() => new()
    {
        { "RC4 + MD5 (Excel 97, LibreOffice)", OldXls.Biff8VelvetSweatshop("Oktober", Rows(new ErrorCell("#REF!"), 20.0, 22.0)) },
        { "RC4 CryptoAPI, 40-bit key (which ExcelDataReader 3.6 alone refuses)", OldXls.Biff8VelvetSweatshopCryptoApi("Oktober", Rows(new ErrorCell("#REF!"), 20.0, 22.0), 40) },
        { "RC4 CryptoAPI, 128-bit key (Excel 2002 and later)", OldXls.Biff8VelvetSweatshopCryptoApi("Oktober", Rows(new ErrorCell("#REF!"), 20.0, 22.0), 128) },
    };

    [Theory]
    [MemberData(nameof(DefaultPasswordKinds))]
    public void ErrorInAWriteProtectedXls_IsNamedLikeInAPlainOne(string kind, byte[] bytes)
    {
        var r = Engines.Bytes(bytes, "laporan_terkunci.xls");
        var plain = Assert.Single(Engines.Bytes(OldXls.Biff8("Oktober", Rows(new ErrorCell("#REF!"), 20.0, 22.0)), "laporan_terkunci.xls").Errors);

        var p = Assert.Single(r.Errors);
        Assert.True((plain.Code, plain.Sheet, plain.Row, plain.Column, plain.Text, plain.Message) == (p.Code, p.Sheet, p.Row, p.Column, p.Text, p.Message), kind + ": " + p.Code + " " + p.Message);
        Assert.Equal(["Rapat Pokja", "Kelas BKB"], r.Activities.Select(a => a.Title));
    }

    [Fact]
    public void XlsWhoseEncryptionHeaderDoesNotVerify_IsEncryptedFile_NotACrash()
    {
        // The verifier hash of the FILEPASS record (RC4, 54 bytes) altered: the default password no longer verifies,
        // as for a workbook under a password of its own.
        var bytes = OldXls.Biff8VelvetSweatshop("Oktober", Rows(new ErrorCell("#REF!"), 20.0, 22.0));
        var filePass = bytes.AsSpan().IndexOf(new byte[] { 0x2F, 0x00, 0x36, 0x00, 0x01, 0x00, 0x01, 0x00, 0x01, 0x00 });
        Assert.True(filePass > 0);
        bytes[filePass + 4 + 40] ^= 0xFF;

        var r = Engines.Bytes(bytes, "laporan_terkunci.xls");

        Assert.Equal([ProblemCodes.EncryptedFile], r.Problems.Select(p => p.Code));
        Assert.Empty(r.Activities);
    }
}
