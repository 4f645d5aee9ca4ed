using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using KampungKB.Core.Jobs.Handover;
using KampungKB.Core.Rendering.Exports;

namespace KampungKB.Core.Tests.Handover;

/// <summary>
/// The handover workbook on paper: every sheet one A4 landscape page wide (at 75% or more, so 11 pt prints at 8 pt or more),
/// long labels, notes and links wrapped within their column and their rows tall enough, so nothing is cut at the page edge.
/// </summary>
public sealed class HandoverPrintTests
{
    private static readonly HandoverCatalogue Catalogue = HandoverCatalogue.Load(Repo.Templates);

    [Fact]
    public void EverySheet_OnePageWideLandscape_LongNotesAndLabelsWrap_RowsTallEnough()
    {
        using var doc = SpreadsheetDocument.Open(new MemoryStream(HandoverWorkbook.Build(HandoverPlannerTests.Plan(), Catalogue)), false);
        var book = doc.WorkbookPart!;
        var formats = book.WorkbookStylesPart!.Stylesheet.CellFormats!.Elements<CellFormat>().ToList();
        var strings = book.SharedStringTablePart!.SharedStringTable.Elements<SharedStringItem>().Select(s => s.InnerText).ToList();
        string Text(Cell c) => strings[int.Parse(c.CellValue!.Text, System.Globalization.CultureInfo.InvariantCulture)];
        bool Wraps(Cell c) => formats[(int)(c.StyleIndex?.Value ?? 0)].Alignment?.WrapText?.Value == true;

        foreach (var sheet in book.Workbook.Sheets!.Elements<Sheet>())
        {
            var ws = ((WorksheetPart)book.GetPartById(sheet.Id!)).Worksheet;
            var setup = ws.GetFirstChild<PageSetup>()!;
            Assert.Equal(OrientationValues.Landscape, setup.Orientation!.Value);
            Assert.True(ws.GetFirstChild<SheetProperties>()!.PageSetupProperties!.FitToPage!.Value, $"{sheet.Name} prints on more than one page across");
            Assert.Equal(1u, setup.FitToWidth!.Value);
            Assert.Equal(0u, setup.FitToHeight!.Value);
            // One page wide at 75% or more: the columns' pixels at 75% fit A4 landscape inside the margins (1045 px).
            var pixels = ws.GetFirstChild<Columns>()!.Elements<Column>().Sum(c => Math.Truncate(c.Width!.Value * 7 + 5));
            Assert.True(pixels * 0.75 <= 1045, $"{sheet.Name}: {pixels} px");
        }

        var blocks = (WorksheetPart)book.GetPartById(book.Workbook.Sheets!.Elements<Sheet>().Single(s => s.Name == "Untuk diketik").Id!);
        var rows = blocks.Worksheet.Descendants<Row>().Skip(1).ToList();
        // The website's longest label (Profil page no. 11, 68 characters) wraps in the 34-character field column: three lines.
        var trained = rows.Single(r => r.Elements<Cell>().Any(c => c.CellReference!.Value!.StartsWith('F') && c.DataType?.Value == CellValues.SharedString
            && Text(c) == "Jumlah anggota pokja terlatih/tersosialisasi pengelolaan Kampung KB")
            && Text(r.Elements<Cell>().First()) == "63.71.01.1001");
        Assert.True(Wraps(trained.Elements<Cell>().Single(c => c.CellReference!.Value!.StartsWith('F'))));
        Assert.Equal(45d, trained.Height!.Value);
        // Every note (column I) wraps; a row whose note is longer than its column is taller than one line.
        var notes = rows.SelectMany(r => r.Elements<Cell>().Where(c => c.CellReference!.Value!.StartsWith('I')).Select(c => (Row: r, Cell: c))).ToList();
        Assert.NotEmpty(notes);
        Assert.All(notes, n => Assert.True(Wraps(n.Cell)));
        Assert.Contains(notes, n => Text(n.Cell).Length > 40);
        Assert.All(notes.Where(n => Text(n.Cell).Length > 44), n => Assert.True(n.Row.Height?.Value >= 30, $"row {n.Row.RowIndex} is one line for a {Text(n.Cell).Length}-character note"));
    }

    [Theory]
    [InlineData("", 10, 1)]
    [InlineData("satu dua", 10, 1)]            // 8 characters in 8 per line
    [InlineData("satu dua tiga", 10, 2)]
    [InlineData("baris\nkedua", 40, 2)]
    [InlineData("https://kkb.example/api/kampung/63.71.01.1002#tok-b", 21, 3)] // a link without spaces is cut: 51 characters, 18 a line
    public void WrappedLines_CountsWhatAColumnShows(string text, double width, int lines) =>
        Assert.Equal(lines, XlsxWorkbookWriter.WrappedLines(text, width));
}
