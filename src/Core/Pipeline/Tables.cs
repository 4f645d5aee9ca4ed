namespace KampungKB.Core.Pipeline;

/// <summary>Names of the containers and tables the product uses (docs/storage.md).</summary>
public static class Containers
{
    public const string Uploads = "uploads";
    public const string Registry = "registry";
    public const string Processed = "processed";
    public const string Rejected = "rejected";
    public const string Feedback = "feedback";

    public static readonly IReadOnlyList<string> All = [Uploads, Registry, Processed, Rejected, Feedback];
}

public static class Tables
{
    public const string Registry = "Registry";
    public const string Reports = "Reports";
    public const string Activities = "Activities";
    public const string Uploads = "Uploads";
    public const string Claims = "Claims";

    public static readonly IReadOnlyList<string> All = [Registry, Reports, Activities, Uploads, Claims];

    /// <summary>The partition a dinas recap scans: one kabupaten/kota, one period.</summary>
    public static string RegencyPeriodKey(string regencyCode, Model.ReportingPeriod period) => $"{regencyCode}_{period}";

    /// <summary>Partition for uploads that could not be attributed to a registered kampung.</summary>
    public const string UnknownRegency = "_unknown";
}
