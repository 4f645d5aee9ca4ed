namespace KampungKB.Core.Model;

/// <summary>Everything the uploader is told about one upload.</summary>
internal sealed record FeedbackDocument(
    string UploadId,
    string FileName,
    string Status,
    RegistryEntry? Kampung,
    ReportingPeriod? Period,
    IngestionReport? Report,
    IReadOnlyList<Problem> Problems,
    DateTimeOffset ReceivedAt)
{
    /// <summary>Errors found in all (the engine lists at most 200 per code in <see cref="Problems"/>).</summary>
    public int ErrorTotal => Math.Max(Problems.Count(p => p.Severity == Severity.Error),
        (Report?.ErrorTotal ?? 0) + Problems.Count(p => p.Severity == Severity.Error) - (Report?.Errors.Count() ?? 0));

    /// <summary>Warnings found in all.</summary>
    public int WarningTotal => Math.Max(Problems.Count(p => p.Severity != Severity.Error),
        (Report?.WarningTotal ?? 0) + Problems.Count(p => p.Severity != Severity.Error) - (Report?.Warnings.Count() ?? 0));

    /// <summary>
    /// For a zip of reports (status <see cref="UploadStatus.Archive"/>): each file found in it, in path order, with its
    /// own outcome; null for a single spreadsheet. <see cref="Problems"/> then holds only what concerns the zip as a whole.
    /// </summary>
    public IReadOnlyList<FolderFile>? Files { get; init; }
}

/// <summary>
/// One file of a zip of reports: <see cref="Path"/> inside the zip (made safe), <see cref="Status"/> an
/// <see cref="UploadStatus"/> or <see cref="Skipped"/>. A spreadsheet was ingested as its own upload
/// (<see cref="UploadId"/>, counts, its first errors in <see cref="Problems"/>); a skipped file carries one
/// warning saying why.
/// </summary>
internal sealed record FolderFile(string Path, string Status, string? UploadId, string? AreaCode, ReportingPeriod? Period,
    int Activities, int Indicators, int Errors, int Warnings, IReadOnlyList<Problem> Problems)
{
    public const string Skipped = "skipped";

    /// <summary>Most problems kept per file in the combined feedback; the file's own feedback lists them all.</summary>
    public const int TopProblems = 3;
}
