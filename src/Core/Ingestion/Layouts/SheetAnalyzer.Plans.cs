using KampungKB.Core.Ingestion.Intake;
using KampungKB.Core.Ingestion.Normalisation;
using KampungKB.Core.Ingestion.Validation;

namespace KampungKB.Core.Ingestion.Layouts;

/// <summary>
/// Plan columns (activities.json planDate, planTitle, planCount: "Tanggal Rencana", "Rencana Kegiatan",
/// "Jumlah Sasaran", "Target"). What the dinas reads is what was carried out (domain.md §1: the activity's
/// date and its participants), so a plan column is never read as the actual one: a table with actual columns
/// reads those and ignores the plan's; a table with only plan columns is a plan, named and never counted
/// (<c>plan-skipped</c>, or <c>plan-only</c> when the file reports nothing else); a row with a planned date
/// but no date held is named (<c>plan-not-held</c>).
/// </summary>
internal sealed partial class SheetAnalyzer
{
    /// <summary>
    /// For an activities header holding plan columns: the actual table when it has a date held and a title
    /// (or the plan's title beside a date held and counts: the activity keeps its planned name); a plan table
    /// when only plan columns give the date or the title; null when the row holds no plan column.
    /// </summary>
    private HeaderMatch? MatchPlanColumns(RawRow row, Dictionary<string, int> columns)
    {
        bool Has(string f) => columns.ContainsKey(f);
        if (!Has("planDate") && !Has("planTitle") && !Has("planCount")) return null;
        var layout = _catalogue.Activities;
        if (Has("date") && Has("title")) return new HeaderMatch(layout, row.Number, columns);
        if (Has("date") && Has("planTitle") && (Has("participants") || Has("male") || Has("female")))
        {
            var actual = new Dictionary<string, int>(columns, StringComparer.Ordinal) { ["title"] = columns["planTitle"] };
            return new HeaderMatch(layout, row.Number, actual);
        }
        if ((Has("date") || Has("planDate")) && (Has("title") || Has("planTitle")) && (Has("planDate") || Has("planTitle")))
        {
            var plan = string.Join(", ", new[] { "planTitle", "planDate", "planCount" }.Where(Has).Select(f => $"\"{Text.Collapse(Text.Display(row[columns[f]]) ?? "")}\""));
            return new HeaderMatch(layout, row.Number, columns, plan);
        }
        return null;
    }

    /// <summary>
    /// After every sheet is read: each plan table is named; when the file holds no activity and no figure,
    /// the first is an error (the upload is only a plan), the others warnings.
    /// </summary>
    internal static void JudgePlans(Findings findings, ProblemSink sink)
    {
        var onlyPlans = findings.Activities.Count == 0 && findings.Indicators.Count == 0;
        for (var i = 0; i < findings.PlanTables.Count; i++)
        {
            var (at, rows, columns) = findings.PlanTables[i];
            (string Key, object? Value)[] args = [("count", rows), ("columns", columns)];
            if (onlyPlans && i == 0) sink.Error(ProblemCodes.PlanOnly, at.Sheet, at.Row, null, at.Text, args);
            else sink.Warning(ProblemCodes.PlanSkipped, at.Sheet, at.Row, null, at.Text, args);
        }
    }
}

internal sealed partial class SheetAnalyzer
{
    private sealed partial class TableReader
    {
        private int _planRows;
        private readonly int _planDateCol = header.Column("planDate");

        /// <summary>A row of a plan table: counted, never an activity; the table ends at a total row or a signature line.</summary>
        private Outcome ReadPlan(RawRow row)
        {
            if (owner.IsTotalRow(row, _labelColumnsEnd)) return Outcome.EndTotal;
            var planned = _planDateCol >= 0 && IndonesianDate.Parse(row[_planDateCol]) is { IsOk: true } or { Status: ParseStatus.NoYear };
            if (!planned && owner.IsEndRow(row)) return Outcome.EndSignature;
            if (!AllMappedBlank(row) && !IsMergedLabel(row)) _planRows++;
            return Outcome.Continue;
        }

        /// <summary>
        /// A row of an actual table with a planned date but no date held and no count: an activity not (yet)
        /// carried out, named and not counted.
        /// </summary>
        private bool IsPlannedOnly(RawRow row, string title)
        {
            if (_planDateCol < 0 || Text.IsBlank(row[_planDateCol])) return false;
            foreach (var col in new[] { _maleCol, _femaleCol, _participantsCol })
                if (col >= 0 && !Text.IsBlank(row[col])) return false;
            var planned = row[_planDateCol];
            var text = planned is DateTime d ? d.ToString("dd/MM/yyyy", System.Globalization.CultureInfo.InvariantCulture) : Text.Display(planned);
            Sink.Warning(ProblemCodes.PlanNotHeld, sheet, row.Number, _planDateCol, text, ("title", title));
            return true;
        }

        private void FinishPlan()
        {
            if (_planRows == 0) return;
            owner._findings.PlanTables.Add((new CellRef(sheet, header.Row, 0, null), _planRows, header.PlanColumns!));
        }
    }
}
