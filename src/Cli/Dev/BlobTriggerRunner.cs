using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using KampungKB.Core.Storage;

namespace KampungKB.Cli.Dev;

/// <summary>One blob-triggered function as function.json declares it.</summary>
internal sealed record BlobFunction(string Name, string Container, string Binding);

/// <summary>A blob the runner gave up on, and why.</summary>
internal sealed record PoisonBlob(string Function, string BlobName, int Attempts, string Reason, DateTimeOffset? At);

/// <summary>What the runner did with one blob version.</summary>
internal sealed record Dispatch(string Function, string BlobName, bool Succeeded, int Attempts, JsonElement? ReturnValue, IReadOnlyList<string> Logs);

/// <summary>
/// Plays the Functions host's part for blob triggers, for local runs only: every new blob version (name
/// + ETag) in a watched container is POSTed once to the handler with the host's payload shape (base64
/// content, double-encoded <c>name</c>, nested <c>Properties</c>), retried up to the host's limit (5);
/// receipts live in a table like the host's own blob receipts.
/// </summary>
internal sealed class BlobTriggerRunner(BlobServiceClient blobs, TableServiceClient tables, HttpClient handler, IReadOnlyList<BlobFunction> functions,
    string receiptsTable = BlobTriggerRunner.ReceiptsTable)
{
    public const string ReceiptsTable = "DevRunnerReceipts";
    private const int MaxAttempts = 5;

    public static readonly IReadOnlyList<BlobFunction> Default =
    [
        new("ImportRegistry", "registry", "registry"),
        new("IngestUpload", "uploads", "upload"),
    ];

    /// <summary>Sends every blob version not yet receipted; returns what was dispatched, in order.</summary>
    public async Task<IReadOnlyList<Dispatch>> RunOnceAsync(CancellationToken cancellationToken = default)
    {
        var receipts = tables.GetTableClient(receiptsTable);
        await receipts.CreateIfNotExistsAsync(cancellationToken);
        var done = new List<Dispatch>();
        foreach (var function in functions)
        {
            var container = blobs.GetBlobContainerClient(function.Container);
            await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            var pending = new List<BlobItem>();
            await foreach (var blob in container.GetBlobsAsync(cancellationToken: cancellationToken))
            {
                var receipt = await receipts.GetEntityOrDefaultAsync(function.Name, ReceiptKey(blob), cancellationToken);
                if (receipt is null) pending.Add(blob);
            }
            foreach (var blob in pending.OrderBy(b => b.Properties.LastModified).ThenBy(b => b.Name, StringComparer.Ordinal))
                done.Add(await DispatchAsync(function, blob, cancellationToken));
        }
        return done;
    }

    /// <summary>Runs until nothing new arrives (the demo) or until cancelled (<c>kkb dev</c>).</summary>
    public async Task WatchAsync(Action<Dispatch> report, TimeSpan interval, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            foreach (var d in await RunOnceAsync(cancellationToken)) report(d);
            try { await Task.Delay(interval, cancellationToken); }
            catch (OperationCanceledException) { break; }
        }
    }

    private async Task<Dispatch> DispatchAsync(BlobFunction function, BlobItem blob, CancellationToken cancellationToken)
    {
        var logs = new List<string>();
        JsonElement? returnValue = null;
        var attempts = 0;
        var succeeded = false;
        while (!succeeded && attempts < MaxAttempts)
        {
            attempts++;
            var download = await blobs.GetBlobContainerClient(function.Container).GetBlobClient(blob.Name).DownloadContentOrDefaultAsync(cancellationToken);
            if (download is null) { logs.Add("blob deleted before it was processed"); break; }
            var payload = Payload(function, blob.Name, download);
            using var response = await handler.PostAsJsonAsync("/" + function.Name, payload, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            try
            {
                using var doc = JsonDocument.Parse(body);
                if (doc.RootElement.TryGetProperty("Logs", out var l) && l.ValueKind == JsonValueKind.Array)
                    logs.AddRange(l.EnumerateArray().Select(x => x.GetString() ?? ""));
                if (doc.RootElement.TryGetProperty("ReturnValue", out var rv) && rv.ValueKind != JsonValueKind.Null)
                    returnValue = rv.Clone();
            }
            catch (JsonException) { logs.Add(body.Length > 500 ? body[..500] : body); }
            succeeded = response.IsSuccessStatusCode;
            if (!succeeded && attempts < MaxAttempts) await Task.Delay(TimeSpan.FromMilliseconds(200 * attempts), cancellationToken);
        }

        var receipt = new TableEntity(function.Name, ReceiptKey(blob))
        {
            ["BlobName"] = blob.Name,
            ["BlobETag"] = blob.Properties.ETag?.ToString() ?? "",
            ["Status"] = succeeded ? "done" : "poison",
            ["Attempts"] = attempts,
            ["LastLog"] = string.Join(" | ", logs.TakeLast(3)) is { Length: > 0 } last ? (last.Length > 4000 ? last[..4000] : last) : "-",
        };
        await tables.GetTableClient(receiptsTable).UpsertEntityAsync(receipt, TableUpdateMode.Replace, cancellationToken);
        return new Dispatch(function.Name, blob.Name, succeeded, attempts, returnValue, logs);
    }

    /// <summary>
    /// Blobs given up on after <see cref="MaxAttempts"/> failed attempts, with the handler's last words: the
    /// local counterpart of the host's <c>webjobs-blobtrigger-poison</c> queue (<c>kkb poison</c>).
    /// </summary>
    public static async Task<IReadOnlyList<PoisonBlob>> ListPoisonAsync(TableServiceClient tables, string receiptsTable = ReceiptsTable, CancellationToken cancellationToken = default)
    {
        var list = new List<PoisonBlob>();
        var receipts = tables.GetTableClient(receiptsTable);
        await receipts.CreateIfNotExistsAsync(cancellationToken);
        await foreach (var e in receipts.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"Status eq {"poison"}"), cancellationToken: cancellationToken))
            list.Add(new PoisonBlob(e.PartitionKey, e.GetString("BlobName") ?? "", e.GetInt32("Attempts") ?? 0, e.GetString("LastLog") ?? "-", e.Timestamp));
        return list;
    }

    /// <summary>The request body the Functions host sends a custom handler for a blob trigger.</summary>
    internal static object Payload(BlobFunction function, string name, BlobDownloadResult blob)
    {
        var p = blob.Details;
        return new Dictionary<string, object>
        {
            ["Data"] = new Dictionary<string, object> { [function.Binding] = Convert.ToBase64String(blob.Content.ToMemory().Span) },
            ["Metadata"] = new Dictionary<string, object>
            {
                ["name"] = JsonSerializer.Serialize(name),
                ["Uri"] = JsonSerializer.Serialize($"{function.Container}/{name}"),
                ["Properties"] = new Dictionary<string, object?>
                {
                    ["ContentLength"] = p.ContentLength,
                    ["ContentType"] = p.ContentType,
                    ["ETag"] = p.ETag.ToString(),
                    ["LastModified"] = p.LastModified.ToString("O"),
                },
                ["Metadata"] = p.Metadata,
                ["sys"] = new Dictionary<string, object>
                {
                    ["MethodName"] = function.Name,
                    ["UtcNow"] = DateTimeOffset.UtcNow.ToString("O"),
                    ["RandGuid"] = Guid.NewGuid().ToString(),
                },
            },
        };
    }

    private static string ReceiptKey(BlobItem blob) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(blob.Name + "\n" + blob.Properties.ETag)));
}
