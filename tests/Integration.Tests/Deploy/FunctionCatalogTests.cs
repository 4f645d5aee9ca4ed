using KampungKB.Cli.Dev;

namespace KampungKB.Integration.Tests.Deploy;

/// <summary>
/// The local runner discovers functions from their attributes; the Functions host indexes the build's
/// <c>functions.metadata</c>. Both must describe the same app: names, trigger types, blob paths and
/// source, timer schedules, HTTP routes and methods.
/// </summary>
public sealed class FunctionCatalogTests
{
    private sealed record Shape(string Name, string Trigger, string? Path, string? Source, string? Schedule, string? Route, string? Methods);

    [Fact]
    public void RunnerDiscovery_EqualsBuildFunctionsMetadata()
    {
        var fromMetadata = RepositoryFiles.Functions().Select(f =>
        {
            var t = f.Bindings.Single(b => b.GetProperty("type").GetString()!.EndsWith("Trigger", StringComparison.Ordinal));
            string? S(string p) => t.TryGetProperty(p, out var v) ? v.GetString() : null;
            var methods = t.TryGetProperty("methods", out var m) ? string.Join(",", m.EnumerateArray().Select(x => x.GetString()!.ToLowerInvariant())) : null;
            return new Shape(f.Name, t.GetProperty("type").GetString()!, S("path"), S("source"), S("schedule"), S("route"), methods);
        }).OrderBy(s => s.Name, StringComparer.Ordinal).ToList();

        var discovered = FunctionCatalog.Discover().Select(f => new Shape(f.Name, f.TriggerType, f.Path, f.Source, f.Schedule, f.Route,
            f.Methods is null ? null : string.Join(",", f.Methods))).OrderBy(s => s.Name, StringComparer.Ordinal).ToList();

        // 2 blob, 6 timer (recap, reminders, outbox sweep, retention, Drive folders, email in), 3 HTTP upload page (page, result, /buka), 14 HTTP dashboard
        Assert.Equal(25, fromMetadata.Count);
        Assert.Equal(fromMetadata, discovered);
    }

    [Fact]
    public void HostOptions_FromRepositoryHostJson_ApiPrefixAndFiveAttempts()
    {
        var options = HostOptions.Load(RepositoryFiles.Path("host.json"));
        Assert.Equal(("api", 5), (options.RoutePrefix, options.PoisonBlobThreshold));
        using var doc = JsonDocument.Parse(File.ReadAllText(RepositoryFiles.Path("host.json")));
        Assert.False(doc.RootElement.TryGetProperty("customHandler", out _));
    }
}
