using System.Globalization;
using System.IO.Compression;
using System.Xml;

namespace KampungKB.Core.Ingestion.Intake;

/// <summary>
/// Shared row assembly for the XML-based readers: cells placed by column (repeats and skips), merged
/// spans filled as Excel shows them, hidden rows set aside, every size bounded by the column cap.
/// </summary>
internal abstract class XmlRowSource(int maxColumns) : IWorkbookSource
{
    protected static readonly XmlReaderSettings Settings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, IgnoreComments = true, IgnoreProcessingInstructions = true,
        MaxCharactersInDocument = 512L * 1024 * 1024, CloseInput = false,
    };

    protected int MaxColumns { get; } = maxColumns;

    public abstract IEnumerable<SheetData> Sheets();

    /// <summary>
    /// Values spanning down from an earlier row: (first 1-based row, first column, last column, last 1-based row,
    /// value); and the spans across of the row being read, so each row says which of its cells a merge filled.
    /// </summary>
    protected sealed class Spans
    {
        private readonly List<(int FirstRow, int From, int To, int LastRow, object Value)> _down = [];
        private List<(int From, int To)>? _across;

        /// <summary>A cell of <paramref name="row"/> merged over columns <paramref name="from"/>..<paramref name="to"/> and down to <paramref name="lastRow"/>.</summary>
        internal void Add(int row, int from, int to, int lastRow, object? value)
        {
            if (value is null) return;
            if (to > from || lastRow > row) (_across ??= []).Add((from, to));
            if (lastRow <= row || _down.Count > 10_000) return;
            _down.Add((row, from, to, lastRow, value));
        }

        /// <summary>Fills <paramref name="row"/> from the spans down; returns every span it lies in (null: none).</summary>
        internal List<MergeSpan>? Fill(int row, List<object?> cells, int maxColumns)
        {
            List<MergeSpan>? marks = null;
            if (_across is not null) foreach (var (from, to) in _across) MergeSpan.Add(ref marks, new MergeSpan(row, from, to));
            for (var i = _down.Count - 1; i >= 0; i--)
            {
                var (firstRow, from, to, lastRow, value) = _down[i];
                if (row > lastRow) { _down.RemoveAt(i); continue; }
                if (row == firstRow) continue;
                MergeSpan.Add(ref marks, new MergeSpan(firstRow, from, to));
                for (var c = from; c <= to && c < maxColumns; c++)
                {
                    while (cells.Count <= c) cells.Add(null);
                    cells[c] ??= value;
                }
            }
            return marks;
        }

        /// <summary>Forgets the spans across of the row just filled (called once per row read, after its repeats).</summary>
        internal void EndRow() => _across = null;
    }

    protected static object?[] Trim(List<object?> cells)
    {
        var last = cells.FindLastIndex(c => !Normalisation.Text.IsBlank(c));
        return cells.Take(last + 1).ToArray();
    }

    public virtual void Dispose() { }
}

/// <summary>
/// Excel 2003 XML Spreadsheet ("SpreadsheetML", urn:schemas-microsoft-com:office:spreadsheet), as web
/// systems export under an .xls name: Worksheet/Table/Row/Cell/Data with ss:Index, ss:MergeAcross,
/// ss:MergeDown, ss:Hidden, ss:Type (String, Number, DateTime, Boolean). Streamed with XmlReader.
/// </summary>
internal sealed class SpreadsheetMlSource(Stream stream, int maxColumns) : XmlRowSource(maxColumns)
{
    private const string Ss = "urn:schemas-microsoft-com:office:spreadsheet";

    public override IEnumerable<SheetData> Sheets()
    {
        using var x = XmlReader.Create(stream, Settings);
        while (x.Read())
        {
            if (x.NodeType != XmlNodeType.Element || x.LocalName != "Worksheet") continue;
            var name = x.GetAttribute("Name", Ss) ?? "";
            var notes = new SheetNotes();
            yield return new SheetData(name, false, Rows(x.ReadSubtree(), notes)) { Notes = notes };
        }
    }

    private IEnumerable<RawRow> Rows(XmlReader x, SheetNotes notes)
    {
        using var _ = x;
        var spans = new Spans();
        var number = 0;
        while (x.Read())
        {
            if (x.NodeType != XmlNodeType.Element || x.LocalName != "Row") continue;
            number = Index(x, number + 1);
            var hidden = x.GetAttribute("Hidden", Ss) == "1";
            var cells = new List<object?>();
            if (!x.IsEmptyElement) ReadCells(x.ReadSubtree(), cells, spans, number);
            var marks = spans.Fill(number, cells, MaxColumns);
            spans.EndRow();
            var row = Trim(cells);
            if (hidden) { if (row.Length > 0) notes.HiddenRows.Add(number); continue; }
            yield return new RawRow(number, row) { Merges = marks };
        }
    }

    private void ReadCells(XmlReader x, List<object?> cells, Spans spans, int row)
    {
        using var _ = x;
        var col = -1;
        while (x.Read())
        {
            if (x.NodeType != XmlNodeType.Element || x.LocalName != "Cell") continue;
            col = Index(x, col + 2) - 1;
            var across = Int(x.GetAttribute("MergeAcross", Ss));
            var down = Int(x.GetAttribute("MergeDown", Ss));
            object? value = null;
            if (!x.IsEmptyElement)
            {
                using var cell = x.ReadSubtree();
                while (cell.Read())
                    if (cell.NodeType == XmlNodeType.Element && cell.LocalName == "Data")
                    {
                        var type = cell.GetAttribute("Type", Ss);
                        value = Convert(type, cell.ReadElementContentAsString());
                        break;
                    }
            }
            if (col >= MaxColumns) continue;
            var last = Math.Min(col + across, MaxColumns - 1);
            while (cells.Count <= last) cells.Add(null);
            for (var c = col; c <= last; c++) cells[c] = value;
            spans.Add(row, col, last, row + down, value);
            col += across;
        }
    }

    private static object? Convert(string? type, string text) => type switch
    {
        "Number" => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : text,
        "DateTime" => DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var dt) ? dt : text,
        "Boolean" => text == "1",
        _ => text.Length == 0 ? null : text,
    };

    private static int Index(XmlReader x, int fallback) =>
        int.TryParse(x.GetAttribute("Index", Ss), NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i > 0 ? i : fallback;

    private static int Int(string? s) => int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var i) ? Math.Min(i, 1_048_576) : 0;
}

/// <summary>
/// OpenDocument spreadsheets (.ods from LibreOffice or a Google Drive download): content.xml streamed
/// with XmlReader. Repeated rows and cells are expanded only up to the caps (a blank row repeated a
/// million times costs nothing); spanned and covered cells filled as shown; collapsed or filtered rows
/// set aside as hidden; hidden tables skipped.
/// </summary>
internal sealed class OdsSource(Stream stream, int maxColumns) : XmlRowSource(maxColumns)
{
    private const string TableNs = "urn:oasis:names:tc:opendocument:xmlns:table:1.0";
    private const string OfficeNs = "urn:oasis:names:tc:opendocument:xmlns:office:1.0";
    private ZipArchive? _zip;

    public override IEnumerable<SheetData> Sheets()
    {
        _zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
        var entry = _zip.Entries.FirstOrDefault(e => FormulaScan.Norm(e.FullName).Equals("content.xml", StringComparison.OrdinalIgnoreCase))
                    ?? throw new InvalidDataException("content.xml missing");
        using var content = entry.Open();
        using var x = XmlReader.Create(content, Settings);
        var hiddenStyles = new HashSet<string>(StringComparer.Ordinal);
        while (x.Read())
        {
            if (x.NodeType != XmlNodeType.Element) continue;
            if (x.LocalName == "style" && x.GetAttribute("family", "urn:oasis:names:tc:opendocument:xmlns:style:1.0") == "table" && x.GetAttribute("name", "urn:oasis:names:tc:opendocument:xmlns:style:1.0") is { } styleName)
            {
                using var style = x.ReadSubtree();
                while (style.Read())
                    if (style.NodeType == XmlNodeType.Element && style.LocalName == "table-properties"
                        && style.GetAttribute("display", TableNs) == "false") hiddenStyles.Add(styleName);
                continue;
            }
            if (x.LocalName != "table" || x.NamespaceURI != TableNs) continue;
            var name = x.GetAttribute("name", TableNs) ?? "";
            var hidden = x.GetAttribute("style-name", TableNs) is { } sn && hiddenStyles.Contains(sn);
            var notes = new SheetNotes();
            yield return new SheetData(name, hidden, Rows(x.ReadSubtree(), notes)) { Notes = notes };
        }
    }

    private IEnumerable<RawRow> Rows(XmlReader x, SheetNotes notes)
    {
        using var _ = x;
        var spans = new Spans();
        var number = 0;
        while (x.Read())
        {
            if (x.NodeType != XmlNodeType.Element || x.LocalName != "table-row" || x.NamespaceURI != TableNs) continue;
            var repeat = Math.Max(1, Int(x.GetAttribute("number-rows-repeated", TableNs)));
            var hidden = x.GetAttribute("visibility", TableNs) is "collapse" or "filter";
            var cells = new List<object?>();
            if (!x.IsEmptyElement) ReadCells(x.ReadSubtree(), cells, spans, number + 1);
            var blank = cells.All(Normalisation.Text.IsBlank);
            if (blank && repeat > 1) { number += repeat; spans.EndRow(); continue; }
            for (var r = 0; r < Math.Min(repeat, 10_000); r++)
            {
                number++;
                var rowCells = new List<object?>(cells);
                var marks = spans.Fill(number, rowCells, MaxColumns);
                var row = Trim(rowCells);
                if (hidden) { if (row.Length > 0) notes.HiddenRows.Add(number); continue; }
                yield return new RawRow(number, row) { Merges = marks };
            }
            spans.EndRow();
            if (repeat > 10_000) number += repeat - 10_000;
        }
    }

    private void ReadCells(XmlReader x, List<object?> cells, Spans spans, int row)
    {
        using var _ = x;
        var col = 0;
        while (x.Read())
        {
            if (x.NodeType != XmlNodeType.Element || x.NamespaceURI != TableNs || x.LocalName is not ("table-cell" or "covered-table-cell")) continue;
            var repeat = Math.Max(1, Int(x.GetAttribute("number-columns-repeated", TableNs)));
            var across = Math.Max(1, Int(x.GetAttribute("number-columns-spanned", TableNs)));
            var down = Math.Max(1, Int(x.GetAttribute("number-rows-spanned", TableNs)));
            var covered = x.LocalName == "covered-table-cell";
            var value = covered ? null : Value(x);
            if (value is null) { col += repeat; continue; }
            for (var r = 0; r < repeat && col < MaxColumns; r++, col++)
            {
                var last = Math.Min(col + across - 1, MaxColumns - 1);
                while (cells.Count <= last) cells.Add(null);
                for (var c = col; c <= last; c++) cells[c] = value;
                spans.Add(row, col, last, row + down - 1, value);
            }
        }
    }

    private static object? Value(XmlReader x)
    {
        var type = x.GetAttribute("value-type", OfficeNs);
        switch (type)
        {
            case "float" or "percentage" or "currency":
                if (double.TryParse(x.GetAttribute("value", OfficeNs), NumberStyles.Float, CultureInfo.InvariantCulture, out var d)) return d;
                break;
            case "date":
                if (DateTime.TryParse(x.GetAttribute("date-value", OfficeNs), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var dt)) return dt;
                break;
            case "boolean":
                return x.GetAttribute("boolean-value", OfficeNs) == "true";
        }
        if (x.IsEmptyElement) return null;
        var text = new System.Text.StringBuilder();
        using var cell = x.ReadSubtree();
        var paragraphs = 0;
        while (cell.Read())
        {
            if (cell.NodeType == XmlNodeType.Element && cell.LocalName == "p" && paragraphs++ > 0) text.Append('\n');
            else if (cell.NodeType == XmlNodeType.Element && cell.LocalName == "s") text.Append(' ', Math.Clamp(Int(cell.GetAttribute("c", "urn:oasis:names:tc:opendocument:xmlns:text:1.0")), 1, 100));
            else if (cell.NodeType is XmlNodeType.Text or XmlNodeType.SignificantWhitespace && text.Length < 32_768) text.Append(cell.Value);
        }
        return text.Length == 0 ? null : text.ToString();
    }

    private static int Int(string? s) => int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var i) ? Math.Min(i, 1_048_576) : 0;

    public override void Dispose() => _zip?.Dispose();
}
