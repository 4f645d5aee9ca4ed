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
