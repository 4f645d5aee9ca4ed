using KampungKB.Core.Ingestion.Intake;
using KampungKB.Core.Ingestion.Normalisation;
using KampungKB.Core.Ingestion.Validation;

namespace KampungKB.Core.Ingestion.Layouts;

/// <summary>
/// What a sheet holds besides the report (templates/layouts/other-content.json): a table below the total row
/// with its own title or header (next month's plan, an attendance list, the Pokja's officers) is judged for
/// what it is and set aside with one note, never counted as this month's activities nor refused cell by cell;
/// rows and banners marked as examples are skipped with a note. Domain.md: what the dinas reads is what the
/// cadre wrote, and a plan is not what happened.
/// </summary>
internal sealed partial class SheetAnalyzer
{
    /// <summary>The block of rows being set aside: where it started, its last row, and whether its header was seen.</summary>
    private sealed class OtherBlock(int lastRow, bool header)
    {
        internal int LastRow = lastRow;
        internal bool HeaderSeen = header;
    }

    private OtherBlock? _other;

    /// <summary>The sheet opens with instructions ("PETUNJUK PENGISIAN"): what its banner states is only a fallback.</summary>
    private bool _weakSheet;

    /// <summary>The source a banner or profile value of this sheet has: on an instruction sheet, the weakest (any other sheet's wins).</summary>
    private Findings.Source Weak(Findings.Source source) => _weakSheet ? Findings.Source.Dates : source;

    /// <summary>
    /// The kind of table this row announces, when it is a title or header line (no figure, no date) whose words
    /// name a plan, an attendance list or the officers ("RENCANA KEGIATAN BULAN DEPAN", "No | Nama | Jabatan").
    /// </summary>
    private (string Kind, string Name)? AnnouncedTable(RawRow row)
    {
        var filled = 0;
        foreach (var c in row.Cells)
        {
            if (Text.IsBlank(c)) continue;
            if (c is not string s || s.Length > 200 || ++filled > 15) return null;
            if (IndonesianNumber.Parse(s).IsOk || IndonesianDate.Parse(s) is { IsOk: true } or { Status: ParseStatus.NoYear }) return null;
        }
        if (filled == 0) return null;
        foreach (var c in row.Cells)
            if (c is string s && _catalogue.OtherTable(_catalogue.Key(s)) is { } kind) return kind;
        return null;
    }

    /// <summary>
    /// Below a table's end (total row or signature): true when <paramref name="row"/> belongs to a table set aside,
    /// either one started above (rows follow without a gap, or its header is still to come) or one this row starts
    /// (then the note is written once, at its first row).
    /// </summary>
    private bool SkipOtherTable(string sheet, RawRow row)
    {
        if (_other is { } o)
        {
            if (row.Number <= o.LastRow + 1 || (!o.HeaderSeen && row.Number <= o.LastRow + 4))
            {
                if (!o.HeaderSeen && row.Cells.Count(c => !Text.IsBlank(c)) >= 2) o.HeaderSeen = true;
                o.LastRow = row.Number;
                return true;
            }
            _other = null;
        }
        return StartOtherTable(sheet, row);
    }

    private bool StartOtherTable(string sheet, RawRow row)
    {
        if (AnnouncedTable(row) is not { } kind) return false;
        var text = string.Join(" | ", row.Cells.Where(c => !Text.IsBlank(c)).Select(c => Text.Collapse(Text.Display(c) ?? "")));
        if (text.Length > 120) text = text[..117] + "…";
        _sink.Warning(ProblemCodes.TableBelowTotalSkipped, sheet, row.Number, null, text, ("kind", kind.Name));
        _other = new OtherBlock(row.Number, header: row.Cells.Count(c => !Text.IsBlank(c)) >= 2);
        return true;
    }

    /// <summary>
    /// An activity row marked as an example ("Contoh", "(contoh)", "Contoh: Posyandu" in its first cell, number,
    /// title or notes): skipped with a note, its figures not part of the report nor of the JUMLAH check.
    /// </summary>
    private bool IsExampleRow(RawRow row, int numberCol, int titleCol, int notesCol)
    {
        return Marked(0) || Marked(numberCol) || Marked(titleCol) || Marked(notesCol);

        bool Marked(int col) => col >= 0 && row[col] is string s && _catalogue.IsExample(s);
    }

    /// <summary>A banner or profile text marked as an example ("Kelurahan Contoh", "Contoh: Bulan Januari 2025"): it sets neither kampung nor period.</summary>
    private bool IsExampleBanner(string sheet, RawRow row, int col, string text, IdentityExtractor.Found? found = null)
    {
        var marked = _catalogue.IsExample(text);
        if (!marked && found is { } f)
            foreach (var v in new[] { f.Name?.Replace("Kampung KB ", "", StringComparison.OrdinalIgnoreCase), f.Village, f.District, f.Regency?.Replace("Kabupaten ", "").Replace("Kota ", "") })
                if (v is not null && _catalogue.IsExample(v)) { marked = true; break; }
        if (!marked) return false;
        _sink.Warning(ProblemCodes.ExampleBannerSkipped, sheet, row.Number, col, text);
        return true;
    }
}
