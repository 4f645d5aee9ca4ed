using System.Globalization;

namespace KampungKB.Core.Tests;

/// <summary>
/// Writes one table of cells as each file format cadres send, so a reading rule is tested on every
/// shape it meets: .xlsx (shared strings, numbers as numbers), .xlsx with every number stored as text
/// (web exports), a real BIFF5 .xls (dates as the text a cadre typed), an Excel 2003 XML Spreadsheet named .xls, an HTML-table "Excel"
/// export named .xls, and a CSV. Rows are arrays of string, double, DateTime or null.
/// </summary>
internal static class FigureFiles
{
    /// <summary>The formats <see cref="Write"/> knows, for theories.</summary>
    internal static readonly string[] Formats = ["xlsx", "xlsx-text", "xls", "xml", "html", "csv"];

    /// <summary>The file's bytes and the name it is uploaded under (the extension a cadre's file has).</summary>
    internal static (byte[] Bytes, string FileName) Write(string format, string baseName, string sheet, params object?[][] rows) => format switch
    {
        "xlsx" => (Xlsx(sheet, rows, asText: false), baseName + ".xlsx"),
        "xlsx-text" => (Xlsx(sheet, rows, asText: true), baseName + ".xlsx"),
        "xls" => (OldXls.Biff5(sheet, rows.Select(r => r.Select(c => c is DateTime d ? d.ToString("dd/MM/yyyy", CultureInfo.InvariantCulture) : c).ToArray()).ToArray()), baseName + ".xls"),
        "xml" => (TestFiles.SpreadsheetMl(sheet, rows.Cast<object>().ToArray()), baseName + ".xls"),
        "html" => (TestFiles.Html(rows.Cast<object>().ToArray()), baseName + ".xls"),
        "csv" => (Csv(rows), baseName + ".csv"),
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "unknown format"),
    };

    private static byte[] Xlsx(string sheet, object?[][] rows, bool asText)
    {
        var b = new XlsxBuilder();
        var s = b.Sheet(sheet);
        foreach (var r in rows)
            s.Row(asText ? r.Select(c => c is double d ? (object?)d.ToString(CultureInfo.InvariantCulture) : c).ToArray() : r);
        return b.Build();
    }

    internal static byte[] Csv(object?[][] rows)
    {
        var sb = new StringBuilder();
        foreach (var r in rows)
        {
            sb.AppendJoin(',', r.Select(c => c switch
            {
                null => "",
                double d => d.ToString(CultureInfo.InvariantCulture),
                DateTime dt => dt.ToString("dd/MM/yyyy", CultureInfo.InvariantCulture),
                _ => Quote(c.ToString() ?? ""),
            }));
            sb.Append('\n');
        }
        return new UTF8Encoding(false).GetBytes(sb.ToString());
    }

    private static string Quote(string s) => s.IndexOfAny([',', '"', '\n']) >= 0 ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;
}
