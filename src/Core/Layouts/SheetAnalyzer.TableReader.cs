using KampungKB.Core.Intake;
using KampungKB.Core.Model;
using KampungKB.Core.Normalisation;
using KampungKB.Core.Validation;

namespace KampungKB.Core.Layouts;

internal sealed partial class SheetAnalyzer
{
    // ---------- table rows ----------

    /// <summary>Reads the data rows under one header.</summary>
    private sealed class TableReader(SheetAnalyzer owner, string sheet, HeaderMatch header)
    {
        internal enum Outcome { Continue, EndTotal, EndSignature }

        private long _male, _female, _participants;
        private readonly int _labelColumnsEnd = new[] { header.Column("number"), header.Column("date"), header.Column("title"), header.Column("areaCode"), header.Column("name"), 2 }.Max();
        private readonly RegistryRowReader? _registry = owner._mode == AnalysisMode.Registry ? new RegistryRowReader(owner, sheet, header) : null;

        private LayoutCatalogue Catalogue => owner._catalogue;
        private ProblemSink Sink => owner._sink;

        internal Outcome Read(RawRow row)
        {
            if (_registry is not null) return _registry.Read(row);
            var dateCol = header.Column("date");
            var titleCol = header.Column("title");
            var dateCell = row[dateCol];
            var date = IndonesianDate.Parse(dateCell);
            var dateOk = date.IsOk || date.Status == ParseStatus.NoYear;
            if (!dateOk && !LooksLikeData(row))
            {
                if (owner.IsTotalRow(row, _labelColumnsEnd)) return Outcome.EndTotal;
                if (owner.IsEndRow(row)) return Outcome.EndSignature;
            }
            if (AllMappedBlank(row) || IsMergedLabel(row)) return Outcome.Continue;
            var titleText = row[titleCol] is { } t ? Text.Collapse(Text.Display(t) ?? "") : "";
            if (date.IsEmpty && titleText.Length == 0)
            {
                // Figures with neither date nor title: not an activity, but never dropped in silence.
                Sink.Warning(ProblemCodes.RowNotRead, sheet, row.Number, FirstFilled(row), Text.Display(row[FirstFilled(row)]));
                // Its figures are still part of what the cadre wrote, so the JUMLAH row is checked with them.
                int? Quiet(string field) => header.Column(field) is var c and >= 0 && IndonesianNumber.ParseCount(row[c], out _) is { IsOk: true } v ? v.Value : null;
                var (m, f, all) = (Quiet("male"), Quiet("female"), Quiet("participants"));
                _male += m ?? 0;
                _female += f ?? 0;
                _participants += all ?? (m ?? 0) + (f ?? 0);
                return Outcome.Continue;
            }

            var ok = true;
            if (date.IsEmpty) { Sink.Error(ProblemCodes.MissingRequired, sheet, row.Number, dateCol, null, ("field", header.Layout.Fields["date"].DisplayName)); ok = false; }
            else if (!dateOk) { Sink.Error(ProblemCodes.InvalidDate, sheet, row.Number, dateCol, Text.Display(dateCell), ("field", header.Layout.Fields["date"].DisplayName)); ok = false; }
            if (titleText.Length == 0) { Sink.Error(ProblemCodes.MissingRequired, sheet, row.Number, titleCol, null, ("field", header.Layout.Fields["title"].DisplayName)); ok = false; }

            var male = Count(row, "male", ref ok);
            var female = Count(row, "female", ref ok);
            var total = Count(row, "participants", ref ok);
            int? participants = male is null && female is null ? total : (male ?? 0) + (female ?? 0);
            if (total is not null && (male is not null || female is not null) && total != participants)
            {
                var col = header.Column("participants");
                Sink.Error(ProblemCodes.TotalMismatch, sheet, row.Number, col, Text.Display(row[col]), ("male", male ?? 0), ("female", female ?? 0), ("sum", participants ?? 0));
                ok = false;
            }
            // The total row is checked against every row as written, a row with its own mistake included.
            _male += male ?? 0;
            _female += female ?? 0;
            _participants += total ?? participants ?? 0;
            if (!ok) return Outcome.Continue;

            var activity = new Activity(
                date.Value, titleText, Str(row, "category"), participants, male, female, Partners(Str(row, "partners")),
                Str(row, "target"), Str(row, "funding"), Str(row, "notes"), Str(row, "link"), sheet, row.Number);
            // A Google Form's "Nama Kampung KB" answer names the kampung for the whole file.
            if (Str(row, "kampung") is { } kampung)
                owner._findings.SetIdentity("name", kampung.StartsWith("Kampung KB", StringComparison.OrdinalIgnoreCase) ? kampung : "Kampung KB " + kampung, Findings.Source.Profile);
            owner._findings.Activities.Add(new FoundActivity(activity, new CellRef(sheet, row.Number, dateCol, dateCell as string), date.Status == ParseStatus.NoYear, dateCell));
            return Outcome.Continue;
        }

        /// <summary>
        /// A row that holds an activity even though its date cannot be read ("Selasa, 31 Juni 2025",
        /// "Kamis, 13 Novmber 2025"): a title beside a figure, or three mapped cells filled. Such a row is
        /// never taken for a signature line or a total row, so it and the rows after it are not lost.
        /// </summary>
        internal bool LooksLikeData(RawRow row)
        {
            var titleCol = header.Column("title");
            var title = titleCol >= 0 && !Text.IsBlank(row[titleCol]) && !owner.IsTotalRow(new RawRow(row.Number, [row[titleCol]]), 0);
            var figure = false;
            var filled = 0;
            foreach (var (field, col) in header.Columns)
            {
                if (field == "number" || Text.IsBlank(row[col])) continue;
                filled++;
                if (field is "male" or "female" or "participants" && IndonesianNumber.Parse(row[col]).IsOk) figure = true;
            }
            return title && !IsMergedLabel(row) && (figure || filled >= 3);
        }

        /// <summary>
        /// One text spread over the row's mapped cells by a merge across ("MINGGU I", a signature line or
        /// a JUMLAH label merged over the table's width): a heading, not an activity.
        /// </summary>
        internal bool IsMergedLabel(RawRow row)
        {
            string? only = null;
            var count = 0;
            foreach (var (field, col) in header.Columns)
            {
                if (field == "number" || Text.IsBlank(row[col])) continue;
                if (row[col] is not string s || (only is not null && s != only)) return false;
                only = s;
                count++;
            }
            return count >= 2;
        }

        private bool AllMappedBlank(RawRow row)
        {
            foreach (var (field, col) in header.Columns)
                if (field != "number" && !Text.IsBlank(row[col])) return false;
            return true;
        }

        /// <summary>True when the row would be read as an activity (a date that parses and a title).</summary>
        internal bool IsActivityRow(RawRow row)
        {
            var titleCol = header.Column("title");
            var date = IndonesianDate.Parse(row[header.Column("date")]);
            return (date.IsOk || date.Status == ParseStatus.NoYear) && titleCol >= 0 && !Text.IsBlank(row[titleCol])
                   && !owner.IsTotalRow(row, _labelColumnsEnd);
        }

        private int FirstFilled(RawRow row)
        {
            foreach (var (_, col) in header.Columns.OrderBy(c => c.Value))
                if (!Text.IsBlank(row[col])) return col;
            return 0;
        }

        private int? Count(RawRow row, string field, ref bool ok)
        {
            var col = header.Column(field);
            if (col < 0) return null;
            var parsed = IndonesianNumber.ParseCount(row[col], out var commaGrouped);
            if (!owner.ReportCount(parsed, sheet, row.Number, col, Text.Display(row[col]), header.Layout.Fields[field].DisplayName, commaGrouped)) { ok = false; return null; }
            return parsed.IsOk ? parsed.Value : null;
        }

        private string? Str(RawRow row, string field)
        {
            var col = header.Column(field);
            if (col < 0 || Text.IsBlank(row[col])) return null;
            var s = Text.Collapse(Text.Display(row[col]) ?? "");
            return s.Length == 0 || s is "-" ? null : s;
        }

        private static IReadOnlyList<string> Partners(string? text)
        {
            if (text is null) return [];
            return PartnerSplit().Split(text).Select(p => p.Trim(' ', '.', '-')).Where(p => p.Length > 0)
                .Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
        }

        /// <summary>Checks the sums a total row states against the rows read.</summary>
        internal void Finish(RawRow? totalRow)
        {
            if (totalRow is not { } row || owner._mode != AnalysisMode.Report) return;
            foreach (var (field, sum) in new[] { ("male", _male), ("female", _female), ("participants", header.Columns.ContainsKey("male") ? -1 : _participants) })
            {
                var col = header.Column(field);
                if (col < 0 || sum < 0) continue;
                var parsed = IndonesianNumber.ParseCount(row[col]);
                if (parsed.IsOk && parsed.Value != sum)
                    Sink.Warning(ProblemCodes.TotalRowMismatch, sheet, row.Number, col, Text.Display(row[col]), ("sum", sum), ("field", header.Layout.Fields[field].DisplayName));
            }
        }
    }

}
