using KampungKB.Core.Ingestion.Intake;
using System.Text.RegularExpressions;
using KampungKB.Core.Model;
using KampungKB.Core.Ingestion.Normalisation;

namespace KampungKB.Core.Ingestion.Layouts;

/// <summary>
/// A year sheet: one row per indicator, a column per month (JANUARI … DESEMBER). The values of every
/// month are kept until the file is read; <see cref="ResolveMonthTables"/> then takes the report's month
/// (a "Bulan" cell, else the file name, else the last month column with figures) in the banner's year.
/// </summary>
internal sealed partial class SheetAnalyzer
{
    internal sealed record MonthCell(string Sheet, int Row, int Column, object? Value);

    private readonly Dictionary<string, Dictionary<int, MonthCell>> _monthValues = new(StringComparer.Ordinal);
    /// <summary>Rows of a year sheet whose label is no indicator but which hold figures: named for the report's month.</summary>
    private readonly List<(string Label, Dictionary<int, MonthCell> ByMonth)> _monthUnknown = [];

    /// <summary>Month → column when at least six cells of the row are month names.</summary>
    private static Dictionary<int, int>? MatchMonthHeader(RawRow row)
    {
        var columns = new Dictionary<int, int>();
        for (var i = 0; i < row.Cells.Length; i++)
            if (row.Cells[i] is string s && IndonesianDate.MonthOf(s.Trim()) is { } m) columns.TryAdd(m, i);
        return columns.Count >= 6 ? columns : null;
    }

    /// <summary>Reads one row under a month header; false when the row is not an indicator row (the table ends at a total or signature).</summary>
    private bool ReadMonthRow(string sheet, RawRow row, Dictionary<int, int> months)
    {
        var first = months.Values.Min();
        for (var i = 0; i < Math.Min(first, row.Cells.Length); i++)
        {
            if (row.Cells[i] is not string s || _catalogue.IndicatorCode(s) is not { } code) continue;
            if (!_monthValues.TryGetValue(code, out var byMonth)) _monthValues[code] = byMonth = [];
            foreach (var (month, col) in months)
                if (!Text.IsBlank(row[col])) byMonth.TryAdd(month, new MonthCell(sheet, row.Number, col, row[col]));
            _findings.RecognisedAnything = true;
            return true;
        }
        if (IsEndRow(row) || IsTotalRow(row, first)) return false;
        if (LabelBefore(row, first) is { } label)
        {
            var cells = new Dictionary<int, MonthCell>();
            foreach (var (month, col) in months)
                if (!Text.IsBlank(row[col]) && IndonesianNumber.Parse(row[col]).IsOk) cells[month] = new MonthCell(sheet, row.Number, col, row[col]);
            if (cells.Count > 0) _monthUnknown.Add((label, cells));
        }
        return true;
    }

    [GeneratedRegex(@"\b(20\d{2})\b")]
    private static partial Regex YearPattern();

    /// <summary>"REKAPITULASI TAHUN 2025": a year in banner text.</summary>
    private void ReadBannerYear(string text)
    {
        if (_findings.StatedYear is null && YearPattern().Match(text) is { Success: true } m) _findings.StatedYear = int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Records the indicators of the report's month from the year sheets read. The month: a stated period
    /// or "Bulan" cell, else <paramref name="fileNameMonth"/>, else the last month column holding figures;
    /// the year: the stated period's, else the banner's.
    /// </summary>
    internal void ResolveMonthTables(int? fileNameMonth)
    {
        if (_monthValues.Count == 0 || _findings.Indicators.Count > 0) return;
        var month = _findings.StatedPeriod?.Period.Month ?? _findings.StatedMonth ?? fileNameMonth
                    ?? _monthValues.Values.SelectMany(v => v.Keys).DefaultIfEmpty(0).Max();
        if (month == 0) return;
        var year = _findings.StatedPeriod?.Period.Year ?? _findings.StatedYear;
        if (_findings.StatedPeriod is null && year is { } y) _findings.SetPeriod(new ReportingPeriod(y, month), Findings.Source.Banner, null);
        foreach (var (code, byMonth) in _monthValues)
            if (byMonth.TryGetValue(month, out var cell))
                RecordIndicator(cell.Sheet, new RawRow(cell.Row, Pad(cell.Column, cell.Value)), cell.Column, code);
        foreach (var (label, byMonth) in _monthUnknown)
            if (byMonth.TryGetValue(month, out var cell))
                WarnUnknown(cell.Sheet, cell.Row, cell.Column, label, Text.Display(cell.Value) ?? "");
    }

    /// <summary>The label of a year-sheet row: its first text cell before the month columns that is not a list number, ignored label or profile field.</summary>
    private string? LabelBefore(RawRow row, int firstMonth)
    {
        for (var i = 0; i < Math.Min(firstMonth, row.Cells.Length); i++)
        {
            if (row.Cells[i] is not string s) continue;
            var t = s.Trim();
            if (IndonesianNumber.Parse(t).IsOk || ListNumber().IsMatch(t) || t.Count(char.IsLetter) < 3) continue;
            var key = _catalogue.Key(t);
            return _catalogue.IsIgnoredLabel(key) || _catalogue.ProfileField(key) is not null ? null : Text.Collapse(t);
        }
        return null;
    }

    private static object?[] Pad(int column, object? value)
    {
        var cells = new object?[column + 1];
        cells[column] = value;
        return cells;
    }
}
