using System.Text.Json;
using Azure.Core;
using Azure.Core.Pipeline;

namespace KampungKB.Core.Store;

/// <summary>
/// A pipeline policy for <c>TableClientOptions</c> that counts the table entities the service returns: the items of
/// each query page, or 1 for a point read. What a read costs in entities, independent of the machine's speed; the
/// bench (<c>kkb bench --scale</c>) and the index tests use it to show that the upload page and the recap read the
/// month, not the history (docs/performance.md). Not registered in the app.
/// </summary>
internal sealed class TableEntityCounter : HttpPipelinePolicy
{
    private long _entities;

    /// <summary>Entities returned since creation or the last <see cref="Reset"/>.</summary>
    public long Entities => Interlocked.Read(ref _entities);

    /// <summary>Starts counting from zero; returns the count so far.</summary>
    public long Reset() => Interlocked.Exchange(ref _entities, 0);

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        ProcessNext(message, pipeline);
        Count(message);
    }

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
        Count(message);
    }

    private void Count(HttpMessage message)
    {
        if (message.Request.Method != RequestMethod.Get || message.Response.Status != 200 || message.Response.Content.ToMemory().Length == 0) return;
        using var doc = JsonDocument.Parse(message.Response.Content.ToMemory());
        Interlocked.Add(ref _entities, doc.RootElement.TryGetProperty("value", out var v) && v.ValueKind == JsonValueKind.Array ? v.GetArrayLength() : 1);
    }
}
