using KampungKB.Functions;
using Microsoft.Extensions.Configuration;

namespace KampungKB.Integration.Tests.Pipeline;

/// <summary>The zip-of-reports limits (docs/channels.md) are typed settings checked at start-up, each bad one named by its key.</summary>
public class ArchiveSettingsTests
{
    private static AppSettings Load(Dictionary<string, string?> values, out IReadOnlyList<string> errors)
    {
        values.TryAdd("AzureWebJobsStorage", "UseDevelopmentStorage=true");
        values.TryAdd("KKB_TEMPLATES", Path.GetTempPath());
        return AppSettings.Load(new ConfigurationBuilder().AddInMemoryCollection(values).Build(), out errors);
    }

    [Fact]
    public void BadArchiveLimits_RefuseToStart_NamingEachKey()
    {
        Load(new()
        {
            ["Archive:MaxEntries"] = "0",
            ["Archive:MaxExpandedBytes"] = "200 MB",
            ["Archive:MaxCompressionRatio"] = "3",
        }, out var errors);

        Assert.Contains(errors, e => e.StartsWith("Archive__MaxEntries:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Archive__MaxExpandedBytes:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Archive__MaxCompressionRatio:", StringComparison.Ordinal));
    }

    [Fact]
    public void ArchiveLimits_ReadWhenGood_DefaultsOtherwise()
    {
        var settings = Load(new() { ["Archive__MaxEntries"] = "50" }, out var errors);

        Assert.DoesNotContain(errors, e => e.StartsWith("Archive", StringComparison.Ordinal));
        Assert.Equal((50, 200L * 1024 * 1024, 100), (settings.Archive.MaxEntries, settings.Archive.MaxExpandedBytes, settings.Archive.MaxCompressionRatio));
    }
}
