using Microsoft.Extensions.Logging;

namespace KampungKB.Core.Model;

/// <summary>Stable log event ids (conventions 13): logs carry ids, codes and counts, never names or phone numbers.</summary>
internal static class PipelineEvents
{
    public static readonly EventId UploadProcessed = new(1001, nameof(UploadProcessed));
    public static readonly EventId UploadRepeated = new(1002, nameof(UploadRepeated));
    /// <summary>A zip of reports expanded: counts of its spreadsheets and skipped files (docs/channels.md).</summary>
    public static readonly EventId ArchiveProcessed = new(1003, nameof(ArchiveProcessed));
    public static readonly EventId UploadBlobLeft = new(1004, nameof(UploadBlobLeft));
    public static readonly EventId RegistryImported = new(1101, nameof(RegistryImported));
    public static readonly EventId CleanupFailed = new(1201, nameof(CleanupFailed));
    /// <summary>A bug in our own sheet code while reading an upload (docs/robustness.md); the cadre is told <c>internal-error</c>.</summary>
    public static readonly EventId IngestionBug = new(1301, nameof(IngestionBug));
    public static readonly EventId RetentionRan = new(1401, nameof(RetentionRan));
}
