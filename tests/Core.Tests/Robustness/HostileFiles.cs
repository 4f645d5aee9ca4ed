using System.IO.Compression;

namespace KampungKB.Core.Tests.Robustness;

/// <summary>Builds hostile or odd inputs at test time, so the corpus costs nothing in the repository.</summary>
internal static class HostileFiles
{
    private const string Ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";

    public const string ActivityCsvHeader = "Kampung KB Pelambuan Sejahtera,,,\r\nBulan: Oktober 2025,,,\r\n,,,\r\nTanggal,Nama Kegiatan,Peserta L,Peserta P\r\n";

    public static byte[] ActivityCsv(params string[] titles)
    {
        var sb = new StringBuilder(ActivityCsvHeader);
        for (var i = 0; i < titles.Length; i++) sb.Append($"{1 + i:D2}/10/2025,\"{titles[i].Replace("\"", "\"\"")}\",1,2\r\n");
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    /// <summary>A minimal .xlsx: one sheet whose XML is written by <paramref name="sheetData"/> (the content of &lt;sheetData&gt;).</summary>
    public static byte[] Xlsx(Action<TextWriter> sheetData, Action<TextWriter>? sharedStrings = null, CompressionLevel level = CompressionLevel.Fastest)
    {
        var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        {
            Entry(zip, "[Content_Types].xml", level, w => w.Write(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">" +
                "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/>" +
                "<Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>" +
                "<Override PartName=\"/xl/worksheets/sheet1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>" +
                (sharedStrings is null ? "" : "<Override PartName=\"/xl/sharedStrings.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml\"/>") +
                "</Types>"));
            Entry(zip, "_rels/.rels", level, w => w.Write(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">" +
                "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>"));
            Entry(zip, "xl/workbook.xml", level, w => w.Write(
                $"<?xml version=\"1.0\" encoding=\"UTF-8\"?><workbook xmlns=\"{Ns}\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">" +
                "<sheets><sheet name=\"Kegiatan\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>"));
            Entry(zip, "xl/_rels/workbook.xml.rels", level, w => w.Write(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">" +
                "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/>" +
                (sharedStrings is null ? "" : "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings\" Target=\"sharedStrings.xml\"/>") +
                "</Relationships>"));
            Entry(zip, "xl/worksheets/sheet1.xml", level, w =>
            {
                w.Write($"<?xml version=\"1.0\" encoding=\"UTF-8\"?><worksheet xmlns=\"{Ns}\"><sheetData>");
                sheetData(w);
                w.Write("</sheetData></worksheet>");
            });
            if (sharedStrings is not null)
                Entry(zip, "xl/sharedStrings.xml", level, w =>
                {
                    w.Write($"<?xml version=\"1.0\" encoding=\"UTF-8\"?><sst xmlns=\"{Ns}\">");
                    sharedStrings(w);
                    w.Write("</sst>");
                });
        }
        return ms.ToArray();
    }

    private static void Entry(ZipArchive zip, string name, CompressionLevel level, Action<TextWriter> write)
    {
        using var w = new StreamWriter(zip.CreateEntry(name, level).Open(), new UTF8Encoding(false), 1 << 16);
        write(w);
    }

    /// <summary>Writes <paramref name="count"/> copies of <paramref name="chunk"/> (the zip-bomb payload).</summary>
    public static void Repeat(TextWriter w, string chunk, long count)
    {
        for (long i = 0; i < count; i++) w.Write(chunk);
    }

    public static string Column(int index)
    {
        var name = "";
        for (var n = index + 1; n > 0; n = (n - 1) / 26) name = (char)('A' + (n - 1) % 26) + name;
        return name;
    }

    /// <summary>
    /// Rewrites every size field of a zip (local headers, central directory) to claim <paramref name="claimed"/>
    /// uncompressed bytes: a bomb that lies about its size to get past header checks.
    /// </summary>
    public static byte[] LieAboutSizes(byte[] zip, uint claimed)
    {
        var b = (byte[])zip.Clone();
        for (var i = 0; i + 30 < b.Length; i++)
        {
            if (b[i] == 0x50 && b[i + 1] == 0x4B && b[i + 2] == 0x03 && b[i + 3] == 0x04 && BitConverter.ToUInt32(b, i + 22) > 1_000_000)
                BitConverter.TryWriteBytes(b.AsSpan(i + 22, 4), claimed);
            if (b[i] == 0x50 && b[i + 1] == 0x4B && b[i + 2] == 0x01 && b[i + 3] == 0x02 && i + 28 < b.Length && BitConverter.ToUInt32(b, i + 24) > 1_000_000)
                BitConverter.TryWriteBytes(b.AsSpan(i + 24, 4), claimed);
        }
        return b;
    }
}

/// <summary>A read-only, non-seekable stream of <paramref name="length"/> bytes produced on demand: huge uploads without storing them.</summary>
internal sealed class GeneratedStream(long length, Func<long, byte[]> block) : Stream
{
    private long _position;
    private byte[] _current = [];
    private int _offset;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _position; set => throw new NotSupportedException(); }
    public long Produced => _position;

    public override int Read(byte[] buffer, int offset, int count)
    {
        if (_position >= length) return 0;
        if (_offset >= _current.Length) { _current = block(_position); _offset = 0; }
        var n = (int)Math.Min(Math.Min(count, _current.Length - _offset), length - _position);
        Array.Copy(_current, _offset, buffer, offset, n);
        _offset += n;
        _position += n;
        return n;
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
