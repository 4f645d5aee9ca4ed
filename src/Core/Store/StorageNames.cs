namespace KampungKB.Core.Store;

/// <summary>
/// Names of the containers and tables the product uses (docs/storage.md). Production uses
/// <see cref="Default"/> (the blob triggers bind <c>uploads/{name}</c> and <c>registry/{name}</c>); tests give each run
/// its own prefix so none shares state.
/// </summary>
public sealed record StorageNames(string Prefix = "")
{
    public static readonly StorageNames Default = new();

    public string Uploads => Container("uploads");
    public string Registry => Container("registry");
    public string Processed => Container("processed");
    public string Rejected => Container("rejected");
    public string Feedback => Container("feedback");

    public string RegistryTable => Table("Registry");
    public string ReportsTable => Table("Reports");
    public string ActivitiesTable => Table("Activities");
    public string UploadsTable => Table("Uploads");
    public string ClaimsTable => Table("Claims");
    /// <summary>Insert-once ledger of mails to people: reminders, recaps, feedback (docs/recaps-and-reminders.md).</summary>
    public string NotificationsTable => Table("Notifications");
    /// <summary>Read-side copies of the <c>Uploads</c> log keyed by month and by kampung (docs/storage.md).</summary>
    public string UploadIndexTable => Table("UploadIndex");
    /// <summary>Google Drive folders linked to kampung, and the files copied from them (docs/channels.md).</summary>
    public string DriveFoldersTable => Table("DriveFolders");
    public string DriveFilesTable => Table("DriveFiles");
    /// <summary>The dashboard's allowlist of dinas users, sign-in links, sessions and rate-limit counters (docs/dashboard.md).</summary>
    public string DashboardUsersTable => Table("DashboardUsers");
    public string DashboardTokensTable => Table("DashboardTokens");
    public string DashboardSessionsTable => Table("DashboardSessions");
    public string DashboardThrottleTable => Table("DashboardThrottle");

    public IReadOnlyList<string> Containers => [Uploads, Registry, Processed, Rejected, Feedback];
    public IReadOnlyList<string> Tables => [RegistryTable, ReportsTable, ActivitiesTable, UploadsTable, ClaimsTable, NotificationsTable, UploadIndexTable, DriveFoldersTable, DriveFilesTable,
        DashboardUsersTable, DashboardTokensTable, DashboardSessionsTable, DashboardThrottleTable];

    private string Container(string name) => Prefix.Length == 0 ? name : $"{Prefix.ToLowerInvariant()}-{name}";
    private string Table(string name) => Prefix.Length == 0 ? name : $"{Prefix}{name}";

    /// <summary>The partition a dinas recap scans: one kabupaten/kota, one period.</summary>
    public static string RegencyPeriodKey(string regencyCode, Model.ReportingPeriod period) => $"{regencyCode}_{period}";

    /// <summary>Partition for uploads that could not be attributed to a registered kampung.</summary>
    public const string UnknownRegency = "_unknown";
}
