using System.IO.Compression;
using System.Text;

namespace KampungKB.Core.Ingestion.Intake;

/// <summary>
/// "Strict Open XML Spreadsheet" workbooks use the ISO namespaces (http://purl.oclc.org/ooxml/…) that
/// ExcelDataReader 3.6.0 does not know, so it finds no sheets. The content is otherwise the same as a
/// transitional workbook's: this rewrites the package's XML parts with the transitional namespaces into a
/// new in-memory package (bounded: the zip guard has already capped the uncompressed size).
/// </summary>
internal static class StrictOpenXml
{
    private static readonly (string Strict, string Transitional)[] Namespaces =
    [
        ("http://purl.oclc.org/ooxml/spreadsheetml/main", "http://schemas.openxmlformats.org/spreadsheetml/2006/main"),
        ("http://purl.oclc.org/ooxml/officeDocument/relationships", "http://schemas.openxmlformats.org/officeDocument/2006/relationships"),
        ("http://purl.oclc.org/ooxml/officeDocument/sharedTypes", "http://schemas.openxmlformats.org/officeDocument/2006/sharedTypes"),
        ("http://purl.oclc.org/ooxml/officeDocument/extendedProperties", "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"),
        ("http://purl.oclc.org/ooxml/drawingml/main", "http://schemas.openxmlformats.org/drawingml/2006/main"),
    ];

    internal static MemoryStream ToTransitional(Stream strict)
    {
        var start = strict.Position;
        var output = new MemoryStream();
        using (var source = new ZipArchive(strict, ZipArchiveMode.Read, leaveOpen: true))
        using (var target = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var entry in source.Entries)
            {
                var copy = target.CreateEntry(entry.FullName, CompressionLevel.Fastest);
                using var from = entry.Open();
                using var to = copy.Open();
                if (entry.FullName.EndsWith(".xml", StringComparison.OrdinalIgnoreCase) || entry.FullName.EndsWith(".rels", StringComparison.OrdinalIgnoreCase))
                {
                    using var reader = new StreamReader(from, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
                    var text = reader.ReadToEnd();
                    foreach (var (s, t) in Namespaces) text = text.Replace(s, t, StringComparison.Ordinal);
                    var bytes = new UTF8Encoding(false).GetBytes(text);
                    to.Write(bytes, 0, bytes.Length);
                }
                else from.CopyTo(to);
            }
        }
        strict.Position = start;
        output.Position = 0;
        return output;
    }
}
