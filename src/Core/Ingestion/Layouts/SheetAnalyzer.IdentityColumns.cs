using System.Globalization;
using KampungKB.Core.Ingestion.Intake;
using KampungKB.Core.Ingestion.Normalisation;
using KampungKB.Core.Ingestion.Validation;

namespace KampungKB.Core.Ingestion.Layouts;

/// <summary>
/// Identity written in the table itself: a Google Form's "Desa/Kelurahan" and "Kecamatan" answer on every row,
/// a dinas form's one row per kampung ("Kecamatan | Desa/Kelurahan | Nama Kampung KB | Jumlah PUS | …"). It is
/// identity evidence for attribution (the registry match) like a banner; where a banner names another desa, or
/// the rows name several, it is said (domain.md: every report belongs to one kampung, named by the cadre).
/// </summary>
internal sealed partial class SheetAnalyzer
{
    /// <summary>Identity columns ("name", "village", "district" → column) of the indicator header being read, if any.</summary>
    private List<(string Field, int Column)>? _indicatorIdentity;

    /// <summary>The header cells of an indicator table that name the kampung, its desa/kelurahan or kecamatan.</summary>
    private List<(string Field, int Column)>? IdentityColumns(RawRow header)
    {
        List<(string, int)>? list = null;
        for (var i = 0; i < header.Cells.Length; i++)
        {
            if (header.Cells[i] is not string s || _catalogue.ProfileField(_catalogue.Key(s)) is not { } f || f is not ("name" or "village" or "district")) continue;
            if (list is null || list.All(x => x.Item1 != f)) (list ??= []).Add((f, i));
        }
        return list;
    }

    /// <summary>Records the identity a data row of an indicator table names in its identity columns.</summary>
    private void ReadIdentityColumns(string sheet, RawRow row)
    {
        if (_indicatorIdentity is null) return;
        foreach (var (field, col) in _indicatorIdentity)
            if (!Text.IsBlank(row[col]) && Text.Tidy(Text.Display(row[col]) ?? "") is { Length: > 1 } value)
                NoteTableIdentity(field, value, sheet, row.Number, col);
    }

    /// <summary>
    /// One row's identity cell: the first value is kept (with where it was written); a later row naming another
    /// desa or kecamatan is said once per field.
    /// </summary>
    internal void NoteTableIdentity(string field, string value, string sheet, int row, int col)
    {
        if (field == "name" && !value.StartsWith("Kampung KB", StringComparison.OrdinalIgnoreCase)) value = "Kampung KB " + value;
        var seen = _findings.TableIdentity;
        if (!seen.TryGetValue(field, out var first))
        {
            seen[field] = new Findings.TableValue(value, new CellRef(sheet, row, col, value));
            return;
        }
        if (first.Several || string.Equals(first.Value, value, StringComparison.OrdinalIgnoreCase) || _catalogue.Key(first.Value) == _catalogue.Key(value)) return;
        first.Several = true;
        _sink.Warning(ProblemCodes.IdentitySeveral, sheet, row, col, value, ("field", FieldName(field)), ("found", first.Value), ("firstRow", first.Cell.Row));
    }

    private string FieldName(string field) => _catalogue.ProfileNames.GetValueOrDefault(field, field);

    /// <summary>
    /// Once the file is read: a table identity the banner does not state becomes the report's; one that differs
    /// from the banner's is reported (the banner, the cadre's heading, is kept).
    /// </summary>
    internal void ResolveTableIdentity()
    {
        foreach (var (field, table) in _findings.TableIdentity)
        {
            var stated = _findings.Identity(field);
            if (stated is null) { _findings.SetIdentity(field, table.Value, Findings.Source.Banner); continue; }
            var (a, b) = (_catalogue.Key(stated), _catalogue.Key(table.Value));
            if (field == "name") (a, b) = (a.Replace("kampung kb ", ""), b.Replace("kampung kb ", ""));
            if (a == b || a.Contains(b, StringComparison.Ordinal) || b.Contains(a, StringComparison.Ordinal)) continue;
            _sink.Warning(ProblemCodes.IdentityConflict, table.Cell.Sheet, table.Cell.Row, table.Cell.Column, table.Value, ("field", FieldName(field)), ("found", stated));
        }
    }
}

/// <summary>
/// A dinas form with one row of figures per kampung ("No | Kecamatan | Desa/Kelurahan | Nama Kampung KB | Jumlah
/// PUS | …"). A report is one kampung's for one month (domain.md, *Periods*; one upload link per kampung), so a
/// second kampung's row is never dropped in silence nor merged into the first's report: the file is refused with
/// `several-kampung-rows`, naming the rows and the kampung (docs/ingestion.md, *Identity in the table*).
/// </summary>
internal sealed partial class SheetAnalyzer
{
    /// <summary>The rows of figures below the first of a per-kampung indicator table: row number and the kampung it names.</summary>
    private sealed class KampungRows(string sheet, int firstRow, string firstName)
    {
        internal string Sheet { get; } = sheet;
        internal int FirstRow { get; } = firstRow;
        internal string FirstName { get; } = firstName;
        internal List<(int Row, int Column, string Name)> More { get; } = [];
        internal int LastRow = firstRow;
    }

    private KampungRows? _kampungRows;

    /// <summary>True when the indicator header names the kampung of each row (a name, desa or kecamatan column, or an area code).</summary>
    private bool IsPerKampungHeader(RawRow header) =>
        _indicatorIdentity is not null || header.Cells.Any(c => c is string s && _catalogue.Registry.Match(_catalogue.Key(s)) == "areaCode");

    /// <summary>The first identity cell of <paramref name="row"/> that is filled: its column and text ("" and -1 when none).</summary>
    private (int Column, string Name) RowKampung(RawRow row, RawRow header)
    {
        foreach (var field in new[] { "name", "village", "district" })
            if (_indicatorIdentity?.FirstOrDefault(x => x.Field == field) is { Field: not null } hit && !Text.IsBlank(row[hit.Column]))
                return (hit.Column, Text.Tidy(Text.Display(row[hit.Column]) ?? ""));
        for (var i = 0; i < header.Cells.Length; i++)
            if (header.Cells[i] is string s && _catalogue.Registry.Match(_catalogue.Key(s)) == "areaCode" && !Text.IsBlank(row[i]))
                return (i, Text.Tidy(Text.Display(row[i]) ?? ""));
        return (-1, "");
    }

    /// <summary>Starts watching for more kampung rows under the first one just read.</summary>
    private void StartKampungRows(string sheet, RawRow row, RawRow header) => _kampungRows = new KampungRows(sheet, row.Number, RowKampung(row, header).Name);

    /// <summary>
    /// True when <paramref name="row"/> is another kampung's row of the table (a figure in an indicator column) or its
    /// JUMLAH row; false ends the table.
    /// </summary>
    private bool MoreKampungRow(RawRow row, RawRow header, List<(string Code, int Column)> columns)
    {
        if (_kampungRows is not { } k) return false;
        if (IsColumnNumberRow(row)) return true;
        var figure = columns.Any(c => IndonesianNumber.Parse(row[c.Column]).IsOk);
        if (!figure) return false;
        k.LastRow = row.Number;
        if (IsTotalRow(row, Math.Max(2, columns.Min(c => c.Column) - 1))) return true;
        var (col, name) = RowKampung(row, header);
        k.More.Add((row.Number, col, name.Length > 0 ? name : RowName(row.Number)));
        return true;
    }

    /// <summary>"baris 7": how a kampung row without a name is named in the message.</summary>
    private string RowName(int row) => _sink.Text(MessageCatalogue.RowText, ("row", row.ToString(CultureInfo.InvariantCulture)));

    /// <summary>Once the table has ended: refuses the file when it held more than one kampung's row.</summary>
    private void EndKampungRows()
    {
        if (_kampungRows is not { } k) return;
        _kampungRows = null;
        if (k.More.Count == 0) return;
        var names = new[] { k.FirstName.Length > 0 ? k.FirstName : RowName(k.FirstRow) }.Concat(k.More.Select(m => m.Name)).ToList();
        var shown = string.Join(", ", names.Take(5))
            + (names.Count > 5 ? ", " + _sink.Text(MessageCatalogue.MoreText, ("count", (names.Count - 5).ToString(CultureInfo.InvariantCulture))) : "");
        var first = k.More[0];
        _sink.Error(ProblemCodes.SeveralKampungRows, k.Sheet, first.Row, first.Column >= 0 ? first.Column : null, first.Name,
            ("count", names.Count), ("rows", $"{k.FirstRow}–{k.LastRow}"), ("names", shown), ("first", names[0]));
    }
}
