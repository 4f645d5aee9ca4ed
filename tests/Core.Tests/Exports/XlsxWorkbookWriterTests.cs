using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using KampungKB.Core.Rendering.Exports;

namespace KampungKB.Core.Tests.Exports;

public class XlsxWorkbookWriterTests
{
    private static XlsxSheet SampleSheet(string name = "Rekap") => new(
        name,
        [new XlsxColumn("Kampung"), new XlsxColumn("Kegiatan"), new XlsxColumn("Nilai"), new XlsxColumn("CPR"), new XlsxColumn("Tanggal")],
        [
            [XlsxCell.Text("=1+1"), XlsxCell.Integer(1204), XlsxCell.Number(12.5m), XlsxCell.Percent(0.625m), XlsxCell.Date(new DateOnly(2025, 11, 6))],
            [XlsxCell.Text("Kampung KB Antasan Besar"), XlsxCell.Integer(3), XlsxCell.Empty, XlsxCell.Percent(null), XlsxCell.Date(null)],
        ]);

    private static (SpreadsheetDocument Doc, MemoryStream Stream) Open(byte[] bytes)
    {
        var ms = new MemoryStream(bytes);
        return (SpreadsheetDocument.Open(ms, false), ms);
    }

    private static Cell CellAt(WorksheetPart part, string reference) =>
        part.Worksheet.Descendants<Cell>().Single(c => c.CellReference?.Value == reference);

    private static string SharedText(SpreadsheetDocument doc, Cell cell) =>
        doc.WorkbookPart!.SharedStringTablePart!.SharedStringTable.Elements<SharedStringItem>()
            .ElementAt(int.Parse(cell.CellValue!.Text, System.Globalization.CultureInfo.InvariantCulture)).InnerText;

    [Fact]
    public void Write_NumbersDatesPercents_AreNumericCells()
    {
        var (doc, ms) = Open(XlsxWorkbookWriter.ToBytes([SampleSheet()]));
        using (ms) using (doc)
        {
            var part = doc.WorkbookPart!.WorksheetParts.Single();
            foreach (var reference in new[] { "B2", "C2", "D2", "E2" })
            {
                var cell = CellAt(part, reference);
                Assert.True(cell.DataType is null || cell.DataType.Value == CellValues.Number);
                Assert.True(double.TryParse(cell.CellValue!.Text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _));
            }
            Assert.Equal("1204", CellAt(part, "B2").CellValue!.Text);
            Assert.Equal("0.625", CellAt(part, "D2").CellValue!.Text);
            Assert.Equal("45967", CellAt(part, "E2").CellValue!.Text);
        }
    }

    [Fact]
    public void Write_FormulaLikeText_IsInertTextNotFormula()
    {
        var (doc, ms) = Open(XlsxWorkbookWriter.ToBytes([SampleSheet()]));
        using (ms) using (doc)
        {
            var part = doc.WorkbookPart!.WorksheetParts.Single();
            Assert.Empty(part.Worksheet.Descendants<CellFormula>());
            var cell = CellAt(part, "A2");
            Assert.Equal(CellValues.SharedString, cell.DataType!.Value);
            Assert.Equal("'=1+1", SharedText(doc, cell));
        }
    }

    [Fact]
    public void Write_HeaderRow_IsFrozenBoldAndFiltered()
    {
        var (doc, ms) = Open(XlsxWorkbookWriter.ToBytes([SampleSheet()]));
        using (ms) using (doc)
        {
            var part = doc.WorkbookPart!.WorksheetParts.Single();
            var pane = part.Worksheet.Descendants<Pane>().Single();
            Assert.Equal(PaneStateValues.Frozen, pane.State!.Value);
            Assert.Equal(1d, pane.VerticalSplit!.Value);
            Assert.Equal("A1:E3", part.Worksheet.Descendants<AutoFilter>().Single().Reference!.Value);
            Assert.Equal(5, part.Worksheet.Descendants<Column>().Count());

            var headerStyle = CellAt(part, "A1").StyleIndex!.Value;
            var styles = doc.WorkbookPart.WorkbookStylesPart!.Stylesheet;
            var fontId = styles.CellFormats!.Elements<CellFormat>().ElementAt((int)headerStyle).FontId!.Value;
            Assert.NotNull(styles.Fonts!.Elements<Font>().ElementAt((int)fontId).Bold);
            Assert.Equal("Kampung", SharedText(doc, CellAt(part, "A1")));
        }
    }

    [Theory]
    [InlineData("Rekap [Okt]: a/b\\c*?", "Rekap -Okt-- a-b-c--")]
    [InlineData("'Kutip'", "Kutip")]
    [InlineData("", "Sheet1")]
    [InlineData("Kecamatan Banjarmasin Selatan dan Utara", "Kecamatan Banjarmasin Selatan d")]
    public void SanitizeSheetName_InvalidNames_BecomeValid(string input, string expected)
    {
        Assert.Equal(expected, XlsxWorkbookWriter.SanitizeSheetName(input, 1, new HashSet<string>(StringComparer.OrdinalIgnoreCase)));
    }

    [Fact]
    public void Write_DuplicateAndInvalidSheetNames_AreMadeUniqueAndValid()
    {
        var (doc, ms) = Open(XlsxWorkbookWriter.ToBytes([SampleSheet("Data/Okt"), SampleSheet("data-okt"), SampleSheet(new string('x', 40))]));
        using (ms) using (doc)
        {
            var names = doc.WorkbookPart!.Workbook.Sheets!.Elements<Sheet>().Select(s => s.Name!.Value!).ToList();
            Assert.Equal(3, names.Distinct(StringComparer.OrdinalIgnoreCase).Count());
            Assert.All(names, n =>
            {
                Assert.InRange(n.Length, 1, 31);
                Assert.True(n.IndexOfAny(['[', ']', ':', '*', '?', '/', '\\']) < 0);
            });
        }
    }

    [Fact]
    public void Write_Workbook_PassesOpenXmlValidation()
    {
        var (doc, ms) = Open(XlsxWorkbookWriter.ToBytes([SampleSheet(), SampleSheet("Kegiatan")]));
        using (ms) using (doc)
        {
            var errors = new DocumentFormat.OpenXml.Validation.OpenXmlValidator().Validate(doc).Select(e => e.Description).ToList();
            Assert.Empty(errors);
        }
    }

    [Fact]
    public void Write_Workbook_IsReadableByExcelDataReader()
    {
        System.Text.Encoding.RegisterProvider(System.Text.CodePagesEncodingProvider.Instance);
        using var ms = new MemoryStream(XlsxWorkbookWriter.ToBytes([SampleSheet()]));
        using var reader = ExcelDataReader.ExcelReaderFactory.CreateReader(ms);
        Assert.True(reader.Read());
        Assert.Equal("Kampung", reader.GetValue(0));
        Assert.True(reader.Read());
        Assert.Equal("'=1+1", reader.GetValue(0));
        Assert.Equal(1204d, Convert.ToDouble(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(new DateTime(2025, 11, 6), reader.GetDateTime(4));
    }
}
