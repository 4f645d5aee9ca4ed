using Azure.Core;
using Azure.Core.Pipeline;
using KampungKB.Cli.Dev;
using KampungKB.Integration.Tests.Faults;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace KampungKB.Integration.Tests.Pipeline;

/// <summary>
/// Outage: Azurite (persisting to disk, on its own ports) is stopped in the middle of storing a
/// 2,000-activity report that the local runner is processing, restarted, and the runner retries the
/// invocation as the Functions host would. Readers must see the previous version whole until the new one
/// is complete, and the retry must complete it once.
/// </summary>
[Collection(AzuriteCollection.Name)]
public class StorageOutageTests(AzuriteFixture shared, ITestOutputHelper output)
{
    private const int Previous = 500, Corrected = 2000;

    /// <summary>What readers could see at one moment: the pointer's version and count, the activities readers get, and every row in the table.</summary>
    private sealed record Snapshot(string Moment, string? PointerVersion, int PointerCount, int Visible, int VisibleOfPointer, int RawRows, int Logged);

    private static byte[] Report(int activities, string version) =>
        FaultKit.ActivityCsv(activities, i => $"{FaultKit.OctoberDate(i)},Kegiatan {i} {version},1,{(version == "revisi" ? 3 : 2)}");

    [SkippableFact]
    public async Task AzuriteStoppedMidWriteOf2000Activities_PreviousVersionWholeUntilNewComplete_RunnerRetryCompletesIt_OneFeedback()
    {
        shared.Require(); // this test starts an Azurite of its own, so it never touches the fixture
        var root = PipelineHarness.Root;
        var location = Directory.CreateTempSubdirectory("kkb-outage-").FullName;
        var outbox = Directory.CreateTempSubdirectory("kkb-outage-outbox-");
        var ports = (Loopback.FreePort(), Loopback.FreePort(), Loopback.FreePort());
        var azurite = await AzuriteProcess.StartAsync(root, location, ports: ports);
        LocalFunctionHost? host = null;
        try
        {
            var names = new StorageNames(AzuriteFixture.UniqueName("out"));
            var clients = StorageServiceCollectionExtensions.CreateClients(StorageConnection.Parse(azurite.ConnectionString), AzuriteFixture.QuickRetry);
            var readers = TestStores.For(clients.Tables, names).Reports;
            var log = TestStores.For(clients.Tables, names).Uploads;
            var seen = new List<Snapshot>();
            async Task LookAsync(string moment)
            {
                var pointer = await readers.GetAsync(FaultKit.Banjarmasin, FaultKit.Pelambuan, FaultKit.October);
                var visible = await readers.ListActivitiesAsync(FaultKit.Banjarmasin, FaultKit.October);
                var raw = await FaultKit.ActivityRowsAsync(clients.Tables, names, FaultKit.Banjarmasin, FaultKit.October);
                seen.Add(new(moment, pointer?.ActivitiesVersion, pointer?.ActivityCount ?? 0, visible.Count,
                    visible.Count(a => a.Activity.Title?.EndsWith(" oktober", StringComparison.Ordinal) == true), raw.Count, (await log.ListAsync(FaultKit.Banjarmasin)).Count));
            }

            // The app's table client, as the host's, but storage dies before the 11th activity batch once armed
            // (10 batches of 100 rows of the corrected report are in), and comes back before the failure surfaces.
            var outage = new OutagePolicy(names.ActivitiesTable, 11, async () =>
            {
                await LookAsync("mid-write, before the stop");
                await azurite.StopAsync();
            }, async () =>
            {
                azurite = await AzuriteProcess.StartAsync(root, location, ports: ports);
                await LookAsync("restarted, before the retry");
            });
            var options = new TableClientOptions();
            AzuriteFixture.QuickRetry(options.Retry);
            options.AddPolicy(outage, HttpPipelinePosition.PerCall);
            var settings = Functions.FunctionsHarness.Settings(azurite.ConnectionString);
            settings["Mail__OutboxDirectory"] = outbox.FullName;
            host = await LocalFunctionHost.StartAsync(settings, HostOptions.Load(Path.Combine(root, "host.json")), 0, s =>
            {
                s.AddSingleton(names);
                s.AddSingleton(new TableServiceClient(azurite.ConnectionString, options));
            });
            var poison = PoisonQueue.For(clients.Queues, AzuriteFixture.UniqueName("poison"));
            var runner = new BlobTriggerRunner(host, clients.Blobs, clients.Tables, names, poison, AzuriteFixture.UniqueName("Receipts"), _ => TimeSpan.FromMilliseconds(50));
            async Task DropAsync(string container, string name, byte[] bytes) =>
                await clients.Blobs.GetBlobContainerClient(container).GetBlobClient(name).UploadAsync(BinaryData.FromBytes(bytes));

            await DropAsync(names.Registry, "daftar.csv", FaultKit.RegistryCsv([FaultKit.PelambuanWithEmail]));
            await DropAsync(names.Uploads, $"{FaultKit.Pelambuan}/oktober.csv", Report(Previous, "oktober"));
            var first = await runner.RunOnceAsync();
            var v1 = Assert.IsType<UploadOutcome>(first[1].ReturnValue);
            Assert.Equal((UploadStatus.Accepted, Previous), (v1.Status, v1.ActivityCount));

            // A blob's Last-Modified (the upload's receipt time) has whole seconds, and only a strictly later upload takes
            // over the pointer: on a fast machine the first version is done within the second it was dropped in.
            await Task.Delay(TimeSpan.FromSeconds(1.1));
            outage.Arm();
            await DropAsync(names.Uploads, $"{FaultKit.Pelambuan}/oktober-revisi.csv", Report(Corrected, "revisi"));
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var retried = Assert.Single(await runner.RunOnceAsync());
            output.WriteLine($"corrected report: {retried.Attempts} attempts, {clock.Elapsed.TotalSeconds:0.0} s including the outage; first attempt failed with {outage.Failure?.GetType().Name}; " +
                $"outcome {(retried.ReturnValue as UploadOutcome)?.Status} {(retried.ReturnValue as UploadOutcome)?.ActivityCount} activities, {outage.Batches} activity batches seen, error {retried.Error}");

            // The outage really happened mid-write: 1,000 of the new rows were in, and they survived the restart.
            Assert.True(outage.Tripped, "the outage never happened");
            Assert.True(StorageErrors.IsTransient(outage.Failure!), outage.Failure!.ToString());
            Assert.Equal(["mid-write, before the stop", "restarted, before the retry"], seen.Select(s => s.Moment));
            Assert.All(seen, s => Assert.Equal(Previous + 1000, s.RawRows));
            // Until the new version is complete, readers see the previous one whole: its pointer and all its rows, nothing else.
            Assert.All(seen, s => Assert.Equal((v1.UploadId, Previous, Previous, Previous, 1), (s.PointerVersion, s.PointerCount, s.Visible, s.VisibleOfPointer, s.Logged)));

            // The retry (the host's second attempt) completed the new version: all its rows, no orphans, one feedback.
            Assert.True(retried.Succeeded, retried.Error);
            Assert.Equal(2, retried.Attempts);
            Assert.Empty(await poison.PeekAsync());
            var v2 = Assert.IsType<UploadOutcome>(retried.ReturnValue);
            Assert.Equal((UploadStatus.Accepted, Corrected), (v2.Status, v2.ActivityCount));
            var report = (await readers.GetAsync(FaultKit.Banjarmasin, FaultKit.Pelambuan, FaultKit.October))!;
            Assert.Equal((v2.UploadId, Corrected, Corrected * 4), (report.ActivitiesVersion, report.ActivityCount, report.Participants));
            var visible = await readers.ListActivitiesAsync(FaultKit.Banjarmasin, FaultKit.October);
            Assert.Equal(Corrected, visible.Count);
            Assert.Equal(Corrected, visible.Select(a => a.Activity.Title).Distinct().Count(t => t!.EndsWith(" revisi", StringComparison.Ordinal)));
            var raw = await FaultKit.ActivityRowsAsync(clients.Tables, names, FaultKit.Banjarmasin, FaultKit.October);
            Assert.Equal(Corrected, raw.Count); // the previous version's rows are gone; the crashed attempt's were its own, rewritten
            Assert.All(raw, r => Assert.Equal(v2.UploadId, r.GetString("Version")));
            Assert.Equal([UploadStatus.Accepted, UploadStatus.Accepted], (await log.ListAsync(FaultKit.Banjarmasin)).Select(r => r.Status));
            var mailed = await new NotificationLog(clients.Tables, names).ListFeedbackAsync(FaultKit.Banjarmasin);
            Assert.Equal(new[] { v1.UploadId, v2.UploadId }.Order(), mailed.Where(r => r.State == NotificationState.Sent).Select(r => r.RowKey).Order());
            Assert.Equal([FaultKit.PelambuanWithEmail.Email, FaultKit.PelambuanWithEmail.Email], FaultKit.MailedTo(outbox));
            Assert.Equal("accepted", (await FeedbackWriter.ReadAsync(clients.Blobs, names, v2.UploadId))!.Value.GetProperty("status").GetString());
            Assert.Empty(await runner.RunOnceAsync());
        }
        finally
        {
            if (host is not null) await host.DisposeAsync();
            await azurite.DisposeAsync();
            try { Directory.Delete(location, recursive: true); } catch (IOException) { }
            outbox.Delete(recursive: true);
        }
    }

    /// <summary>
    /// Once armed, just before the Nth entity group transaction on <paramref name="table"/>: runs
    /// <paramref name="stop"/> (storage goes away), lets the request fail, runs <paramref name="restart"/>,
    /// then lets the failure surface to the caller. Fires once.
    /// </summary>
    private sealed class OutagePolicy(string table, int batchNumber, Func<Task> stop, Func<Task> restart) : HttpPipelinePolicy
    {
        private int _armed, _batches;

        public bool Tripped { get; private set; }
        public int Batches => Volatile.Read(ref _batches);
        public Exception? Failure { get; private set; }

        public void Arm() => Interlocked.Exchange(ref _armed, 1);

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            if (Volatile.Read(ref _armed) == 0 || !IsBatchOn(message) || Interlocked.Increment(ref _batches) != batchNumber)
            {
                await ProcessNextAsync(message, pipeline);
                return;
            }
            Tripped = true;
            await stop();
            try
            {
                await ProcessNextAsync(message, pipeline);
            }
            catch (Exception e)
            {
                Failure = e;
                await restart();
                throw;
            }
            throw new InvalidOperationException("the batch succeeded although storage was stopped");
        }

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
            throw new NotSupportedException("async only");

        /// <summary>An entity group transaction (<c>POST …/$batch</c>) whose body names the table.</summary>
        private bool IsBatchOn(HttpMessage message)
        {
            if (message.Request.Method != RequestMethod.Post || !message.Request.Uri.Path.EndsWith("$batch", StringComparison.Ordinal)) return false;
            using var body = new MemoryStream();
            message.Request.Content?.WriteTo(body, default);
            return Encoding.UTF8.GetString(body.ToArray()).Contains("/" + table + "(", StringComparison.Ordinal);
        }
    }
}
