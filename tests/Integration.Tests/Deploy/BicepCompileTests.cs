using System.Diagnostics;
using System.Reflection;
using System.Text.RegularExpressions;
using KampungKB.Cli.Dev;
using KampungKB.Functions;
using Microsoft.Extensions.Configuration;

namespace KampungKB.Integration.Tests.Deploy;

/// <summary>
/// infra/main.bicep compiled and linted by the real Bicep CLI, the NuGet package
/// <c>Azure.Bicep.CommandLine.linux-x64</c> this test project restores (its path is stamped into the test
/// assembly at build time). The app settings the compiled template sets are checked against what the app
/// requires, under the names the Functions host reads.
/// </summary>
public sealed class BicepCompileTests
{
    private static readonly Lazy<Task<(int Exit, string Stdout, string Stderr)>> s_build = new(() => BicepAsync("build", RepositoryFiles.Path("infra", "main.bicep"), "--stdout"));

    /// <summary>The Bicep CLI of the restored package (made executable: NuGet may drop the mode bits).</summary>
    private static string Bicep()
    {
        var package = typeof(BicepCompileTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "BicepPackage").Value;
        Assert.False(string.IsNullOrEmpty(package), "the Azure.Bicep.CommandLine.linux-x64 package path was not stamped into the test assembly");
        var bicep = Path.Combine(package!, "tools", "bicep");
        Assert.True(File.Exists(bicep), $"no Bicep CLI at {bicep}");
        if (!OperatingSystem.IsWindows() && !File.GetUnixFileMode(bicep).HasFlag(UnixFileMode.UserExecute))
            File.SetUnixFileMode(bicep, File.GetUnixFileMode(bicep) | UnixFileMode.UserExecute);
        return bicep;
    }

    private static async Task<(int Exit, string Stdout, string Stderr)> BicepAsync(params string[] args)
    {
        var psi = new ProcessStartInfo(Bicep()) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = RepositoryFiles.Root };
        foreach (var a in args) psi.ArgumentList.Add(a);
        // The CLI is a .NET single-file app; no telemetry, no update check.
        psi.Environment["BICEP_TELEMETRY_DISABLED"] = "true";
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout, await stderr);
    }

    [Fact]
    public async Task MainBicep_Compiles_WithoutWarnings()
    {
        var (exit, stdout, stderr) = await s_build.Value;
        Assert.True(exit == 0, stderr);
        Assert.True(stderr.Trim().Length == 0, "bicep build printed diagnostics:\n" + stderr);
        using var arm = JsonDocument.Parse(stdout);
        Assert.Contains("deploymentTemplate.json", arm.RootElement.GetProperty("$schema").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MainBicep_Lints_Clean()
    {
        var (exit, stdout, stderr) = await BicepAsync("lint", RepositoryFiles.Path("infra", "main.bicep"));
        Assert.True(exit == 0 && (stdout + stderr).Trim().Length == 0, $"bicep lint (exit {exit}):\n{stdout}{stderr}");
    }

    /// <summary>The names of the function app's <c>siteConfig.appSettings</c> in the compiled template (with the variables it concatenates).</summary>
    private static async Task<IReadOnlyList<string>> CompiledAppSettingNamesAsync()
    {
        var (exit, stdout, stderr) = await s_build.Value;
        Assert.True(exit == 0, stderr);
        using var arm = JsonDocument.Parse(stdout);
        var site = arm.RootElement.GetProperty("resources").EnumerateObject().Single(r => r.Value.GetProperty("type").GetString() == "Microsoft.Web/sites"
            && r.Value.GetProperty("kind").GetString()!.Contains("functionapp", StringComparison.Ordinal)).Value;
        var text = site.GetProperty("properties").GetProperty("siteConfig").GetProperty("appSettings").ToString();
        // The variables the expression concatenates, e.g. variables('linkSettings').
        foreach (Match m in Regex.Matches(text, @"variables\('(\w+)'\)"))
            text += "\n" + arm.RootElement.GetProperty("variables").GetProperty(m.Groups[1].Value).ToString();
        return Regex.Matches(text, @"createObject\('name', '([^']+)'|""name"":\s*""([^""]+)""|format\('(Regencies__)\{0\}__(\w+)'")
            .Select(m => m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Success ? m.Groups[2].Value : $"{m.Groups[3].Value}{{PPKK}}__{m.Groups[4].Value}")
            .Distinct().ToList();
    }

    [Fact]
    public async Task CompiledTemplate_SetsEverySettingTheAppRequires_UnderTheNameTheHostReads()
    {
        var names = await CompiledAppSettingNamesAsync();
        // Identity-based storage: the host and the app need all three endpoints (docs/deploy.md §7).
        Assert.All(new[] { "AzureWebJobsStorage__blobServiceUri", "AzureWebJobsStorage__queueServiceUri", "AzureWebJobsStorage__tableServiceUri", "AzureWebJobsStorage__credential" },
            n => Assert.Contains(n, names));
        Assert.All(AppSettings.RequiredKeys, n => Assert.Contains(n, names));
        Assert.All(Core.Model.RegencySettings.SettingNames, n => Assert.Contains(Core.Model.RegencySettings.Key("{PPKK}", n), names));
        // Every name the template sets is one the app (or the host) reads.
        var read = AppSettings.Keys.Concat(["APPLICATIONINSIGHTS_CONNECTION_STRING", "APPLICATIONINSIGHTS_AUTHENTICATION_STRING"]).ToHashSet(StringComparer.Ordinal);
        Assert.All(names.Where(n => !n.StartsWith("AzureWebJobsStorage__", StringComparison.Ordinal)), n => Assert.Contains(n, read));
    }

    [Fact]
    public async Task CompiledTemplate_EveryTimerSchedule_ResolvesUnderTheHost()
    {
        // App settings reach the host as environment variables (A__B is the key A:B): the timers' %…% must resolve from them.
        var names = await CompiledAppSettingNamesAsync();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(names.Select(n => KeyValuePair.Create(n.Replace("__", ":", StringComparison.Ordinal), (string?)"0 0 1 * * *"))).Build();
        var timers = FunctionCatalog.Discover().Where(f => f.TriggerType == "timerTrigger" && f.Schedule!.Contains('%')).ToList();
        Assert.NotEmpty(timers);
        Assert.All(timers, t => BindingExpression.Resolve(t.Schedule!, configuration));
    }
}
