using System.Text.Json;
using KampungKB.Cli.Commands;
using KampungKB.Cli.Dev;
using KampungKB.Core.Uploads;
using KampungKB.Core.Registry;
using KampungKB.Core.Feedback;
using KampungKB.Core.Reports;
using KampungKB.Core.Storage;
using KampungKB.Integration.Tests.Azurite;
using KampungKB.Integration.Tests.Pipeline;
using Microsoft.Extensions.Logging.Abstractions;

namespace KampungKB.Integration.Tests.Functions;

/// <summary>
/// <c>kkb upload --json</c> against an account in AzureWebJobsStorage: it drops the file and waits for
/// the app's outcome. The "deployed app" here is the local runner watching the same account (default
/// storage names: no other test uses them).
/// </summary>
[Collection(AzuriteCollection.Name)]
public class UploadCommandTests(AzuriteFixture azurite)
{
    [SkippableFact]
    public async Task UploadSharedExample_IntoItsRegisteredKampung_PrintsAcceptedOutcome()
    {
        if (!azurite.Require()) return;
        await using var app = await LocalFunctionHost.StartAsync(FunctionsHarness.Settings(azurite), HostOptions.Load(Path.Combine(PipelineHarness.Root, "host.json")));
        var importer = new RegistryImporter(PipelineHarness.Engine, azurite.Tables, StorageNames.Default, TimeProvider.System, NullLogger<RegistryImporter>.Instance);
        Assert.True((await importer.ImportAsync("daftar.xlsx", PipelineHarness.Example("E06"))).Accepted);
        using var stop = new CancellationTokenSource();
        var receipts = AzuriteFixture.UniqueName("Receipts").Replace("-", "", StringComparison.Ordinal);
        var runner = new BlobTriggerRunner(app, azurite.Blobs, azurite.Tables, StorageNames.Default, PoisonQueue.For(azurite.Process!.ConnectionString), receipts);
        var watching = Task.Run(() => runner.WatchAsync(_ => { }, TimeSpan.FromMilliseconds(300), stop.Token));
        var file = Directory.GetFiles(PipelineHarness.Examples, "E01_*").Single();

        var (code, stdout) = await RunAsync(["upload", file, "--kampung", "63.71.04.1005", "--json", "--timeout", "60"]);
        stop.Cancel();
        await watching;

        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(stdout);
        var o = doc.RootElement;
        Assert.Equal(("accepted", "63.71.04.1005", "2025-10", 5, 0), (o.GetProperty("status").GetString(), o.GetProperty("areaCode").GetString(),
            o.GetProperty("period").GetString(), o.GetProperty("activities").GetInt32(), o.GetProperty("errors").GetInt32()));
        Assert.StartsWith("2", o.GetProperty("uploadId").GetString());
        Assert.Equal(JsonValueKind.Array, o.GetProperty("problems").ValueKind);
    }

    private async Task<(int Code, string Stdout)> RunAsync(string[] args)
    {
        var previous = Environment.GetEnvironmentVariable("AzureWebJobsStorage");
        var stdout = Console.Out;
        using var captured = new StringWriter();
        Environment.SetEnvironmentVariable("AzureWebJobsStorage", azurite.Process!.ConnectionString);
        Console.SetOut(captured);
        try { return (await UploadCommand.RunAsync(args[1..]), captured.ToString()); }
        finally
        {
            Console.SetOut(stdout);
            Environment.SetEnvironmentVariable("AzureWebJobsStorage", previous);
        }
    }
}
