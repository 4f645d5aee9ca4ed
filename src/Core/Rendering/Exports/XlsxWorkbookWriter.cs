using System.Globalization;
using System.Text;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace KampungKB.Core.Rendering.Exports;

/// <summary>
/// Writes a workbook of simple tables: one bold, frozen, filterable header row per sheet and typed
/// cells below it (whole numbers as <c>#,##0</c>, dates as <c>dd/mm/yyyy</c>). Every sheet prints
/// landscape on A4 with the header row (and the frozen columns) repeated on each page, one page wide when that keeps
/// the 11 pt text at <see cref="MinPrintScale"/>% or more (at least 8 pt, readable on paper); a wider sheet prints at
/// that scale across several pages instead of shrinking to an unreadable size; a sheet may carry a native
/// line chart (<see cref="XlsxChartWriter"/>). A column marked <see cref="XlsxColumn.Wrap"/> wraps its texts at its width and
/// its rows are made tall enough for them. Built on the Open XML SDK because it is the writer the registry here can restore;
/// every text goes through <see cref="ExportSanitizer"/> so user text never becomes a formula.
/// </summary>
internal static class XlsxWorkbookWriter
{
    public const int MaxSheetNameLength = 31;

    /// <summary>The smallest print scale (percent): 11 pt Calibri at 75% prints at 8.25 pt, the least one reads on A4.</summary>
    public const int MinPrintScale = 75;

    /// <summary>A4 landscape width inside the margins (0.4 in each side), in 96-dpi pixels: (297 mm − 0.8 in) × 96 / 25.4.</summary>
    private const double PrintablePixels = 1045;

    /// <summary>Headers wrap: a long header does not widen its column beyond this (characters).</summary>
    private const double MaxHeaderWidth = 18, MaxTextWidth = 45;
    private const uint StyleHeader = 1, StyleInteger = 2, StyleNumber = 3, StylePercent = 4, StyleDate = 5, StyleText = 6, StyleWrappedText = 7;

    /// <summary>The tallest a wrapped row is made (lines of 15 pt); a longer text still wraps, Excel shows the rest on a click.</summary>
    private const int MaxWrappedLines = 12;

    public static byte[] ToBytes(IReadOnlyList<XlsxSheet> sheets)
    {
        using var ms = new MemoryStream();
        Write(ms, sheets);
        return ms.ToArray();
    }

    public static void Write(Stream output, IReadOnlyList<XlsxSheet> sheets)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(sheets);
        if (sheets.Count == 0) throw new ArgumentException("A workbook needs at least one sheet.", nameof(sheets));

        using var doc = SpreadsheetDocument.Create(output, SpreadsheetDocumentType.Workbook);
        var workbookPart = doc.AddWorkbookPart();
        var stylesPart = workbookPart.AddNewPart<WorkbookStylesPart>();
        stylesPart.Stylesheet = BuildStylesheet();
        var sharedPart = workbookPart.AddNewPart<SharedStringTablePart>();
        var shared = new SharedStrings();

        var sheetsElement = new Sheets();
        var definedNames = new DefinedNames();
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

        for (var i = 0; i < sheets.Count; i++)
        {
            var sheet = sheets[i];
            var name = SanitizeSheetName(sheet.Name, i + 1, names);
            var worksheetPart = workbookPart.AddNewPart<WorksheetPart>();
            worksheetPart.Worksheet = BuildWorksheet(sheet, shared, i == 0, out var lastRow, out var lastColumn);
            if (sheet.Chart is not null && sheet.Rows.Count > 0)
                worksheetPart.Worksheet.Append(XlsxChartWriter.Add(worksheetPart, name, sheet, lastRow));
            sheetsElement.Append(new Sheet
            {
                Name = name,
                SheetId = (uint)(i + 1),
                Id = workbookPart.GetIdOfPart(worksheetPart),
            });
            if (lastColumn > 0)
            {
                definedNames.Append(new DefinedName($"'{name.Replace("'", "''", StringComparison.Ordinal)}'!$A$1:${ColumnName(lastColumn)}${lastRow}")
                {
                    Name = "_xlnm._FilterDatabase",
                    LocalSheetId = (uint)i,
                    Hidden = true,
                });
                var quoted = $"'{name.Replace("'", "''", StringComparison.Ordinal)}'";
                var frozen = Math.Clamp(sheet.FrozenColumns, 0, Math.Max(0, lastColumn - 1));
                definedNames.Append(new DefinedName(frozen > 0 ? $"{quoted}!$A:${ColumnName(frozen)},{quoted}!$1:$1" : $"{quoted}!$1:$1")
                {
                    Name = "_xlnm.Print_Titles",
                    LocalSheetId = (uint)i,
                });
            }
        }

        var workbook = new Workbook(new BookViews(new WorkbookView()), sheetsElement);
        if (definedNames.HasChildren) workbook.Append(definedNames);
        workbookPart.Workbook = workbook;
        sharedPart.SharedStringTable = shared.Table;
        sharedPart.SharedStringTable.Count = shared.References;
        sharedPart.SharedStringTable.UniqueCount = (uint)shared.Table.ChildElements.Count;
    }

    /// <summary>Makes a valid, unique Excel sheet name: no <c>[ ] : * ? / \</c> or control characters, no leading or trailing apostrophe, 1–31 characters.</summary>
    public static string SanitizeSheetName(string? name, int position, ISet<string> taken)
    {
        var sb = new StringBuilder();
        foreach (var ch in ExportSanitizer.SingleLine(name))
            sb.Append(ch is '[' or ']' or ':' or '*' or '?' or '/' or '\\' ? '-' : ch);
        var cleaned = sb.ToString().Trim().Trim('\'').Trim();
        if (cleaned.Length == 0 || cleaned.Equals("History", StringComparison.OrdinalIgnoreCase))
            cleaned = "Sheet" + position.ToString(CultureInfo.InvariantCulture);
        cleaned = Truncate(cleaned, MaxSheetNameLength);

        var candidate = cleaned;
        for (var n = 2; !taken.Add(candidate); n++)
        {
            var suffix = $" ({n})";
            candidate = Truncate(cleaned, MaxSheetNameLength - suffix.Length).TrimEnd() + suffix;
        }
        return candidate;
    }

    private static string Truncate(string s, int max)
    {
        if (s.Length <= max) return s;
        var cut = char.IsHighSurrogate(s[max - 1]) ? max - 1 : max;
        return s[..cut].TrimEnd('\'').TrimEnd();
    }

    private static Worksheet BuildWorksheet(XlsxSheet sheet, SharedStrings shared, bool selected, out int lastRow, out int lastColumn)
    {
        var columnCount = Math.Max(sheet.Columns.Count, sheet.Rows.Count == 0 ? 0 : sheet.Rows.Max(r => r.Count));
        var widths = new double[columnCount];
        for (var c = 0; c < columnCount; c++)
            widths[c] = c < sheet.Columns.Count ? Math.Min(DisplayLength(sheet.Columns[c].Header) + 3, MaxHeaderWidth) : 8;

        var data = new SheetData();
        var header = new Row { RowIndex = 1 };
        for (var c = 0; c < sheet.Columns.Count; c++)
            header.Append(TextCell(c + 1, 1, sheet.Columns[c].Header, shared, StyleHeader));
        data.Append(header);

        // A wrapping column's width is fixed (its own, or the widest a text column grows), so its line count is known here.
        var wrapWidth = new double?[columnCount];
        for (var c = 0; c < sheet.Columns.Count; c++)
            if (sheet.Columns[c].Wrap) wrapWidth[c] = sheet.Columns[c].Width ?? MaxTextWidth;

        var rowIndex = 1;
        foreach (var cells in sheet.Rows)
        {
            rowIndex++;
            var row = new Row { RowIndex = (uint)rowIndex };
            var lines = 1;
            for (var c = 0; c < cells.Count; c++)
            {
                var cell = cells[c];
                var reference = ColumnName(c + 1) + rowIndex.ToString(CultureInfo.InvariantCulture);
                switch (cell.Kind)
                {
                    case XlsxCellKind.Empty:
                        continue;
                    case XlsxCellKind.Text when wrapWidth[c] is { } width:
                        row.Append(TextCell(c + 1, rowIndex, cell.TextValue, shared, StyleWrappedText));
                        lines = Math.Max(lines, WrappedLines(cell.TextValue, width));
                        break;
                    case XlsxCellKind.Text:
                        row.Append(TextCell(c + 1, rowIndex, cell.TextValue, shared, StyleText));
                        widths[c] = Math.Max(widths[c], Math.Min(DisplayLength(cell.TextValue) + 2, MaxTextWidth));
                        break;
                    default:
                        var whole = cell.Kind == XlsxCellKind.Number && Math.Abs(cell.NumberValue) < 1e15 && cell.NumberValue == Math.Floor(cell.NumberValue);
                        row.Append(new Cell
                        {
                            CellReference = reference,
                            StyleIndex = cell.Kind switch
                            {
                                XlsxCellKind.Integer => StyleInteger,
                                XlsxCellKind.Number when whole => StyleInteger,
                                XlsxCellKind.Percent => StylePercent,
                                XlsxCellKind.Date => StyleDate,
                                _ => StyleNumber,
                            },
                            CellValue = new CellValue(cell.NumberValue.ToString("R", CultureInfo.InvariantCulture)),
                        });
                        widths[c] = Math.Max(widths[c], cell.Kind == XlsxCellKind.Date ? 12 : 10);
                        break;
                }
            }
            if (lines > 1)
            {
                // Neither Excel nor LibreOffice fits a row to its wrapped text when printing a file it did not lay out itself.
                row.Height = 15 * Math.Min(lines, MaxWrappedLines);
                row.CustomHeight = true;
            }
            data.Append(row);
        }

        lastRow = rowIndex;
        lastColumn = columnCount;

        var view = new SheetView { WorkbookViewId = 0, TabSelected = selected };
        var frozen = Math.Clamp(sheet.FrozenColumns, 0, Math.Max(0, columnCount - 1));
        var topLeft = ColumnName(frozen + 1) + "2";
        var pane = frozen > 0 ? PaneValues.BottomRight : PaneValues.BottomLeft;
        view.Append(new Pane { HorizontalSplit = frozen > 0 ? frozen : null, VerticalSplit = 1, TopLeftCell = topLeft, ActivePane = pane, State = PaneStateValues.Frozen });
        view.Append(new Selection { Pane = pane, ActiveCell = topLeft, SequenceOfReferences = new ListValue<StringValue> { InnerText = topLeft } });

        var fitToPage = new PageSetupProperties { FitToPage = true };
        var worksheet = new Worksheet(new SheetProperties(fitToPage), new SheetViews(view));
        var printPixels = 0.0;
        if (columnCount > 0)
        {
            var columns = new Columns();
            var headerLines = 1;
            for (var c = 0; c < columnCount; c++)
            {
                var width = c < sheet.Columns.Count && sheet.Columns[c].Width is { } w ? w : wrapWidth[c] ?? Math.Min(widths[c], 60);
                columns.Append(new Column { Min = (uint)(c + 1), Max = (uint)(c + 1), Width = width, CustomWidth = true });
                printPixels += Math.Truncate(width * 7 + 5);   // Excel's column width in pixels at 96 dpi (Calibri 11: 7 px a digit, 5 px padding)
                if (c < sheet.Columns.Count)
                    headerLines = Math.Max(headerLines, (int)Math.Ceiling(DisplayLength(sheet.Columns[c].Header) / Math.Max(1, width - 1.5)));
            }
            worksheet.Append(columns);
            // Headers wrap within their column; the row is as tall as the longest needs (Excel does not fit it on open).
            header.Height = 15 * Math.Min(headerLines, 4);
            header.CustomHeight = true;
        }
        worksheet.Append(data);
        if (columnCount > 0)
            worksheet.Append(new AutoFilter { Reference = $"A1:{ColumnName(columnCount)}{Math.Max(rowIndex, 1)}" });
        // Print: A4 landscape, header row (and frozen columns) on every page (Print_Titles), page x/y in the footer; one page
        // wide (as many pages tall as needed) when that keeps the scale at MinPrintScale or more, else at MinPrintScale
        // across pages (the frozen columns repeat on each, so every page names its kampung).
        var fits = printPixels * MinPrintScale / 100 <= PrintablePixels;
        fitToPage.FitToPage = fits;
        worksheet.Append(new PageMargins { Left = 0.4, Right = 0.4, Top = 0.5, Bottom = 0.6, Header = 0.3, Footer = 0.3 });
        worksheet.Append(fits
            ? new PageSetup { PaperSize = 9, Orientation = OrientationValues.Landscape, FitToWidth = 1, FitToHeight = 0 }
            : new PageSetup { PaperSize = 9, Orientation = OrientationValues.Landscape, Scale = MinPrintScale, PageOrder = PageOrderValues.OverThenDown });
        worksheet.Append(new HeaderFooter(new OddFooter("&L&A&R&P / &N")));
        return worksheet;
    }

    private static Cell TextCell(int column, int row, string? text, SharedStrings shared, uint style) => new()
    {
        CellReference = ColumnName(column) + row.ToString(CultureInfo.InvariantCulture),
        DataType = CellValues.SharedString,
        StyleIndex = style,
        CellValue = new CellValue(shared.Add(ExportSanitizer.Cell(text)).ToString(CultureInfo.InvariantCulture)),
    };

    /// <summary>Lines a text needs in a wrapping column <paramref name="width"/> characters wide (words kept whole; a longer word is cut).</summary>
    internal static int WrappedLines(string? text, double width)
    {
        if (string.IsNullOrEmpty(text)) return 1;
        var perLine = Math.Max(1, (int)Math.Floor((width - 1) / 1.1));   // DisplayLength's 1.1 for Calibri's wider letters
        var lines = 0;
        foreach (var paragraph in text.Split('\n'))
        {
            var used = 0;
            lines++;
            foreach (var word in paragraph.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                var need = used == 0 ? word.Length : used + 1 + word.Length;
                if (need <= perLine) { used = need; continue; }
                if (used > 0) lines++;
                lines += (word.Length - 1) / perLine;
                used = (word.Length - 1) % perLine + 1;
            }
        }
        return lines;
    }

    private static double DisplayLength(string? text)
    {
        if (string.IsNullOrEmpty(text)) return 0;
        var longestLine = text.Split('\n').Max(l => l.Length);
        return Math.Min(longestLine * 1.1, 60);
    }

    internal static string ColumnName(int index)
    {
        var sb = new StringBuilder();
        while (index > 0)
        {
            var rem = (index - 1) % 26;
            sb.Insert(0, (char)('A' + rem));
            index = (index - 1) / 26;
        }
        return sb.ToString();
    }

    private static CellFormat Data(uint numberFormat) =>
        new(new Alignment { Vertical = VerticalAlignmentValues.Top }) { NumberFormatId = numberFormat, FontId = 0, FillId = 0, BorderId = 0, FormatId = 0, ApplyNumberFormat = true, ApplyAlignment = true };

    private static Stylesheet BuildStylesheet()
    {
        var numberingFormats = new NumberingFormats(
            new NumberingFormat { NumberFormatId = 164, FormatCode = "0.0%" },
            new NumberingFormat { NumberFormatId = 165, FormatCode = "dd/mm/yyyy" })
        { Count = 2 };

        var fonts = new Fonts(
            new Font(new FontSize { Val = 11 }, new FontName { Val = "Calibri" }),
            new Font(new Bold(), new FontSize { Val = 11 }, new FontName { Val = "Calibri" }))
        { Count = 2 };

        var fills = new Fills(
            new Fill(new PatternFill { PatternType = PatternValues.None }),
            new Fill(new PatternFill { PatternType = PatternValues.Gray125 }),
            new Fill(new PatternFill(new ForegroundColor { Rgb = "FFE2EFDA" }, new BackgroundColor { Indexed = 64 }) { PatternType = PatternValues.Solid }))
        { Count = 3 };

        var borders = new Borders(new Border(new LeftBorder(), new RightBorder(), new TopBorder(), new BottomBorder(), new DiagonalBorder())) { Count = 1 };
        var cellStyleFormats = new CellStyleFormats(new CellFormat { NumberFormatId = 0, FontId = 0, FillId = 0, BorderId = 0 }) { Count = 1 };

        var cellFormats = new CellFormats(
            new CellFormat { NumberFormatId = 0, FontId = 0, FillId = 0, BorderId = 0, FormatId = 0 },
            new CellFormat(new Alignment { WrapText = true, Vertical = VerticalAlignmentValues.Top }) { NumberFormatId = 0, FontId = 1, FillId = 2, BorderId = 0, FormatId = 0, ApplyFont = true, ApplyFill = true, ApplyAlignment = true },
            // Data cells sit at the top of their row, so a row made taller by a wrapped text still reads across as one line.
            Data(3), Data(4), Data(164), Data(165), Data(49),
            new CellFormat(new Alignment { WrapText = true, Vertical = VerticalAlignmentValues.Top }) { NumberFormatId = 49, FontId = 0, FillId = 0, BorderId = 0, FormatId = 0, ApplyNumberFormat = true, ApplyAlignment = true })
        { Count = 8 };

        var cellStyles = new CellStyles(new CellStyle { Name = "Normal", FormatId = 0, BuiltinId = 0 }) { Count = 1 };

        return new Stylesheet(numberingFormats, fonts, fills, borders, cellStyleFormats, cellFormats, cellStyles);
    }

    private sealed class SharedStrings
    {
        private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);
        public SharedStringTable Table { get; } = new();
        public uint References { get; private set; }

        public int Add(string text)
        {
            References++;
            if (_index.TryGetValue(text, out var i)) return i;
            var t = new Text(text);
            if (text.Length > 0 && (char.IsWhiteSpace(text[0]) || char.IsWhiteSpace(text[^1])))
                t.Space = SpaceProcessingModeValues.Preserve;
            Table.Append(new SharedStringItem(t));
            i = _index.Count;
            _index[text] = i;
            return i;
        }
    }
}
