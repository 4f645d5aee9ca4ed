using System.Text.Json;
using Azure.Storage.Blobs;
using KampungKB.Core.Model;
using KampungKB.Core.Store;

namespace KampungKB.Core.Uploads.Feedback;

/// <summary>Turns feedback into the HTML page (and email body) the cadre reads; templates are data.</summary>
internal interface IFeedbackRenderer
{
    string RenderHtml(FeedbackDocument feedback);
}

/// <summary>Writes <c>feedback/{uploadId}.json</c> (for the upload page and tools) and <c>.html</c> (for people).</summary>
public sealed class FeedbackWriter
{
    private readonly BlobServiceClient blobs;
    private readonly StorageNames names;
    private readonly IFeedbackRenderer renderer;

    internal FeedbackWriter(BlobServiceClient blobs, StorageNames names, IFeedbackRenderer renderer)
    {
        this.blobs = blobs;
        this.names = names;
        this.renderer = renderer;
    }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    internal async Task WriteAsync(FeedbackDocument feedback, CancellationToken cancellationToken = default)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(ToJson(feedback), Json);
        var container = blobs.GetBlobContainerClient(names.Feedback);
        await container.GetBlobClient(feedback.UploadId + ".json").PutAsync(BinaryData.FromBytes(json),
            "application/json; charset=utf-8", cancellationToken: cancellationToken).ConfigureAwait(false);
        var html = renderer.RenderHtml(feedback);
        await container.GetBlobClient(feedback.UploadId + ".html").PutAsync(BinaryData.FromString(html),
            "text/html; charset=utf-8", cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads a feedback document back (for the upload page); null when not written yet.</summary>
    public static async Task<JsonElement?> ReadAsync(BlobServiceClient blobs, StorageNames names, string uploadId, CancellationToken cancellationToken = default)
    {
        var blob = await blobs.GetBlobContainerClient(names.Feedback).GetBlobClient(uploadId + ".json").DownloadContentOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        if (blob is null) return null;
        using var doc = JsonDocument.Parse(blob.Content.ToMemory());
        return doc.RootElement.Clone();
    }

    internal static object ToJson(FeedbackDocument f) => f.Files is { } files ? FolderJson(f, files) : new
    {
        uploadId = f.UploadId,
        file = f.FileName,
        status = f.Status,
        receivedAt = f.ReceivedAt,
        period = f.Period?.ToString(),
        kampung = f.Kampung is null ? null : new { areaCode = f.Kampung.AreaCode, name = f.Kampung.Name, village = f.Kampung.Village, district = f.Kampung.District },
        activities = f.Report?.Activities.Count ?? 0,
        participants = f.Report?.Activities.Sum(a => a.Participants ?? 0) ?? 0,
        male = f.Report?.Activities.Sum(a => a.Male ?? 0) ?? 0,
        female = f.Report?.Activities.Sum(a => a.Female ?? 0) ?? 0,
        indicators = f.Report?.Indicators ?? new Dictionary<string, decimal>(),
        errorCount = f.ErrorTotal,
        warningCount = f.WarningTotal,
        // The first problems of each severity (a file with an error in every row stays a small document); the counts above are the totals.
        problems = f.Problems.Where(p => p.Severity == Severity.Error).Take(MaxListed)
            .Concat(f.Problems.Where(p => p.Severity != Severity.Error).Take(MaxListed)).Select(ProblemJson.From),
    };

    /// <summary>The combined feedback of a zip: the zip's own problems and one line per file (the shape <c>kkb upload --json</c> prints per file).</summary>
    private static object FolderJson(FeedbackDocument f, IReadOnlyList<FolderFile> files) => new
    {
        uploadId = f.UploadId,
        file = f.FileName,
        status = f.Status,
        receivedAt = f.ReceivedAt,
        kampung = f.Kampung is null ? null : new { areaCode = f.Kampung.AreaCode, name = f.Kampung.Name, village = f.Kampung.Village, district = f.Kampung.District },
        errorCount = f.ErrorTotal,
        warningCount = f.WarningTotal,
        problems = f.Problems.Select(ProblemJson.From),
        files = files.Where(x => x.Status != FolderFile.Skipped).Select(FileJson),
        skipped = files.Where(x => x.Status == FolderFile.Skipped).Select(x => new
        {
            file = x.Path,
            reason = x.Problems.FirstOrDefault()?.Code,
            message = x.Problems.FirstOrDefault()?.Message,
        }),
    };

    /// <summary>One spreadsheet of a zip: <c>{file, uploadId, status, areaCode, period, activities, indicators, errors, warnings, problems}</c>.</summary>
    internal static object FileJson(FolderFile x) => new
    {
        file = x.Path,
        uploadId = x.UploadId,
        status = x.Status,
        areaCode = x.AreaCode,
        period = x.Period?.ToString(),
        activities = x.Activities,
        indicators = x.Indicators,
        errors = x.Errors,
        warnings = x.Warnings,
        problems = x.Problems.Select(ProblemJson.From),
    };

    /// <summary>Most problems of one severity listed in feedback (page, JSON and mail); the rest are counted.</summary>
    public const int MaxListed = 200;
}
