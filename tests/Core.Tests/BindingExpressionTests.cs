using KampungKB.Cli.Dev;
using KampungKB.Functions;
using Microsoft.Extensions.Configuration;

namespace KampungKB.Core.Tests;

/// <summary>
/// The local runner resolves <c>%name%</c> in trigger attributes as the Functions host does: from the
/// configuration key <c>name</c>, where an app setting (an environment variable) <c>A__B</c> is the key
/// <c>A:B</c>. So the runner refuses exactly what the host refuses ("does not resolve to a value").
/// </summary>
public sealed class BindingExpressionTests
{
    /// <summary>Configuration as the host builds it from app settings: environment variables.</summary>
    private static IConfiguration FromAppSettings(params (string Name, string Value)[] settings)
    {
        var prefix = "KKBTEST" + Guid.NewGuid().ToString("N")[..8] + "_";
        foreach (var (name, value) in settings) Environment.SetEnvironmentVariable(prefix + name, value);
        try { return new ConfigurationBuilder().AddEnvironmentVariables(prefix).Build(); }
        finally { foreach (var (name, _) in settings) Environment.SetEnvironmentVariable(prefix + name, null); }
    }

    [Fact]
    public void ColonKey_ResolvesFromDoubleUnderscoreAppSetting()
    {
        var configuration = FromAppSettings(("Schedules__CompileRecap", "0 0 1 * * *"));
        Assert.Equal("0 0 1 * * *", BindingExpression.Resolve("%Schedules:CompileRecap%", configuration));
    }

    [Fact]
    public void DoubleUnderscoreKey_DoesNotResolve_AsUnderTheHost()
    {
        var configuration = FromAppSettings(("Schedules__CompileRecap", "0 0 1 * * *"));
        var e = Assert.Throws<InvalidOperationException>(() => BindingExpression.Resolve("%Schedules__CompileRecap%", configuration));
        Assert.Equal("'%Schedules__CompileRecap%' does not resolve to a value.", e.Message);
    }

    [Fact]
    public void TextAroundExpressions_IsKept_AndPlainTextUnchanged()
    {
        var configuration = FromAppSettings(("Paths__Uploads", "uploads"), ("Paths__Name", "x"));
        Assert.Equal("uploads/{name}", BindingExpression.Resolve("%Paths:Uploads%/{name}", configuration));
        Assert.Equal("uploads/x.xlsx", BindingExpression.Resolve("%Paths:Uploads%/%Paths:Name%.xlsx", configuration));
        Assert.Equal("0 0 1 * * *", BindingExpression.Resolve("0 0 1 * * *", configuration));
        Assert.Throws<InvalidOperationException>(() => BindingExpression.Resolve("%Paths:Uploads", configuration));
    }

    [Fact]
    public void EveryTimerOfTheApp_ResolvesFromItsAppSettings()
    {
        // The app settings infra/main.bicep sets for the schedules (AppSettings.ScheduleKeys, named as the host reads them).
        var configuration = FromAppSettings(AppSettings.ScheduleKeys.Select(k => (k, AppSettings.DefaultSchedules[k])).ToArray());
        var timers = FunctionCatalog.Discover().Where(f => f.TriggerType == "timerTrigger" && f.Schedule!.Contains('%')).ToList();
        Assert.Equal(["CompileRecap", "SendReminders", "SyncDriveFolders"], timers.Select(t => t.Name).Order(StringComparer.Ordinal));
        Assert.All(timers, t => Assert.Matches(@"^\S+ \S+ \S+ \S+ \S+ \S+$", BindingExpression.Resolve(t.Schedule!, configuration)));
    }
}
