using Azure.Data.Tables;
using KampungKB.Core.Outbox.Notifications;
using KampungKB.Core.Uploads;
using KampungKB.Core.Registry;
using KampungKB.Core.Uploads.Feedback;
using KampungKB.Core.Store;
using KampungKB.Core.Jobs.Recaps;
using KampungKB.Core.Jobs.Reminders;
using KampungKB.Core.Jobs.Retention;
using KampungKB.Core.Model;
using KampungKB.Core.Jobs.Timers;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace KampungKB.Functions.Functions;

/// <summary>
/// The timer-triggered functions (schedules from the app settings <c>Schedules__CompileRecap</c> and
/// <c>Schedules__SendReminders</c>, six-field NCRONTAB in UTC, checked by <see cref="AppSettings"/>).
/// A binding expression names a configuration key, not an app setting: the host reads the app setting
/// <c>Schedules__CompileRecap</c> as the key <c>Schedules:CompileRecap</c>, so the trigger says
/// <c>%Schedules:CompileRecap%</c> (the same name with <c>__</c> does not resolve and the function is "in error").
/// Each run decides what is due from each kabupaten's local date, so a run that fires twice, late or
/// after an outage does the same work once: the Notifications claims make it idempotent. Through
/// <see cref="TimerRun"/>, each kabupaten runs in isolation, transient faults are retried within the run, and
/// a kabupaten that still fails is recorded as a missed run; the function then throws (logged as failed)
/// and the next tick catches up.
/// </summary>
public sealed class TimerFunctions(RecapSender recaps, ReminderRunner reminders, OutboxSweeper outbox, TimerRun run, IReadOnlyList<RegencySettings> configured,
    TableServiceClient tables, StorageNames names, ILogger<TimerFunctions> logger, RetentionSweeper retention)
{
    /// <summary>
    /// Daily at 03:30 UTC (10:30 WIB, outside the night's recap and reminder runs): deletes originals and
    /// problem details older than <c>Retention__Months</c> and duplicates left in <c>uploads/</c>
    /// (docs/retention.md). Idempotent; a failed run is redone by the next. A fixed schedule, not a setting.
    /// </summary>
    [Function(nameof(ApplyRetention))]
    public async Task<RetentionResult> ApplyRetention([TimerTrigger("0 30 3 * * *")] TimerInfo timer, CancellationToken cancellationToken)
    {
        var result = await retention.RunAsync(cancellationToken);
        logger.LogInformation(FunctionEvents.TimerRan, "retention: {Pruned} uploads pruned, {Duplicates} duplicates removed", result.UploadsPruned, result.DuplicatesDeleted);
        return result;
    }

    /// <summary>
    /// Every 5 minutes: sends what the outbox holds whose claim ran out (a process died mid-send) or whose
    /// next try after a transient Graph failure has come (docs/mail.md). A fixed schedule, not a setting.
    /// </summary>
    [Function(nameof(SweepOutbox))]
    public async Task<OutboxSweepResult> SweepOutbox([TimerTrigger("0 */5 * * * *")] TimerInfo timer, CancellationToken cancellationToken)
    {
        var result = await outbox.SweepAsync(cancellationToken);
        logger.LogInformation(FunctionEvents.TimerRan, "outbox: {Sent} sent, {Failed} failed, {WithoutPayload} left to their producer",
            result.Sent, result.Failed, result.WithoutPayload);
        return result;
    }

    /// <summary>Compiles and sends every due recap, per kabupaten (registered or configured).</summary>
    [Function(nameof(CompileRecap))]
    public async Task<IReadOnlyList<RecapSendOutcome>> CompileRecap([TimerTrigger("%Schedules:CompileRecap%")] TimerInfo timer, CancellationToken cancellationToken)
    {
        var outcomes = (await run.ForEachAsync(nameof(CompileRecap), await RegencyScope.ResolveAsync(configured, tables, names, cancellationToken),
            (regency, ct) => recaps.RunDueAsync(regency, ct: ct), cancellationToken)).SelectMany(o => o).ToList();
        foreach (var o in outcomes)
            logger.LogInformation(FunctionEvents.TimerRan, "recap {Regency} {Period}: {Action} {Reason}", o.RegencyCode, o.Period.ToString(), o.Action, o.Reason);
        return outcomes;
    }

    /// <summary>Sends the reminders due today in each kabupaten's own time zone.</summary>
    [Function(nameof(SendReminders))]
    public async Task<IReadOnlyList<ReminderRunResult>> SendReminders([TimerTrigger("%Schedules:SendReminders%")] TimerInfo timer, CancellationToken cancellationToken)
    {
        var results = await run.ForEachAsync(nameof(SendReminders), await RegencyScope.ResolveAsync(configured, tables, names, cancellationToken),
            (regency, ct) => reminders.RunAsync(regency, ct: ct), cancellationToken);
        foreach (var r in results)
            logger.LogInformation(FunctionEvents.TimerRan, "reminders {Regency} {Today}: {Sent} sent, {Skipped} skipped, {Failed} failed",
                r.RegencyCode, r.Today.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), r.Sent, r.Skipped, r.Failed);
        return results;
    }
}
