using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using NCrontab;

namespace KampungKB.Cli.Dev;

/// <summary>
/// Fires the timer-triggered functions on their schedules under <c>kkb dev</c>, as the host would:
/// each <c>%key%</c> of the schedule resolved by <see cref="BindingExpression"/> from the app's configuration, UTC.
/// </summary>
internal static class TimerSchedule
{
    /// <remarks>A timer whose schedule does not resolve or parse is reported and never fires (the host marks it "in error").</remarks>
    public static async Task RunAsync(LocalFunctionHost host, Action<string> report, CancellationToken cancellationToken)
    {
        var configuration = host.Services.GetRequiredService<IConfiguration>();
        var timers = new List<(FunctionDescriptor Function, CrontabSchedule Cron)>();
        foreach (var f in host.Functions.Where(f => f.TriggerType == "timerTrigger"))
        {
            // As the host's indexing: a schedule that does not resolve or parse leaves that function "in error", the others run.
            CrontabSchedule? cron = null;
            try { cron = CrontabSchedule.TryParse(BindingExpression.Resolve(f.Schedule!, configuration), new CrontabSchedule.ParseOptions { IncludingSeconds = true }); }
            catch (InvalidOperationException) { }
            if (cron is null) report(KampungKB.Cli.Commands.CliTexts.Default.T("dev.timer_in_error", ("function", f.Name), ("schedule", f.Schedule!)));
            else timers.Add((f, cron));
        }
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
                report(KampungKB.Cli.Commands.CliTexts.Default.T("dev.timer_ran", ("function", function.Name), ("schedule", function.Schedule ?? "")));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                report(KampungKB.Cli.Commands.CliTexts.Default.T("dev.timer_failed", ("function", function.Name), ("error", e.GetType().Name), ("message", e.Message)));
            }
        }
    }
}

/// <summary>
/// Resolves a trigger attribute's binding expressions the way the Functions host does (WebJobs'
/// default name resolver): each <c>%name%</c> is the value of the configuration key <c>name</c>,
/// read as is. App settings reach configuration as environment variables, where <c>A__B</c> becomes the
/// key <c>A:B</c>; so <c>%A:B%</c> resolves from the app setting <c>A__B</c> and <c>%A__B%</c> never does
/// (the host logs "'%A__B%' does not resolve to a value" and marks the function "in error").
/// </summary>
internal static class BindingExpression
{
    /// <summary>The value with every <c>%name%</c> replaced; text without <c>%</c> unchanged.</summary>
    /// <exception cref="InvalidOperationException">A <c>%name%</c> has no value, or a <c>%</c> is unpaired; the message is the host's.</exception>
    public static string Resolve(string value, IConfiguration configuration)
    {
        var result = new System.Text.StringBuilder();
        var at = 0;
        while (at < value.Length)
        {
            var open = value.IndexOf('%', at);
            if (open < 0) { result.Append(value, at, value.Length - at); break; }
            var close = value.IndexOf('%', open + 1);
            if (close < 0) throw new InvalidOperationException($"'{value}' has an unpaired '%'.");
            result.Append(value, at, open - at);
            var name = value[(open + 1)..close];
            result.Append(configuration[name] is { } resolved ? resolved
                : throw new InvalidOperationException($"'%{name}%' does not resolve to a value."));
            at = close + 1;
        }
        return result.ToString();
    }
}
