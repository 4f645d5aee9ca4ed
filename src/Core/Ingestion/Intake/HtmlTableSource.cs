using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;

namespace KampungKB.Core.Ingestion.Intake;

/// <summary>
/// "Excel" files that web systems export as an HTML table under an .xls or .xlsx name. The page is parsed
/// with AngleSharp (the file is already capped in size); the rows of all its tables are read in order as
/// one sheet, with rowspan/colspan filled as a browser or Excel shows them and rows styled
/// <c>display:none</c> set aside as hidden.
/// </summary>
internal sealed class HtmlTableSource(Stream stream, string sheetName, int maxColumns) : IWorkbookSource
{
    public IEnumerable<SheetData> Sheets()
    {
        var notes = new SheetNotes();
        yield return new SheetData(sheetName, false, Rows(notes)) { Notes = notes };
    }

    private IEnumerable<RawRow> Rows(SheetNotes notes)
    {
        var document = new HtmlParser().ParseDocument(stream);
        var number = 0;
        foreach (var table in document.QuerySelectorAll("table").OfType<IHtmlTableElement>())
        {
            if (table.ParentElement?.Closest("table") is not null) continue; // nested tables are read as their cell's text
            var down = new Dictionary<int, (int Left, string? Value, int FirstRow, int From, int To)>();
            foreach (var tr in table.Rows)
            {
                number++;
                var cells = new List<object?>();
                List<MergeSpan>? marks = null;
                var col = 0;
                foreach (var td in tr.Cells)
                {
                    while (Down(col)) col++;
                    var text = Text(td);
                    var span = Math.Clamp(td.ColumnSpan, 1, 1000);
                    var rows = Math.Clamp(td.RowSpan, 1, 10_000);
                    var from = col;
                    var to = Math.Min(col + span, maxColumns) - 1;
                    if (text is not null && (span > 1 || rows > 1) && from < maxColumns) MergeSpan.Add(ref marks, new MergeSpan(number, from, to));
                    for (var c = 0; c < span && col < maxColumns; c++, col++)
                    {
                        Put(cells, col, text);
                        if (rows > 1) down[col] = (rows - 1, text, number, from, to);
                    }
                }
                while (Down(col)) col++;
                var last = cells.FindLastIndex(c => c is not null);
                var row = cells.Take(last + 1).ToArray();
                if (IsHidden(tr)) { if (row.Length > 0) notes.HiddenRows.Add(number); continue; }
                yield return new RawRow(number, row) { Merges = marks };

                // A cell spanning down from a row above: its value, and the span it belongs to.
                bool Down(int c)
                {
                    if (!down.TryGetValue(c, out var d) || d.Left <= 0) return false;
                    Put(cells, c, d.Value);
                    if (d.Value is not null) MergeSpan.Add(ref marks, new MergeSpan(d.FirstRow, d.From, d.To));
                    down[c] = (d.Left - 1, d.Value, d.FirstRow, d.From, d.To);
                    return true;
                }
            }
        }
    }

    private void Put(List<object?> cells, int col, string? value)
    {
        if (col >= maxColumns) return;
        while (cells.Count <= col) cells.Add(null);
        cells[col] = value;
    }

    private static bool IsHidden(IHtmlTableRowElement tr) =>
        tr.GetAttribute("style")?.Replace(" ", "").Contains("display:none", StringComparison.OrdinalIgnoreCase) == true || tr.IsHidden;

    private static string? Text(IHtmlTableCellElement td)
    {
        foreach (var br in td.QuerySelectorAll("br").ToList()) br.Replace(td.Owner!.CreateTextNode("\n"));
        var text = td.TextContent.Replace('\u00A0', ' ').Trim();
        return text.Length == 0 ? null : text;
    }

    public void Dispose() { }
}
