using KampungKB.Cli.Commands;
using KampungKB.Cli.Dev;

namespace KampungKB.Integration.Tests.Functions;

/// <summary>
/// <c>kkb upload --json</c> against an account in AzureWebJobsStorage: it drops the file and waits for
/// the app's outcome. The "deployed app" here is the local runner watching the same account (see UploadCommandHarness).
/// </summary>
[Collection(AzuriteCollection.Name)]
public class UploadCommandTests(AzuriteFixture azurite)
{
    [SkippableFact]
    public async Task UploadSharedExample_IntoItsRegisteredKampung_PrintsAcceptedOutcome()
    {
        var file = Directory.GetFiles(PipelineHarness.Examples, "E01_*").Single();

        var (code, stdout) = await UploadCommandHarness.RunWithAppAsync(azurite, "upload", file, "--kampung", "63.71.04.1005", "--json", "--timeout", "60");

        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(stdout);
        var o = doc.RootElement;
        Assert.Equal(("accepted", "63.71.04.1005", "2025-10", 5, 0), (o.GetProperty("status").GetString(), o.GetProperty("areaCode").GetString(),
            o.GetProperty("period").GetString(), o.GetProperty("activities").GetInt32(), o.GetProperty("errors").GetInt32()));
        Assert.StartsWith("2", o.GetProperty("uploadId").GetString());
        Assert.Equal(JsonValueKind.Array, o.GetProperty("problems").ValueKind);
    }
}
