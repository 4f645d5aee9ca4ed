using KampungKB.Functions;
using Microsoft.Extensions.DependencyInjection;
using NCrontab;

namespace KampungKB.Cli.Dev;

/// <summary>
/// Fires the timer-triggered functions on their schedules under <c>kkb dev</c>, as the host would:
/// <c>%Schedules__X%</c> resolved from the validated <see cref="AppSettings.Schedules"/>, UTC.
/// </summary>
internal static class TimerSchedule
{
    public static async Task RunAsync(LocalFunctionHost host, Action<string> report, CancellationToken cancellationToken)
    {
        var settings = host.Services.GetRequiredService<AppSettings>();
        var timers = host.Functions.Where(f => f.TriggerType == "timerTrigger")
            .Select(f => (Function: f, Cron: CrontabSchedule.Parse(Resolve(f.Schedule!, settings), new CrontabSchedule.ParseOptions { IncludingSeconds = true })))
            .ToList();
        if (timers.Count == 0) return;
        while (!cancellationToken.IsCancellationRequested)
        {
            var now = DateTime.UtcNow;
            var (function, cron) = timers.MinBy(t => t.Cron.GetNextOccurrence(now));
            var due = cron.GetNextOccurrence(now);
            try { await Task.Delay(due - now, cancellationToken); }
            catch (OperationCanceledException) { return; }
            try
            {
                await host.InvokeTimerAsync(function, pastDue: false, cancellationToken);
                report($"[{function.Name}] dijalankan sesuai jadwal {function.Schedule}");
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                report($"[{function.Name}] GAGAL: {e.GetType().Name}: {e.Message}");
            }
        }
    }

    /// <summary><c>%Key%</c> → the setting's value, as the host resolves binding expressions.</summary>
    public static string Resolve(string schedule, AppSettings settings) =>
        schedule.StartsWith('%') && schedule.EndsWith('%') && settings.Schedules.TryGetValue(schedule[1..^1], out var cron) ? cron : schedule;
}
