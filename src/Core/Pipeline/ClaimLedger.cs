using Azure;
using KampungKB.Core.Storage;

namespace KampungKB.Core.Pipeline;

/// <summary>
/// Exactly-once effect for at-least-once triggers (conventions 8): the first invocation to insert the
/// claim owns the work; a claim already done is answered from its record; a claim held by a live
/// owner makes the caller retry later; an abandoned claim (lease expired) is taken over by ETag.
/// </summary>
internal sealed class ClaimLedger(ITableStore tables, StorageNames names, TimeProvider time, TimeSpan lease)
{
    internal abstract record Result
    {
        public sealed record Owned(string ClaimId, DateTimeOffset ReceivedAt, ETag ETag, int Attempt) : Result;
        public sealed record Done(string ClaimId, string Summary) : Result;
        public sealed record Busy(string ClaimId) : Result;
    }

    public async Task<Result> ClaimAsync(string claimId, string subject, DateTimeOffset receivedAt, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var entity = new TableEntity(PartitionOf(claimId), claimId)
        {
            ["Subject"] = subject,
            ["State"] = "Started",
            ["ReceivedAt"] = receivedAt,
            ["LeaseUntil"] = now + lease,
            ["Attempt"] = 1,
            ["Owner"] = Guid.NewGuid().ToString("N"),
        };
        if (await tables.TryAddEntityAsync(names.ClaimsTable, entity, cancellationToken).ConfigureAwait(false))
        {
            var created = await tables.GetEntityAsync(names.ClaimsTable, entity.PartitionKey, claimId, cancellationToken).ConfigureAwait(false);
            return new Result.Owned(claimId, receivedAt, created?.ETag ?? ETag.All, 1);
        }

        var existing = await tables.GetEntityAsync(names.ClaimsTable, entity.PartitionKey, claimId, cancellationToken).ConfigureAwait(false);
        if (existing is null) return new Result.Busy(claimId); // deleted between our insert and read: retry later
        if (existing.GetString("State") == "Done") return new Result.Done(claimId, existing.GetString("Summary") ?? "");
        if (existing.GetDateTimeOffset("LeaseUntil") is { } until && until > now) return new Result.Busy(claimId);

        // The previous owner stopped without finishing: take over, unless someone else just did.
        var attempt = (existing.GetInt32("Attempt") ?? 1) + 1;
        var takeover = new TableEntity(existing.PartitionKey, claimId)
        {
            ["LeaseUntil"] = now + lease,
            ["Attempt"] = attempt,
            ["Owner"] = Guid.NewGuid().ToString("N"),
        };
        try
        {
            var etag = await tables.UpdateEntityAsync(names.ClaimsTable, takeover, existing.ETag, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
            return new Result.Owned(claimId, existing.GetDateTimeOffset("ReceivedAt") ?? receivedAt, etag, attempt);
        }
        catch (RequestFailedException e) when (e.Status == 412)
        {
            return new Result.Busy(claimId);
        }
    }

    public async Task CompleteAsync(Result.Owned claim, string summary, CancellationToken cancellationToken)
    {
        var done = new TableEntity(PartitionOf(claim.ClaimId), claim.ClaimId)
        {
            ["State"] = "Done",
            ["Summary"] = summary.Length > 30_000 ? summary[..30_000] : summary,
            ["CompletedAt"] = time.GetUtcNow(),
        };
        await tables.UpsertEntityAsync(names.ClaimsTable, done, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
    }

    private static string PartitionOf(string claimId) => claimId[..2];
}
