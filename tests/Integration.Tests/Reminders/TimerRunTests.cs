using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using KampungKB.Core.Jobs.Reminders;
using KampungKB.Core.Jobs.Timers;
using static KampungKB.Integration.Tests.Recaps.NotificationHarness;

namespace KampungKB.Integration.Tests.Reminders;

/// <summary>Answers the first <c>failures</c> requests that touch <c>table</c> with a 503 from storage (a busy service).</summary>
internal sealed class BusyTablePolicy(string table, int failures) : HttpPipelinePolicy
{
    private int _seen;
    public int Failed => Math.Min(Volatile.Read(ref _seen), failures);

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        if (message.Request.Uri.Path.Contains("/" + table, StringComparison.Ordinal) && Interlocked.Increment(ref _seen) <= failures)
            throw new RequestFailedException(503, "The server is busy.", "ServerBusy", null);
        await ProcessNextAsync(message, pipeline);
    }

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
        throw new NotSupportedException("async only");
}

/// <summary>
/// A timer run whose storage is briefly busy retries within the run and sends each
/// reminder once; a run that still fails is recorded as missed and the next run sends what it missed.
/// October 2025 is due 10 Nov (WITA), so D−3 (7 Nov) reminds Beta, Gamma and Epsilon (Delta has no email).
/// </summary>
[Collection(AzuriteCollection.Name)]
public class TimerRunTests(AzuriteFixture azurite)
{
    private static readonly TimeSpan[] NoWait = [TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero];
    private static DateOnly Nov(int day) => new(2025, 11, day);

    private async Task<NotificationHarness> SetUpAsync()
    {
        var h = await NotificationHarness.StartAsync(azurite);
        await h.WriteAsync(Alpha, October, new DateTimeOffset(2025, 11, 3, 2, 0, 0, TimeSpan.Zero), Figures(100, 60));
        return h;
    }

    /// <summary>A reminder runner over the harness's tables whose Reports table answers 503 the first <paramref name="failures"/> times.</summary>
    private ReminderRunner Busy(NotificationHarness h, int failures)
    {
        var options = new TableClientOptions();
        options.Retry.MaxRetries = 0;   // the SDK's own retries off: the timer run's retries are under test
        options.AddPolicy(new BusyTablePolicy(h.Names.ReportsTable, failures), HttpPipelinePosition.PerCall);
        var tables = new TableServiceClient(azurite.Connection.ConnectionString, options);
        return TestStores.ReminderRunner(tables, h.Names, Templates, Catalogue, h.Mail, h.Time, NullLogger<ReminderRunner>.Instance, h.Links);
    }

    private static TimerRun Run(NotificationHarness h) => new(h.Tables, h.Names, h.Time, NullLogger<TimerRun>.Instance, NoWait);

    [SkippableFact]
    public async Task StorageBusyForTwoTries_RunRetries_AndSendsEachReminderOnce()
    {
        var h = await SetUpAsync();
        var busy = Busy(h, failures: 2);

        var results = await Run(h).ForEachAsync("SendReminders", [Settings], (r, ct) => busy.RunAsync(r, Nov(7), ct: ct));

        Assert.Equal(3, results.Single().Sent);
        Assert.Equal(3, h.Mail.Sent.Count);
        Assert.Equal(3, h.Mail.Sent.Select(m => m.To.Single()).Distinct().Count());
        Assert.Empty(await Run(h).ListMissedAsync());
    }

    [SkippableFact]
    public async Task StorageBusyThroughEveryTry_MissedRunRecorded_OtherKabupatenStillRun_NextRunSends()
    {
        var h = await SetUpAsync();
        var busy = Busy(h, failures: 1000);
        var other = RegencySettings.Default("63.72") with { Name = "Kota Banjarbaru", Recipients = ["rekap@banjarbaru.example"] };
        var ran = new List<string>();

        var failure = await Assert.ThrowsAsync<TimerRunFailedException>(() => Run(h).ForEachAsync("SendReminders", [Settings, other],
            (r, ct) => { ran.Add(r.Code); return (r.Code == Regency ? busy : h.Reminders).RunAsync(r, Nov(7), ct: ct); }));

        Assert.Equal([Regency], failure.Regencies);
        Assert.Equal([Regency, Regency, Regency, Regency, "63.72"], ran);   // four tries, then the next kabupaten
        Assert.Empty(h.Mail.Sent);
        var missed = Assert.Single(await Run(h).ListMissedAsync());
        Assert.Equal(Regency, missed.GetString("Regency"));
        Assert.Equal("SendReminders", missed.GetString("Timer"));
        Assert.Equal(4, missed.GetInt32("Attempts"));
        Assert.Equal(503, missed.GetInt32("Status"));

        // The next day's run, storage healthy again, catches up on the D−3 reminders it missed.
        h.Time.Now = h.Time.Now.AddDays(1);
        var next = await Run(h).ForEachAsync("SendReminders", [Settings], (r, ct) => h.Reminders.RunAsync(r, Nov(8), ct: ct));
        Assert.Equal(3, next.Single().Sent);
        Assert.Equal(3, h.Mail.Sent.Count);
        Assert.All(next.Single().Items.Where(i => i.Action == ReminderActions.Sent), i => Assert.Equal(Nov(7), i.StageDay));
    }
}
