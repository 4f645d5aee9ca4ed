using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Azure.Storage.Queues;

namespace KampungKB.Cli.Dev;

/// <summary>
/// The host's message for a blob that failed <c>poisonBlobThreshold</c> times, as the WebJobs blob
/// extension writes it to <c>webjobs-blobtrigger-poison</c> (base64-encoded JSON):
/// <c>{"Type":"BlobTrigger","FunctionId":"Host.Functions.IngestUpload","BlobType":"BlockBlob","ContainerName":…,"BlobName":…,"ETag":…}</c>.
/// </summary>
internal sealed record PoisonMessage(
    [property: JsonPropertyName("Type")] string Type,
    [property: JsonPropertyName("FunctionId")] string FunctionId,
    [property: JsonPropertyName("BlobType")] string BlobType,
    [property: JsonPropertyName("ContainerName")] string ContainerName,
    [property: JsonPropertyName("BlobName")] string BlobName,
    [property: JsonPropertyName("ETag")] string? ETag)
{
    /// <summary>The function's short name (<c>Host.Functions.IngestUpload</c> → <c>IngestUpload</c>).</summary>
    [JsonIgnore] public string Function => FunctionId.StartsWith("Host.Functions.", StringComparison.Ordinal) ? FunctionId["Host.Functions.".Length..] : FunctionId;
}

/// <summary>A poison message as <c>kkb poison</c> lists it: the message, when it was queued, and the runner's last error when known.</summary>
internal sealed record PoisonEntry(string Function, string ContainerName, string BlobName, string? ETag, DateTimeOffset? InsertedOn, string? Reason);

/// <summary>Reads and writes the <c>webjobs-blobtrigger-poison</c> queue of the storage account.</summary>
internal sealed class PoisonQueue(QueueClient queue)
{
    public const string Name = "webjobs-blobtrigger-poison";
    private static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = JsonIgnoreCondition.Never };

    /// <summary>The account's poison queue, through its <see cref="QueueServiceClient"/> (base64 messages, as the host writes them).</summary>
    public static PoisonQueue For(QueueServiceClient queues, string name = Name) => new(queues.GetQueueClient(name));

    /// <inheritdoc cref="For(QueueServiceClient, string)"/>
    public static PoisonQueue For(LocalEnvironment env, string name = Name) => For(env.Queues, name);

    /// <summary>For a connection string (tests): base64 messages, as the host writes them.</summary>
    public static PoisonQueue For(string connectionString, string name = Name) =>
        new(new QueueClient(connectionString, name, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 }));

    public async Task AddAsync(PoisonMessage message, CancellationToken cancellationToken = default)
    {
        await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        await queue.SendMessageAsync(JsonSerializer.Serialize(message, Json), cancellationToken);
    }

    /// <summary>Up to 32 messages, peeked (left on the queue for the operator to handle).</summary>
    public async Task<IReadOnlyList<(PoisonMessage Message, DateTimeOffset? InsertedOn)>> PeekAsync(CancellationToken cancellationToken = default)
    {
        if (!(await queue.ExistsAsync(cancellationToken)).Value) return [];
        var peeked = await queue.PeekMessagesAsync(32, cancellationToken);
        var list = new List<(PoisonMessage, DateTimeOffset?)>();
        foreach (var m in peeked.Value)
            if (Parse(m.Body.ToString()) is { } message) list.Add((message, m.InsertedOn));
        return list;
    }

    private static PoisonMessage? Parse(string text)
    {
        try { return JsonSerializer.Deserialize<PoisonMessage>(text, Json); }
        catch (JsonException) { }
        try { return JsonSerializer.Deserialize<PoisonMessage>(Encoding.UTF8.GetString(Convert.FromBase64String(text)), Json); }
        catch (Exception e) when (e is JsonException or FormatException) { return null; }
    }
}
