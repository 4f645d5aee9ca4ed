using Azure.Data.Tables;
using KampungKB.Core.Store;

namespace KampungKB.Core.Store;

/// <summary>
/// The exactly-once ledger for at-least-once triggers (conventions 8). The first invocation inserts the
/// claim; a claim already done is answered from its record, so a repeated trigger changes nothing. A
/// claim that exists but is not done (a crashed or concurrent invocation) is resumed rather than
/// waited for: every step after it is idempotent (keys derive from the claim), so two invocations
/// converge on one result, and nothing waits on a lease that a crash left behind. Messages to people
/// have their own insert-once claim before sending.
/// </summary>
public sealed class ClaimLedger(TableServiceClient tables, StorageNames names, TimeProvider time)
{
    private readonly TableClient _claims = tables.GetTableClient(names.ClaimsTable);

    /// <summary>Creates the claims table when it does not exist yet (a tool run before the app's start-up created it).</summary>
    public Task EnsureAsync(CancellationToken cancellationToken) => _claims.CreateIfNotExistsAsync(cancellationToken);

    /// <summary>What a claim says: proceed with the work, or it is done (with its recorded summary).</summary>
    internal abstract record Result
    {
        /// <summary>This invocation does (or redoes) the work; <see cref="ReceivedAt"/> is the first invocation's.</summary>
        internal sealed record Proceed(string ClaimId, DateTimeOffset ReceivedAt, int Attempt) : Result;
        internal sealed record Done(string ClaimId, string Summary) : Result;
    }

    internal async Task<Result> ClaimAsync(string claimId, string subject, DateTimeOffset receivedAt, CancellationToken cancellationToken)
    {
        var entity = new TableEntity(PartitionOf(claimId), claimId)
        {
            ["Subject"] = subject.Length > 1000 ? subject[..1000] : subject,
            ["State"] = "Started",
            ["ReceivedAt"] = receivedAt,
            ["StartedAt"] = time.GetUtcNow(),
            ["Attempt"] = 1,
            ["Owner"] = Guid.NewGuid().ToString("N"),
        };
        if (await _claims.TryAddEntityAsync(entity, cancellationToken).ConfigureAwait(false))
            return new Result.Proceed(claimId, receivedAt, 1);

        var existing = await _claims.GetEntityOrDefaultAsync(entity.PartitionKey, claimId, cancellationToken).ConfigureAwait(false);
        if (existing?.GetString("State") == "Done") return new Result.Done(claimId, existing.GetString("Summary") ?? "");
        var attempt = (existing?.GetInt32("Attempt") ?? 1) + 1;
        await _claims.UpsertEntityAsync(new TableEntity(entity.PartitionKey, claimId)
        {
            ["Attempt"] = attempt,
            ["StartedAt"] = time.GetUtcNow(),
        }, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
        return new Result.Proceed(claimId, existing?.GetDateTimeOffset("ReceivedAt") ?? receivedAt, attempt);
    }

    /// <summary>Opens a done claim again (its outcome depended on something that has changed since); the first receipt time is kept.</summary>
    internal async Task<Result> ReopenAsync(string claimId, DateTimeOffset receivedAt, CancellationToken cancellationToken)
    {
        var existing = await _claims.GetEntityOrDefaultAsync(PartitionOf(claimId), claimId, cancellationToken).ConfigureAwait(false);
        var attempt = (existing?.GetInt32("Attempt") ?? 1) + 1;
        await _claims.UpsertEntityAsync(new TableEntity(PartitionOf(claimId), claimId)
        {
            ["State"] = "Started",
            ["Attempt"] = attempt,
            ["StartedAt"] = time.GetUtcNow(),
        }, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
        return new Result.Proceed(claimId, existing?.GetDateTimeOffset("ReceivedAt") ?? receivedAt, attempt);
    }

    internal async Task CompleteAsync(Result.Proceed claim, string summary, CancellationToken cancellationToken)
    {
        var done = new TableEntity(PartitionOf(claim.ClaimId), claim.ClaimId)
        {
            ["State"] = "Done",
            ["Summary"] = summary.Length > 30_000 ? summary[..30_000] : summary,
            ["CompletedAt"] = time.GetUtcNow(),
        };
        await _claims.UpsertEntityAsync(done, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The summary of a finished claim; null while it is not done (or does not exist).</summary>
    public async Task<string?> GetDoneSummaryAsync(string claimId, CancellationToken cancellationToken)
    {
        var existing = await _claims.GetEntityOrDefaultAsync(PartitionOf(claimId), claimId, cancellationToken).ConfigureAwait(false);
        return existing?.GetString("State") == "Done" ? existing.GetString("Summary") : null;
    }

    private static string PartitionOf(string claimId) => claimId[..2];
}
