using KampungKB.Core.Model;

namespace KampungKB.Core.Ingestion.Layouts;

/// <summary>Where a value came from, as the cadre sees it.</summary>
internal readonly record struct CellRef(string Sheet, int Row, int Column, string? Text);

internal sealed record IndicatorValue(string Code, decimal Value, CellRef Cell);

/// <summary>
/// An accepted activity row, compact: the fields of an <see cref="Activity"/> without an object per row
/// (counts as ints with -1 for none, the rarely filled fields in one optional object), plus where its date
/// came from for the period check made once the period is known. <see cref="YearMissing"/>: the date was
/// written without a year and takes the report's. A report of 100,000 activities keeps these in chunks
/// of 800 (no large-object-heap arrays) and builds each <see cref="Activity"/> when it is read.
/// </summary>
internal struct ActivityRow
{
    internal DateOnly Date;
    internal int Row;
    internal int Participants, Male, Female; // -1: not written
    internal short DateColumn; // < MaxColumns ≤ 16,384
    internal bool YearMissing;
    internal string Title;
    internal string? Category;
    internal IReadOnlyList<string> Partners;
    internal ActivityExtras? Extras;
    internal string Sheet;

    /// <summary>The date cell's text for messages: as written, or <see cref="Date"/> as dd/mm/yyyy for a date cell.</summary>
    internal readonly string DateDisplay => Extras?.DateText ?? Date.ToString("dd/MM/yyyy", System.Globalization.CultureInfo.InvariantCulture);

    internal readonly Activity ToActivity() => new(
        Date, Title, Category, Participants < 0 ? null : Participants, Male < 0 ? null : Male, Female < 0 ? null : Female, Partners,
        Extras?.Target, Extras?.Funding, Extras?.Notes, Extras?.Link, Sheet, Row);
}

/// <summary>
/// The fields of an activity most rows leave empty, and the date cell's text when it was not a date cell
/// (null: a date cell showing the activity's date). Rows with the same values share one instance.
/// </summary>
internal sealed record ActivityExtras(string? Target, string? Funding, string? Notes, string? Link, string? DateText);

/// <summary>Activity rows in fixed chunks: appending never copies, and no chunk reaches the large-object heap.</summary>
internal sealed class ActivityRows : IReadOnlyList<Activity>
{
    private const int ChunkSize = 800; // 800 × 64 bytes < 85,000
    private readonly List<ActivityRow[]> _chunks = [];

    public int Count { get; private set; }

    internal ref ActivityRow Row(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        return ref _chunks[index / ChunkSize][index % ChunkSize];
    }

    internal void Add(in ActivityRow row)
    {
        if (Count % ChunkSize == 0) _chunks.Add(new ActivityRow[ChunkSize]);
        _chunks[^1][Count % ChunkSize] = row;
        Count++;
    }

    /// <summary>Removes the rows <paramref name="remove"/> picks, keeping the order of the others.</summary>
    internal void RemoveWhere(Func<ActivityRow, bool> remove)
    {
        var kept = 0;
        for (var i = 0; i < Count; i++)
        {
            var r = Row(i);
            if (remove(r)) continue;
            if (kept != i) Row(kept) = r;
            kept++;
        }
        for (var i = kept; i < Count; i++) Row(i) = default;
        Count = kept;
        while (_chunks.Count > (Count + ChunkSize - 1) / ChunkSize) _chunks.RemoveAt(_chunks.Count - 1);
    }

    internal IEnumerable<ActivityRow> Rows()
    {
        for (var i = 0; i < Count; i++) yield return Row(i);
    }

    /// <summary>A new <see cref="Activity"/> built from the stored row (equal, as a record, to the one built before).</summary>
    public Activity this[int index] => Row(index).ToActivity();

    public IEnumerator<Activity> GetEnumerator()
    {
        for (var i = 0; i < Count; i++) yield return Row(i).ToActivity();
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>Everything recognised in a file, before the file-level rules run.</summary>
internal sealed class Findings
{
    internal enum Source { Profile = 1, Banner = 2, FileName = 3, Dates = 4 }

    internal ActivityRows Activities { get; } = new();
    internal Dictionary<string, IndicatorValue> Indicators { get; } = new(StringComparer.Ordinal);
    internal Dictionary<string, string> Profile { get; } = new(StringComparer.Ordinal);
    internal List<RegistryEntry> Registry { get; } = [];
    internal bool RecognisedAnything { get; set; }
    internal List<string> SheetOrder { get; } = [];
    /// <summary>Label | number rows of indicator lists whose label is no indicator (already warned), for the sum rules' coverage.</summary>
    internal List<(string Label, CellRef Cell)> UnknownIndicators { get; } = [];
    /// <summary>Tables holding only a plan (Tanggal Rencana, Jumlah Sasaran …): where, how many rows, the plan columns as written.</summary>
    internal List<(CellRef Header, int Rows, string Columns)> PlanTables { get; } = [];

    /// <summary>Hidden sheets left unread (Excel does not show them), named when nothing visible holds a report.</summary>
    internal List<string> HiddenSheets { get; } = [];

    /// <summary>"Bulan: Oktober" with no year (a year sheet's month), and a year from the banner ("TAHUN 2025").</summary>
    internal int? StatedMonth { get; set; }
    internal int? StatedYear { get; set; }

    private readonly Dictionary<string, (string Value, Source Source)> _identity = new(StringComparer.Ordinal);

    /// <summary>A value of an identity column of a table (desa/kelurahan, kecamatan, kampung): the first row's, and whether rows differ.</summary>
    internal sealed class TableValue(string value, CellRef cell)
    {
        internal string Value { get; } = value;
        internal CellRef Cell { get; } = cell;
        internal bool Several { get; set; }
    }

    /// <summary>Identity written in the table's own columns, by field ("name", "village", "district").</summary>
    internal Dictionary<string, TableValue> TableIdentity { get; } = new(StringComparer.Ordinal);
    internal (ReportingPeriod Period, Source Source, CellRef? Cell)? StatedPeriod { get; private set; }

    internal void SetIdentity(string field, string? value, Source source)
    {
        if (string.IsNullOrWhiteSpace(value)) return;
        if (_identity.TryGetValue(field, out var existing) && existing.Source <= source) return;
        _identity[field] = (value, source);
    }

    internal string? Identity(string field) => _identity.TryGetValue(field, out var v) ? v.Value : null;

    internal void SetPeriod(ReportingPeriod period, Source source, CellRef? cell)
    {
        if (StatedPeriod is { } p && p.Source <= source) return;
        StatedPeriod = (period, source, cell);
    }
}
