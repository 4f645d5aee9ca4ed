using System.IO.Compression;
using System.Xml;
using KampungKB.Core.Ingestion.Validation;

namespace KampungKB.Core.Ingestion.Intake;

/// <summary>
/// A limit of docs/robustness.md crossed while reading: the engine turns it into the problem
/// <see cref="Code"/> with <see cref="Args"/>. Thrown only by our own readers and scanners, before the
/// memory or time the limit guards is spent.
/// </summary>
internal sealed class ReadLimitException(string code, params (string Key, object? Value)[] args)
    : Exception($"Read limit: {code}")
{
    internal string Code { get; } = code;
    internal (string Key, object? Value)[] Args { get; } = args;
}

/// <summary>
/// Streams the parts of an .xlsx package that ExcelDataReader reads in one go (content types, relationships,
/// workbook, shared strings, styles) through an <see cref="XmlReader"/> under the limits of
/// <see cref="IngestionOptions"/> before ExcelDataReader opens them: no DTD or entity declaration
/// (ExcelDataReader refuses a DTD itself, but only as a damaged file), nesting depth, shared-string count,
/// size and length of one string, style count, and each part's real inflated size against its declared
/// size and compressed size. Worksheets are read row by row by ExcelDataReader; only their prolog (where a
/// DTD must be) is scanned here, and <see cref="ExcelSource"/> bounds their rows, width and text while
/// reading. Cost: one extra inflate of the shared strings and styles (small next to the sheets).
/// </summary>
internal static class PackageScan
{
    private static readonly XmlReaderSettings Settings = new()
    {
        // Prohibit: a DOCTYPE stops the reader at once (nothing expanded or resolved); MeteredStream saw it go by, so it is refused as such.
        DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, IgnoreComments = true, IgnoreWhitespace = true,
        IgnoreProcessingInstructions = true, CloseInput = true,
    };

    private static readonly string[] Whole = ["[content_types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/sharedstrings.xml", "xl/styles.xml"];

    /// <summary>Throws <see cref="ReadLimitException"/> on the first limit crossed; a damaged part is left to the reader to report.</summary>
    internal static void Check(Stream s, IngestionOptions options, CancellationToken ct) =>
        EachPart(s, name => name.EndsWith(".xml", StringComparison.Ordinal) || name.EndsWith(".rels", StringComparison.Ordinal), (entry, name) =>
        {
            var whole = Whole.Contains(name) || name.EndsWith("/sharedstrings.xml", StringComparison.Ordinal) || name.EndsWith("/styles.xml", StringComparison.Ordinal);
            ct.ThrowIfCancellationRequested();
            Scan(entry, options, ct, x =>
            {
                if (!whole) Prolog(x);
                else if (name.EndsWith("sharedstrings.xml", StringComparison.Ordinal)) SharedStrings(x, options, ct);
                else Part(x, options, name.EndsWith("styles.xml", StringComparison.Ordinal), ct);
            });
        });

    /// <summary>
    /// Visits the package's entries whose normalised, lower-case name <paramref name="wanted"/> accepts, in order;
    /// the stream's position is restored and a damaged zip is left to the reader to report as unreadable.
    /// </summary>
    private static void EachPart(Stream s, Func<string, bool> wanted, Action<ZipArchiveEntry, string> visit)
    {
        var start = s.Position;
        try
        {
            using var zip = new ZipArchive(s, ZipArchiveMode.Read, leaveOpen: true);
            foreach (var entry in zip.Entries)
            {
                var name = FormulaScan.Norm(entry.FullName).ToLowerInvariant();
                if (wanted(name)) visit(entry, name);
            }
        }
        catch (InvalidDataException) { } // a damaged zip: the reader reports the file as unreadable
        finally { s.Position = start; }
    }

    /// <summary>Reads one part through <paramref name="scan"/>; an XML error caused by a DOCTYPE is refused, any other is left to the reader.</summary>
    private static void Scan(ZipArchiveEntry entry, IngestionOptions options, CancellationToken ct, Action<XmlReader> scan)
    {
        var metered = new MeteredStream(entry.Open(), entry.Length, entry.CompressedLength, options, ct);
        try
        {
            using var x = XmlReader.Create(metered, Settings);
            scan(x);
        }
        catch (XmlException) when (metered.SawDoctype) { throw Dtd(); }
        catch (XmlException) { } // damaged XML: the reader reports the file as unreadable
        finally { metered.Dispose(); }
    }

    /// <summary>An .ods package's content.xml (and styles.xml), whole: DTD, depth, the part's inflation.</summary>
    internal static void CheckOds(Stream s, IngestionOptions options, CancellationToken ct) =>
        EachPart(s, name => name.EndsWith(".xml", StringComparison.Ordinal), (entry, _) => Scan(entry, options, ct, x => Part(x, options, styles: false, ct)));

    /// <summary>A SpreadsheetML 2003 file or other plain XML: refused when its prolog declares a DTD.</summary>
    internal static void CheckXml(Stream s)
    {
        var start = s.Position;
        var metered = new MeteredStream(s, long.MaxValue, long.MaxValue, new IngestionOptions { MaxUncompressedBytes = long.MaxValue }, default, leaveOpen: true);
        try
        {
            using var x = XmlReader.Create(metered, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, CloseInput = false });
            Prolog(x);
        }
        catch (XmlException) when (metered.SawDoctype) { throw Dtd(); }
        catch (XmlException) { }
        finally { s.Position = start; }
    }

    private static void Prolog(XmlReader x)
    {
        while (x.Read())
        {
            if (x.NodeType == XmlNodeType.Element) return;
        }
    }

    private static void Part(XmlReader x, IngestionOptions options, bool styles, CancellationToken ct)
    {
        var styleRecords = 0;
        var nodes = 0;
        while (x.Read())
        {
            if (++nodes % 4096 == 0) ct.ThrowIfCancellationRequested();
            switch (x.NodeType)
            {
                case XmlNodeType.Element:
                    if (x.Depth > options.MaxXmlDepth) throw Deep(options);
                    if (styles && x.LocalName is "xf" or "numFmt" or "font" or "fill" or "border" or "dxf" or "cellStyle" && ++styleRecords > options.MaxStyles)
                        throw new ReadLimitException(ProblemCodes.TooManyStyles, ("max", options.MaxStyles));
                    break;
            }
        }
    }

    /// <summary>Counts &lt;si&gt; items and the characters of their text (runs included, phonetic hints too) as they stream by.</summary>
    private static void SharedStrings(XmlReader x, IngestionOptions options, CancellationToken ct)
    {
        long count = 0, total = 0, current = 0;
        var nodes = 0;
        while (x.Read())
        {
            if (++nodes % 4096 == 0) ct.ThrowIfCancellationRequested();
            switch (x.NodeType)
            {
                case XmlNodeType.Element:
                    if (x.Depth > options.MaxXmlDepth) throw Deep(options);
                    if (x.LocalName == "si")
                    {
                        current = 0;
                        if (++count > options.MaxSharedStrings) throw new ReadLimitException(ProblemCodes.TooManyStrings, ("max", options.MaxSharedStrings));
                    }
                    break;
                case XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.SignificantWhitespace or XmlNodeType.Whitespace:
                    var n = x.Value.Length;
                    current += n;
                    total += n;
                    if (current > options.MaxCellChars) throw new ReadLimitException(ProblemCodes.CellTextTooLong, ("max", options.MaxCellChars));
                    if (total > options.MaxSharedStringChars) throw new ReadLimitException(ProblemCodes.TooManyStrings, ("max", options.MaxSharedStringChars));
                    break;
            }
        }
    }

    private static ReadLimitException Dtd() => new(ProblemCodes.SuspiciousXml);

    private static ReadLimitException Deep(IngestionOptions options) => new(ProblemCodes.SuspiciousXml, ("max", options.MaxXmlDepth));
}

/// <summary>
/// An inflating zip entry, counted: more bytes than the entry declares, or more than
/// <see cref="IngestionOptions.MaxCompressionRatio"/> times its compressed size once past 1 MiB (<see cref="ZipPolicy"/>), or more than
/// <see cref="IngestionOptions.MaxUncompressedBytes"/>, is refused as <c>suspicious-archive</c> at that byte,
/// whatever the headers claim (a part that lies about its size is caught here too). Checks the deadline per read.
/// </summary>
internal sealed class MeteredStream(Stream inner, long declared, long compressed, IngestionOptions options, CancellationToken ct, bool leaveOpen = false) : Stream
{
    private long _read;
    private readonly byte[] _tail = new byte[16];
    private int _tailLength;

    /// <summary>True once "&lt;!DOCTYPE" went by (also across two reads).</summary>
    internal bool SawDoctype { get; private set; }

    public override int Read(byte[] buffer, int offset, int count)
    {
        ct.ThrowIfCancellationRequested();
        var n = inner.Read(buffer, offset, count);
        if (n > 0 && !SawDoctype)
        {
            var chunk = buffer.AsSpan(offset, n);
            var head = Math.Min(n, 16);
            Span<byte> seam = stackalloc byte[32];
            _tail.AsSpan(0, _tailLength).CopyTo(seam);
            chunk[..head].CopyTo(seam[_tailLength..]);
            SawDoctype = seam[..(_tailLength + head)].IndexOf("<!DOCTYPE"u8) >= 0 || chunk.IndexOf("<!DOCTYPE"u8) >= 0;
            _tailLength = Math.Min(n, 16);
            chunk[^_tailLength..].CopyTo(_tail);
        }
        _read += n;
        if (_read > declared || _read > options.MaxUncompressedBytes
            || ZipPolicy.Inflates(_read, compressed, options.MaxCompressionRatio))
            throw new ReadLimitException(ProblemCodes.SuspiciousArchive);
        return n;
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _read; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    protected override void Dispose(bool disposing) { if (disposing && !leaveOpen) inner.Dispose(); base.Dispose(disposing); }
}
