namespace KampungKB.Core.Rendering.Exports;

internal enum XlsxCellKind { Empty, Text, Number, Integer, Percent, Date }

/// <summary>
/// One typed cell. Numbers, percentages and dates are written as numeric cells with a number format,
/// so a dinas can sum, sort and chart them; text always passes through <see cref="ExportSanitizer.Cell"/>.
/// </summary>
internal readonly record struct XlsxCell
{
    private XlsxCell(XlsxCellKind kind, string? text, double number)
    {
        Kind = kind;
        TextValue = text;
        NumberValue = number;
    }

    public XlsxCellKind Kind { get; }
    public string? TextValue { get; }
    public double NumberValue { get; }

    public static XlsxCell Empty => default;
    public static XlsxCell Text(string? value) => value is null ? Empty : new(XlsxCellKind.Text, value, 0);
    public static XlsxCell Number(decimal? value) => value is null ? Empty : new(XlsxCellKind.Number, null, (double)value.Value);
    public static XlsxCell Number(double? value) => value is null || !double.IsFinite(value.Value) ? Empty : new(XlsxCellKind.Number, null, value.Value);
    public static XlsxCell Integer(long? value) => value is null ? Empty : new(XlsxCellKind.Integer, null, value.Value);
    /// <summary>A ratio (0.125 shows as 12.5%), as Excel stores percentages.</summary>
    public static XlsxCell Percent(decimal? ratio) => ratio is null ? Empty : new(XlsxCellKind.Percent, null, (double)ratio.Value);
    public static XlsxCell Date(DateOnly? value) => value is null ? Empty : new(XlsxCellKind.Date, null, ToSerial(value.Value));

    public static implicit operator XlsxCell(string? value) => Text(value);
    public static implicit operator XlsxCell(int value) => Integer(value);
    public static implicit operator XlsxCell(long value) => Integer(value);
    public static implicit operator XlsxCell(decimal value) => Number(value);
    public static implicit operator XlsxCell(DateOnly value) => Date(value);

    private static double ToSerial(DateOnly date) => date.DayNumber - new DateOnly(1899, 12, 30).DayNumber;
}

/// <summary>A column: its header text and, optionally, a width in characters (otherwise fitted to the content).</summary>
internal sealed record XlsxColumn(string Header, double? Width = null)
{
    /// <summary>
    /// Long texts wrap within the column's width (top-aligned), and the row is made tall enough for them, on screen and in
    /// print, instead of running into the next column or being cut at the page edge.
    /// </summary>
    public bool Wrap { get; init; }
}

/// <summary>
/// One worksheet. The name is sanitised on writing (≤ 31 characters, no <c>[ ] : * ? / \</c>, unique).
/// Every sheet prints landscape, one page wide, with its header row repeated on each page.
/// </summary>
internal sealed record XlsxSheet(string Name, IReadOnlyList<XlsxColumn> Columns, IReadOnlyList<IReadOnlyList<XlsxCell>> Rows)
{
    /// <summary>A native line chart drawn under the table, from its columns (null: none).</summary>
    public XlsxLineChart? Chart { get; init; }
    /// <summary>Columns kept in view when scrolling right (e.g. the kampung's code and name); the header row is always frozen.</summary>
    public int FrozenColumns { get; init; }
}

/// <summary>
/// A line chart over a sheet's data rows: categories from column <paramref name="CategoryColumn"/> (0-based),
/// one line per column in <paramref name="SeriesColumns"/> (0-based; the header names the line). With
/// <paramref name="Percent"/> the value axis runs 0–100%.
/// </summary>
internal sealed record XlsxLineChart(string Title, int CategoryColumn, IReadOnlyList<int> SeriesColumns, bool Percent = true);
