namespace KampungKB.Core.Model;

/// <summary>A report's verdict: accepted when it has no error-severity problem (docs/ingestion.md), otherwise rejected.</summary>
public enum ReportStatus { Accepted, Rejected }

/// <summary>Who the report is about, as written in the file (free text; matched to the registry later).</summary>
public sealed record KampungIdentity(string? Name, string? Village, string? District, string? Regency);

/// <summary>One activity row, normalised. <see cref="Participants"/> is L + P when both are given.</summary>
public sealed record Activity(
    DateOnly Date,
    string Title,
    string? Category,
    int? Participants,
    int? Male,
    int? Female,
    IReadOnlyList<string> Partners,
    string? Target = null,
    string? Funding = null,
    string? Notes = null,
    string? Link = null,
    string? Sheet = null,
    int? Row = null);

/// <summary>
/// The outcome of reading one uploaded file: everything the engine recognised, normalised, plus every
/// problem found. Any error makes the report <see cref="ReportStatus.Rejected"/>; nothing of a rejected
/// report is stored.
/// </summary>
public sealed record IngestionReport(
    string FileName,
    ReportStatus Status,
    ReportingPeriod? Period,
    KampungIdentity? Kampung,
    IReadOnlyList<Activity> Activities,
    IReadOnlyDictionary<string, decimal> Indicators,
    IReadOnlyList<Problem> Problems,
    string? Format = null,
    IReadOnlyDictionary<string, string>? Profile = null)
{
    public bool IsAccepted => Status == ReportStatus.Accepted;

    /// <summary>Errors found in all, also those beyond the 200 per code that <see cref="Problems"/> lists.</summary>
    public int ErrorTotal { get => Math.Max(_errorTotal, Errors.Count()); init => _errorTotal = value; }
    private readonly int _errorTotal;

    /// <summary>Warnings found in all, also those beyond the 200 per code that <see cref="Problems"/> lists.</summary>
    public int WarningTotal { get => Math.Max(_warningTotal, Warnings.Count()); init => _warningTotal = value; }
    private readonly int _warningTotal;

    public IEnumerable<Problem> Errors => Problems.Where(p => p.Severity == Severity.Error);
    public IEnumerable<Problem> Warnings => Problems.Where(p => p.Severity == Severity.Warning);
}
