using Azure.Data.Tables;
using KampungKB.Core.Notifications;
using KampungKB.Core.Recaps;
using KampungKB.Core.Reminders;
using KampungKB.Core.Settings;
using KampungKB.Core.Storage;
using KampungKB.Functions.Invocation;

namespace KampungKB.Functions.Endpoints;

/// <summary>
/// The timer-triggered functions (schedules <c>%Schedules__CompileRecap%</c> and <c>%Schedules__SendReminders%</c>,
/// UTC). Each run decides what is due from each kabupaten's local date, so a run that fires twice, late
/// or after an outage does the same work once: the Notifications claims make it idempotent.
/// </summary>
internal static class TimerFunctions
{
    public static void Map(WebApplication app)
    {
        app.MapPost("/CompileRecap", CompileRecap);
        app.MapPost("/SendReminders", SendReminders);
        app.MapPost("/SweepOutbox", SweepOutbox);
    }

    /// <summary>Every 5 minutes: resends interrupted claims and due transient failures from the outbox (docs/mail.md).</summary>
    private static async Task<IResult> SweepOutbox(InvocationRequest request, OutboxSweeper sweeper, CancellationToken ct)
    {
        var logs = new List<string> { Describe(request) };
        try
        {
            var result = await sweeper.SweepAsync(ct);
            logs.Add($"outbox: {result.Sent} sent, {result.Failed} failed, {result.WithoutPayload} left to their producer");
            return Results.Json(new InvocationResponse { Logs = logs, ReturnValue = result });
        }
        catch (Exception e) when (StorageErrors.IsTransient(e))
        {
            logs.Add($"storage unavailable ({e.GetType().Name}); the next sweep (5 minutes) picks the same rows up");
            return Results.Json(new InvocationResponse { Logs = logs }, statusCode: StatusCodes.Status500InternalServerError);
        }
    }

    private static async Task<IResult> CompileRecap(InvocationRequest request, RecapSender sender, IReadOnlyList<RegencySettings> configured,
        TableServiceClient tables, StorageNames names, CancellationToken ct)
    {
        var logs = new List<string> { Describe(request) };
        try
        {
            var outcomes = new List<RecapSendOutcome>();
            foreach (var regency in await RegencyScope.ResolveAsync(configured, tables, names, ct))
                outcomes.AddRange(await sender.RunDueAsync(regency, ct: ct));
            logs.AddRange(outcomes.Select(o => $"recap {o.RegencyCode} {o.Period}: {o.Action}{(o.Reason is null ? "" : " (" + o.Reason + ")")}"));
            return Results.Json(new InvocationResponse { Logs = logs, ReturnValue = outcomes.Select(o => new { o.RegencyCode, period = o.Period.ToString(), o.Action, o.Reason }) });
        }
        catch (Exception e) when (StorageErrors.IsTransient(e))
        {
            logs.Add($"storage unavailable ({e.GetType().Name}); retry later");
            return Results.Json(new InvocationResponse { Logs = logs }, statusCode: StatusCodes.Status500InternalServerError);
        }
    }

    private static async Task<IResult> SendReminders(InvocationRequest request, ReminderRunner runner, IReadOnlyList<RegencySettings> configured,
        TableServiceClient tables, StorageNames names, CancellationToken ct)
    {
        var logs = new List<string> { Describe(request) };
        try
        {
            var results = new List<ReminderRunResult>();
            foreach (var regency in await RegencyScope.ResolveAsync(configured, tables, names, ct))
                results.Add(await runner.RunAsync(regency, ct: ct));
            logs.AddRange(results.Select(r => $"reminders {r.RegencyCode} {r.Today:yyyy-MM-dd}: {r.Sent} sent, {r.Skipped} skipped, {r.Failed} failed"));
            return Results.Json(new InvocationResponse
            {
                Logs = logs,
                ReturnValue = results.Select(r => new { r.RegencyCode, today = r.Today.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), r.Sent, r.Skipped, r.Failed }),
            });
        }
        catch (Exception e) when (StorageErrors.IsTransient(e))
        {
            logs.Add($"storage unavailable ({e.GetType().Name}); retry later");
            return Results.Json(new InvocationResponse { Logs = logs }, statusCode: StatusCodes.Status500InternalServerError);
        }
    }

    /// <summary>The TimerInfo the host sends (<c>Data.timer</c>): whether it is past due and the last run, for the log only.</summary>
    private static string Describe(InvocationRequest request)
    {
        var timer = request.DataObject("timer");
        var pastDue = InvocationRequest.ReadString(timer, "IsPastDue");
        var status = timer is { } t && t.TryGetProperty("ScheduleStatus", out var s) && s.ValueKind == System.Text.Json.JsonValueKind.Object ? s : (System.Text.Json.JsonElement?)null;
        var last = InvocationRequest.ReadString(status, "Last");
        return $"timer: past due {pastDue ?? "?"}, last run {last ?? "unknown"}";
    }
}
