using System.Security.Cryptography;
using System.Text;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using KampungKB.Core.Store;

namespace KampungKB.Cli.Dev;

/// <summary>What the runner did with one blob version: the function's return value, or the last error after every attempt failed.</summary>
internal sealed record Dispatch(string Function, string BlobName, bool Succeeded, int Attempts, object? ReturnValue, string? Error);

/// <summary>
/// Plays the host's part for blob triggers, locally: polls the watched containers (Azurite sends no Event
/// Grid events) and invokes each new blob version (name + ETag) once through <see cref="LocalFunctionHost"/>.
/// A function that throws is retried up to host.json's <c>poisonBlobThreshold</c>; then, as the host does,
/// the blob's message goes on <c>webjobs-blobtrigger-poison</c>. Receipts in a table remember what was seen.
/// </summary>
internal sealed class BlobTriggerRunner(LocalFunctionHost host, BlobServiceClient blobs, TableServiceClient tables, StorageNames names, PoisonQueue poison,
    string receiptsTable = BlobTriggerRunner.ReceiptsTable, Func<int, TimeSpan>? backoff = null)
{
    public const string ReceiptsTable = "DevRunnerReceipts";
    private readonly Func<int, TimeSpan> _backoff = backoff ?? (attempt => TimeSpan.FromMilliseconds(200 * attempt));

    /// <summary>The account container a trigger path's container stands for (a test's prefixed names).</summary>
    private string Container(FunctionDescriptor f) =>
        StorageNames.Default.Containers.Zip(names.Containers).FirstOrDefault(p => p.First == f.Container).Second ?? f.Container!;

    /// <summary>Invokes every blob version not yet receipted, registry before uploads; returns what was dispatched, in order.</summary>
    public async Task<IReadOnlyList<Dispatch>> RunOnceAsync(CancellationToken cancellationToken = default)
    {
        var receipts = tables.GetTableClient(receiptsTable);
        await receipts.CreateIfNotExistsAsync(cancellationToken);
        var done = new List<Dispatch>();
        foreach (var function in host.Functions.Where(f => f.TriggerType == "blobTrigger").OrderBy(f => f.Container == "registry" ? 0 : 1))
        {
            var container = Container(function);
            var client = blobs.GetBlobContainerClient(container);
            await client.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            var pending = new List<(string Name, string ETag, DateTimeOffset LastModified)>();
            await foreach (var blob in client.GetBlobsAsync(cancellationToken: cancellationToken))
                if (await receipts.GetEntityOrDefaultAsync(function.Name, ReceiptKey(blob.Name, blob.Properties.ETag.ToString()!), cancellationToken) is null)
                    pending.Add((blob.Name, blob.Properties.ETag.ToString()!, blob.Properties.LastModified ?? DateTimeOffset.MinValue));
            foreach (var blob in pending.OrderBy(b => b.LastModified).ThenBy(b => b.Name, StringComparer.Ordinal))
                done.Add(await DispatchAsync(function, container, blob.Name, blob.ETag, cancellationToken));
        }
        return done;
    }

    /// <summary>Invokes <paramref name="functionName"/> for one blob now (<c>kkb upload</c>), with the same retries, poison message and receipt.</summary>
    /// <returns>Null when the blob does not exist.</returns>
    public async Task<Dispatch?> RunBlobAsync(string functionName, string blobName, CancellationToken cancellationToken = default)
    {
        var function = host.Functions.Single(f => f.Name == functionName && f.TriggerType == "blobTrigger");
        var container = Container(function);
        BlobProperties properties;
        try { properties = (await blobs.GetBlobContainerClient(container).GetBlobClient(blobName).GetPropertiesAsync(cancellationToken: cancellationToken)).Value; }
        catch (Azure.RequestFailedException e) when (e.Status == 404) { return null; }
        await tables.GetTableClient(receiptsTable).CreateIfNotExistsAsync(cancellationToken);
        return await DispatchAsync(function, container, blobName, properties.ETag.ToString(), cancellationToken);
    }

    /// <summary>Runs until cancelled (<c>kkb dev</c>), reporting each dispatch.</summary>
    public async Task WatchAsync(Action<Dispatch> report, TimeSpan interval, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                foreach (var d in await RunOnceAsync(cancellationToken)) report(d);
                await Task.Delay(interval, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested) { break; }
        }
    }

    private async Task<Dispatch> DispatchAsync(FunctionDescriptor function, string container, string blobName, string etag, CancellationToken cancellationToken)
    {
        object? returned = null;
        string? error = null;
        var attempts = 0;
        var succeeded = false;
        while (!succeeded && attempts < host.Host.PoisonBlobThreshold)
        {
            attempts++;
            try
            {
                returned = await host.InvokeBlobAsync(function, container, blobName, cancellationToken);
                succeeded = true;
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                error = $"{e.GetType().Name}: {e.Message}";
                if (attempts < host.Host.PoisonBlobThreshold) await Task.Delay(_backoff(attempts), cancellationToken);
            }
        }
        if (!succeeded)
            await poison.AddAsync(new PoisonMessage("BlobTrigger", "Host.Functions." + function.Name, "BlockBlob", container, blobName, etag), cancellationToken);

        var receipt = new TableEntity(function.Name, ReceiptKey(blobName, etag))
        {
            ["BlobName"] = blobName,
            ["BlobETag"] = etag,
            ["Status"] = succeeded ? "done" : "poison",
            ["Attempts"] = attempts,
            ["LastError"] = error is null ? "-" : error.Length > 4000 ? error[..4000] : error,
        };
        await tables.GetTableClient(receiptsTable).UpsertEntityAsync(receipt, TableUpdateMode.Replace, cancellationToken);
        return new Dispatch(function.Name, blobName, succeeded, attempts, returned, error);
    }

    /// <summary>The runner's last error for each blob it gave up on (by function and blob name), to explain <c>kkb poison</c>'s entries locally.</summary>
    public static async Task<IReadOnlyDictionary<(string Function, string BlobName), string>> PoisonReasonsAsync(TableServiceClient tables, string receiptsTable = ReceiptsTable,
        CancellationToken cancellationToken = default)
    {
        var map = new Dictionary<(string, string), string>();
        var receipts = tables.GetTableClient(receiptsTable);
        await receipts.CreateIfNotExistsAsync(cancellationToken);
        await foreach (var e in receipts.QueryAsync<TableEntity>("Status eq 'poison'", cancellationToken: cancellationToken))
            map[(e.PartitionKey, e.GetString("BlobName") ?? "")] = e.GetString("LastError") ?? "-";
        return map;
    }

    private static string ReceiptKey(string blobName, string etag) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(blobName + "\n" + etag.Trim('"'))));
}
