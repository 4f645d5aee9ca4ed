using KampungKB.Core.Intake;
using KampungKB.Core.Model;
using KampungKB.Core.Normalisation;
using KampungKB.Core.Validation;

namespace KampungKB.Core.Layouts;

internal sealed partial class SheetAnalyzer
{
    // ---------- table rows ----------

    /// <summary>Reads the data rows under one header.</summary>
    private sealed partial class TableReader(SheetAnalyzer owner, string sheet, HeaderMatch header)
    {
        internal enum Outcome { Continue, EndTotal, EndSignature }

        private long _male, _female, _participants;
        private readonly int _labelColumnsEnd = new[] { header.Column("number"), header.Column("date"), header.Column("title"), header.Column("areaCode"), header.Column("name"), header.Column("planDate"), header.Column("planTitle"), 2 }.Max();
        private readonly RegistryRowReader? _registry = owner._mode == AnalysisMode.Registry ? new RegistryRowReader(owner, sheet, header) : null;
        // Per row the columns are looked up by index, not by field name (100,000 rows × a dozen fields).
        private readonly int _dateCol = header.Column("date"), _titleCol = header.Column("title");
        private readonly int _maleCol = header.Column("male"), _femaleCol = header.Column("female"), _participantsCol = header.Column("participants");
        private readonly int _categoryCol = header.Column("category"), _partnersCol = header.Column("partners"), _targetCol = header.Column("target");
        private readonly int _fundingCol = header.Column("funding"), _notesCol = header.Column("notes"), _linkCol = header.Column("link"), _kampungCol = header.Column("kampung");
        /// <summary>The mapped columns but the row number's, in the header's order, with their field.</summary>
        private readonly (string Field, int Column)[] _mapped = header.Columns.Where(c => c.Key != "number").Select(c => (c.Key, c.Value)).ToArray();
        /// <summary>A partner cell's text → its partners; cadres repeat a handful of partner lists, so each list is split and stored once.</summary>
        private readonly Dictionary<string, IReadOnlyList<string>> _partners = new(StringComparer.Ordinal);
        private readonly Dictionary<ActivityExtras, ActivityExtras> _extras = [];

        /// <summary>One instance per distinct set of rarely filled values ("Dana Desa" on every fifth row is stored once).</summary>
        private ActivityExtras Shared(ActivityExtras extras)
        {
            if (_extras.TryGetValue(extras, out var known)) return known;
            if (_extras.Count < 10_000) _extras[extras] = extras;
            return extras;
        }

        private LayoutCatalogue Catalogue => owner._catalogue;
        private ProblemSink Sink => owner._sink;

        internal Outcome Read(RawRow row)
        {
            if (_registry is not null) return _registry.Read(row);
            if (header.Plan) return ReadPlan(row);
            var dateCol = _dateCol;
            var titleCol = _titleCol;
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
                int? Quiet(int c) => c >= 0 && IndonesianNumber.ParseCount(row[c], out _) is { IsOk: true } v ? v.Value : null;
                var (m, f, all) = (Quiet(_maleCol), Quiet(_femaleCol), Quiet(_participantsCol));
                _male += m ?? 0;
                _female += f ?? 0;
                _participants += all ?? (m ?? 0) + (f ?? 0);
                return Outcome.Continue;
            }

            if (date.IsEmpty && IsPlannedOnly(row, titleText)) return Outcome.Continue;
            var ok = true;
            if (date.IsEmpty) { Sink.Error(ProblemCodes.MissingRequired, sheet, row.Number, dateCol, null, ("field", header.Layout.Fields["date"].DisplayName)); ok = false; }
            else if (!dateOk) { Sink.Error(ProblemCodes.InvalidDate, sheet, row.Number, dateCol, Text.Display(dateCell), ("field", header.Layout.Fields["date"].DisplayName)); ok = false; }
            if (titleText.Length == 0) { Sink.Error(ProblemCodes.MissingRequired, sheet, row.Number, titleCol, null, ("field", header.Layout.Fields["title"].DisplayName)); ok = false; }

            var male = Count(row, "male", _maleCol, ref ok);
            var female = Count(row, "female", _femaleCol, ref ok);
            var total = Count(row, "participants", _participantsCol, ref ok);
            int? participants = male is null && female is null ? total : (male ?? 0) + (female ?? 0);
            if (total is not null && (male is not null || female is not null) && total != participants)
            {
                var col = _participantsCol;
                Sink.Error(ProblemCodes.TotalMismatch, sheet, row.Number, col, Text.Display(row[col]), ("male", male ?? 0), ("female", female ?? 0), ("sum", participants ?? 0));
                ok = false;
            }
            // The total row is checked against every row as written, a row with its own mistake included.
            _male += male ?? 0;
            _female += female ?? 0;
            _participants += total ?? participants ?? 0;
            if (!ok) return Outcome.Continue;

            var (target, funding, notes, link) = (Str(row, _targetCol), Str(row, _fundingCol), Str(row, _notesCol), Str(row, _linkCol));
            // A date cell at midnight shows the date itself; anything else keeps the text the cadre sees.
            var dateText = dateCell is DateTime dt && dt.TimeOfDay == TimeSpan.Zero && date.Status == ParseStatus.Ok ? null : Text.Display(dateCell);
            owner._findings.Activities.Add(new ActivityRow
            {
                Date = date.Value, Title = titleText, Category = Str(row, _categoryCol),
                Participants = participants ?? -1, Male = male ?? -1, Female = female ?? -1,
                Partners = Partners(Str(row, _partnersCol)),
                Extras = (target ?? funding ?? notes ?? link ?? dateText) is null ? null : Shared(new ActivityExtras(target, funding, notes, link, dateText)),
                Sheet = sheet, Row = row.Number, DateColumn = (short)dateCol, YearMissing = date.Status == ParseStatus.NoYear,
            });
            // A Google Form's "Nama Kampung KB" answer names the kampung for the whole file.
            if (Str(row, _kampungCol) is { } kampung)
                owner._findings.SetIdentity("name", kampung.StartsWith("Kampung KB", StringComparison.OrdinalIgnoreCase) ? kampung : "Kampung KB " + kampung, Findings.Source.Profile);
            return Outcome.Continue;
        }

        /// <summary>
        /// A row that holds an activity even though its date cannot be read ("Selasa, 31 Juni 2025",
        /// "Kamis, 13 Novmber 2025"): a title beside a figure, or three mapped cells filled. Such a row is
        /// never taken for a signature line or a total row, so it and the rows after it are not lost.
        /// </summary>
        internal bool LooksLikeData(RawRow row)
        {
            var titleCol = _titleCol;
            var title = titleCol >= 0 && !Text.IsBlank(row[titleCol]) && !owner.IsTotalRow(new RawRow(row.Number, [row[titleCol]]), 0);
            var figure = false;
            var filled = 0;
            foreach (var (field, col) in _mapped)
            {
                if (Text.IsBlank(row[col])) continue;
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
            foreach (var (_, col) in _mapped)
            {
                if (Text.IsBlank(row[col])) continue;
                if (row[col] is not string s || (only is not null && s != only)) return false;
                only = s;
                count++;
            }
            return count >= 2;
        }

        private bool AllMappedBlank(RawRow row)
        {
            foreach (var (_, col) in _mapped)
                if (!Text.IsBlank(row[col])) return false;
            return true;
        }

        /// <summary>True when the row would be read as an activity (a date that parses and a title).</summary>
        internal bool IsActivityRow(RawRow row)
        {
            var titleCol = _titleCol;
            var date = IndonesianDate.Parse(row[_dateCol]);
            return (date.IsOk || date.Status == ParseStatus.NoYear) && titleCol >= 0 && !Text.IsBlank(row[titleCol])
                   && !owner.IsTotalRow(row, _labelColumnsEnd);
        }

        private int FirstFilled(RawRow row)
        {
            foreach (var (_, col) in header.Columns.OrderBy(c => c.Value))
                if (!Text.IsBlank(row[col])) return col;
            return 0;
        }

        private int? Count(RawRow row, string field, int col, ref bool ok)
        {
            if (col < 0) return null;
            var cell = row[col];
            var parsed = IndonesianNumber.ParseCount(cell, out var commaGrouped);
            if (!owner.ReportCount(parsed, sheet, row.Number, col, cell, header.Layout.Fields[field].DisplayName, commaGrouped)) { ok = false; return null; }
            return parsed.IsOk ? parsed.Value : null;
        }

        private static string? Str(RawRow row, int col)
        {
            if (col < 0 || Text.IsBlank(row[col])) return null;
            var s = Text.Collapse(Text.Display(row[col]) ?? "");
            return s.Length == 0 || s is "-" ? null : s;
        }

        private IReadOnlyList<string> Partners(string? text)
        {
            if (text is null) return [];
            if (_partners.TryGetValue(text, out var known)) return known;
            IReadOnlyList<string> list = PartnerSplit().Split(text).Select(p => p.Trim(' ', '.', '-')).Where(p => p.Length > 0)
                .Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
            if (_partners.Count < 10_000) _partners[text] = list;
            return list;
        }

        /// <summary>Checks the sums a total row states against the rows read.</summary>
        internal void Finish(RawRow? totalRow)
        {
            if (header.Plan) { FinishPlan(); return; }
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
