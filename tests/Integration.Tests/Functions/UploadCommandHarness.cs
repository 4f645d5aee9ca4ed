using KampungKB.Cli.Commands;

namespace KampungKB.Integration.Tests.Functions;

/// <summary>
/// Runs <c>kkb upload …</c> against the run's Azurite (AzureWebJobsStorage) with the local runner watching the same
/// account as the "deployed app", after importing the shared registry example E06. Default storage names (the CLI's):
/// each test that uses this uploads content no other one does, so none sees another's report as "unchanged".
/// </summary>
internal static class UploadCommandHarness
{
    public static async Task<(int Code, string Stdout)> RunWithAppAsync(AzuriteFixture azurite, params string[] args)
    {
        await using var app = await FunctionsHarness.StartAsync(azurite, names: StorageNames.Default);
        var importer = TestStores.RegistryImporter(PipelineHarness.Engine, azurite.Tables, StorageNames.Default, TimeProvider.System, NullLogger<RegistryImporter>.Instance);
        Assert.True((await importer.ImportAsync("daftar.xlsx", PipelineHarness.Example("E06"))).Accepted);
        using var stop = new CancellationTokenSource();
        var watching = Task.Run(() => app.Runner.WatchAsync(_ => { }, TimeSpan.FromMilliseconds(300), stop.Token));
        try { return await RunAsync(azurite, args); }
        finally
        {
            stop.Cancel();
            await watching;
        }
    }

    /// <summary><c>kkb upload</c> in this process with AzureWebJobsStorage pointing at the run's Azurite; stdout captured.</summary>
    public static async Task<(int Code, string Stdout)> RunAsync(AzuriteFixture azurite, string[] args)
    {
        var previous = Environment.GetEnvironmentVariable("AzureWebJobsStorage");
        var stdout = Console.Out;
        using var captured = new StringWriter();
        Environment.SetEnvironmentVariable("AzureWebJobsStorage", azurite.ConnectionString);
        Console.SetOut(captured);
        try { return (await UploadCommand.RunAsync(args[1..]), captured.ToString()); }
        finally
        {
            Console.SetOut(stdout);
            Environment.SetEnvironmentVariable("AzureWebJobsStorage", previous);
        }
    }
}
