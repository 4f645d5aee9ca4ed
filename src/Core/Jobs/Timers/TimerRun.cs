using Azure;
using Azure.Data.Tables;
using KampungKB.Core.Jobs.Reminders;
using KampungKB.Core.Model;
using KampungKB.Core.Store;
using Microsoft.Extensions.Logging;

namespace KampungKB.Core.Jobs.Timers;

/// <summary>A timer run that still failed for some kabupaten after its in-run retries (docs/recaps-and-reminders.md).</summary>
internal sealed class TimerRunFailedException(string timer, IReadOnlyList<string> regencies, Exception inner)
    : Exception($"Timer {timer} failed for {string.Join(", ", regencies)} after its retries; recorded as missed, the next run catches up.", inner)
{
    /// <summary>The codes of the kabupaten whose work failed.</summary>
    public IReadOnlyList<string> Regencies { get; } = regencies;
}

/// <summary>
/// Runs a timer's work per kabupaten (docs/recaps-and-reminders.md): each kabupaten in isolation (one failing does not
/// stop the others); a transient failure (<see cref="StorageErrors.IsTransient"/>) is retried within the run
/// after each delay in <c>backoff</c> (default 2 s, 10 s, 30 s: at most 42 s of waiting, honouring
/// cancellation); a kabupaten that still fails (or fails permanently) gets a missed-run row in the
/// <c>Notifications</c> table (PK <see cref="MissedPartition"/>, RK <c>{timer}_{regency}_{yyyyMMddHHmmss}</c>)
/// and a <see cref="NotificationEvents.TimerRunMissed"/> log, and after all kabupaten the run throws
/// <see cref="TimerRunFailedException"/> so the host logs it as failed. The next run catches up because the
/// work itself looks back: reminders over <see cref="ReminderRunner.CatchUpDays"/> days, recaps over
/// <c>RecapSender.CatchUpDays</c> days, each message claimed once.
/// </summary>
public sealed class TimerRun(TableServiceClient tables, StorageNames names, TimeProvider time, ILogger<TimerRun> logger,
    IReadOnlyList<TimeSpan>? backoff = null)
{
    /// <summary>The partition of missed-run rows in the Notifications table.</summary>
    public const string MissedPartition = "timer-missed";

    /// <summary>The default waits between tries: three retries, 42 s in all.</summary>
    public static readonly IReadOnlyList<TimeSpan> DefaultBackoff = [TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30)];

    private readonly IReadOnlyList<TimeSpan> _backoff = backoff ?? DefaultBackoff;

    /// <summary>Runs <paramref name="work"/> for every kabupaten; returns the results of those that succeeded, or throws (see the type).</summary>
    public async Task<IReadOnlyList<T>> ForEachAsync<T>(string timer, IEnumerable<RegencySettings> regencies,
        Func<RegencySettings, CancellationToken, Task<T>> work, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        var results = new List<T>();
        var failed = new List<(string Regency, Exception Error)>();
        foreach (var regency in regencies)
        {
            ct.ThrowIfCancellationRequested();
            for (var attempt = 0; ; attempt++)
            {
                try
                {
                    results.Add(await work(regency, ct).ConfigureAwait(false));
                    break;
                }
                catch (Exception e) when (!ct.IsCancellationRequested && StorageErrors.IsTransient(e) && attempt < _backoff.Count)
                {
                    await Task.Delay(_backoff[attempt], time, ct).ConfigureAwait(false);
                }
                catch (Exception e) when (!ct.IsCancellationRequested && e is not OutOfMemoryException)
                {
                    failed.Add((regency.Code, e));
                    await RecordMissedAsync(timer, regency.Code, attempt + 1, e).ConfigureAwait(false);
                    break;
                }
            }
        }
        if (failed.Count > 0)
            throw new TimerRunFailedException(timer, failed.Select(f => f.Regency).ToList(),
                failed.Count == 1 ? failed[0].Error : new AggregateException(failed.Select(f => f.Error)));
        return results;
    }

    /// <summary>The missed-run rows, oldest first (for the operator and tests).</summary>
    public async Task<IReadOnlyList<TableEntity>> ListMissedAsync(CancellationToken ct = default)
    {
        var rows = new List<TableEntity>();
        await foreach (var e in tables.GetTableClient(names.NotificationsTable)
            .QueryAsync<TableEntity>(e => e.PartitionKey == MissedPartition, cancellationToken: ct).ConfigureAwait(false))
            rows.Add(e);
        return rows.OrderBy(r => r.GetDateTimeOffset("FailedAt")).ToList();
    }

    private async Task RecordMissedAsync(string timer, string regency, int attempts, Exception error)
    {
        var now = time.GetUtcNow();
        logger.LogError(NotificationEvents.TimerRunMissed, error, "Timer {Timer} missed {Regency} after {Attempts} tries; the next run catches up",
            timer, regency, attempts);
        try
        {
            var row = new TableEntity(MissedPartition, $"{timer}_{regency}_{now:yyyyMMddHHmmssfff}")
            {
                ["Timer"] = timer, ["Regency"] = regency, ["Attempts"] = attempts, ["FailedAt"] = now,
                ["Transient"] = StorageErrors.IsTransient(error), ["Error"] = error.GetType().Name,
                ["Status"] = error is RequestFailedException rfe ? rfe.Status : null,
            };
            await tables.GetTableClient(names.NotificationsTable).UpsertEntityAsync(row, TableUpdateMode.Replace, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Storage itself is down: the log above is the record; the run still throws.
            logger.LogError(NotificationEvents.TimerRunMissed, e, "Could not record the missed run of {Timer} for {Regency}", timer, regency);
        }
    }
}
