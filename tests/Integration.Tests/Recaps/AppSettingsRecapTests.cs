using KampungKB.Functions;
using Microsoft.Extensions.Configuration;

namespace KampungKB.Integration.Tests.Recaps;

public class AppSettingsRecapTests
{
    private static IReadOnlyList<string> Errors(Dictionary<string, string?> values)
    {
        values.TryAdd("AzureWebJobsStorage", "UseDevelopmentStorage=true");
        values.TryAdd("KKB_TEMPLATES", Path.GetTempPath());
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        AppSettings.Load(configuration, out var errors);
        return errors;
    }

    [Fact]
    public void BadScheduleRegencyAndMailSettings_RefuseToStart_NamingEachKey()
    {
        var errors = Errors(new()
        {
            ["Schedules:CompileRecap"] = "every morning",
            ["Schedules:SendReminders"] = "0 0 1 * * *",
            ["Regencies:6371:DeadlineDay"] = "31",
            ["Regencies:6371:TimeZone"] = "CET",
            ["Regencies:6371:Recipients"] = "dinas-at-example",
            ["Mail:Mode"] = "Graph",
        });

        Assert.Contains(errors, e => e.StartsWith("Schedules__CompileRecap:", StringComparison.Ordinal));
        Assert.DoesNotContain(errors, e => e.StartsWith("Schedules__SendReminders", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Regencies__6371__DeadlineDay:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Regencies__6371__TimeZone:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Regencies__6371__Recipients:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Mail__Sender:", StringComparison.Ordinal));
    }

    [Fact]
    public void GoodSettings_LoadRegenciesAndMail_KeysListed()
    {
        var values = new Dictionary<string, string?>
        {
            ["Schedules:CompileRecap"] = "0 0 1 * * *",
            ["Regencies:6371:DeadlineDay"] = "5",
            ["Regencies:6371:Recipients"] = "rekap@dppkb.example; kabid@dppkb.example",
            ["Mail:OutboxDirectory"] = "/tmp/outbox",
        };
        values.TryAdd("AzureWebJobsStorage", "UseDevelopmentStorage=true");
        values.TryAdd("KKB_TEMPLATES", Path.GetTempPath());
        values.TryAdd("Links__SigningKey", KampungKB.Integration.Tests.Functions.FunctionsHarness.SigningKey);
        var settings = AppSettings.Load(new ConfigurationBuilder().AddInMemoryCollection(values).Build(), out var errors);

        Assert.Empty(errors);
        var regency = Assert.Single(settings.Regencies);
        Assert.Equal(("63.71", 5, 2), (regency.Code, regency.DeadlineDay, regency.Recipients.Count));
        Assert.Equal("/tmp/outbox", settings.Mail.OutboxDirectory);
        Assert.Contains("Schedules__SendReminders", AppSettings.Keys);
        Assert.Contains("Mail__Sender", AppSettings.Keys);
        Assert.Contains("Regencies__{PPKK}__DeadlineDay", AppSettings.Keys);
    }
}
