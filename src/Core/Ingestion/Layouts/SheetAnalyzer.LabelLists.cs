using System.Text.RegularExpressions;
using KampungKB.Core.Ingestion.Intake;
using KampungKB.Core.Ingestion.Normalisation;
using KampungKB.Core.Ingestion.Validation;

namespace KampungKB.Core.Ingestion.Layouts;

/// <summary>
/// Label | number rows outside activity tables (domain.md "What a cadre uploads" §2: data capaian is
/// usually a vertical label/value list). Such rows become figures only inside a list recognised as an
/// indicator list — under an "Uraian | Jumlah" header, or a run of rows whose labels are indicators —
/// and there every label | number row is either a figure or named (<c>indicator-unknown</c>). A table
/// whose header or title says it counts something else (participants per target group, attendance per
/// poktan, a pivot) gives no figures and is named as skipped (<c>table-skipped</c>). A unit cell ("KK",
/// "Jiwa", "%") beside a figure is neither the figure nor evidence of a header.
/// </summary>
internal sealed partial class SheetAnalyzer
{
    private enum ListKind { None, Indicators, Other }

    private ListKind _listKind;
    private string _listSheet = "";
    private int _listStart, _listLastRow, _listSkipped;
    private string _listHeader = "";
    /// <summary>Unknown label | number rows of a list not yet recognised (no header, no indicator label yet).</summary>
    private readonly List<(string Sheet, int Row, int Column, string Label, string Value)> _listPending = [];

    /// <summary>Rows of an indicator list have been read, so a header here would stand in the middle of a table.</summary>
    private bool InsideIndicatorList => _listKind == ListKind.Indicators && _listLastRow > _listStart;

    /// <summary>
    /// Ends the current list: an other table is named with the count of its number rows; unknown rows of a
    /// list never recognised are named when there were several (a list of wordings none of which is known).
    /// </summary>
    private void EndList()
    {
        if (_listKind == ListKind.Other && _listSkipped > 0)
            _sink.Warning(ProblemCodes.TableSkipped, _listSheet, _listStart, null, _listHeader, ("header", _listHeader), ("count", _listSkipped));
        if (_listKind == ListKind.None && _listPending.Count >= 2) FlushPending();
        _listPending.Clear();
        _listKind = ListKind.None;
        _listSkipped = 0;
        _listStart = _listLastRow = 0;
    }

    private void StartList(ListKind kind, string sheet, int row, string header)
    {
        EndList();
        (_listKind, _listSheet, _listStart, _listLastRow, _listHeader) = (kind, sheet, row, row, header);
    }

    private void FlushPending()
    {
        foreach (var u in _listPending) WarnUnknown(u.Sheet, u.Row, u.Column, u.Label, u.Value);
        _listPending.Clear();
    }

    private void WarnUnknown(string sheet, int row, int column, string label, string value)
    {
        _sink.Warning(ProblemCodes.IndicatorUnknown, sheet, row, column, value, ("label", label), ("value", value));
        _findings.UnknownIndicators.Add((label, new CellRef(sheet, row, column, value)));
    }

    /// <summary>
    /// A header of a label-and-number table: all text, two or more cells of the list vocabulary. A column
    /// of an other table ("Sasaran", "Row Labels", "Jumlah Hadir") makes it an other table; a label column
    /// and a value column ("Uraian | Jumlah") an indicator list. True when the row was such a header.
    /// </summary>
    private bool MatchListHeader(string sheet, RawRow row)
    {
        if (HasFigure(row)) return false;
        int other = 0, label = 0, value = 0, filled = 0;
        foreach (var c in row.Cells)
        {
            if (Text.IsBlank(c)) continue;
            filled++;
            if (c is not string s) return false;
            var key = _catalogue.Key(s);
            if (key.Length == 0) continue;
            if (_catalogue.IsOtherTableHeader(key)) other++;
            else if (label == 0 && _catalogue.IsListLabelHeader(key)) label++;
            else if (_catalogue.IsListValueHeader(key)) value++;
        }
        if (filled < 2) return false;
        if (other > 0 && other + label + value >= 2) { StartList(ListKind.Other, sheet, row.Number, HeaderText(row)); return true; }
        if (other == 0 && label > 0 && value > 0) { StartList(ListKind.Indicators, sheet, row.Number, HeaderText(row)); return true; }
        return false;
    }

    private static string HeaderText(RawRow row) =>
        string.Join(" | ", row.Cells.Where(c => !Text.IsBlank(c)).Select(c => Text.Collapse(Text.Display(c) ?? "")));

    /// <summary>
    /// One row outside a table. Returns true when the row was taken (a figure read, or a number row of an
    /// other table); false lets profile and banner reading see it.
    /// </summary>
    private bool TryListRow(string sheet, RawRow row)
    {
        if (_listKind != ListKind.None && (row.Number > _listLastRow + 2 || sheet != _listSheet)) EndList();
        if (_listKind == ListKind.None && _listPending.Count > 0 && (row.Number > _listLastRow + 2 || sheet != _listSheet)) EndList();
        if (TitleOf(row) is { } title)
        {
            // A title line ends a list and may name the next table ("REKAP PESERTA PER SASARAN").
            EndList();
            if (_catalogue.IsOtherTableTitle(_catalogue.Key(title))) StartList(ListKind.Other, sheet, row.Number, Text.Collapse(title));
            return false;
        }
        var known = KnownLabel(row);
        var unknown = known is null ? UnknownLabelNumber(row) : null;
        if (_listKind == ListKind.Other)
        {
            if (known is null && unknown is null && !HasFigure(row)) return false;
            _listSkipped++;
            _listLastRow = row.Number;
            return true;
        }
        if (known is { } k)
        {
            if (_listKind == ListKind.None) { (_listKind, _listSheet, _listStart) = (ListKind.Indicators, sheet, row.Number); FlushPending(); }
            _listLastRow = row.Number;
            if (k.Value < 0) return true; // the label with nothing beside it but a unit: left empty
            _findings.RecognisedAnything = true;
            RecordIndicator(sheet, row, k.Value, k.Code);
            return true;
        }
        if (unknown is not { } u) return false;
        var value = Text.Display(row[u.Value]) ?? "";
        var label = Text.Collapse(Text.Display(row[u.Label]) ?? "");
        if (_listKind == ListKind.Indicators) WarnUnknown(sheet, row.Number, u.Value, label, value);
        else
        {
            if (_listPending.Count == 0) _listSheet = sheet;
            _listPending.Add((sheet, row.Number, u.Value, label, value));
        }
        _listLastRow = row.Number;
        return false;
    }

    /// <summary>The text of a row holding one text cell only (a title or sub-heading), else null.</summary>
    private static string? TitleOf(RawRow row)
    {
        string? only = null;
        foreach (var c in row.Cells)
        {
            if (Text.IsBlank(c)) continue;
            if (only is not null || c is not string s) return null;
            only = s;
        }
        return only;
    }

    /// <summary>The first cell holding an indicator label, and the cell of its value (-1: none but blanks, ":" and units).</summary>
    private (string Code, int Label, int Value)? KnownLabel(RawRow row)
    {
        for (var i = 0; i < row.Cells.Length; i++)
        {
            if (row.Cells[i] is not string s || _catalogue.IndicatorCode(s) is not { } code) continue;
            return (code, i, ValueAfter(row, i));
        }
        return null;
    }

    /// <summary>The first cell after <paramref name="label"/> that is not blank, ":" or "=", or a unit word; -1 when none.</summary>
    private int ValueAfter(RawRow row, int label)
    {
        for (var j = label + 1; j < row.Cells.Length; j++)
        {
            var v = row.Cells[j];
            if (Text.IsBlank(v) || v is string t && (t.Trim() is ":" or "=" || _catalogue.IsUnitWord(t))) continue;
            if (row.Merges is not null && row.SpanAt(j) is { } span && span.From <= label) continue; // the label merged over several columns
            return j;
        }
        return -1;
    }

    [GeneratedRegex(@"^\(?[A-Za-z0-9]{1,4}[.)]?$")]
    private static partial Regex ListNumber();

    /// <summary>
    /// A row "label | number" whose label is no indicator, a profile field or an ignored label ("Tahun"):
    /// the label is the first text cell with three letters or more that is not a list number.
    /// </summary>
    private (int Label, int Value)? UnknownLabelNumber(RawRow row)
    {
        for (var i = 0; i < row.Cells.Length; i++)
        {
            var c = row.Cells[i];
            if (Text.IsBlank(c)) continue;
            if (c is not string s) { if (c is double) continue; return null; }
            var t = s.Trim();
            if (IndonesianNumber.Parse(t).IsOk || ListNumber().IsMatch(t) || t.Count(char.IsLetter) < 3) continue;
            var key = _catalogue.Key(t.TrimEnd(':', ' '));
            if (_catalogue.IsIgnoredLabel(key) || _catalogue.ProfileField(key) is not null) return null;
            var j = ValueAfter(row, i);
            return j >= 0 && row[j] is not DateTime && IndonesianNumber.Parse(row[j]).IsOk ? (i, j) : null;
        }
        return null;
    }

    /// <summary>
    /// A one-row indicator table ("KK | PUS | Jumlah Jiwa | PA" over its figures): a header cell that is no
    /// indicator but has a number beneath it is named like an unknown row of a list.
    /// </summary>
    private void WarnUnknownColumns(string sheet, RawRow header, RawRow values, List<(string Code, int Column)> mapped)
    {
        for (var i = 0; i < header.Cells.Length; i++)
        {
            if (header.Cells[i] is not string s || mapped.Any(m => m.Column == i) || _catalogue.IsUnitWord(s)) continue;
            var t = s.Trim();
            if (t.Count(char.IsLetter) < 3 || ListNumber().IsMatch(t)) continue;
            var key = _catalogue.Key(t);
            if (_catalogue.IsIgnoredLabel(key) || _catalogue.ProfileField(key) is not null || _catalogue.IsTotalMarker(key)) continue;
            var v = values[i];
            if (v is DateTime || !IndonesianNumber.Parse(v).IsOk) continue;
            WarnUnknown(sheet, values.Number, i, Text.Collapse(t), Text.Display(v) ?? "");
        }
    }

    /// <summary>A cell holding a figure: a number or date cell, or text that reads as a number ("250", "1.204").</summary>
    private static bool HasFigure(RawRow row)
    {
        foreach (var c in row.Cells)
        {
            if (c is double or DateTime) return true;
            if (c is string s && s.Length is > 0 and < 30 && char.IsAsciiDigit(s.Trim().FirstOrDefault()) && IndonesianNumber.ParseText(s).IsOk) return true;
        }
        return false;
    }
}
