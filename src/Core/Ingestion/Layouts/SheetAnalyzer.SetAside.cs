using KampungKB.Core.Ingestion.Intake;
using KampungKB.Core.Ingestion.Normalisation;
using KampungKB.Core.Ingestion.Validation;

namespace KampungKB.Core.Ingestion.Layouts;

/// <summary>
/// Blocks of rows that are not activities though they sit where activities are (docs/ingestion.md, *What is not
/// the report*; domain.md: what the dinas reads is what the cadre wrote): below the total row, a table with a
/// header of its own that is no activity table (a cash book "Tanggal | Uraian | Pemasukan | Pengeluaran", a guest
/// list, an inventory); under the activity table after a blank row, a count of activities per bidang (a summary or
/// pivot, "Bidang | Jumlah Kegiatan"). Each is set aside whole, with one warning naming its rows, never read into
/// the activity table; real activities after it are still read.
/// </summary>
internal sealed partial class SheetAnalyzer
{
    /// <summary>
    /// Rows being set aside: the header row's text, the first and last row, and whether rows of data followed the
    /// header (a header line followed only by text, such as the names of a signature block, is no table).
    /// </summary>
    private sealed class AsideBlock(string code, string sheet, int first, string text, bool confirmed)
    {
        internal string Code { get; } = code;
        internal string Sheet { get; } = sheet;
        internal int First { get; } = first;
        internal string Text { get; } = text;
        internal int Last = first;
        internal bool Confirmed = confirmed;
    }

    private AsideBlock? _aside;

    /// <summary>
    /// True when <paramref name="row"/> continues the block being set aside (the next row, without a gap). A block
    /// whose header is followed by a row without any figure or date is dropped: that row is read as usual.
    /// </summary>
    private bool ContinueAside(RawRow row)
    {
        if (_aside is not { } a) return false;
        if (row.Number == a.Last + 1)
        {
            if (!a.Confirmed && !HasFigureOrDate(row)) { _aside = null; return false; }
            a.Confirmed = true;
            a.Last = row.Number;
            return true;
        }
        EndAside();
        return false;
    }

    /// <summary>Writes the block's warning, naming its rows ("12–15"), once it has ended.</summary>
    private void EndAside()
    {
        if (_aside is not { Confirmed: true } a) { _aside = null; return; }
        _aside = null;
        var rows = a.Last > a.First ? $"{a.First}–{a.Last}" : a.First.ToString(System.Globalization.CultureInfo.InvariantCulture);
        _sink.Warning(a.Code, a.Sheet, a.First, null, a.Text, ("rows", rows));
    }

    /// <summary>
    /// Below a table's end: a header line (two or more texts, no figure, no date, no signature or total) that starts
    /// no table the templates know — not an activity table with counts, not a plan, indicator list, profile line or
    /// year sheet. An activity header without any count column and with columns it does not know ("Pemasukan") is
    /// such a table too.
    /// </summary>
    private bool StartUnknownTable(string sheet, RawRow row)
    {
        if (!IsHeaderLine(row) || IsEndRow(row) || IsTotalRow(row, row.Cells.Length)) return false;
        int label = 0, value = 0, other = 0, unknown = 0;
        foreach (var c in row.Cells)
        {
            if (c is not string s || Text.IsBlank(c)) continue;
            var key = _catalogue.Key(s);
            if (key.Length == 0) continue;
            if (_catalogue.ProfileField(key) is not null || _catalogue.IndicatorCode(s) is not null || _catalogue.OtherTable(key) is not null) return false;
            if (_catalogue.IsOtherTableHeader(key)) other++;
            else if (_catalogue.IsListLabelHeader(key)) label++;
            else if (_catalogue.IsListValueHeader(key)) value++;
            if (_catalogue.Activities.Match(key) is null) unknown++;
        }
        if (other > 0 || (label > 0 && value > 0) || MatchMonthHeader(row) is not null) return false;
        if (MatchHeader(_catalogue.Activities, row) is { } h && (h.Plan || h.Columns.Keys.Any(k => k is "male" or "female" or "participants") || unknown == 0)) return false;
        _aside = new AsideBlock(ProblemCodes.TableBelowTotalUnknown, sheet, row.Number, LineText(row), confirmed: false);
        return true;
    }

    /// <summary>
    /// Under the activity table after a blank row: a header line naming a count of activities (the "summary" kind
    /// of other-content.json: "Jumlah Kegiatan", "Rekap per Bidang", "Count of"), set aside with the rows under it.
    /// </summary>
    private bool StartSummaryBlock(string sheet, RawRow row)
    {
        // A title line alone ("REKAP KEGIATAN PER BIDANG") starts it too: the header and counts follow without a gap.
        if (!IsHeaderLine(row, minCells: 1) || AnnouncedTable(row) is not { Kind: "summary" }) return false;
        _aside = new AsideBlock(ProblemCodes.SummaryTableSkipped, sheet, row.Number, LineText(row), confirmed: true);
        return true;
    }

    /// <summary><paramref name="minCells"/> (default two) to fifteen cells of text, none a number or a date.</summary>
    private static bool IsHeaderLine(RawRow row, int minCells = 2)
    {
        var filled = 0;
        foreach (var c in row.Cells)
        {
            if (Text.IsBlank(c)) continue;
            if (c is not string s || s.Length > 120 || ++filled > 15) return false;
            if (IndonesianNumber.Parse(s).IsOk || IndonesianDate.Parse(s) is { IsOk: true } or { Status: ParseStatus.NoYear }) return false;
        }
        return filled >= minCells;
    }

    private static bool HasFigureOrDate(RawRow row)
    {
        foreach (var c in row.Cells)
        {
            if (c is double or DateTime) return true;
            if (c is string s && s.Length < 40 && (IndonesianNumber.Parse(s).IsOk || IndonesianDate.Parse(s).IsOk)) return true;
        }
        return false;
    }

    private static string LineText(RawRow row)
    {
        var text = string.Join(" | ", row.Cells.Where(c => !Text.IsBlank(c)).Select(c => Text.Collapse(Text.Display(c) ?? "")));
        return text.Length > 120 ? text[..117] + "…" : text;
    }
}
