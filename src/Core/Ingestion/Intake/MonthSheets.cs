using KampungKB.Core.Ingestion.Normalisation;

namespace KampungKB.Core.Ingestion.Intake;

/// <summary>
/// A workbook with one sheet per month ("Agustus", "September", "Oktober"): a report is one kampung's month
/// (domain.md), so only one of them is read. The month: the one the upload is for (its link or path), else the
/// one the file name names; a workbook whose name names none has its last month sheet read. Either way the
/// cadre is told which sheet was read and why, instead of every other month's dates being refused.
/// </summary>
internal sealed class MonthSheets
{
    private readonly int? _target;
    private readonly List<(string Name, int Month)> _seen = [];
    private readonly List<string> _skipped = [];

    /// <param name="target">The report's month (1–12) when known before reading; null: read them all, then choose.</param>
    /// <param name="only">The one month sheet to read (a second pass, after the first found several).</param>
    internal MonthSheets(int? target, string? only = null) { _target = target; Only = only; }

    /// <summary>The month sheet read alone in this pass, when chosen as the last one.</summary>
    internal string? Only { get; }

    /// <summary>The month a sheet's name names ("OKTOBER", "Lap. Okt 2025"), when it names exactly one.</summary>
    internal static int? MonthOf(string sheetName)
    {
        int? found = null;
        foreach (var word in Text.Key(sheetName).Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (word.Length < 3 || IndonesianDate.MonthOf(word) is not { } m) continue;
            if (found is not null && found != m) return null; // "Jan-Mar": a quarter, not a month sheet
            found = m;
        }
        return found;
    }

    /// <summary>Whether the visible sheet <paramref name="name"/> is read in this pass.</summary>
    internal bool Read(string name)
    {
        if (MonthOf(name) is not { } month) return true;
        _seen.Add((name, month));
        if (Only is not null) return name == Only;
        if (_target is null || month == _target) return true;
        _skipped.Add(name);
        return false;
    }

    /// <summary>Every month sheet's name, in workbook order ("Agustus, September, Oktober").</summary>
    internal string Names => string.Join(", ", _seen.Select(s => s.Name));

    /// <summary>The sheets of the target month read while others were skipped: the choice to report; null when there was none to make.</summary>
    internal string? Chosen =>
        Only ?? (_target is not null && _skipped.Count > 0 && _seen.Any(s => s.Month == _target)
            ? string.Join(", ", _seen.Where(s => s.Month == _target).Select(s => s.Name)) : null);

    /// <summary>
    /// After a first pass: the pass to run instead, reading only the last month sheet, when the sheets read cover
    /// several months (no target) or none is of the target month. Null when the first pass stands.
    /// </summary>
    internal MonthSheets? Retry()
    {
        if (Only is not null) return null;
        // One month only (a single "Oktober" sheet in a file named "agustus"): nothing to choose, read it as it is.
        if (_seen.Select(s => s.Month).Distinct().Count() < 2) return _skipped.Count > 0 ? new MonthSheets(null) : null;
        if (_target is not null && _seen.Any(s => s.Month == _target)) return null;
        return new MonthSheets(null, _seen[^1].Name);
    }
}
