using System.Globalization;
using System.IO.Compression;
using System.Security;

namespace KampungKB.Core.Tests;

/// <summary>
/// Writers for the other formats cadres send, each producing the real file shape: OpenDocument .ods (a
/// zip with mimetype, manifest and content.xml as LibreOffice writes it), Excel 2003 XML Spreadsheet, an
/// HTML-table "Excel" export, and rewrites of an .xlsx package (Strict namespaces, backslash entry names).
/// Rows are arrays of string, double, DateTime or null; <see cref="Hidden"/> marks a hidden row.
/// </summary>
internal static class TestFiles
{
    /// <summary>Wraps a row that the writer marks hidden.</summary>
    internal sealed record Hidden(object?[] Cells);

    /// <summary>A cell spanning <paramref name="Down"/> rows and <paramref name="Across"/> columns.</summary>
    internal sealed record Span(object? Value, int Down = 1, int Across = 1);

    internal static byte[] Ods(string sheet, params object[] rows)
    {
        var body = new StringBuilder();
        foreach (var r in rows)
        {
            var (cells, hidden) = r is Hidden h ? (h.Cells, true) : ((object?[])r, false);
            body.Append(hidden ? "<table:table-row table:visibility=\"collapse\">" : "<table:table-row>");
            foreach (var c in cells)
            {
                var (value, down, across) = c is Span s ? (s.Value, s.Down, s.Across) : (c, 1, 1);
                var span = (down > 1 ? $" table:number-rows-spanned=\"{down}\"" : "") + (across > 1 ? $" table:number-columns-spanned=\"{across}\"" : "");
                if (c is null) { body.Append("<table:table-cell/>"); continue; }
                if (value is null) { body.Append("<table:covered-table-cell/>"); continue; }
                body.Append(value switch
                {
                    double d => $"<table:table-cell office:value-type=\"float\" office:value=\"{d.ToString(CultureInfo.InvariantCulture)}\"{span}><text:p>{d}</text:p></table:table-cell>",
                    DateTime dt => $"<table:table-cell office:value-type=\"date\" office:date-value=\"{dt:yyyy-MM-dd}\"{span}><text:p>{dt:dd/MM/yyyy}</text:p></table:table-cell>",
                    _ => $"<table:table-cell office:value-type=\"string\"{span}><text:p>{SecurityElement.Escape(value.ToString())}</text:p></table:table-cell>",
                });
            }
            body.Append("</table:table-row>");
        }
        var content = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><office:document-content xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" " +
                      "xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" office:version=\"1.3\">" +
                      $"<office:body><office:spreadsheet><table:table table:name=\"{SecurityElement.Escape(sheet)}\">{body}</table:table></office:spreadsheet></office:body></office:document-content>";
        var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        {
            Write(zip, "mimetype", "application/vnd.oasis.opendocument.spreadsheet", CompressionLevel.NoCompression);
            Write(zip, "META-INF/manifest.xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?><manifest:manifest xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\" manifest:version=\"1.3\">" +
                "<manifest:file-entry manifest:full-path=\"/\" manifest:media-type=\"application/vnd.oasis.opendocument.spreadsheet\"/><manifest:file-entry manifest:full-path=\"content.xml\" manifest:media-type=\"text/xml\"/></manifest:manifest>");
            Write(zip, "content.xml", content);
        }
        return ms.ToArray();
    }

    internal static byte[] SpreadsheetMl(string sheet, params object[] rows)
    {
        var sb = new StringBuilder("<?xml version=\"1.0\"?>\n<?mso-application progid=\"Excel.Sheet\"?>\n<Workbook xmlns=\"urn:schemas-microsoft-com:office:spreadsheet\" xmlns:ss=\"urn:schemas-microsoft-com:office:spreadsheet\">");
        sb.Append($"<Worksheet ss:Name=\"{SecurityElement.Escape(sheet)}\"><Table>");
        foreach (var r in rows)
        {
            var (cells, hidden) = r is Hidden h ? (h.Cells, true) : ((object?[])r, false);
            sb.Append(hidden ? "<Row ss:Hidden=\"1\">" : "<Row>");
            var skipped = false;
            for (var i = 0; i < cells.Length; i++)
            {
                var (value, down, across) = cells[i] is Span s ? (s.Value, s.Down, s.Across) : (cells[i], 1, 1);
                if (value is null) { skipped = true; continue; }
                var attrs = (skipped ? $" ss:Index=\"{i + 1}\"" : "") + (down > 1 ? $" ss:MergeDown=\"{down - 1}\"" : "") + (across > 1 ? $" ss:MergeAcross=\"{across - 1}\"" : "");
                skipped = across > 1;
                sb.Append($"<Cell{attrs}>");
                sb.Append(value switch
                {
                    double d => $"<Data ss:Type=\"Number\">{d.ToString(CultureInfo.InvariantCulture)}</Data>",
                    DateTime dt => $"<Data ss:Type=\"DateTime\">{dt:yyyy-MM-dd'T'HH:mm:ss}.000</Data>",
                    _ => $"<Data ss:Type=\"String\">{SecurityElement.Escape(value.ToString())}</Data>",
                });
                sb.Append("</Cell>");
                i += across - 1;
            }
            sb.Append("</Row>");
        }
        sb.Append("</Table></Worksheet></Workbook>");
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    internal static byte[] Html(params object[] rows)
    {
        var sb = new StringBuilder("<html xmlns:x=\"urn:schemas-microsoft-com:office:excel\"><head><meta charset=\"utf-8\"></head><body><table border=\"1\">");
        foreach (var r in rows)
        {
            var (cells, hidden) = r is Hidden h ? (h.Cells, true) : ((object?[])r, false);
            sb.Append(hidden ? "<tr style=\"display:none\">" : "<tr>");
            foreach (var c in cells)
            {
                if (c is Span { Value: null }) continue; // covered by a span above
                var (value, down, across) = c is Span s ? (s.Value, s.Down, s.Across) : (c, 1, 1);
                var attrs = (down > 1 ? $" rowspan=\"{down}\"" : "") + (across > 1 ? $" colspan=\"{across}\"" : "");
                var text = value switch { DateTime dt => dt.ToString("dd/MM/yyyy", CultureInfo.InvariantCulture), double d => d.ToString(CultureInfo.InvariantCulture), _ => value?.ToString() ?? "" };
                sb.Append($"<td{attrs}>{SecurityElement.Escape(text)}</td>");
            }
            sb.Append("</tr>");
        }
        sb.Append("</table></body></html>");
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    /// <summary>The same workbook as Excel's "Strict Open XML Spreadsheet" writes it: ISO namespaces throughout.</summary>
    internal static byte[] ToStrict(byte[] xlsx) => Rewrite(xlsx, name => name, text => text
        .Replace("http://schemas.openxmlformats.org/spreadsheetml/2006/main", "http://purl.oclc.org/ooxml/spreadsheetml/main")
        .Replace("http://schemas.openxmlformats.org/officeDocument/2006/relationships", "http://purl.oclc.org/ooxml/officeDocument/relationships"));

    /// <summary>The same package with entry names changed (backslashes, other casing), as some generators write them.</summary>
    internal static byte[] RenameEntries(byte[] xlsx, Func<string, string> rename) => Rewrite(xlsx, rename, t => t);

    private static byte[] Rewrite(byte[] xlsx, Func<string, string> rename, Func<string, string> text)
    {
        var output = new MemoryStream();
        using (var source = new ZipArchive(new MemoryStream(xlsx), ZipArchiveMode.Read))
        using (var target = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
            foreach (var e in source.Entries)
            {
                using var r = new StreamReader(e.Open());
                Write(target, rename(e.FullName), text(r.ReadToEnd()));
            }
        return output.ToArray();
    }

    private static void Write(ZipArchive zip, string name, string text, CompressionLevel level = CompressionLevel.Optimal)
    {
        using var w = new StreamWriter(zip.CreateEntry(name, level).Open(), new UTF8Encoding(false));
        w.Write(text);
    }
}
