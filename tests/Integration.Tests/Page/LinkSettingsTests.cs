using KampungKB.Functions;
using Microsoft.Extensions.Configuration;

namespace KampungKB.Integration.Tests.Page;

public class LinkSettingsTests
{
    [Fact]
    public void Settings_MissingOrShortKeyOrBadUrl_RefuseNamingTheKeys()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true",
            ["Links:SigningKey"] = "c2hvcnQ=",
            ["Links:BaseUrl"] = "ftp://example",
        }).Build();

        AppSettings.Load(config, out var errors);

        Assert.Contains(errors, e => e.StartsWith("Links__SigningKey", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Links__BaseUrl", StringComparison.Ordinal));
        Assert.Contains("Links__SigningKey", AppSettings.Keys);
        Assert.Contains("Links__BaseUrl", AppSettings.Keys);
    }
}
