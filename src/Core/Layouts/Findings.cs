using KampungKB.Core.Model;

namespace KampungKB.Core.Layouts;

/// <summary>Where a value came from, as the cadre sees it.</summary>
internal readonly record struct CellRef(string Sheet, int Row, int Column, string? Text);

internal sealed record IndicatorValue(string Code, decimal Value, CellRef Cell);

/// <summary>
/// An accepted activity row plus where its date came from, for the period check made once the period is
/// known. <paramref name="YearMissing"/>: the date was written without a year and takes the report's.
/// </summary>
/// <paramref name="DateValue"/>: the cell as read; its display text is built only when a message needs it.
internal sealed record FoundActivity(Activity Activity, CellRef DateCell, bool YearMissing = false, object? DateValue = null)
{
    internal string? DateText => DateCell.Text ?? Normalisation.Text.Display(DateValue);
}

/// <summary>Everything recognised in a file, before the file-level rules run.</summary>
internal sealed class Findings
{
    internal enum Source { Profile = 1, Banner = 2, FileName = 3, Dates = 4 }

    internal List<FoundActivity> Activities { get; } = [];
    internal Dictionary<string, IndicatorValue> Indicators { get; } = new(StringComparer.Ordinal);
    internal Dictionary<string, string> Profile { get; } = new(StringComparer.Ordinal);
    internal List<RegistryEntry> Registry { get; } = [];
    internal bool RecognisedAnything { get; set; }
    internal List<string> SheetOrder { get; } = [];

    /// <summary>"Bulan: Oktober" with no year (a year sheet's month), and a year from the banner ("TAHUN 2025").</summary>
    internal int? StatedMonth { get; set; }
    internal int? StatedYear { get; set; }

    private readonly Dictionary<string, (string Value, Source Source)> _identity = new(StringComparer.Ordinal);
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
