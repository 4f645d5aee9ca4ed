namespace KampungKB.Core.Model;

/// <summary>What became of an upload (the <c>Status</c> of its log row and feedback).</summary>
public static class UploadStatus
{
    public const string Accepted = "accepted";
    public const string Rejected = "rejected";
    /// <summary>Accepted, but the same bytes were already the current report: nothing new stored.</summary>
    public const string Unchanged = "unchanged";
    /// <summary>Accepted, but a newer upload for the same kampung and period is already current.</summary>
    public const string Superseded = "superseded";
    /// <summary>A zip of reports that was opened: each spreadsheet in it is an upload of its own (see <see cref="FeedbackDocument.Files"/>).</summary>
    public const string Archive = "archive";
}
