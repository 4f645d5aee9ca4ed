using KampungKB.Core.Ingestion.Intake;
using KampungKB.Core.Model;
using KampungKB.Core.Ingestion.Normalisation;
using KampungKB.Core.Ingestion.Validation;

namespace KampungKB.Core.Ingestion.Layouts;

internal sealed partial class SheetAnalyzer
{
    // ---------- table rows ----------

    /// <summary>Reads the data rows under one header.</summary>
    private sealed partial class TableReader(SheetAnalyzer owner, string sheet, HeaderMatch header)
    {
        /// <summary>EndOther: the row announces another table (a plan, an attendance list, the officers).</summary>
        internal enum Outcome { Continue, EndTotal, EndSignature, EndOther }

        private long _male, _female, _participants;
        private readonly int _labelColumnsEnd = new[] { header.Column("number"), header.Column("date"), header.Column("title"), header.Column("areaCode"), header.Column("name"), header.Column("planDate"), header.Column("planTitle"), 2 }.Max();
        private readonly RegistryRowReader? _registry = owner._mode == AnalysisMode.Registry ? new RegistryRowReader(owner, sheet, header) : null;
        // Per row the columns are looked up by index, not by field name (100,000 rows × a dozen fields).
        private readonly int _dateCol = header.Column("date"), _titleCol = header.Column("title"), _numberCol = header.Column("number");
        private readonly int _maleCol = header.Column("male"), _femaleCol = header.Column("female"), _participantsCol = header.Column("participants");
        private readonly int _categoryCol = header.Column("category"), _partnersCol = header.Column("partners"), _targetCol = header.Column("target");
        private readonly int _fundingCol = header.Column("funding"), _notesCol = header.Column("notes"), _linkCol = header.Column("link"), _kampungCol = header.Column("kampung");
        private readonly int _villageCol = header.Column("village"), _districtCol = header.Column("district");
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
                if (owner._mode == AnalysisMode.Report && AnnouncesTable(row)) return Outcome.EndOther;
            }
            if (AllMappedBlank(row) || IsMergedLabel(row)) return Outcome.Continue;
            // On a sheet that opens with instructions, a lone line of text under the example table is more instruction.
            if (owner._weakSheet && !dateOk && row.Cells.Count(c => !Text.IsBlank(c)) == 1) return Outcome.Continue;
            if (owner.IsExampleRow(row, _numberCol, titleCol, _notesCol))
            {
                var at = titleCol >= 0 && !Text.IsBlank(row[titleCol]) ? titleCol : FirstFilled(row);
                Sink.Warning(ProblemCodes.ExampleSkipped, sheet, row.Number, at, Text.Display(row[at]));
                return Outcome.Continue;
            }
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
            else if (!dateOk && Text.IsCellError(dateCell)) { Sink.Error(ProblemCodes.CellError, sheet, row.Number, dateCol, Text.Display(dateCell), ("field", header.Layout.Fields["date"].DisplayName)); ok = false; }
            else if (!dateOk) { Sink.Error(ProblemCodes.InvalidDate, sheet, row.Number, dateCol, Text.Display(dateCell), ("field", header.Layout.Fields["date"].DisplayName)); ok = false; }
            if (Text.IsCellError(row[titleCol])) { Sink.Error(ProblemCodes.CellError, sheet, row.Number, titleCol, titleText, ("field", header.Layout.Fields["title"].DisplayName)); ok = false; }
            else if (titleText.Length == 0) { Sink.Error(ProblemCodes.MissingRequired, sheet, row.Number, titleCol, null, ("field", header.Layout.Fields["title"].DisplayName)); ok = false; }

            var countsOk = true;
            // A count merged across L and P (and Jumlah) is one value, the row's total: never L = P = the value.
            var across = CountSpan(row);
            var male = InSpan(across, _maleCol) ? null : Count(row, "male", _maleCol, ref countsOk);
            var female = InSpan(across, _femaleCol) ? null : Count(row, "female", _femaleCol, ref countsOk);
            var total = InSpan(across, _participantsCol) ? null : Count(row, "participants", _participantsCol, ref countsOk);
            if (across is { } span && MergedTotal(row, span, ref countsOk) is { } merged)
            {
                total ??= merged;
                _unsplit++;
            }
            ok &= countsOk;
            int? participants = male is null && female is null ? total : (male ?? 0) + (female ?? 0);
            // A count the cadre did not write (a broken or unreadable one) is not compared: its own problem says so.
            if (countsOk && total is not null && (male is not null || female is not null) && total != participants)
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
            // Its "Desa/Kelurahan" and "Kecamatan" answers are identity evidence too (checked against the banner once the file is read).
            if (_villageCol >= 0 && Str(row, _villageCol) is { } village) owner.NoteTableIdentity("village", Text.Tidy(village), sheet, row.Number, _villageCol);
            if (_districtCol >= 0 && Str(row, _districtCol) is { } district) owner.NoteTableIdentity("district", Text.Tidy(district), sheet, row.Number, _districtCol);
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
        /// Where the next activity would be, a line that starts another table: a title merged across or written
        /// outside the title column ("RENCANA KEGIATAN BULAN DEPAN" in column A), or a header row (two or more
        /// cells that are column names). A title-column text alone ("Jadwal posyandu" without a date) is an
        /// activity row with a missing date, not a new table.
        /// </summary>
        private bool AnnouncesTable(RawRow row)
        {
            if (owner.AnnouncedTable(row) is null) return false;
            if (IsMergedLabel(row)) return true;
            var filled = 0;
            var headers = 0;
            var inTitle = false;
            for (var i = 0; i < row.Cells.Length; i++)
            {
                if (Text.IsBlank(row.Cells[i])) continue;
                filled++;
                if (i == _titleCol) inTitle = true;
                if (row.Cells[i] is string s && header.Layout.Match(Catalogue.Key(s)) is not null) headers++;
            }
            return filled == 1 ? !inTitle : headers >= 2;
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

        /// <summary>
        /// True when no mapped cell holds anything the cadre wrote on this row: empty, or only values a merge
        /// spreads down from a row above (an activity merged over two rows is one activity, read on its first).
        /// </summary>
        private bool AllMappedBlank(RawRow row)
        {
            foreach (var (_, col) in _mapped)
                if (!Text.IsBlank(row[col]) && !(row.Merges is not null && row.SpanAt(col) is { } m && m.FirstRow < row.Number)) return false;
            return true;
        }

        /// <summary>Rows whose count was merged across L and P: their total is known, their split is not.</summary>
        private int _unsplit;

        private static bool InSpan(MergeSpan? span, int col) => col >= 0 && span is { } s && s.From <= col && col <= s.To;

        /// <summary>A merged range on this row covering two or more of the count columns (L, P, Jumlah), if any.</summary>
        private MergeSpan? CountSpan(RawRow row)
        {
            if (row.Merges is null) return null;
            foreach (var m in row.Merges)
            {
                var n = (InSpan(m, _maleCol) ? 1 : 0) + (InSpan(m, _femaleCol) ? 1 : 0) + (InSpan(m, _participantsCol) ? 1 : 0);
                if (n >= 2 && (m.From == _maleCol || m.From == _femaleCol || m.From == _participantsCol)) return m;
            }
            return null;
        }

        /// <summary>
        /// The value of a count merged across L and P, written on this row: the row's total, reported as such
        /// (its split unknown). Null on the rows below a range merged down as well (counted on its first row).
        /// </summary>
        private int? MergedTotal(RawRow row, MergeSpan span, ref bool ok)
        {
            if (span.FirstRow < row.Number) return Count(row, "participants", span.From, ref ok);
            var cell = row[span.From];
            var parsed = IndonesianNumber.ParseCount(cell, out var commaGrouped);
            if (!owner.ReportCount(parsed, sheet, row.Number, span.From, cell, header.Layout.Fields["participants"].DisplayName, commaGrouped)) { ok = false; return null; }
            if (!parsed.IsOk) return null;
            Sink.Warning(ProblemCodes.MergedCountColumns, sheet, row.Number, span.From, Text.Display(cell),
                ("value", parsed.Value), ("columns", ColumnLetters.Of(span.From) + "–" + ColumnLetters.Of(span.To)));
            return parsed.Value;
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
            if (row.IsMergeCopy(col))
            {
                // A count merged down over several rows belongs to its first row: counted once, there.
                if (row.SpanAt(col) is { } down && down.FirstRow < row.Number && IndonesianNumber.ParseCount(cell).IsOk)
                    Sink.Warning(ProblemCodes.MergedCountRows, sheet, row.Number, col, Text.Display(cell), ("value", Text.Display(cell)), ("firstRow", down.FirstRow));
                return null;
            }
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
            // A known agency name holding "dan" (the website's closed partner list, options.json) is one partner.
            IReadOnlyList<string> list = owner._catalogue.Options?["partners"] is { } agencies ? agencies.SplitKeepingNames(text, PartnerSplit())
                : PartnerSplit().Split(text).Select(p => p.Trim(' ', '.', '-')).Where(p => p.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
            if (_partners.Count < 10_000) _partners[text] = list;
            return list;
        }

        /// <summary>
        /// The total row's check when some row's split is unknown (a count merged across L and P) or the total row
        /// merges its own: the cadre's total participants (the Jumlah column, else the merged value, else L + P)
        /// against the rows' total.
        /// </summary>
        private void FinishTotals(RawRow row)
        {
            var span = CountSpan(row);
            int? Own(int col) => col >= 0 && !InSpan(span, col) && IndonesianNumber.ParseCount(row[col]) is { IsOk: true } v ? v.Value : null;
            int? merged = span is { } sp && IndonesianNumber.ParseCount(row[sp.From]) is { IsOk: true } mv ? mv.Value : null;
            var (male, female, all) = (Own(_maleCol), Own(_femaleCol), Own(_participantsCol));
            var stated = all ?? merged ?? (male is null && female is null ? null : (male ?? 0) + (female ?? 0));
            if (stated is not { } value || value == _participants) return;
            var col = all is not null ? _participantsCol : span?.From ?? (_maleCol >= 0 ? _maleCol : _femaleCol);
            var text = all is not null || merged is not null ? Text.Display(row[col]) : value.ToString(System.Globalization.CultureInfo.InvariantCulture);
            Sink.Warning(ProblemCodes.TotalRowMismatch, sheet, row.Number, col, text, ("sum", _participants), ("field", header.Layout.Fields["participants"].DisplayName));
        }

        /// <summary>Checks the sums a total row states against the rows read.</summary>
        internal void Finish(RawRow? totalRow)
        {
            if (header.Plan) { FinishPlan(); return; }
            if (totalRow is not { } row || owner._mode != AnalysisMode.Report) return;
            if (_unsplit > 0 || CountSpan(row) is not null) { FinishTotals(row); return; }
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
