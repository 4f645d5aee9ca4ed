using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using IngestionEngine = KampungKB.Core.Ingestion.Intake.IngestionEngine;
using IngestionOptions = KampungKB.Core.Ingestion.Intake.IngestionOptions;

namespace KampungKB.Core.Tests;

internal static class Repo
{
    internal static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "KampungKB.Functions.sln"))) return d.FullName;
        throw new InvalidOperationException("Repository root (KampungKB.Functions.sln) not found above " + AppContext.BaseDirectory);
    }

    internal static string Templates => Path.Combine(Root, "templates");
    internal static string Examples => Path.GetFullPath(Path.Combine(Root, "..", "shared", "examples"));
    internal static string Fixtures => Path.Combine(AppContext.BaseDirectory, "Fixtures");
}

internal static class Engines
{
    internal static IngestionEngine Default { get; } = IngestionEngine.Load(Repo.Templates);

    internal static IngestionEngine With(Func<IngestionOptions, IngestionOptions> change) =>
        IngestionEngine.Create(change(new IngestionOptions { TemplatesDirectory = Repo.Templates }));

    internal static IngestionReport Csv(string text, string fileName = "laporan.csv", Encoding? encoding = null, IngestionEngine? engine = null) =>
        (engine ?? Default).Ingest(new MemoryStream((encoding ?? new UTF8Encoding(false)).GetBytes(text)), fileName);

    internal static IngestionReport Bytes(byte[] bytes, string fileName, IngestionEngine? engine = null, ReportingPeriod? expected = null) =>
        (engine ?? Default).Ingest(new MemoryStream(bytes), fileName, expected);

    internal static IReadOnlyList<string> Codes(this IngestionReport r) => r.Problems.Select(p => p.Code).ToList();
}

/// <summary>A formula cell with the value Excel cached for it; NaN: no saved value, as tools that never calculate write it.</summary>
internal sealed record Formula(string Text, double Cached);

/// <summary>
/// A cell Excel shows as an error ("#REF!", "#VALUE!", "#N/A", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!"): in .xlsx a
/// t="e" cell (with <paramref name="Formula"/> when the error came from one), in .xls a FORMULA record whose
/// saved result is that error.
/// </summary>
internal sealed record ErrorCell(string Text, string? Formula = "A1/0");

/// <summary>A date stored as an ISO 8601 cell (t="d"), as Strict workbooks and some generators write it.</summary>
internal sealed record IsoDate(DateTime Value);

/// <summary>Writes small .xlsx workbooks with the Open XML SDK, the way Excel stores them (shared strings, merged cells, hidden sheets).</summary>
internal sealed class XlsxBuilder
{
    private readonly List<SheetSpec> _sheets = [];

    internal sealed class SheetSpec(string name, bool hidden)
    {
        internal string Name { get; } = name;
        internal bool Hidden { get; } = hidden;
        internal List<(int Number, object?[] Cells)> Rows { get; } = [];
        internal List<string> Merges { get; } = [];
        internal HashSet<int> HiddenRows { get; } = [];
        private int _next = 1;

        /// <summary>The row just added is hidden (RowHeight 0 for ExcelDataReader), as a filter or "Hide" leaves it.</summary>
        internal SheetSpec HideLast() { HiddenRows.Add(_next - 1); return this; }

        internal SheetSpec Row(params object?[] cells) { Rows.Add((_next++, cells)); return this; }
        internal SheetSpec Skip(int n = 1) { _next += n; return this; }
        internal SheetSpec Merge(string range) { Merges.Add(range); return this; }
    }

    internal SheetSpec Sheet(string name, bool hidden = false)
    {
        var s = new SheetSpec(name, hidden);
        _sheets.Add(s);
        return s;
    }

    internal byte[] Build()
    {
        using var ms = new MemoryStream();
        using (var doc = SpreadsheetDocument.Create(ms, SpreadsheetDocumentType.Workbook))
        {
            var wb = doc.AddWorkbookPart();
            wb.Workbook = new Workbook();
            var styles = wb.AddNewPart<WorkbookStylesPart>();
            styles.Stylesheet = new Stylesheet(
                new Fonts(new Font()), new Fills(new Fill(new PatternFill { PatternType = PatternValues.None }), new Fill(new PatternFill { PatternType = PatternValues.Gray125 })),
                new Borders(new Border()), new CellStyleFormats(new CellFormat()),
                new CellFormats(new CellFormat(), new CellFormat { NumberFormatId = 14, ApplyNumberFormat = true }));
            var shared = wb.AddNewPart<SharedStringTablePart>();
            shared.SharedStringTable = new SharedStringTable();
            var index = new Dictionary<string, int>();
            var sheets = wb.Workbook.AppendChild(new Sheets());
            uint id = 1;
            foreach (var spec in _sheets)
            {
                var part = wb.AddNewPart<WorksheetPart>();
                var data = new DocumentFormat.OpenXml.Spreadsheet.SheetData();
                foreach (var (number, cells) in spec.Rows)
                {
                    var row = new Row { RowIndex = (uint)number };
                    if (spec.HiddenRows.Contains(number)) row.Hidden = true;
                    for (var i = 0; i < cells.Length; i++)
                    {
                        if (cells[i] is null) continue;
                        var cell = new Cell { CellReference = Letters(i) + number };
                        switch (cells[i])
                        {
                            case string s:
                                if (!index.TryGetValue(s, out var si)) { si = index.Count; index[s] = si; shared.SharedStringTable.AppendChild(new SharedStringItem(new Text(s) { Space = SpaceProcessingModeValues.Preserve })); }
                                cell.DataType = CellValues.SharedString; cell.CellValue = new CellValue(si.ToString()); break;
                            case DateTime d:
                                cell.StyleIndex = 1; cell.CellValue = new CellValue(d.ToOADate().ToString(System.Globalization.CultureInfo.InvariantCulture)); break;
                            case Formula f:
                                cell.CellFormula = new CellFormula(f.Text);
                                if (!double.IsNaN(f.Cached)) cell.CellValue = new CellValue(f.Cached.ToString(System.Globalization.CultureInfo.InvariantCulture));
                                break;
                            case ErrorCell e:
                                cell.DataType = CellValues.Error; cell.CellValue = new CellValue(e.Text);
                                if (e.Formula is not null) cell.CellFormula = new CellFormula(e.Formula);
                                break;
                            case IsoDate iso:
                                cell.DataType = CellValues.Date; cell.CellValue = new CellValue(iso.Value.ToString("yyyy-MM-dd'T'HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture)); break;
                            case IConvertible n:
                                cell.CellValue = new CellValue(Convert.ToDouble(n, System.Globalization.CultureInfo.InvariantCulture).ToString(System.Globalization.CultureInfo.InvariantCulture)); break;
                        }
                        row.AppendChild(cell);
                    }
                    data.AppendChild(row);
                }
                part.Worksheet = new Worksheet(data);
                if (spec.Merges.Count > 0)
                    part.Worksheet.AppendChild(new MergeCells(spec.Merges.Select(m => new MergeCell { Reference = m })));
                sheets.AppendChild(new Sheet { Id = wb.GetIdOfPart(part), SheetId = id++, Name = spec.Name, State = spec.Hidden ? SheetStateValues.Hidden : null });
            }
            wb.Workbook.Save();
        }
        return ms.ToArray();
    }

    private static string Letters(int index)
    {
        var s = "";
        for (var n = index + 1; n > 0; n = (n - 1) / 26) s = (char)('A' + (n - 1) % 26) + s;
        return s;
    }
}
