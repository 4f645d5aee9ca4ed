using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using KampungKB.Cli.Dev;
using KampungKB.Core.Uploads.Links;
using KampungKB.Integration.Tests.Deploy;
using Microsoft.Extensions.DependencyInjection;

namespace KampungKB.Integration.Tests.Functions;

/// <summary>
/// The published app under the real Functions host (<see cref="RealHostFixture"/>): every function indexed and
/// none "in error"; the registry and an upload delivered as Event Grid events store the same outcome, feedback
/// and mail as under the local runner (src/Cli/Dev); the upload page answers; every timer runs through the admin
/// API; a blob whose function keeps failing ends on the host's poison queue after host.json's 5 attempts.
/// </summary>
[Collection(RealHostCollection.Name)]
public sealed class RealHostTests(RealHostFixture host)
{
    private const string Area = "63.71.04.1005";
    private const string UploadName = Area + "/kegiatan.xlsx";
    /// <summary>Waiting for one function run the host was handed (it starts at once; the limit only ends a hang, with the log).</summary>
    private static readonly TimeSpan RunLimit = TimeSpan.FromMinutes(5);

    private static readonly SemaphoreSlim s_registryGate = new(1, 1);
    private static bool s_registryImported;

    [SkippableFact]
    public async Task Host_IndexesAllTwentyFiveFunctions_NoneInError()
    {
        host.Require();
        var log = host.Log;
        Assert.DoesNotContain("Error indexing method", log, StringComparison.Ordinal);
        Assert.DoesNotMatch(new Regex(@"\bin error\b", RegexOptions.IgnoreCase), log);
        var found = Regex.Matches(log, @"^\s+Host\.Functions\.(\w+)\s*$", RegexOptions.Multiline).Select(m => m.Groups[1].Value).Distinct().Order(StringComparer.Ordinal).ToList();
        var declared = FunctionCatalog.Discover().Select(f => f.Name).Order(StringComparer.Ordinal).ToList();
        // 11 for uploads, registry, timers and the upload page; 14 for the dinas dashboard (docs/dashboard.md).
        Assert.Equal(25, declared.Count);
        Assert.Equal(declared, found);

        // The admin API lists the same 25, none with a load error.
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(host.Address, "admin/functions"));
        request.Headers.Add("x-functions-key", host.MasterKey);
        using var response = await host.Http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        var listed = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsArray().Select(f => f!["name"]!.GetValue<string>()).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(declared, listed);
    }

    [SkippableFact]
    public async Task EventGrid_SubscriptionValidation_AnsweredWithTheCode()
    {
        host.Require();
        foreach (var function in new[] { "ImportRegistry", "IngestUpload" })
        {
            var code = Guid.NewGuid().ToString();
            Assert.Equal(code, await host.ValidateSubscriptionAsync(function, code));
        }
    }

    [SkippableFact]
    public async Task RegistryAndUpload_AsEventGridEvents_SameOutcomeFeedbackAndMailAsTheLocalRunner()
    {
        host.Require();
        await EnsureRegistryAsync();
        var names = StorageNames.Default;
        var uploads = host.Blobs.GetBlobContainerClient(names.Uploads);
        await uploads.GetBlobClient(UploadName).UploadAsync(BinaryData.FromBytes(PipelineHarness.Example("E01")), overwrite: true);
        var before = host.Executions("IngestUpload", "Succeeded");
        using (var delivered = await host.DeliverBlobCreatedAsync("IngestUpload", names.Uploads, UploadName))
            Assert.True(delivered.IsSuccessStatusCode, $"webhook answered {(int)delivered.StatusCode}");
        await host.WaitForAsync(() => Task.FromResult(host.Executions("IngestUpload", "Succeeded") > before), "IngestUpload to succeed", RunLimit);
        var underHost = await OutcomeAsync(names, host.Outbox);

        // The same two files through the local runner, on the same Azurite under prefixed names.
        var local = await RunLocallyAsync();

        Assert.Equal("accepted", underHost.Upload.Status);
        Assert.Equal(5, underHost.Upload.ActivityCount);
        Assert.Equal(local.Registry, underHost.Registry);
        Assert.Equal(local.Upload, underHost.Upload);
        Assert.Equal(local.Feedback, underHost.Feedback);
        Assert.NotEmpty(underHost.Mail);
        Assert.Equal(local.Mail, underHost.Mail);
    }

    [SkippableFact]
    public async Task UploadPage_OpenedFromASignedLink_Answers()
    {
        host.Require();
        await EnsureRegistryAsync();
        var kampung = (await TestStores.For(host.Tables, StorageNames.Default).Registry.GetAsync(Area))!;
        Assert.True(LinkOptions.TryParseKey(FunctionsHarness.SigningKey, out var key, out _));
        Assert.True(LinkOptions.TryParseBaseUrl(host.Address.ToString(), out var baseUrl));
        var links = TestStores.UploadLinks(new LinkOptions { SigningKey = key, BaseUrl = baseUrl }, host.Tables, StorageNames.Default, TimeProvider.System);
        var link = (await links.IssueAsync(kampung)).Url;
        var hash = link.IndexOf('#');

        using var handler = new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer() };
        using var browser = new HttpClient(handler);
        using var opened = await browser.PostAsync(link[..hash] + "/buka", new FormUrlEncodedContent([KeyValuePair.Create("t", link[(hash + 1)..])]));
        Assert.Equal(HttpStatusCode.SeeOther, opened.StatusCode);
        using var page = await browser.GetAsync(link[..hash]);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("text/html", page.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        Assert.Contains(kampung.Name, html, StringComparison.Ordinal);
        Assert.Contains("<form", html, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task EveryTimer_RunThroughTheAdminApi_Succeeds()
    {
        host.Require();
        var timers = FunctionCatalog.Discover().Where(f => f.TriggerType == "timerTrigger").Select(f => f.Name).ToList();
        Assert.Equal(6, timers.Count);
        var before = timers.ToDictionary(t => t, t => host.Executions(t, "Succeeded"));
        foreach (var timer in timers)
        {
            using var response = await host.InvokeAdminAsync(timer);
            Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"{timer}: admin API answered {(int)response.StatusCode}");
        }
        foreach (var timer in timers)
            await host.WaitForAsync(() => Task.FromResult(host.Executions(timer, "Succeeded") > before[timer] || host.Executions(timer, "Failed") > 0),
                $"{timer} to finish", RunLimit);
        var failed = timers.Where(t => host.Executions(t, "Failed") > 0).ToList();
        Assert.True(failed.Count == 0, "failed under the real host: " + string.Join(", ", failed) + "\n" + host.Tail());
    }

    [SkippableFact]
    public async Task Upload_WhoseStorageKeepsFailing_TriedFiveTimes_ThenOnThePoisonQueue()
    {
        host.Require();
        var names = StorageNames.Default;
        const string name = "poison/laporan-gagal.xlsx";
        await host.Blobs.GetBlobContainerClient(names.Uploads).GetBlobClient(name).UploadAsync(BinaryData.FromBytes(PipelineHarness.Example("E01")), overwrite: true);
        var poison = PoisonQueue.For(host.Queues);
        var failedBefore = host.Executions("IngestUpload", "Failed");
        // A storage fault: the upload log's table is gone, so every attempt throws (an infrastructure error, not the file's fault).
        await host.Tables.DeleteTableAsync(names.UploadsTable);
        try
        {
            using (var delivered = await host.DeliverBlobCreatedAsync("IngestUpload", names.Uploads, name))
                Assert.True(delivered.IsSuccessStatusCode, $"webhook answered {(int)delivered.StatusCode}");
            await host.WaitForAsync(async () => (await poison.PeekAsync()).Any(m => m.Message.BlobName == name), "the poison message", RunLimit);
        }
        finally { await host.Tables.CreateTableIfNotExistsAsync(names.UploadsTable); }

        var message = Assert.Single(await poison.PeekAsync(), m => m.Message.BlobName == name).Message;
        Assert.Equal(("IngestUpload", names.Uploads), (message.Function, message.ContainerName));
        Assert.Equal(5, host.Executions("IngestUpload", "Failed") - failedBefore);
    }

    /// <summary>The registry (E06) imported once through an Event Grid event, for the tests that need kampung.</summary>
    private async Task EnsureRegistryAsync()
    {
        await s_registryGate.WaitAsync();
        try
        {
            if (s_registryImported) return;
            var names = StorageNames.Default;
            var registry = host.Blobs.GetBlobContainerClient(names.Registry);
            await registry.GetBlobClient("daftar.xlsx").UploadAsync(BinaryData.FromBytes(PipelineHarness.Example("E06")), overwrite: true);
            var before = host.Executions("ImportRegistry", "Succeeded");
            using (var delivered = await host.DeliverBlobCreatedAsync("ImportRegistry", names.Registry, "daftar.xlsx"))
                Assert.True(delivered.IsSuccessStatusCode, $"webhook answered {(int)delivered.StatusCode}");
            await host.WaitForAsync(() => Task.FromResult(host.Executions("ImportRegistry", "Succeeded") > before), "ImportRegistry to succeed", RunLimit);
            s_registryImported = true;
        }
        finally { s_registryGate.Release(); }
    }

    private sealed record Outcome(string Registry, UploadShape Upload, string Feedback, string Mail);

    private sealed record UploadShape(string Status, string? AreaCode, string? Period, int ActivityCount, int ErrorCount, int WarningCount, string Problems);

    /// <summary>What a user would see of one registry import and one upload: registry rows, the upload's logged outcome, its feedback document and the mails.</summary>
    private async Task<Outcome> OutcomeAsync(StorageNames names, string outbox)
    {
        var registry = await TestStores.For(host.Tables, names).Registry.ListAsync();
        var record = Assert.Single(await TestStores.For(host.Tables, names).Uploads.ListAsync("63.71", Area), r => r.FileName == "kegiatan.xlsx");
        var upload = new UploadShape(record.Status, record.AreaCode, record.Period?.ToString(), record.ActivityCount, record.ErrorCount, record.WarningCount,
            string.Join(",", record.Problems.Select(p => $"{p.Code}@{p.Sheet}:{p.Row}:{p.Column}")));
        var feedback = await FeedbackWriter.ReadAsync(host.Blobs, names, record.UploadId);
        Assert.NotNull(feedback);
        return new Outcome(
            string.Join("\n", registry.Select(e => $"{e.AreaCode} {e.Name}").Order(StringComparer.Ordinal)),
            upload,
            Normalise(JsonNode.Parse(feedback.Value.GetRawText())!).ToJsonString(),
            string.Join("\n", Mails(outbox)));
    }

    /// <summary>The same registry and upload through the local runner (kkb dev's), over prefixed names on the host's Azurite.</summary>
    private async Task<Outcome> RunLocallyAsync()
    {
        var names = new StorageNames(AzuriteFixture.UniqueName("rh"));
        var outbox = Path.Combine(Path.GetTempPath(), "kkb-realhost-local-" + Guid.NewGuid().ToString("N"));
        try
        {
            var settings = FunctionsHarness.Settings(host.ConnectionString);
            settings["Mail__Mode"] = "Outbox";
            settings["Mail__OutboxDirectory"] = outbox;
            await using var app = await LocalFunctionHost.StartAsync(settings, HostOptions.Load(Path.Combine(PipelineHarness.Root, "host.json")), 0,
                s => s.AddSingleton(names));
            var runner = new BlobTriggerRunner(app, host.Blobs, host.Tables, names, PoisonQueue.For(host.Queues, AzuriteFixture.UniqueName("poison")),
                AzuriteFixture.UniqueName("Receipts").Replace("-", "", StringComparison.Ordinal));
            foreach (var (container, blob, example) in new[] { (names.Registry, "daftar.xlsx", "E06"), (names.Uploads, UploadName, "E01") })
            {
                var client = host.Blobs.GetBlobContainerClient(container);
                await client.CreateIfNotExistsAsync();
                await client.GetBlobClient(blob).UploadAsync(BinaryData.FromBytes(PipelineHarness.Example(example)));
            }
            var dispatched = await runner.RunOnceAsync();
            Assert.All(dispatched, d => Assert.True(d.Succeeded, d.Error));
            return await OutcomeAsync(names, outbox);
        }
        finally { if (Directory.Exists(outbox)) Directory.Delete(outbox, recursive: true); }
    }

    /// <summary>The feedback document without what differs between two runs of the same file: ids and instants.</summary>
    private static JsonNode Normalise(JsonNode node)
    {
        if (node is JsonObject o)
            foreach (var (key, value) in o.ToList())
            {
                if (key is "uploadId" or "receivedAt" or "processedAt" or "url") o.Remove(key);
                else if (value is not null) Normalise(value);
            }
        else if (node is JsonArray a)
            foreach (var item in a) if (item is not null) Normalise(item);
        return node;
    }

    /// <summary>Each .eml of an outbox as "To | Subject", sorted.</summary>
    private static IEnumerable<string> Mails(string outbox)
    {
        if (!Directory.Exists(outbox)) return [];
        return Directory.GetFiles(outbox, "*.eml", SearchOption.AllDirectories).Select(f =>
        {
            var headers = File.ReadLines(f).TakeWhile(l => l.Length > 0).ToList();
            string Header(string name) => headers.FirstOrDefault(h => h.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase))?[(name.Length + 1)..].Trim() ?? "";
            return $"{Header("To")} | {Header("Subject")}";
        }).Order(StringComparer.Ordinal);
    }
}
