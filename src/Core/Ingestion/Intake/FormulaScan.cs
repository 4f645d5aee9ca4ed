using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Xml;

namespace KampungKB.Core.Ingestion.Intake;

/// <summary>
/// Formula cells that a writing tool never calculated (an &lt;f&gt; with no saved &lt;v&gt;), which
/// ExcelDataReader returns as empty. Per sheet, in workbook order: the values of the simple forms cadres
/// use (SUM over ranges, cells added with + or -) evaluated here, and the cells that could not be.
/// </summary>
internal sealed class FormulaResults
{
    /// <summary>Computed values by (1-based row, 0-based column).</summary>
    internal Dictionary<(int Row, int Col), double> Values { get; } = [];

    /// <summary>"B7", … : formula cells with no saved value that are not of a simple form.</summary>
    internal List<string> Unevaluated { get; } = [];

    /// <summary>
    /// Error cells (t="e": "#REF!", "#VALUE!", "#N/A", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!") by (1-based row,
    /// 0-based column), with the text Excel shows. ExcelDataReader 3.6 returns such a cell as empty, which would
    /// lose the fact that the cadre's count is broken.
    /// </summary>
    internal Dictionary<(int Row, int Col), string> Errors { get; } = [];
}

internal static class FormulaScan
{
    private const int MaxFormulas = 10_000;

    /// <summary>
    /// Scans every worksheet of an .xlsx for uncalculated formulas. Sheets without any formula cost one
    /// decompression and a byte search; only sheets holding uncalculated formulas are parsed as XML, twice
    /// at most. Returns null when no sheet has one (the usual case).
    /// </summary>
    internal static List<FormulaResults?>? Scan(Stream s) => Scan(s, 1_000_000, default);

    /// <summary>
    /// As above, with a work budget: at most <paramref name="maxWork"/> referenced cells are read over all
    /// formulas of the file (a SUM over a whole column in each of 10,000 cells would be 10^10); formulas past the
    /// budget are left unevaluated, so the cadre is told to calculate them in Excel. <paramref name="ct"/> is
    /// checked per sheet and per thousand formulas.
    /// </summary>
    internal static List<FormulaResults?>? Scan(Stream s, int maxWork, CancellationToken ct)
    {
        var budget = maxWork;
        var start = s.Position;
        try
        {
            using var zip = new ZipArchive(s, ZipArchiveMode.Read, leaveOpen: true);
            var entries = new Dictionary<string, ZipArchiveEntry>(StringComparer.OrdinalIgnoreCase);
            foreach (var e in zip.Entries) entries.TryAdd(Norm(e.FullName), e);
            var paths = SheetPaths(entries);
            List<FormulaResults?>? results = null;
            for (var i = 0; i < paths.Count; i++)
            {
                ct.ThrowIfCancellationRequested();
                if (!entries.TryGetValue(paths[i], out var entry)) continue;
                bool uncalculated, errors;
                using (var z = entry.Open()) uncalculated = HasUncalculatedFormula(z, out errors);
                if (!uncalculated && !errors) continue;
                var found = uncalculated ? Uncalculated(entry) : [];
                var errorCells = errors ? ErrorCells(entry) : [];
                if (found.Count == 0 && errorCells.Count == 0) continue;
                results ??= [.. new FormulaResults?[paths.Count]];
                var result = results[i] = found.Count > 0 ? Evaluate(entry, found, ref budget, ct) : new FormulaResults();
                foreach (var (cell, text) in errorCells) result.Errors[cell] = text;
            }
            return results;
        }
        catch (Exception e) when (e is InvalidDataException or XmlException or IOException)
        {
            return null; // the reader itself reports a damaged file
        }
        finally { s.Position = start; }
    }

    internal static string Norm(string name) => name.Replace('\\', '/').TrimStart('/');

    private static List<string> SheetPaths(Dictionary<string, ZipArchiveEntry> entries)
    {
        var ids = new List<string>();
        var targets = new Dictionary<string, string>(StringComparer.Ordinal);
        if (entries.TryGetValue("xl/workbook.xml", out var wb))
            using (var x = XmlReader.Create(wb.Open(), Settings))
                while (x.Read())
                    if (x.NodeType == XmlNodeType.Element && x.LocalName == "sheet")
                        ids.Add(Attr(x, "id") ?? "");
        if (entries.TryGetValue("xl/_rels/workbook.xml.rels", out var rels))
            using (var x = XmlReader.Create(rels.Open(), Settings))
                while (x.Read())
                    if (x.NodeType == XmlNodeType.Element && x.LocalName == "Relationship" && x.GetAttribute("Id") is { } id && x.GetAttribute("Target") is { } t)
                        targets[id] = t.StartsWith('/') ? Norm(t) : "xl/" + Norm(t);
        return ids.Select(id => targets.GetValueOrDefault(id, "")).ToList();
    }

    private static string? Attr(XmlReader x, string localName)
    {
        for (var i = 0; i < x.AttributeCount; i++)
        {
            x.MoveToAttribute(i);
            if (x.LocalName == localName) { var v = x.Value; x.MoveToElement(); return v; }
        }
        x.MoveToElement();
        return null;
    }

    private static readonly XmlReaderSettings Settings = new() { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, IgnoreWhitespace = true, CloseInput = true };

    /// <summary>
    /// A byte scan of the decompressed sheet for a formula element ("&lt;f&gt;", "&lt;x:f "…) that is not
    /// followed by a saved value: the next tag after it closes the cell, or is an empty &lt;v&gt;. Sheets
    /// whose formulas all have values (every file Excel or Sheets saved) cost this scan only.
    /// </summary>
    internal static bool HasUncalculatedFormula(Stream z) => HasUncalculatedFormula(z, out _);

    /// <summary>
    /// As <see cref="HasUncalculatedFormula(Stream)"/>; <paramref name="errorCells"/> says whether the same bytes
    /// hold an error cell (t="e"), found by one more vectorised search per window. The scan stops at the first
    /// uncalculated formula, so <paramref name="errorCells"/> is then also set (the sheet is parsed anyway).
    /// </summary>
    internal static bool HasUncalculatedFormula(Stream z, out bool errorCells)
    {
        var window = new byte[64 * 1024 + 256];
        var carry = 0;
        errorCells = false;
        while (true)
        {
            var n = z.Read(window, carry, 64 * 1024);
            var len = carry + n;
            var last = n == 0;
            if (!errorCells && (window.AsSpan(0, len).IndexOf(" t=\"e\""u8) >= 0 || window.AsSpan(0, len).IndexOf(" t='e'"u8) >= 0)) errorCells = true;
            // i: a candidate '<' or ':' with the 'f' after it; candidates are found by a vectorised search for 'f'.
            var end = last ? len - 2 : len - 256; // i stays below end, so a tag's tail is in the window
            var i = 0;
            while (i < end)
            {
                var k = window.AsSpan(i + 1, end - i).IndexOf((byte)'f');
                if (k < 0) { i = end; break; }
                i += k;
                if ((window[i] == (byte)'<' || window[i] == (byte)':') && window[i + 2] is (byte)'>' or (byte)' ' or (byte)'/'
                    && (window[i] == (byte)'<' || OpensTag(window, i)) && Uncached(window, i + 2, len)) { errorCells = true; return true; }
                i++;
            }
            if (last) return false;
            i = Math.Max(i, 0);
            carry = len - i;
            Array.Copy(window, i, window, 0, carry);
        }
    }

    /// <summary>True when the ':' at <paramref name="colon"/> is inside an opening tag's prefix ("&lt;x:f").</summary>
    private static bool OpensTag(byte[] b, int colon)
    {
        for (var j = colon - 1; j >= 0 && colon - j < 16; j--)
        {
            if (b[j] == (byte)'<') return true;
            if (!char.IsAsciiLetterOrDigit((char)b[j])) return false;
        }
        return false;
    }

    /// <summary>From just after "&lt;f", finds the end of the formula element and judges the next tag.</summary>
    private static bool Uncached(byte[] b, int from, int len)
    {
        var j = from;
        var selfClosing = false;
        while (j < len && b[j] != (byte)'>') j++;
        if (j >= len) return false;
        selfClosing = b[j - 1] == (byte)'/';
        j++;
        if (!selfClosing)
        {
            // skip the formula text to its closing tag "</f>" or "</x:f>"
            while (j + 1 < len && !(b[j] == (byte)'<' && b[j + 1] == (byte)'/')) j++;
            while (j < len && b[j] != (byte)'>') j++;
            j++;
        }
        while (j < len && b[j] is (byte)' ' or (byte)'\r' or (byte)'\n' or (byte)'\t') j++;
        if (j + 1 >= len || b[j] != (byte)'<') return false;
        if (b[j + 1] == (byte)'/') return true; // the cell closes: no value at all
        var k = j + 1;
        while (k < len && b[k] != (byte)'>' && b[k] != (byte)' ' && b[k] != (byte)'/') k++;
        var name = System.Text.Encoding.ASCII.GetString(b, j + 1, k - j - 1);
        if (name != "v" && !name.EndsWith(":v", StringComparison.Ordinal)) return false;
        while (k < len && b[k] != (byte)'>') k++;
        if (k >= len) return false;
        if (b[k - 1] == (byte)'/') return true; // <v/>
        return k + 2 < len && b[k + 1] == (byte)'<' && b[k + 2] == (byte)'/'; // <v></v>
    }

    /// <summary>Formula cells with no saved value: (row, col) → formula text ("" for a shared formula's follower).</summary>
    private static Dictionary<(int, int), string> Uncalculated(ZipArchiveEntry entry)
    {
        var found = new Dictionary<(int, int), string>();
        using var x = XmlReader.Create(entry.Open(), Settings);
        string? cellRef = null, inside = null;
        StringBuilder? formula = null;
        var hasValue = false;
        while (x.Read() && found.Count <= MaxFormulas)
        {
            switch (x.NodeType)
            {
                case XmlNodeType.Element:
                    switch (x.LocalName)
                    {
                        case "c": cellRef = x.IsEmptyElement ? null : x.GetAttribute("r"); formula = null; hasValue = false; break;
                        case "f" when cellRef is not null: formula = new StringBuilder(); inside = x.IsEmptyElement ? null : "f"; break;
                        case "v" when cellRef is not null: inside = x.IsEmptyElement ? null : "v"; break;
                        case "is": hasValue = true; break;
                    }
                    break;
                case XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.SignificantWhitespace:
                    if (inside == "f" && formula is not null && formula.Length < 1000) formula.Append(x.Value);
                    else if (inside == "v" && x.Value.Length > 0) hasValue = true;
                    break;
                case XmlNodeType.EndElement:
                    if (x.LocalName is "f" or "v") inside = null;
                    else if (x.LocalName == "c") Close();
                    break;
            }
        }
        return found;

        void Close()
        {
            if (cellRef is not null && formula is not null && !hasValue && CellRef.TryParse(cellRef, out var rc)) found[rc] = formula.ToString();
            cellRef = null;
        }
    }

    /// <summary>The error cells of a sheet: (row, col) → the error as Excel shows it ("#REF!"), at most <see cref="MaxFormulas"/>.</summary>
    private static Dictionary<(int, int), string> ErrorCells(ZipArchiveEntry entry)
    {
        var found = new Dictionary<(int, int), string>();
        using var x = XmlReader.Create(entry.Open(), Settings);
        (int, int)? current = null;
        var inValue = false;
        while (x.Read() && found.Count < MaxFormulas)
        {
            if (x.NodeType == XmlNodeType.Element && x.LocalName == "c")
                current = x.GetAttribute("t") == "e" && x.GetAttribute("r") is { } r && CellRef.TryParse(r, out var rc) ? rc : null;
            else if (x.NodeType == XmlNodeType.Element && x.LocalName == "v") inValue = !x.IsEmptyElement;
            else if (x.NodeType == XmlNodeType.EndElement && x.LocalName == "v") inValue = false;
            else if (x.NodeType == XmlNodeType.Text && inValue && current is { } cell && x.Value.Trim() is { Length: > 0 and < 20 } text)
                found[cell] = text;
        }
        return found;
    }

    /// <summary>Second pass: the numbers of the cells the formulas read, then each formula evaluated.</summary>
    private static FormulaResults Evaluate(ZipArchiveEntry entry, Dictionary<(int, int), string> formulas, ref int budget, CancellationToken ct)
    {
        var result = new FormulaResults();
        var parsed = new Dictionary<(int, int), SimpleFormula?>(formulas.Count);
        foreach (var (cell, text) in formulas)
        {
            if (parsed.Count % 1000 == 0) ct.ThrowIfCancellationRequested();
            var p = budget > 0 ? SimpleFormula.Parse(text) : null;
            if (p is not null && (budget -= p.Work) < 0) p = null; // past the budget: reported as not calculated
            parsed[cell] = p;
        }
        var needed = new HashSet<(int, int)>();
        foreach (var p in parsed.Values)
            if (p is not null)
                foreach (var r in p.Cells()) { needed.Add(r); if (needed.Count > 100_000) break; }
        var numbers = new Dictionary<(int, int), double>();
        var texts = new HashSet<(int, int)>();
        using (var x = XmlReader.Create(entry.Open(), Settings))
        {
            (int, int)? current = null;
            string? type = null;
            var inValue = false;
            while (x.Read())
            {
                if (x.NodeType == XmlNodeType.Element && x.LocalName == "c")
                {
                    current = x.GetAttribute("r") is { } r && CellRef.TryParse(r, out var rc) && needed.Contains(rc) ? rc : null;
                    type = x.GetAttribute("t");
                    if (current is { } c && type is "s" or "inlineStr" or "str") texts.Add(c);
                }
                else if (x.NodeType == XmlNodeType.Element && x.LocalName == "v") inValue = !x.IsEmptyElement;
                else if (x.NodeType == XmlNodeType.EndElement && x.LocalName == "v") inValue = false;
                else if (x.NodeType == XmlNodeType.Text && inValue && current is { } cell
                         && type is null or "n" && double.TryParse(x.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
                    numbers[cell] = d;
            }
        }
        var cache = new Dictionary<(int, int), double?>();
        foreach (var (cell, _) in formulas)
        {
            var v = Value(cell, 0);
            if (v is { } d) result.Values[cell] = d;
            else result.Unevaluated.Add(CellRef.Name(cell));
        }
        result.Unevaluated.Sort(StringComparer.Ordinal);
        return result;

        double? Value((int, int) cell, int depth)
        {
            if (cache.TryGetValue(cell, out var known)) return known;
            if (depth > 50) return null;
            cache[cell] = null; // a cycle evaluates to nothing
            var p = parsed[cell];
            var v = p?.Evaluate(c => parsed.ContainsKey(c) ? (Value(c, depth + 1) is { } d ? Operand.Number(d) : Operand.Invalid)
                                    : numbers.TryGetValue(c, out var n) ? Operand.Number(n)
                                    : texts.Contains(c) ? Operand.Text : Operand.Blank);
            cache[cell] = v;
            return v;
        }
    }
}

/// <summary>A referenced cell's content as a formula sees it.</summary>
internal readonly record struct Operand(int Kind, double Value)
{
    internal static Operand Number(double d) => new(0, d);
    internal static readonly Operand Blank = new(1, 0);
    internal static readonly Operand Text = new(2, 0);
    internal static readonly Operand Invalid = new(3, 0);
}

/// <summary>
/// The formula forms cadres write: <c>SUM(B8:B14)</c>, <c>SUM(B8:B14,C3)</c>, <c>B18+B19</c>,
/// <c>C5+D5-E5</c>, numbers, with optional <c>=</c> and <c>$</c>. Anything else (other functions, other
/// sheets, names) is not parsed and the caller refuses the cell.
/// </summary>
internal sealed class SimpleFormula
{
    private readonly List<(int Sign, Term Term)> _terms;

    private SimpleFormula(List<(int, Term)> terms) => _terms = terms;

    private abstract record Term;
    private sealed record Num(double Value) : Term;
    private sealed record Ref((int Row, int Col) Cell) : Term;
    private sealed record Sum(List<((int Row, int Col) From, (int Row, int Col) To)> Ranges) : Term;

    internal static SimpleFormula? Parse(string text)
    {
        var s = text.Replace(" ", "").Replace("$", "").TrimStart('=').ToUpperInvariant();
        if (s.Length == 0 || s.Length > 500) return null;
        var terms = new List<(int, Term)>();
        var i = 0;
        var sign = 1;
        if (s[0] is '+' or '-') { sign = s[0] == '-' ? -1 : 1; i++; }
        while (i < s.Length)
        {
            var term = ReadTerm(s, ref i);
            if (term is null) return null;
            terms.Add((sign, term));
            if (i == s.Length) break;
            if (s[i] is not ('+' or '-')) return null;
            sign = s[i] == '-' ? -1 : 1;
            i++;
        }
        return terms.Count > 0 ? new SimpleFormula(terms) : null;
    }

    private static Term? ReadTerm(string s, ref int i)
    {
        if (s.AsSpan(i).StartsWith("SUM(", StringComparison.Ordinal))
        {
            var close = s.IndexOf(')', i);
            if (close < 0) return null;
            var ranges = new List<((int, int), (int, int))>();
            foreach (var part in s[(i + 4)..close].Split(',', ';'))
            {
                var ends = part.Split(':');
                if (ends.Length > 2 || !CellRef.TryParse(ends[0], out var a)) return null;
                var b = a;
                if (ends.Length == 2 && !CellRef.TryParse(ends[1], out b)) return null;
                if ((long)(Math.Abs(b.Row - a.Row) + 1) * (Math.Abs(b.Col - a.Col) + 1) > 100_000) return null;
                ranges.Add(((Math.Min(a.Row, b.Row), Math.Min(a.Col, b.Col)), (Math.Max(a.Row, b.Row), Math.Max(a.Col, b.Col))));
            }
            i = close + 1;
            return new Sum(ranges);
        }
        var j = i;
        while (j < s.Length && (char.IsAsciiLetterOrDigit(s[j]) || s[j] == '.')) j++;
        var token = s[i..j];
        i = j;
        if (token.Length == 0) return null;
        if (double.TryParse(token, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var d)) return new Num(d);
        return CellRef.TryParse(token, out var cell) ? new Ref(cell) : null;
    }

    /// <summary>How many cells evaluating this formula reads (each SUM range's area; 1 per reference).</summary>
    internal int Work => (int)Math.Min(int.MaxValue, _terms.Sum(t => t.Term switch
    {
        Sum sum => sum.Ranges.Sum(r => (long)(r.To.Row - r.From.Row + 1) * (r.To.Col - r.From.Col + 1)),
        _ => 1L,
    }));

    internal IEnumerable<(int, int)> Cells()
    {
        foreach (var (_, t) in _terms)
            switch (t)
            {
                case Ref r: yield return r.Cell; break;
                case Sum sum:
                    foreach (var (from, to) in sum.Ranges)
                        for (var r = from.Row; r <= to.Row; r++)
                            for (var c = from.Col; c <= to.Col; c++) yield return (r, c);
                    break;
            }
    }

    /// <summary>Excel's result, or null where Excel would show an error (#VALUE! on text added with +).</summary>
    internal double? Evaluate(Func<(int, int), Operand> cell)
    {
        double total = 0;
        foreach (var (sign, t) in _terms)
        {
            double v = 0;
            switch (t)
            {
                case Num n: v = n.Value; break;
                case Ref r:
                    var o = cell(r.Cell);
                    if (o.Kind is 2 or 3) return null;
                    v = o.Value;
                    break;
                case Sum sum:
                    foreach (var (from, to) in sum.Ranges)
                        for (var row = from.Row; row <= to.Row; row++)
                            for (var col = from.Col; col <= to.Col; col++)
                            {
                                var x = cell((row, col));
                                if (x.Kind == 3) return null;
                                v += x.Value; // SUM skips text and blanks
                            }
                    break;
            }
            total += sign * v;
        }
        return total;
    }
}

/// <summary>A1-style references: "B7" ↔ (row 7, column 1).</summary>
internal static class CellRef
{
    internal static bool TryParse(string text, out (int Row, int Col) cell)
    {
        cell = default;
        var i = 0;
        var col = 0;
        while (i < text.Length && char.IsAsciiLetter(text[i]) && i < 3) col = col * 26 + (char.ToUpperInvariant(text[i++]) - 'A' + 1);
        if (col == 0 || i == text.Length) return false;
        if (!int.TryParse(text.AsSpan(i), NumberStyles.None, CultureInfo.InvariantCulture, out var row) || row < 1 || row > 1_048_576) return false;
        cell = (row, col - 1);
        return true;
    }

    internal static string Name((int Row, int Col) cell) => Validation.ColumnLetters.Of(cell.Col) + cell.Row.ToString(CultureInfo.InvariantCulture);
}
