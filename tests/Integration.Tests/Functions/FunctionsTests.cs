using System.Diagnostics;
using KampungKB.Core.Ingestion.Validation;
using KampungKB.Functions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace KampungKB.Integration.Tests.Functions;

/// <summary>The attribute-declared functions, invoked by the local runner over Azurite with the app's own wiring.</summary>
[Collection(AzuriteCollection.Name)]
public class FunctionsTests(AzuriteFixture azurite)
{
    [SkippableFact]
    public async Task RegistryThenUpload_DroppedAsBlobs_ReportStoredAndOutcomeAccepted()
    {
        await using var h = await FunctionsHarness.StartAsync(azurite);
        await h.DropAsync(h.Names.Registry, "daftar.xlsx", PipelineHarness.Example("E06"));
        await h.DropAsync(h.Names.Uploads, "63.71.04.1005/kegiatan.xlsx", PipelineHarness.Example("E01"));

        var dispatched = await h.Runner.RunOnceAsync();

        Assert.Equal(["ImportRegistry", "IngestUpload"], dispatched.Select(d => d.Function));
        var registry = Assert.IsType<RegistryImportOutcome>(dispatched[0].ReturnValue);
        Assert.True(registry.Accepted);
        var outcome = Assert.IsType<UploadOutcome>(dispatched[1].ReturnValue);
        Assert.Equal((UploadStatus.Accepted, "2025-10", 5), (outcome.Status, outcome.Period?.ToString(), outcome.ActivityCount));
        Assert.Equal(5, (await TestStores.For(azurite.Tables, h.Names).Reports.ListActivitiesAsync("63.71", new(2025, 10))).Count);
        // Each blob version is invoked once: the next pass finds nothing new.
        Assert.Empty(await h.Runner.RunOnceAsync());
    }

    [SkippableFact]
    public async Task IngestUpload_GarbageFile_ReturnsRejection_NotAFailure()
    {
        await using var h = await FunctionsHarness.StartAsync(azurite);
        await h.DropAsync(h.Names.Uploads, "laporan.xlsx", "%PDF-1.4 not a spreadsheet"u8.ToArray());

        var d = Assert.Single(await h.Runner.RunOnceAsync());

        // User data never fails the invocation: a failure would make the host retry it five times.
        Assert.True(d.Succeeded);
        Assert.Equal(1, d.Attempts);
        Assert.Equal(UploadStatus.Rejected, Assert.IsType<UploadOutcome>(d.ReturnValue).Status);
    }

    [SkippableFact]
    public async Task IngestUpload_OverTheCap_FileTooLargeFeedback_OriginalKept()
    {
        await using var h = await FunctionsHarness.StartAsync(azurite, settings: new Dictionary<string, string?> { ["Pipeline__MaxUploadBytes"] = "65536" });
        var big = new byte[200 * 1024];
        Random.Shared.NextBytes(big);
        await h.DropAsync(h.Names.Uploads, "63.71.04.1005/besar.xlsx", big);

        var d = Assert.Single(await h.Runner.RunOnceAsync());

        var outcome = Assert.IsType<UploadOutcome>(d.ReturnValue);
        Assert.Equal(UploadStatus.Rejected, outcome.Status);
        var feedback = await FeedbackWriter.ReadAsync(azurite.Blobs, h.Names, outcome.UploadId);
        Assert.NotNull(feedback);
        Assert.Contains(feedback.Value.GetProperty("problems").EnumerateArray(), p => p.GetProperty("code").GetString() == ProblemCodes.FileTooLarge);
        var rejected = azurite.Blobs.GetBlobContainerClient(h.Names.Rejected);
        var kept = new List<string>();
        await foreach (var b in rejected.GetBlobsAsync()) kept.Add(b.Name);
        var original = Assert.Single(kept);
        Assert.Equal(big, (await rejected.GetBlobClient(original).DownloadContentAsync()).Value.Content.ToArray());
    }

    [SkippableFact]
    public void Settings_BadValues_RefuseToStartNamingEveryBadKey()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = "AccountName=x;NoKeyHere",
            ["Pipeline:MaxUploadBytes"] = "banyak",
            ["KKB_TEMPLATES"] = "/nowhere/templates",
            ["Schedules__SendReminders"] = "tiap pagi",
            ["Ingestion__DeadlineSeconds"] = "600",
        }).Build();

        var e = Assert.Throws<InvalidSettingsException>(() => new ServiceCollection().AddKampungKB(config));

        Assert.Contains(e.Errors, x => x.StartsWith("AzureWebJobsStorage", StringComparison.Ordinal));
        Assert.Contains(e.Errors, x => x.StartsWith("Pipeline__MaxUploadBytes", StringComparison.Ordinal));
        Assert.Contains(e.Errors, x => x.StartsWith("KKB_TEMPLATES", StringComparison.Ordinal));
        Assert.Contains(e.Errors, x => x.StartsWith("Schedules__SendReminders", StringComparison.Ordinal));
        Assert.Contains(e.Errors, x => x.StartsWith("Ingestion__DeadlineSeconds", StringComparison.Ordinal));
    }

    [SkippableFact]
    public async Task Worker_BadSettings_ExitsWithOneAndListsKeys_BeforeContactingTheHost()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "KampungKB.Functions.dll");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, ArgumentList = { dll } };
        psi.Environment["AzureWebJobsStorage"] = "UseDevelopmentStorage=true";
        psi.Environment["Pipeline__MaxUploadBytes"] = "-5";
        psi.Environment["Links__SigningKey"] = FunctionsHarness.SigningKey;
        using var process = Process.Start(psi)!;
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(60_000), "the worker did not exit on bad settings");
        Assert.Equal(1, process.ExitCode);
        Assert.Contains("Pipeline__MaxUploadBytes", await stderr);
    }
}
