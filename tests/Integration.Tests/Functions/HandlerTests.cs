using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using KampungKB.Functions;
using KampungKB.Integration.Tests.Azurite;
using KampungKB.Integration.Tests.Pipeline;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using KampungKB.Core.Uploads;
using KampungKB.Core.Reports;
using KampungKB.Core.Storage;

namespace KampungKB.Integration.Tests.Functions;

/// <summary>The custom handler driven with the payloads the Functions host sends, over Azurite.</summary>
[Collection(AzuriteCollection.Name)]
public class HandlerTests(AzuriteFixture azurite)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private async Task<(WebApplication App, HttpClient Client, StorageNames Names)> StartAsync()
    {
        var names = new StorageNames(AzuriteFixture.UniqueName("h"));
        var app = HandlerApp.Build([], b =>
        {
            b.WebHost.UseTestServer();
            b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["AzureWebJobsStorage"] = azurite.Process!.ConnectionString,
                ["KKB_TEMPLATES"] = Path.Combine(PipelineHarness.Root, "templates"),
                ["Links__SigningKey"] = KampungKB.Integration.Tests.Page.PageHarness.SigningKey,
            });
        }, services => services.AddSingleton(names));
        await app.StartAsync();
        return (app, app.GetTestClient(), names);
    }

    /// <summary>Exactly what the host sends for a blob trigger: base64 data, double-encoded name, nested Properties.</summary>
    private static object BlobPayload(string binding, string name, byte[] content) => new Dictionary<string, object>
    {
        ["Data"] = new Dictionary<string, object> { [binding] = Convert.ToBase64String(content) },
        ["Metadata"] = new Dictionary<string, object>
        {
            ["name"] = JsonSerializer.Serialize(name),
            ["Uri"] = JsonSerializer.Serialize("http://127.0.0.1:10000/devstoreaccount1/x/" + name),
            ["Properties"] = new Dictionary<string, object> { ["ContentLength"] = content.Length, ["LastModified"] = "2025-11-03T02:00:00+00:00" },
            ["Metadata"] = new Dictionary<string, object>(),
            ["sys"] = new Dictionary<string, object> { ["MethodName"] = "IngestUpload", ["UtcNow"] = "2025-11-03T02:00:01Z", ["RandGuid"] = Guid.NewGuid().ToString() },
        },
    };

    [SkippableFact]
    public async Task IngestUpload_HostPayload_AnswersOutcomeAndStoresReport()
    {
        if (!azurite.Require()) return;
        var (app, client, names) = await StartAsync();
        await using var _ = app;
        var registry = await client.PostAsJsonAsync("/ImportRegistry", BlobPayload("registry", "daftar.xlsx", PipelineHarness.Example("E06")));
        Assert.Equal(HttpStatusCode.OK, registry.StatusCode);

        var response = await client.PostAsJsonAsync("/IngestUpload", BlobPayload("upload", "63.71.04.1005/kegiatan.xlsx", PipelineHarness.Example("E01")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var outcome = body.RootElement.GetProperty("ReturnValue").Deserialize<UploadOutcome>(Json)!;
        Assert.Equal(UploadStatus.Accepted, outcome.Status);
        Assert.Equal("2025-10", outcome.Period?.ToString());
        Assert.Equal(5, outcome.ActivityCount);
        Assert.NotEmpty(body.RootElement.GetProperty("Logs").EnumerateArray());
        var stored = await new ReportStore(azurite.Tables, names).ListActivitiesAsync("63.71", new(2025, 10));
        Assert.Equal(5, stored.Count);
    }

    [SkippableFact]
    public async Task IngestUpload_GarbageFile_AnswersOkWithRejection_NotAFailure()
    {
        if (!azurite.Require()) return;
        var (app, client, _) = await StartAsync();
        await using var __ = app;

        var response = await client.PostAsJsonAsync("/IngestUpload", BlobPayload("upload", "laporan.xlsx", "%PDF-1.4 not a spreadsheet"u8.ToArray()));

        // User data never fails the invocation: a failure would make the host retry it five times.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("rejected", body.RootElement.GetProperty("ReturnValue").GetProperty("status").GetString());
    }

    [SkippableFact]
    public async Task IngestUpload_PayloadWithoutContent_Answers500SoTheHostRetries()
    {
        if (!azurite.Require()) return;
        var (app, client, _) = await StartAsync();
        await using var __ = app;

        var response = await client.PostAsJsonAsync("/IngestUpload", new { Data = new { }, Metadata = new { name = "\"a.xlsx\"" } });

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
    }

    [SkippableFact]
    public void Settings_BadValues_RefuseToStartNamingEveryBadKey()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = "AccountName=x;NoKeyHere",
            ["Pipeline:MaxUploadBytes"] = "banyak",
            ["FUNCTIONS_CUSTOMHANDLER_PORT"] = "70000",
            ["KKB_TEMPLATES"] = "/nowhere/templates",
        }).Build();

        HandlerSettings.Load(config, out var errors);

        Assert.Contains(errors, e => e.StartsWith("AzureWebJobsStorage", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Pipeline__MaxUploadBytes", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("FUNCTIONS_CUSTOMHANDLER_PORT", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("KKB_TEMPLATES", StringComparison.Ordinal));
    }

    [SkippableFact]
    public async Task Handler_BadSettings_ExitsWithOneAndListsKeys()
    {
        var previous = Environment.GetEnvironmentVariable("Pipeline__MaxUploadBytes");
        Environment.SetEnvironmentVariable("Pipeline__MaxUploadBytes", "-5");
        var stderr = Console.Error;
        using var captured = new StringWriter();
        Console.SetError(captured);
        try
        {
            var code = await HandlerApp.RunAsync(["--AzureWebJobsStorage=UseDevelopmentStorage=true"]);
            Assert.Equal(1, code);
            Assert.Contains("Pipeline__MaxUploadBytes", captured.ToString());
        }
        finally
        {
            Console.SetError(stderr);
            Environment.SetEnvironmentVariable("Pipeline__MaxUploadBytes", previous);
        }
    }
}
