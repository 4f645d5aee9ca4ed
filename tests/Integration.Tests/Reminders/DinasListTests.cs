using KampungKB.Core.Outbox.Notifications;
using KampungKB.Core.Jobs.Reminders;
using static KampungKB.Integration.Tests.Recaps.NotificationHarness;

namespace KampungKB.Integration.Tests.Reminders;

/// <summary>At D+7 the dinas gets ONE mail listing every kampung still missing, not one per kampung.</summary>
[Collection(AzuriteCollection.Name)]
public class DinasListTests(AzuriteFixture azurite)
{
    [SkippableFact]
    public async Task DinasStage_FourKampungMissing_OneMailListsAllFour_SentOnce()
    {
        var h = await NotificationHarness.StartAsync(azurite);
        await h.WriteAsync(Alpha, October, new DateTimeOffset(2025, 11, 3, 2, 0, 0, TimeSpan.Zero), Figures(100, 60));
        await h.Reminders.RunAsync(Settings, new DateOnly(2025, 11, 13));
        var before = h.Mail.Sent.Count;

        var runs = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(() => h.Reminders.RunAsync(Settings, new DateOnly(2025, 11, 17)))));

        var toDinas = h.Mail.Sent.Skip(before).Where(m => m.To.Contains("rekap@dppkb.example")).ToList();
        var mail = Assert.Single(toDinas);
        foreach (var name in new[] { "Kampung KB Beta", "Kampung KB Gamma", "Kampung KB Delta" })
            Assert.Contains(name, mail.TextBody, StringComparison.Ordinal);
        Assert.Contains("4", mail.Subject, StringComparison.Ordinal);
        Assert.DoesNotContain("Kampung KB Alpha", mail.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", mail.HtmlBody, StringComparison.OrdinalIgnoreCase); // the hostile kampung name stays inert
        Assert.Equal(1, runs.Sum(r => r.Items.Count(i => i.Stage == ReminderStage.Dinas && i.Action == ReminderActions.Sent)));
        var log = await new NotificationLog(h.Tables, h.Names).ListAsync(Regency, October);
        Assert.Single(log, r => r.Stage == ReminderStage.Dinas.Key());
    }
}
