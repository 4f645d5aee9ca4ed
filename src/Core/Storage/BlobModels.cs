using Azure;

namespace KampungKB.Core.Storage;

/// <summary>System properties and user metadata of one blob.</summary>
public sealed class BlobProperties
{
    public required string Container { get; init; }
    public required string Name { get; init; }
    public ETag ETag { get; init; }
    public DateTimeOffset LastModified { get; init; }
    public long ContentLength { get; init; }
    public string? ContentType { get; init; }
    /// <summary>Base64 MD5 the service keeps for whole-blob uploads (may be absent).</summary>
    public string? ContentMd5 { get; init; }
    /// <summary>User metadata; empty when none (or, when listing, unless metadata was requested).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
}

/// <summary>A downloaded blob: its content, buffered, and its properties.</summary>
public sealed class BlobDownloadResult
{
    public required BlobProperties Properties { get; init; }
    public required BinaryData Content { get; init; }
}

/// <summary>Options for <see cref="IBlobStore.PutAsync(string, string, Stream, BlobPutOptions?, CancellationToken)"/>.</summary>
public sealed class BlobPutOptions
{
    public string? ContentType { get; set; }

    /// <summary>User metadata: names are C# identifiers, values ASCII (they travel as HTTP headers).</summary>
    public IDictionary<string, string>? Metadata { get; set; }

    /// <summary>
    /// <c>IfNoneMatch = ETag.All</c> writes only if the blob does not exist (else 409 BlobAlreadyExists);
    /// <c>IfMatch = etag</c> writes only over that version (else 412 ConditionNotMet).
    /// </summary>
    public MatchConditions? Conditions { get; set; }

    /// <summary>Options for a create-only write.</summary>
    public static BlobPutOptions CreateOnly(string? contentType = null, IDictionary<string, string>? metadata = null) =>
        new() { ContentType = contentType, Metadata = metadata, Conditions = new MatchConditions { IfNoneMatch = ETag.All } };
}
