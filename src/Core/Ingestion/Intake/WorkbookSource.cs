using System.Text;
using ExcelDataReader;

namespace KampungKB.Core.Ingestion.Intake;

/// <summary>
/// One row as read: its 1-based number as Excel shows it, and its cells (string, double, DateTime, bool or null).
/// <see cref="Merges"/>: the merged ranges this row lies in (null for the usual row without any), so that a
/// reader can tell a value the cadre wrote in this cell from one a merge spreads into it.
/// </summary>
internal readonly record struct RawRow(int Number, object?[] Cells)
{
    public object? this[int column] => column >= 0 && column < Cells.Length ? Cells[column] : null;

    internal IReadOnlyList<MergeSpan>? Merges { get; init; }

    /// <summary>The merged range covering 0-based <paramref name="column"/> on this row, if any.</summary>
    internal MergeSpan? SpanAt(int column)
    {
        if (Merges is null || column < 0) return null;
        foreach (var m in Merges) if (m.From <= column && column <= m.To) return m;
        return null;
    }

    /// <summary>
    /// True when the value in <paramref name="column"/> was not written there but spread into it by a merge
    /// from the range's first cell (a row above, or a column to the left).
    /// </summary>
    internal bool IsMergeCopy(int column) => SpanAt(column) is { } m && (m.FirstRow < Number || column > m.From);
}

/// <summary>
/// A merged range as one row sees it: columns <see cref="From"/>..<see cref="To"/> (0-based) of a range whose
/// value was written on 1-based row <see cref="FirstRow"/>, in column <see cref="From"/>.
/// </summary>
internal readonly record struct MergeSpan(int FirstRow, int From, int To)
{
    /// <summary>Adds the span to <paramref name="list"/> (made on first use); no duplicates.</summary>
    internal static void Add(ref List<MergeSpan>? list, MergeSpan span)
    {
        list ??= [];
        if (!list.Contains(span)) list.Add(span);
    }
}

/// <summary>One sheet: rows are read lazily and must be consumed before the next sheet is asked for.</summary>
internal sealed record SheetData(string Name, bool Hidden, IEnumerable<RawRow> Rows)
{
    /// <summary>What reading the rows left out or could not read; complete once <see cref="Rows"/> is consumed.</summary>
    internal SheetNotes Notes { get; init; } = new();
}

/// <summary>Rows Excel does not show (hidden by hand or by a filter) that held something, and formula cells with no value.</summary>
internal sealed class SheetNotes
{
    internal List<int> HiddenRows { get; } = [];
    internal List<string> UncalculatedCells { get; } = [];
}

internal interface IWorkbookSource : IDisposable
{
    IEnumerable<SheetData> Sheets();
}

/// <summary>.xlsx/.xlsm/.xls through ExcelDataReader, streamed row by row (no DataSet).</summary>
internal sealed class ExcelSource(IExcelDataReader reader, int maxColumns, List<FormulaResults?>? formulas = null) : IWorkbookSource
{
    private IngestionOptions _limits = new();
    private CancellationToken _ct;
    private long _textChars;

    private static int _registered;

    internal static void EnsureCodePages()
    {
        if (Interlocked.Exchange(ref _registered, 1) == 0) Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
    }

    /// <summary>
    /// Lets ExcelDataReader judge the bytes (BIFF2–8 with or without the compound-file wrapper, workbooks
    /// encrypted with Excel's default password, any zip entry naming); .xlsx files are first scanned for
    /// formulas that were never calculated and error cells, .xls files for error cells.
    /// </summary>
    internal static ExcelSource Open(Stream s, FileFormat format, int maxColumns) => Open(s, format, new IngestionOptions { MaxColumns = maxColumns }, default);

    /// <summary>
    /// As above, bounded while reading by <paramref name="limits"/> (rows × columns per sheet, one cell's text,
    /// all text) and by <paramref name="ct"/> (the upload's deadline, checked every 256 rows); a limit crossed
    /// throws <see cref="ReadLimitException"/> before the row is handed on.
    /// </summary>
    internal static ExcelSource Open(Stream s, FileFormat format, IngestionOptions limits, CancellationToken ct)
    {
        EnsureCodePages();
        var maxColumns = limits.MaxColumns;
        // Error cells ("#REF!") come back empty from ExcelDataReader: found in the file's own bytes first.
        // A workbook under Excel's default password comes back decrypted: ExcelDataReader reads that copy.
        var biff = format == FileFormat.Xls ? BiffErrorScan.Scan(s, ct) : null;
        var formulas = format switch
        {
            FileFormat.Xlsx or FileFormat.StrictXlsx => FormulaScan.Scan(s, limits.MaxFormulaWork, ct),
            FileFormat.Xls => biff!.Errors,
            _ => null,
        };
        var config = new ExcelReaderConfiguration { LeaveOpen = true, FallbackEncoding = Encoding.GetEncoding(1252) };
        var reader = format switch
        {
            FileFormat.Xls => ExcelReaderFactory.CreateBinaryReader(biff!.Decrypted is { } plain ? new MemoryStream(plain, writable: false) : s, config),
            FileFormat.Xlsx or FileFormat.StrictXlsx => ExcelReaderFactory.CreateOpenXmlReader(s, config),
            _ => ExcelReaderFactory.CreateReader(s, config),
        };
        return new ExcelSource(reader, maxColumns, formulas) { _limits = limits, _ct = ct };
    }

    public IEnumerable<SheetData> Sheets()
    {
        var index = 0;
        do
        {
            var hidden = !string.Equals(reader.VisibleState, "visible", StringComparison.OrdinalIgnoreCase) && !string.IsNullOrEmpty(reader.VisibleState);
            var notes = new SheetNotes();
            var computed = formulas is not null && index < formulas.Count ? formulas[index] : null;
            if (computed is not null) notes.UncalculatedCells.AddRange(computed.Unevaluated);
            yield return new SheetData(reader.Name ?? "", hidden, Rows(notes, computed)) { Notes = notes };
            index++;
        } while (reader.NextResult());
    }

    private IEnumerable<RawRow> Rows(SheetNotes notes, FormulaResults? computed)
    {
        var merges = Merges.From(reader.MergeCells, maxColumns);
        // Error cells by row ("#REF!" where ExcelDataReader returns empty): looked up once per row.
        var errors = computed is { Errors.Count: > 0 } ? computed.Errors.ToLookup(e => e.Key.Row, e => (e.Key.Col, e.Value)) : null;
        var number = 0;
        var buffer = new object?[Math.Min(64, maxColumns)];
        long area = 0;
        while (reader.Read())
        {
            number++;
            if ((number & 255) == 0) _ct.ThrowIfCancellationRequested();
            // ExcelDataReader builds every row FieldCount wide: a million styled rows across a wide sheet cost rows × width.
            area += Math.Max(1, reader.FieldCount);
            if (area > _limits.MaxRowColumnProduct) throw new ReadLimitException(Validation.ProblemCodes.TooManyCells, ("max", _limits.MaxCells));
            var count = Math.Min(reader.FieldCount, maxColumns);
            if (buffer.Length < count) buffer = new object?[count];
            var last = -1;
            for (var i = 0; i < count; i++)
            {
                var v = buffer[i] = reader.GetValue(i); // each cell fetched once
                if (v is string text)
                {
                    // A shared string is one object however many cells name it; its text is counted (and later processed) per cell.
                    if (text.Length > _limits.MaxCellChars) throw new ReadLimitException(Validation.ProblemCodes.CellTextTooLong, ("max", _limits.MaxCellChars));
                    if ((_textChars += text.Length) > _limits.MaxTextChars) throw new ReadLimitException(Validation.ProblemCodes.TooManyStrings, ("max", _limits.MaxTextChars));
                }
                if (!Normalisation.Text.IsBlank(v)) last = i;
            }
            if (computed is not null)
            {
                foreach (var (cell, _) in computed.Values)
                    if (cell.Row == number && cell.Col < maxColumns) last = Math.Max(last, cell.Col);
                if (errors is not null)
                    foreach (var (col, _) in errors[number])
                        if (col < maxColumns) last = Math.Max(last, col);
            }
            last = Math.Max(last, merges?.LastColumn(number) ?? -1);
            var cells = new object?[last + 1];
            for (var i = 0; i <= Math.Min(last, count - 1); i++)
            {
                var v = buffer[i];
                cells[i] = v switch
                {
                    int x => (double)x,
                    float f => (double)f,
                    decimal m => (double)m,
                    TimeSpan => Normalisation.Text.Display(v),
                    _ => v,
                };
            }
            if (computed is not null)
                foreach (var (cell, value) in computed.Values)
                    if (cell.Row == number && cell.Col <= last && cells[cell.Col] is null) cells[cell.Col] = value;
            if (errors is not null)
                foreach (var (col, text) in errors[number])
                    if (col <= last && cells[col] is null) cells[col] = text;
            var spans = merges?.Fill(number, cells);
            // A row Excel does not show (hidden by hand or filtered away) is not part of the report.
            if (reader.RowHeight == 0)
            {
                if (cells.Any(c => !Normalisation.Text.IsBlank(c))) notes.HiddenRows.Add(number);
                continue;
            }
            yield return new RawRow(number, cells) { Merges = spans };
        }
    }

    public void Dispose() => reader.Dispose();
}

/// <summary>CSV/TSV: encoding (UTF-8 with or without BOM, else Windows-1252) and separator (, ; tab, or a "sep=" line) detected from the bytes.</summary>
internal sealed class CsvSource : IWorkbookSource
{
    private readonly Stream _stream;
    private readonly Encoding _encoding;
    private readonly string _sheetName;
    private readonly int _maxColumns;

    internal CsvSource(Stream stream, string sheetName, int maxColumns)
    {
        ExcelSource.EnsureCodePages();
        _stream = stream;
        _sheetName = sheetName;
        _maxColumns = maxColumns;
        _encoding = DetectEncoding(stream);
    }

    internal Encoding Encoding => _encoding;

    internal static Encoding DetectEncoding(Stream s)
    {
        var start = s.Position;
        try
        {
            var bom = new byte[3];
            var n = s.Read(bom, 0, 3);
            if (n >= 3 && bom[0] == 0xEF && bom[1] == 0xBB && bom[2] == 0xBF) return new UTF8Encoding(false);
            if (n >= 2 && bom[0] == 0xFF && bom[1] == 0xFE) return Encoding.Unicode;
            if (n >= 2 && bom[0] == 0xFE && bom[1] == 0xFF) return Encoding.BigEndianUnicode;
            s.Position = start;
            var decoder = new UTF8Encoding(false, throwOnInvalidBytes: true).GetDecoder();
            var buffer = new byte[64 * 1024];
            var chars = new char[64 * 1024 + 4];
            int read;
            try
            {
                while ((read = s.Read(buffer, 0, buffer.Length)) > 0) decoder.GetChars(buffer, 0, read, chars, 0, flush: false);
                decoder.GetChars(buffer, 0, 0, chars, 0, flush: true);
            }
            catch (DecoderFallbackException) { return Encoding.GetEncoding(1252); }
            return new UTF8Encoding(false);
        }
        finally { s.Position = start; }
    }

    public IEnumerable<SheetData> Sheets()
    {
        yield return new SheetData(_sheetName, false, Rows());
    }

    private IEnumerable<RawRow> Rows()
    {
        using var reader = new StreamReader(_stream, _encoding, detectEncodingFromByteOrderMarks: true, bufferSize: 16 * 1024, leaveOpen: true);
        var separator = DetectSeparator(reader, out var skipFirstLine);
        var parser = new CsvRecordReader(reader, separator, _maxColumns);
        var number = 0;
        var first = true;
        while (parser.Next() is { } record)
        {
            if (first && skipFirstLine) { first = false; continue; }
            first = false;
            number++;
            yield return new RawRow(number, record);
        }
    }

    /// <summary>Peeks at the first lines (kept in the reader's buffer) to choose the separator.</summary>
    private char DetectSeparator(StreamReader reader, out bool sepLine)
    {
        sepLine = false;
        _stream.Position = 0;
        reader.DiscardBufferedData();
        var sample = new char[16 * 1024];
        var n = reader.ReadBlock(sample, 0, sample.Length);
        _stream.Position = 0;
        reader.DiscardBufferedData();
        return ChooseSeparator(new string(sample, 0, n), out sepLine);
    }

    internal static char ChooseSeparator(string sample, out bool sepLine)
    {
        sepLine = false;
        var text = sample.TrimStart('\uFEFF');
        if (text.StartsWith("sep=", StringComparison.OrdinalIgnoreCase) && text.Length > 4)
        {
            sepLine = true;
            return text[4];
        }
        var lines = text.Split('\n').Take(30).Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0).ToList();
        if (lines.Count > 1 && sample.Length >= 16 * 1024) lines.RemoveAt(lines.Count - 1);
        char best = ',';
        var bestScore = -1.0;
        foreach (var c in new[] { ',', ';', '\t' })
        {
            var counts = lines.Select(l => CountOutsideQuotes(l, c)).ToList();
            var withSep = counts.Count(x => x > 0);
            if (withSep == 0) continue;
            var mode = counts.Where(x => x > 0).GroupBy(x => x).OrderByDescending(g => g.Count()).First();
            var score = withSep * 10.0 + mode.Count() * 5 + mode.Key;
            if (score > bestScore) { bestScore = score; best = c; }
        }
        return best;
    }

    private static int CountOutsideQuotes(string line, char c)
    {
        var inQuotes = false;
        var count = 0;
        foreach (var ch in line)
        {
            if (ch == '"') inQuotes = !inQuotes;
            else if (ch == c && !inQuotes) count++;
        }
        return count;
    }

    public void Dispose() { }
}

/// <summary>RFC 4180 records: quoted fields may hold separators, doubled quotes and line breaks.</summary>
internal sealed class CsvRecordReader(TextReader reader, char separator, int maxColumns)
{
    private readonly StringBuilder _field = new();

    internal object?[]? Next()
    {
        var fields = new List<object?>();
        _field.Clear();
        var inQuotes = false;
        var any = false;
        int ch;
        while ((ch = reader.Read()) >= 0)
        {
            any = true;
            var c = (char)ch;
            if (inQuotes)
            {
                if (c == '"')
                {
                    if (reader.Peek() == '"') { reader.Read(); _field.Append('"'); }
                    else inQuotes = false;
                }
                else if (_field.Length < 32_768) _field.Append(c);
                continue;
            }
            if (c == '"' && _field.Length == 0) { inQuotes = true; continue; }
            if (c == '\0') continue; // stray NULs some exporters pad with
            if (c == separator) { Add(fields); continue; }
            if (c == '\r') { if (reader.Peek() == '\n') reader.Read(); break; }
            if (c == '\n') break;
            if (_field.Length < 32_768) _field.Append(c);
        }
        if (!any) return null;
        Add(fields);
        var last = fields.FindLastIndex(f => f is not null);
        return fields.Take(last + 1).ToArray();
    }

    private void Add(List<object?> fields)
    {
        if (fields.Count < maxColumns) fields.Add(_field.Length == 0 || string.IsNullOrWhiteSpace(_field.ToString()) ? null : _field.ToString());
        _field.Clear();
    }
}

/// <summary>
/// Merged ranges as Excel shows them: the top-left cell's value belongs to every row and column the range
/// spans (a date merged down over two activities, a group header merged over its sub-columns).
/// </summary>
internal sealed class Merges
{
    private readonly List<CellRange> _ranges;
    private readonly Dictionary<CellRange, object?> _values = [];

    private readonly int _maxColumns;
    /// <summary>The last 0-based row any range reaches: below it a row costs nothing.</summary>
    private readonly int _lastRow;

    private Merges(List<CellRange> ranges, int maxColumns) { _ranges = ranges; _maxColumns = maxColumns; _lastRow = ranges.Max(r => r.ToRow); }

    /// <summary>Null when the sheet has no merged range; ranges are clipped to <paramref name="maxColumns"/>.</summary>
    internal static Merges? From(CellRange[]? ranges, int maxColumns)
    {
        if (ranges is null || ranges.Length == 0) return null;
        var list = ranges.Where(r => r.FromColumn < maxColumns && (r.ToRow > r.FromRow || r.ToColumn > r.FromColumn)).Take(10_000).ToList();
        return list.Count == 0 ? null : new Merges(list, maxColumns);
    }

    /// <summary>The last column a merged range reaches on 1-based <paramref name="row"/>, or -1.</summary>
    internal int LastColumn(int row)
    {
        if (row - 1 > _lastRow) return -1;
        var last = -1;
        foreach (var r in _ranges)
            if (r.FromRow <= row - 1 && row - 1 <= r.ToRow && (r.FromRow == row - 1 || _values.GetValueOrDefault(r) is not null))
                last = Math.Max(last, Math.Min(r.ToColumn, _maxColumns - 1));
        return last;
    }

    /// <summary>Fills the row's cells from the ranges it lies in; returns those ranges (null: none holding a value).</summary>
    internal List<MergeSpan>? Fill(int row, object?[] cells)
    {
        if (row - 1 > _lastRow) return null;
        List<MergeSpan>? spans = null;
        foreach (var r in _ranges)
        {
            var index = row - 1;
            if (index < r.FromRow || index > r.ToRow) continue;
            if (index == r.FromRow) _values[r] = r.FromColumn < cells.Length ? cells[r.FromColumn] : null;
            if (_values.GetValueOrDefault(r) is not { } v || Normalisation.Text.IsBlank(v)) continue;
            MergeSpan.Add(ref spans, new MergeSpan(r.FromRow + 1, r.FromColumn, Math.Min(r.ToColumn, _maxColumns - 1)));
            for (var c = r.FromColumn; c <= r.ToColumn && c < cells.Length; c++)
                if (Normalisation.Text.IsBlank(cells[c])) cells[c] = v;
        }
        return spans;
    }
}
