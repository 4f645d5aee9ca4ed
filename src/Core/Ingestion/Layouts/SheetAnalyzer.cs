using System.Globalization;
using System.Text.RegularExpressions;
using KampungKB.Core.Ingestion.Intake;
using KampungKB.Core.Model;
using KampungKB.Core.Ingestion.Normalisation;
using KampungKB.Core.Ingestion.Validation;

namespace KampungKB.Core.Ingestion.Layouts;

internal enum AnalysisMode { Report, Registry }

/// <summary>
/// A recognised table header: which column holds which field, and where data starts. <see cref="PlanColumns"/>:
/// the table holds only a plan (its plan columns as written, e.g. "Tanggal Rencana, Jumlah Sasaran"), never read as activities.
/// </summary>
internal sealed record HeaderMatch(TableLayout Layout, int Row, IReadOnlyDictionary<string, int> Columns, string? PlanColumns = null)
{
    internal int Column(string field) => Columns.TryGetValue(field, out var c) ? c : -1;
    internal bool Plan => PlanColumns is not null;
}

/// <summary>
/// Walks one sheet's rows once, in order: finds table headers (one- or two-row) in the first rows of the
/// sheet or of each block, reads the rows beneath until a total row or signature block, and collects
/// label/value indicators, profile fields and banner identity in between.
/// </summary>
internal sealed partial class SheetAnalyzer
{
    private readonly LayoutCatalogue _catalogue;
    private readonly ProblemSink _sink;
    private readonly Findings _findings;
    private readonly AnalysisMode _mode;
    private readonly IngestionOptions _options;

    internal SheetAnalyzer(LayoutCatalogue catalogue, ProblemSink sink, Findings findings, AnalysisMode mode, IngestionOptions options)
    {
        _catalogue = catalogue;
        _sink = sink;
        _findings = findings;
        _mode = mode;
        _options = options;
    }

    private enum State { Searching, Table, IndicatorRow, KampungRows, MonthTable }

    private int _cells;

    internal bool CellLimitReached { get; private set; }

    internal void Analyze(SheetData sheet, CancellationToken ct)
    {
        var state = State.Searching;
        HeaderMatch? pending = null;
        RawRow pendingRow = default;
        TableReader? table = null;
        TableReader? ended = null;
        List<(string Code, int Column)>? indicatorHeader = null;
        RawRow indicatorRow = default;
        Dictionary<int, int>? monthColumns = null;
        var sinceBlock = 0;
        var signatureSeen = false;
        var expectNumbers = false;
        var rowsRead = 0;
        var tableEnded = false;
        var firstText = true;
        // The last row read into the current table: a gap before a summary header ("Bidang | Jumlah Kegiatan") ends it.
        var lastTableRow = 0;
        // The table was ended by a summary block: activities after it go on quietly (no total row was passed).
        var resumeQuietly = false;
        _other = null;
        _aside = null;
        _kampungRows = null;
        _weakSheet = false;
        if (_mode == AnalysisMode.Report && _catalogue.IsInstructionSheet(sheet.Name))
        {
            // A sheet named "Petunjuk", "Cara Mengisi", "Contoh": its example rows and banner are not the report.
            _sink.Warning(ProblemCodes.InstructionSheetSkipped, sheet.Name, null, null, sheet.Name);
            return;
        }

        foreach (var row in sheet.Rows)
        {
            if (++rowsRead % 1000 == 0) ct.ThrowIfCancellationRequested();
            if (rowsRead > _options.MaxRowsPerSheet)
            {
                _sink.Error(ProblemCodes.TooManyRows, sheet.Name, args: [("max", _options.MaxRowsPerSheet)]);
                break;
            }
            if (IsBlank(row)) continue;
            foreach (var c in row.Cells) if (!Text.IsBlank(c)) _cells++;
            if (_cells > _options.MaxCells) { CellLimitReached = true; break; }
            if (firstText && _mode == AnalysisMode.Report)
            {
                // "PETUNJUK PENGISIAN" as a sheet's first text: the sheet explains the form, it is not the report.
                firstText = false;
                // Its tables are still read (example rows skipped as anywhere), but its banner and "Bulan:" lines
                // only count when no other sheet states kampung or month: they may be the form's example.
                _weakSheet = row.Cells.FirstOrDefault(c => !Text.IsBlank(c)) is string heading && _catalogue.IsInstructionHeading(heading);
                if (_weakSheet)
                {
                    // The heading itself is not the signature block's "Petunjuk" line: what follows is read.
                    _sink.Warning(ProblemCodes.InstructionHeading, sheet.Name, row.Number, null, Text.Collapse((string)row.Cells.First(c => !Text.IsBlank(c))!));
                    continue;
                }
            }

            if (pending is not null)
            {
                var header = pending;
                pending = null;
                var two = TryTwoRowHeader(header, pendingRow, row);
                table = new TableReader(this, sheet.Name, two ?? header);
                state = State.Table;
                expectNumbers = true;
                lastTableRow = row.Number;
                if (!header.Plan) _findings.RecognisedAnything = true;
                if (two is not null) continue;
            }

            switch (state)
            {
                case State.Table:
                    if (expectNumbers && IsColumnNumberRow(row)) { expectNumbers = false; continue; }
                    expectNumbers = false;
                    if (_mode == AnalysisMode.Report && row.Number > lastTableRow + 1 && StartSummaryBlock(sheet.Name, row))
                    {
                        // A count of activities per bidang under the table, after a blank row: not activities.
                        table!.Finish(null);
                        ended = table;
                        table = null;
                        state = State.Searching;
                        sinceBlock = 0;
                        tableEnded = true;
                        resumeQuietly = true;
                        continue;
                    }
                    lastTableRow = row.Number;
                    var outcome = table!.Read(row);
                    if (outcome != TableReader.Outcome.Continue)
                    {
                        table.Finish(outcome == TableReader.Outcome.EndTotal ? row : null);
                        ended = table;
                        table = null;
                        state = State.Searching;
                        sinceBlock = 0;
                        tableEnded = true;
                        resumeQuietly = false;
                        if (outcome == TableReader.Outcome.EndSignature) signatureSeen = true;
                        if (outcome == TableReader.Outcome.EndOther) StartOtherTable(sheet.Name, row);
                    }
                    continue;

                case State.MonthTable:
                    if (ReadMonthRow(sheet.Name, row, monthColumns!)) continue;
                    state = State.Searching;
                    sinceBlock = 0;
                    break;

                case State.IndicatorRow:
                    if (IsColumnNumberRow(row)) continue;
                    if (RefineIndicatorHeader(indicatorRow, row) is { } refined) { indicatorHeader = refined; indicatorRow = row; continue; }
                    ReadIndicatorRow(sheet.Name, row, indicatorHeader!);
                    ReadIdentityColumns(sheet.Name, row);
                    WarnUnknownColumns(sheet.Name, indicatorRow, row, indicatorHeader!);
                    sinceBlock = 0;
                    if (_mode == AnalysisMode.Report && IsPerKampungHeader(indicatorRow))
                    {
                        // One row per kampung (a dinas form): the rows below are other kampung, never dropped in silence.
                        StartKampungRows(sheet.Name, row, indicatorRow);
                        state = State.KampungRows;
                        continue;
                    }
                    state = State.Searching;
                    continue;

                case State.KampungRows:
                    if (MoreKampungRow(row, indicatorRow, indicatorHeader!)) continue;
                    EndKampungRows();
                    state = State.Searching;
                    sinceBlock = 0;
                    break;
            }

            // Rows under a set-aside header (an unknown table below the total, a summary block) go with it.
            if (_mode == AnalysisMode.Report && ContinueAside(row)) continue;

            // Below a table's end, a new title or header starts a table of its own kind (a plan, an attendance list, the officers).
            if (tableEnded && _mode == AnalysisMode.Report && SkipOtherTable(sheet.Name, row)) continue;
            // Below the total, a header of a table the templates do not know (a cash book, a guest list): set aside whole.
            if (tableEnded && !resumeQuietly && _mode == AnalysisMode.Report && StartUnknownTable(sheet.Name, row)) continue;
            if (ended is not null && _mode == AnalysisMode.Report && ended.IsActivityRow(row))
            {
                // Activities below a total row or a signature line: read them, and say the table went on.
                // Below a summary block (no total row passed) they are simply the table's next rows.
                if (!resumeQuietly) _sink.Warning(ProblemCodes.RowsAfterEnd, sheet.Name, row.Number, null, null);
                resumeQuietly = false;
                lastTableRow = row.Number;
                table = ended;
                ended = null;
                state = State.Table;
                table.Read(row);
                continue;
            }
            sinceBlock++;
            if (sinceBlock <= _catalogue.HeaderScanRows)
            {
                var layout = _mode == AnalysisMode.Report ? _catalogue.Activities : _catalogue.Registry;
                if (MatchHeader(layout, row) is { } h) { EndList(); pending = h; pendingRow = row; ended = null; continue; }
                if (_mode == AnalysisMode.Report && MatchMonthHeader(row) is { } mh) { EndList(); monthColumns = mh; state = State.MonthTable; continue; }
                if (_mode == AnalysisMode.Report && MatchIndicatorHeader(row) is { } ih) { EndList(); indicatorHeader = ih; indicatorRow = row; state = State.IndicatorRow; _findings.RecognisedAnything = true; _indicatorIdentity = IdentityColumns(row); continue; }
                if (_mode == AnalysisMode.Report && MatchListHeader(sheet.Name, row)) continue;
            }
            if (IsEndRow(row)) { EndList(); signatureSeen = true; continue; }
            if (_mode == AnalysisMode.Registry) continue;
            if (TryListRow(sheet.Name, row)) continue;
            if (TryProfile(sheet.Name, row, signatureSeen)) continue;
            if (!signatureSeen) ReadBanner(sheet.Name, row);
        }

        if (pending is not null) { table = new TableReader(this, sheet.Name, pending); if (!pending.Plan) _findings.RecognisedAnything = true; }
        table?.Finish(null);
        EndKampungRows();
        EndAside();
        EndList();
    }

    private static bool IsBlank(RawRow row)
    {
        foreach (var c in row.Cells) if (!Text.IsBlank(c)) return false;
        return true;
    }

    private string KeyOf(object? cell) => cell is string s ? _catalogue.Key(s) : "";

    // ---------- headers ----------

    private HeaderMatch? MatchHeader(TableLayout layout, RawRow row)
    {
        // A row holding a figure (a number cell, or "250" as text in a CSV or web export) is data, never a header.
        if (HasFigure(row)) return null;
        var columns = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < row.Cells.Length; i++)
            if (layout.Match(KeyOf(row.Cells[i])) is { } f) columns.TryAdd(f, i);
        if (columns.Count < 2) return null;
        if (layout == _catalogue.Activities && MatchPlanColumns(row, columns) is { } planned) return planned;
        if (layout.Required.Any(r => !columns.ContainsKey(r))) return null;
        if (layout == _catalogue.Registry && !IsRegistryHeader(columns)) return null;
        return new HeaderMatch(layout, row.Number, columns);
    }

    /// <summary>
    /// Tries <paramref name="sub"/> as the second row of a two-row header: a merged parent ("Jumlah Peserta",
    /// text in its first cell only) over children ("L", "P"). Kept only when it recognises more fields.
    /// </summary>
    private HeaderMatch? TryTwoRowHeader(HeaderMatch single, RawRow top, RawRow sub)
    {
        if (single.Plan || HasFigure(sub)) return null;
        if (sub.Number != top.Number + 1) return null;
        var layout = single.Layout;
        var columns = new Dictionary<string, int>(StringComparer.Ordinal);
        var width = Math.Max(top.Cells.Length, sub.Cells.Length);
        string? parent = null;
        var childHits = 0;
        for (var i = 0; i < width; i++)
        {
            if (top[i] is string t && t.Trim().Length > 0) parent = t;
            var topKey = KeyOf(top[i]);
            string? field;
            if (sub[i] is string child && child.Trim().Length > 0)
            {
                field = (parent is null ? null : layout.Match(_catalogue.Key(parent + " " + child), allowPrefix: false))
                        ?? layout.Match(_catalogue.Key(child));
                if (field is not null) childHits++;
                else field = layout.Match(topKey);
            }
            else field = layout.Match(topKey);
            if (field is not null) columns.TryAdd(field, i);
        }
        if (childHits == 0 || columns.Count <= single.Columns.Count) return null;
        if (layout.Required.Any(r => !columns.ContainsKey(r))) return null;
        if (layout == _catalogue.Registry && !IsRegistryHeader(columns)) return null;
        return new HeaderMatch(layout, sub.Number, columns);
    }

    [GeneratedRegex(@"^\(?\s*(\d{1,3})\s*\)?\.?$")]
    private static partial Regex ColumnNumber();

    /// <summary>A row of column numbers under a header: 1 2 3 … or (1) (2) (3) ….</summary>
    internal static bool IsColumnNumberRow(RawRow row)
    {
        var values = new List<int>();
        foreach (var c in row.Cells)
        {
            if (Text.IsBlank(c)) continue;
            if (c is double d && d == Math.Floor(d) && d is >= 0 and < 1000) values.Add((int)d);
            else if (c is string s && ColumnNumber().Match(s.Trim()) is { Success: true } m) values.Add(int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
            else return false;
        }
        if (values.Count < 2 || values[0] > 2) return false;
        for (var i = 1; i < values.Count; i++) if (values[i] != values[i - 1] + 1) return false;
        return true;
    }

    private bool IsEndRow(RawRow row)
    {
        foreach (var c in row.Cells)
        {
            if (c is not string s) continue;
            var key = _catalogue.Key(s);
            if (_catalogue.IsEndMarker(key) || PlaceAndDate().IsMatch(Text.Collapse(s))) return true;
        }
        return false;
    }

    private bool IsTotalRow(RawRow row, int upToColumn)
    {
        for (var i = 0; i < Math.Min(row.Cells.Length, upToColumn + 1); i++)
            if (row.Cells[i] is string s && _catalogue.IsTotalMarker(_catalogue.Key(s))) return true;
        return false;
    }

    /// <summary>"Banjarmasin, 31 Oktober 2025": the place-and-date line of a signature block.</summary>
    [GeneratedRegex(@"^[\p{L} .'-]{3,40},\s*\d{1,2}\s+\p{L}+\.?\s+\d{4}$")]
    private static partial Regex PlaceAndDate();

    // ---------- indicators ----------

    private List<(string Code, int Column)>? MatchIndicatorHeader(RawRow row)
    {
        if (HasFigure(row)) return null;
        // In the middle of an indicator list a unit cell ("KK" is also a label of Jumlah KK) is no evidence of a header.
        var inList = InsideIndicatorList;
        var list = new List<(string, int)>();
        for (var i = 0; i < row.Cells.Length; i++)
            if (row.Cells[i] is string s && !(inList && _catalogue.IsUnitWord(s)) && _catalogue.IndicatorCode(s) is { } code && list.All(x => x.Item1 != code)) list.Add((code, i));
        return list.Count >= 2 ? list : null;
    }

    /// <summary>
    /// A second header row under an indicator header: sub-columns under a group header merged over them
    /// ("Peserta KB Aktif" over IUD … Kondom and its "Jumlah"). Each column takes the code of parent + child,
    /// else of the child, else (a "Jumlah"/"Total" child) the parent's. Null when the row holds figures.
    /// </summary>
    private List<(string Code, int Column)>? RefineIndicatorHeader(RawRow parent, RawRow child)
    {
        if (HasFigure(child) || child.Number != parent.Number + 1) return null;
        var list = new List<(string Code, int Column)>();
        var childHits = 0;
        var width = Math.Max(parent.Cells.Length, child.Cells.Length);
        string? lastParent = null;
        for (var i = 0; i < width; i++)
        {
            if (parent[i] is string pt && pt.Trim().Length > 0) lastParent = pt;
            var parentCode = lastParent is null ? null : _catalogue.IndicatorCode(lastParent);
            string? code = null;
            if (child[i] is string ct && ct.Trim().Length > 0 && ct != lastParent)
            {
                code = (lastParent is null ? null : _catalogue.IndicatorCode(lastParent + " " + ct)) ?? _catalogue.IndicatorCode(ct);
                if (code is null && _catalogue.IsTotalMarker(_catalogue.Key(ct))) code = parentCode;
                if (code is not null) childHits++;
            }
            else if (parent[i] is string) code = parentCode;
            if (code is not null && list.All(x => x.Code != code)) list.Add((code, i));
        }
        return childHits > 0 ? list : null;
    }

    private void ReadIndicatorRow(string sheet, RawRow row, List<(string Code, int Column)> header)
    {
        foreach (var (code, col) in header) RecordIndicator(sheet, row, col, code);
    }

    private void RecordIndicator(string sheet, RawRow row, int col, string code)
    {
        var cell = row[col];
        var text = Text.Display(cell);
        var name = _catalogue.IndicatorNames.GetValueOrDefault(code, code);
        var parsed = IndonesianNumber.ParseCount(cell, out var commaGrouped);
        if (!ReportCount(parsed, sheet, row.Number, col, cell, name, commaGrouped)) return;
        if (!parsed.IsOk) return;
        if (_findings.Indicators.TryGetValue(code, out var first))
        {
            _sink.Warning(ProblemCodes.DuplicateIndicator, sheet, row.Number, col, text, ("field", name), ("value", first.Value), ("code", code));
            return;
        }
        _findings.Indicators[code] = new IndicatorValue(code, parsed.Value, new CellRef(sheet, row.Number, col, text));
    }

    /// <summary>Reports a failed count; true when the cell was fine (a number or blank). The cell's text is built only for a message.</summary>
    internal bool ReportCount(Parsed<int> parsed, string sheet, int row, int col, object? cell, string field, bool commaGrouped = false)
    {
        if (!commaGrouped && parsed.Status is ParseStatus.Ok or ParseStatus.Empty) return true;
        var text = Text.Display(cell);
        if (commaGrouped) _sink.Warning(ProblemCodes.CommaThousands, sheet, row, col, text, ("field", field), ("value", parsed.Value));
        var code = parsed.Status switch
        {
            ParseStatus.Invalid when Text.IsCellError(cell) => ProblemCodes.CellError,
            ParseStatus.Invalid => ProblemCodes.NotANumber,
            ParseStatus.NotWhole when text is not null && text.Contains(',') => ProblemCodes.DecimalCommaCount,
            ParseStatus.NotWhole => ProblemCodes.NotWholeNumber,
            ParseStatus.Negative => ProblemCodes.NegativeCount,
            _ => null,
        };
        if (code is null) return true;
        _sink.Error(code, sheet, row, col, text, ("field", field));
        return false;
    }

    // ---------- profile and banner ----------

    private bool TryProfile(string sheet, RawRow row, bool signatureSeen)
    {
        var any = false;
        for (var i = 0; i < row.Cells.Length; i++)
        {
            if (row.Cells[i] is not string s) continue;
            string? field;
            object? value = null;
            var col = i;
            var colon = s.IndexOf(':');
            if (colon > 0 && (field = _catalogue.ProfileField(_catalogue.Key(s[..colon]))) is not null)
            {
                var rest = s[(colon + 1)..].Trim();
                if (rest.Length > 0)
                {
                    if (field is "village" or "district" or "regency" or "name" && IdentityExtractor.Extract(s) is var f && HasAny(f))
                    {
                        if (!IsExampleBanner(sheet, row, i, s, f)) ApplyBanner(f, Weak(Findings.Source.Profile));
                        any = true;
                        continue;
                    }
                    value = rest;
                }
                else (value, col) = NextValue(row, i);
            }
            else if ((field = _catalogue.ProfileField(_catalogue.Key(s))) is not null) (value, col) = NextValue(row, i);
            else continue;
            if (Text.IsBlank(value)) continue;
            if (signatureSeen && field != "period") continue;
            any = true;
            if (IsExampleBanner(sheet, row, col, s + (value is string vs && !s.Contains(vs, StringComparison.Ordinal) ? " " + vs : ""))) continue;
            SetProfile(field, value!, new CellRef(sheet, row.Number, col, Text.Display(value)));
        }
        return any;
    }

    private static (object? Value, int Column) NextValue(RawRow row, int i)
    {
        for (var j = i + 1; j < row.Cells.Length; j++)
        {
            var v = row.Cells[j];
            if (Text.IsBlank(v) || v is string t && t.Trim() is ":" or "=") continue;
            if (v is string s && s.TrimStart().StartsWith(':')) return (s.TrimStart()[1..].Trim(), j);
            return (v, j);
        }
        return (null, -1);
    }

    private void SetProfile(string field, object value, CellRef cell)
    {
        var text = value is string s ? Text.Tidy(s) : Text.Display(value) ?? "";
        _findings.Profile.TryAdd(field, text);
        switch (field)
        {
            case "period":
                if (value is DateTime dt) _findings.SetPeriod(ReportingPeriod.Of(DateOnly.FromDateTime(dt)), Weak(Findings.Source.Profile), cell);
                else if (IndonesianDate.TryFindPeriod(text, out var p)) _findings.SetPeriod(p, Weak(Findings.Source.Profile), cell);
                else if (IndonesianDate.MonthOf(text) is { } month) _findings.StatedMonth = month;
                break;
            case "name":
                _findings.SetIdentity("name", text.StartsWith("Kampung KB", StringComparison.OrdinalIgnoreCase) ? text : "Kampung KB " + text, Weak(Findings.Source.Profile));
                break;
            case "village" or "district" or "regency" or "province":
                _findings.SetIdentity(field, text, Weak(Findings.Source.Profile));
                break;
        }
    }

    private static bool HasAny(IdentityExtractor.Found f) => (f.Name ?? f.Village ?? f.District ?? f.Regency ?? f.Province) is not null;

    private void ApplyBanner(IdentityExtractor.Found f, Findings.Source source)
    {
        _findings.SetIdentity("name", f.Name, source);
        _findings.SetIdentity("village", f.Village, source);
        _findings.SetIdentity("district", f.District, source);
        _findings.SetIdentity("regency", f.Regency, source);
        _findings.SetIdentity("province", f.Province, source);
    }

    private void ReadBanner(string sheet, RawRow row)
    {
        for (var i = 0; i < row.Cells.Length; i++)
        {
            if (row.Cells[i] is not string s || s.Length > 300) continue;
            var found = IdentityExtractor.Extract(s);
            if (IsExampleBanner(sheet, row, i, s, found)) continue;
            ApplyBanner(found, Weak(Findings.Source.Banner));
            if (IndonesianDate.TryFindPeriod(s, out var p)) _findings.SetPeriod(p, Weak(Findings.Source.Banner), new CellRef(sheet, row.Number, i, s));
            else ReadBannerYear(s);
        }
    }

    [GeneratedRegex(@"\s*(?:[,;\n&+]|\bdan\b)\s*", RegexOptions.IgnoreCase)]
    private static partial Regex PartnerSplit();

    [GeneratedRegex(@"^\d{2}\.\d{2}\.\d{2}\.\d{4}$")]
    private static partial Regex AreaCode();

    [GeneratedRegex(@"^\d{10}$")]
    private static partial Regex AreaCodeDigits();

    [GeneratedRegex(@"^[^@\s,;]+@[^@\s,;]+\.[A-Za-z]{2,}$")]
    private static partial Regex EmailPattern();

    /// <summary>"63.71.02.1011" as written, or ten digits "6371021011"; anything else is invalid.</summary>
    internal static string? NormaliseAreaCode(string text)
    {
        var s = text.Trim().Replace(" ", "");
        if (AreaCode().IsMatch(s)) return s;
        if (AreaCodeDigits().IsMatch(s)) return $"{s[..2]}.{s[2..4]}.{s[4..6]}.{s[6..]}";
        return null;
    }
}
