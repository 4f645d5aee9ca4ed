using KampungKB.Core.Model;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using KampungKB.Core.Ingestion.Intake;
using KampungKB.Core.Ingestion.Validation;
using KampungKB.Core.Store;

namespace KampungKB.Core.Uploads;

/// <summary>
/// Opens a zip of reports safely. Everything that can refuse the zip as a whole (damaged, too many entries,
/// declared sizes or ratios of a zip bomb) is decided from the central directory, before one byte is
/// inflated. Then each entry is read on demand, never past its declared size nor
/// <see cref="PipelineOptions.MaxUploadBytes"/>, and sorted: a spreadsheet (by its bytes; text formats
/// only under a spreadsheet extension) is returned to be ingested as its own upload, anything else is
/// named with the reason it was skipped. Paths are made safe (backslashes, <c>../</c>, drive letters,
/// control characters) and unique; names without the zip's UTF-8 flag are read as UTF-8 when valid, else
/// as CP437 (the zip format's own code page, which Windows' "Send to › Compressed folder" writes).
/// Nested zips are not opened (one level only): they are skipped with their name.
/// </summary>
internal sealed class ArchiveReader : IDisposable
{
    private static readonly HashSet<string> SystemNames = new(StringComparer.OrdinalIgnoreCase) { "Thumbs.db", "desktop.ini", "__MACOSX" };

    private readonly ZipArchive _zip;
    private readonly long _maxEntryBytes;

    private ArchiveReader(ZipArchive zip, long maxEntryBytes, IReadOnlyList<Item> items, int systemFiles)
    {
        _zip = zip;
        _maxEntryBytes = maxEntryBytes;
        Items = items;
        SystemFiles = systemFiles;
    }

    /// <summary>One file of the zip, in path order: <see cref="Path"/> is safe as blob-name segments ("folder/file.xlsx").</summary>
    internal sealed record Item(string Path, ZipArchiveEntry Entry);

    /// <summary>What an entry turned out to be: bytes to ingest, or a skip code (with its arguments) saying why not.</summary>
    internal sealed record Read(string Path, byte[]? Content, string? SkipCode, IReadOnlyDictionary<string, string>? SkipArgs = null);

    /// <summary>The refusal of a whole zip: a problem code and its arguments.</summary>
    internal sealed record Refusal(string Code, IReadOnlyDictionary<string, string> Args);

    public IReadOnlyList<Item> Items { get; }

    /// <summary>Entries left out as system files (__MACOSX, ~$ lock files, hidden files, Thumbs.db).</summary>
    public int SystemFiles { get; }

    /// <summary>True when <paramref name="content"/> is a zip of files (not a workbook, which is a zip too).</summary>
    public static bool IsArchive(ReadOnlyMemory<byte> content)
    {
        using var s = new MemoryStream(content.ToArray(), writable: false);
        return FileSniffer.Sniff(s) == FileFormat.Archive;
    }

    /// <summary>Reads the central directory and checks it against <paramref name="options"/>; nothing is inflated.</summary>
    public static (ArchiveReader? Reader, Refusal? Refusal) Open(ReadOnlyMemory<byte> content, ArchiveOptions options, long maxEntryBytes)
    {
        ExcelSource.EnsureCodePages();
        ZipArchive zip;
        IReadOnlyList<ZipArchiveEntry> entries;
        try
        {
            zip = new ZipArchive(new MemoryStream(content.ToArray(), writable: false), ZipArchiveMode.Read, leaveOpen: false, EntryNames.Instance);
            entries = zip.Entries;
        }
        catch (InvalidDataException)
        {
            return (null, new Refusal(ProblemCodes.UnreadableFile, new Dictionary<string, string>()));
        }

        Refusal? refusal = null;
        long declared = 0;
        foreach (var e in entries) declared += e.Length;
        if (entries.Count > options.MaxEntries)
            refusal = new Refusal(ProblemCodes.ArchiveTooManyFiles, new Dictionary<string, string>
            {
                ["count"] = entries.Count.ToString(CultureInfo.InvariantCulture), ["max"] = options.MaxEntries.ToString(CultureInfo.InvariantCulture),
            });
        else if (declared > options.MaxExpandedBytes || entries.Any(e => IsBomb(e, options)))
            refusal = new Refusal(ProblemCodes.ArchiveSuspicious, new Dictionary<string, string>
            {
                ["size"] = IndonesianFormat.Megabytes(declared), ["max"] = IndonesianFormat.Megabytes(options.MaxExpandedBytes),
            });
        if (refusal is not null)
        {
            zip.Dispose();
            return (null, refusal);
        }

        var items = new List<Item>();
        var used = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var system = 0;
        foreach (var e in entries)
        {
            var raw = e.FullName.Replace('\\', '/');
            if (raw.EndsWith('/') && e.Length == 0) continue; // a folder
            var segments = raw.Split('/', StringSplitOptions.RemoveEmptyEntries);
            if (segments.Length == 0) continue;
            if (segments.Any(IsSystem)) { system++; continue; }
            items.Add(new Item(Unique(SafePath(segments), used), e));
        }
        return (new ArchiveReader(zip, maxEntryBytes, items.OrderBy(i => i.Path, StringComparer.Ordinal).ToList(), system), null);
    }

    /// <summary>Reads one entry (bounded by its declared size and the per-file cap) and decides whether it is a spreadsheet.</summary>
    public Read ReadItem(Item item)
    {
        var e = item.Entry;
        var extension = System.IO.Path.GetExtension(item.Path);
        if (e.IsEncrypted) return new Read(item.Path, null, ProblemCodes.ArchiveEntryEncrypted);
        if (e.Length > _maxEntryBytes)
            return new Read(item.Path, null, ProblemCodes.ArchiveEntryTooLarge, new Dictionary<string, string> { ["size"] = IndonesianFormat.Megabytes(e.Length), ["max"] = IndonesianFormat.Megabytes(_maxEntryBytes) });
        byte[] bytes;
        try
        {
            using var s = e.Open();
            // One byte more than declared: a longer stream means lying headers, refused without reading further.
            var buffer = new byte[e.Length + 1];
            var total = 0;
            int n;
            while (total < buffer.Length && (n = s.Read(buffer, total, buffer.Length - total)) > 0) total += n;
            if (total > e.Length) return new Read(item.Path, null, ProblemCodes.ArchiveEntryUnreadable);
            bytes = total == buffer.Length ? buffer : buffer[..total];
        }
        catch (Exception ex) when (ex is InvalidDataException or NotSupportedException or IOException)
        {
            return new Read(item.Path, null, ProblemCodes.ArchiveEntryUnreadable);
        }

        FileFormat format;
        using (var s = new MemoryStream(bytes, writable: false)) format = FileSniffer.Sniff(s);
        var named = SpreadsheetKinds.IsSpreadsheetName(item.Path);
        return format switch
        {
            FileFormat.Archive => new Read(item.Path, null, ProblemCodes.ArchiveEntryNestedZip),
            FileFormat.Xlsx or FileFormat.StrictXlsx or FileFormat.Xlsb or FileFormat.Xls or FileFormat.Ods or FileFormat.EncryptedOoxml => new Read(item.Path, bytes, null),
            // Text (any text sniffs as CSV) and unknown bytes are a report only under a spreadsheet's name: a notes.txt is skipped, a broken .xlsx is judged.
            FileFormat.Csv or FileFormat.Html or FileFormat.SpreadsheetXml or FileFormat.Empty or FileFormat.Unsupported when named => new Read(item.Path, bytes, null),
            _ => new Read(item.Path, null, ProblemCodes.ArchiveEntryNotSpreadsheet),
        };
    }

    public void Dispose() => _zip.Dispose();

    private static bool IsBomb(ZipArchiveEntry e, ArchiveOptions options) => ZipPolicy.Inflates(e.Length, e.CompressedLength, options.MaxCompressionRatio);

    /// <summary>__MACOSX resource forks, Excel's ~$ lock files, hidden files and folders (".name"), Windows' Thumbs.db/desktop.ini.</summary>
    private static bool IsSystem(string segment) =>
        SystemNames.Contains(segment) || segment.StartsWith("~$", StringComparison.Ordinal) || segment.StartsWith('.') && segment.Trim('.').Length > 0;

    /// <summary>"../../a\b/c.xlsx" → "a/b/c.xlsx": no empty, "." or ".." segments, no drive letters, controls or URL characters; the last levels kept.</summary>
    internal static string SafePath(IEnumerable<string> segments)
    {
        var kept = segments.Select(s => s.Trim())
            .Where(s => s.Length > 0 && s != "." && s != ".." && !(s.Length == 2 && s[1] == ':'))
            .Select(s => UploadPath.SafeFileName(s.Replace(':', '_')))
            .ToList();
        if (kept.Count == 0) return "berkas";
        return string.Join('/', kept.Skip(Math.Max(0, kept.Count - ArchiveOptions.MaxPathSegments)));
    }

    /// <summary>A path not yet used in this zip (case-insensitively): "a.csv", then "a (2).csv".</summary>
    private static string Unique(string path, HashSet<string> used)
    {
        if (used.Add(path)) return path;
        var ext = System.IO.Path.GetExtension(path);
        var stem = path[..^ext.Length];
        for (var i = 2; ; i++)
            if (used.Add($"{stem} ({i}){ext}")) return $"{stem} ({i}){ext}";
    }


    /// <summary>
    /// Entry names without the UTF-8 flag: UTF-8 when the bytes are valid UTF-8 (what macOS, Linux and Drive
    /// write), else CP437 (what older Windows tools write). Names with the flag are always read as UTF-8.
    /// </summary>
    private sealed class EntryNames : Encoding
    {
        public static readonly EntryNames Instance = new();
        private static readonly Encoding Utf8 = new UTF8Encoding(false, throwOnInvalidBytes: true);
        private static Encoding Cp437 => GetEncoding(437);

        private Encoding For(byte[] bytes, int index, int count)
        {
            try { Utf8.GetCharCount(bytes, index, count); return Utf8; }
            catch (DecoderFallbackException) { return Cp437; }
        }

        public override int GetByteCount(char[] chars, int index, int count) => UTF8.GetByteCount(chars, index, count);
        public override int GetBytes(char[] chars, int charIndex, int charCount, byte[] bytes, int byteIndex) => UTF8.GetBytes(chars, charIndex, charCount, bytes, byteIndex);
        public override int GetCharCount(byte[] bytes, int index, int count) => For(bytes, index, count).GetCharCount(bytes, index, count);
        public override int GetChars(byte[] bytes, int byteIndex, int byteCount, char[] chars, int charIndex) => For(bytes, byteIndex, byteCount).GetChars(bytes, byteIndex, byteCount, chars, charIndex);
        public override string GetString(byte[] bytes, int index, int count) => For(bytes, index, count).GetString(bytes, index, count);
        public override int GetMaxByteCount(int charCount) => UTF8.GetMaxByteCount(charCount);
        public override int GetMaxCharCount(int byteCount) => byteCount;
    }
}
