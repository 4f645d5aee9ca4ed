using System.IO.Compression;
using System.Text;

namespace KampungKB.Core.Ingestion.Intake;

/// <summary>
/// What a file really is. StrictXlsx: "Strict Open XML" (purl.oclc.org namespaces); Xlsb: binary workbook; Pdf, Image, Word: not
/// spreadsheets; Archive: a zip of files (a folder zipped), as opposed to a workbook, which is a zip too.
/// </summary>
internal enum FileFormat { Empty, Xlsx, StrictXlsx, Xlsb, Xls, Csv, Html, Ods, EncryptedOoxml, SpreadsheetXml, Pdf, Image, Word, Unsupported, Archive }

/// <summary>Decides what a file is from its bytes, never from its name.</summary>
internal static class FileSniffer
{
    private static readonly byte[] Zip = [0x50, 0x4B, 0x03, 0x04];
    private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47];
    private static readonly byte[] Jpeg = [0xFF, 0xD8, 0xFF];
    private static readonly byte[] Cfb = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

    internal static FileFormat Sniff(Stream s)
    {
        var start = s.Position;
        var head = new byte[8192];
        var n = ReadFully(s, head);
        s.Position = start;
        if (n == 0) return FileFormat.Empty;
        var span = head.AsSpan(0, n);
        if (span.StartsWith(Zip)) return SniffZip(s);
        if (span.StartsWith(Cfb))
        {
            // An encrypted .xlsx is a compound file holding EncryptionInfo + EncryptedPackage streams.
            var all = ReadPrefix(s, 1 << 20);
            var marker = Encoding.Unicode.GetBytes("EncryptedPackage");
            return all.AsSpan().IndexOf(marker) >= 0 ? FileFormat.EncryptedOoxml : FileFormat.Xls;
        }
        if (span.StartsWith("%PDF"u8)) return FileFormat.Pdf;
        if (span.StartsWith(Png) || span.StartsWith(Jpeg)) return FileFormat.Image;
        // Stray NULs in otherwise printable text (a CSV some exporters pad) do not make it binary.
        if (span.IndexOf((byte)0) >= 0 && !(n >= 2 && (span[0] == 0xFF && span[1] == 0xFE || span[0] == 0xFE && span[1] == 0xFF)) && !MostlyText(span))
            return IsBiff(span) ? FileFormat.Xls : FileFormat.Unsupported;
        var text = Encoding.Latin1.GetString(span).TrimStart('\uFEFF', 'ï', '»', '¿', ' ', '\r', '\n', '\t');
        var lower = text.Length > 2048 ? text[..2048].ToLowerInvariant() : text.ToLowerInvariant();
        if (lower.StartsWith('<'))
        {
            if (lower.Contains("urn:schemas-microsoft-com:office:spreadsheet") && !lower.Contains("<html")) return FileFormat.SpreadsheetXml;
            if (lower.Contains("<html") || lower.Contains("<table") || lower.Contains("<!doctype")) return FileFormat.Html;
            if (lower.StartsWith("<?xml") && lower.Contains("<table")) return FileFormat.Html;
            return FileFormat.Unsupported;
        }
        return text.Trim().Length == 0 ? FileFormat.Empty : FileFormat.Csv;
    }

    private static bool MostlyText(ReadOnlySpan<byte> span)
    {
        int nul = 0, control = 0;
        foreach (var b in span)
        {
            if (b == 0) nul++;
            else if (b < 0x09 || b is > 0x0D and < 0x20) control++;
        }
        return control == 0 && nul * 20 < span.Length;
    }

    /// <summary>A bare BIFF2–BIFF5 worksheet stream (no compound-file wrapper): a BOF record 0x0009/0x0209/0x0409/0x0809.</summary>
    private static bool IsBiff(ReadOnlySpan<byte> span) =>
        span.Length >= 4 && span[0] == 0x09 && span[1] is 0x00 or 0x02 or 0x04 or 0x08 && span[3] == 0x00;

    private static FileFormat SniffZip(Stream s)
    {
        var start = s.Position;
        try
        {
            using var zip = new ZipArchive(s, ZipArchiveMode.Read, leaveOpen: true);
            var mimetype = zip.GetEntry("mimetype");
            if (mimetype is not null && mimetype.Length < 200)
            {
                using var r = new StreamReader(mimetype.Open());
                if (r.ReadToEnd().Contains("opendocument.spreadsheet", StringComparison.Ordinal)) return FileFormat.Ods;
            }
            // Entry names as ExcelDataReader accepts them: backslashes ("xl\\workbook.xml") and any casing.
            var names = zip.Entries.Select(e => FormulaScan.Norm(e.FullName).ToLowerInvariant()).ToHashSet(StringComparer.Ordinal);
            if (names.Contains("xl/workbook.xml"))
            {
                var wb = zip.Entries.First(e => FormulaScan.Norm(e.FullName).Equals("xl/workbook.xml", StringComparison.OrdinalIgnoreCase));
                using var r = new StreamReader(wb.Open());
                var head = new char[4096];
                var n = r.ReadBlock(head, 0, head.Length);
                return new string(head, 0, n).Contains("purl.oclc.org/ooxml/spreadsheetml", StringComparison.Ordinal) ? FileFormat.StrictXlsx : FileFormat.Xlsx;
            }
            if (names.Contains("xl/workbook.bin")) return FileFormat.Xlsb;
            if (names.Contains("content.xml")) return FileFormat.Ods;
            if (names.Contains("word/document.xml")) return FileFormat.Word;
            // An Office/OpenDocument package of another kind (a presentation, …) declares its parts; a zipped folder does not.
            if (names.Contains("[content_types].xml") || mimetype is not null || names.Contains("meta-inf/manifest.xml")) return FileFormat.Unsupported;
            return FileFormat.Archive;
        }
        catch (InvalidDataException) { return FileFormat.Xlsx; } // truncated or damaged: let the reader report it as unreadable
        finally { s.Position = start; }
    }

    private static byte[] ReadPrefix(Stream s, int max)
    {
        var start = s.Position;
        var buf = new byte[(int)Math.Min(max, s.Length - start)];
        ReadFully(s, buf);
        s.Position = start;
        return buf;
    }

    private static int ReadFully(Stream s, byte[] buffer)
    {
        var total = 0;
        int read;
        while (total < buffer.Length && (read = s.Read(buffer, total, buffer.Length - total)) > 0) total += read;
        return total;
    }
}

/// <summary>
/// The one zip-bomb rule (docs/robustness.md), for an .xlsx/.ods package and for a zip of reports alike: an
/// entry (or the bytes inflated from it so far) past <see cref="RatioFloorBytes"/> whose size is more than
/// the allowed ratio times its compressed size is a bomb; a sizeable entry that claims no compressed bytes
/// cannot be real and is one too. Spreadsheets and CSVs compress 5–20×; a bomb compresses 1000× or more.
/// </summary>
internal static class ZipPolicy
{
    /// <summary>Entries smaller than this are never judged by their ratio (a small file of blanks compresses very well): 1 MiB.</summary>
    internal const long RatioFloorBytes = 1024 * 1024;

    /// <summary>Most entries a spreadsheet package may list (<c>suspicious-archive</c>); Excel writes a few dozen.</summary>
    internal const int MaxPackageEntries = 10_000;

    /// <summary>True when <paramref name="length"/> inflated bytes from <paramref name="compressed"/> compressed ones exceed <paramref name="maxRatio"/>.</summary>
    internal static bool Inflates(long length, long compressed, long maxRatio) =>
        length > RatioFloorBytes && (compressed <= 0 || length / compressed > maxRatio);
}

/// <summary>Refuses .xlsx files whose entries would inflate far beyond their size before any XML is parsed.</summary>
internal static class ZipGuard
{
    internal static bool IsSafe(Stream s, IngestionOptions options)
    {
        var start = s.Position;
        try
        {
            using var zip = new ZipArchive(s, ZipArchiveMode.Read, leaveOpen: true);
            if (zip.Entries.Count > ZipPolicy.MaxPackageEntries) return false;
            long total = 0;
            foreach (var e in zip.Entries)
            {
                total += e.Length;
                if (total > options.MaxUncompressedBytes) return false;
                if (ZipPolicy.Inflates(e.Length, e.CompressedLength, options.MaxCompressionRatio)) return false;
            }
            return true;
        }
        catch (InvalidDataException) { return true; } // not a readable zip: the reader reports it as unreadable
        finally { s.Position = start; }
    }
}
