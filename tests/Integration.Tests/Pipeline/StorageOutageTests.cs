using System.Net;
using System.Net.Sockets;
using System.Text;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using KampungKB.Cli.Dev;
using KampungKB.Core.Model;
using KampungKB.Core.Storage;
using KampungKB.Integration.Tests.Azurite;
using KampungKB.Core.Uploads;
using KampungKB.Core.Reports;

namespace KampungKB.Integration.Tests.Pipeline;

/// <summary>
/// An Azure.Core pipeline policy that runs an action just before the Nth entity group transaction
/// (<c>POST …/$batch</c> whose body names <paramref name="table"/>), then lets the request go on.
/// </summary>
internal sealed class TripwirePolicy(string table, int batchNumber, Func<Task> trip) : HttpPipelinePolicy
{
    private int _batches;

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        if (IsBatchOn(message) && Interlocked.Increment(ref _batches) == batchNumber) await trip();
        await ProcessNextAsync(message, pipeline);
    }

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
        throw new NotSupportedException("async only");

    private bool IsBatchOn(HttpMessage message)
    {
        if (message.Request.Method != RequestMethod.Post || !message.Request.Uri.Path.EndsWith("$batch", StringComparison.Ordinal)) return false;
        using var body = new MemoryStream();
        message.Request.Content?.WriteTo(body, default);
        return Encoding.UTF8.GetString(body.ToArray()).Contains("/" + table + "(", StringComparison.Ordinal);
    }

}

/// <summary>
/// A real outage: Azurite (persisting to disk) is stopped while a large corrected report is being
/// stored, then restarted, and the trigger is retried.
/// </summary>
[Collection(AzuriteCollection.Name)]
public class StorageOutageTests(AzuriteFixture shared)
{
    private static readonly ReportingPeriod October = new(2025, 10);

    private static byte[] Report(int activities, int female)
    {
        var sb = new StringBuilder();
        sb.Append("Kampung KB Pelambuan Sejahtera,,,\r\nKelurahan Pelambuan Kec. Banjarmasin Barat,,,\r\nBulan: Oktober 2025,,,\r\n,,,\r\n");
        sb.Append("Tanggal,Nama Kegiatan,Peserta L,Peserta P\r\n");
        for (var i = 0; i < activities; i++) sb.Append($"{1 + i % 28:D2}/10/2025,Kegiatan {i + 1},1,{female}\r\n");
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    [SkippableFact]
    public async Task AzuriteStoppedMidStore_ReadersKeepOldVersion_RetryAfterRestartCompletesNew()
    {
        if (!shared.Require()) return;
        var root = PipelineHarness.Root;
        var location = Directory.CreateTempSubdirectory("kkb-outage-").FullName;
        var ports = (FreePort(), FreePort(), FreePort());
        var azurite = await AzuriteProcess.StartAsync(root, location, ports: ports);
        try
        {
            var connection = StorageConnection.Parse(azurite.ConnectionString);
            var clients = StorageServiceCollectionExtensions.CreateClients(connection, r => r.MaxRetries = 0);
            var blobs = clients.Blobs;
            var tables = clients.Tables;
            var setup = new PipelineHarness(shared, tables, blobs);
            await setup.InitAsync();
            var v1 = await setup.UploadAsync("63.71.04.1005/oktober.csv", Report(3, 2));
            Assert.Equal(UploadStatus.Accepted, v1.Status);

            // The corrected report has 450 activities: five batches. Storage dies before the third.
            var options = new TableClientOptions();
            options.Retry.MaxRetries = 0;
            options.AddPolicy(new TripwirePolicy(setup.Names.ActivitiesTable, 3, () => azurite.StopAsync()), HttpPipelinePosition.PerCall);
            var crashing = setup.WithTables(new TableServiceClient(azurite.ConnectionString, options));
            var v2 = Report(450, 3);
            setup.Time.Now = setup.Time.Now.AddHours(1);
            await blobs.GetBlobContainerClient(setup.Names.Uploads).GetBlobClient("63.71.04.1005/oktober-revisi.csv").UploadAsync(BinaryData.FromBytes(v2));
            var failure = await Record.ExceptionAsync(() =>
                crashing.Processor.ProcessAsync(new UploadEvent("63.71.04.1005/oktober-revisi.csv", v2.Length, setup.Time.Now), v2));
            Assert.NotNull(failure);
            Assert.True(StorageErrors.IsTransient(failure!), failure!.ToString());

            azurite = await AzuriteProcess.StartAsync(root, location, ports: ports);
            var readers = new ReportStore(tables, setup.Names);
            var seen = await readers.ListActivitiesAsync("63.71", October);
            Assert.Equal(3, seen.Count); // the old version, whole; the half-written rows are invisible
            Assert.Equal(v1.UploadId, (await readers.GetAsync("63.71", "63.71.04.1005", October))!.ActivitiesVersion);

            var retried = await setup.Processor.ProcessAsync(new UploadEvent("63.71.04.1005/oktober-revisi.csv", v2.Length, setup.Time.Now), v2);
            Assert.Equal(UploadStatus.Accepted, retried.Status);
            var after = await readers.ListActivitiesAsync("63.71", October);
            Assert.Equal(450, after.Count);
            Assert.Equal(450 * 4, after.Sum(a => a.Activity.Participants ?? 0));
            var rows = 0;
            await foreach (var _ in tables.GetTableClient(setup.Names.ActivitiesTable).QueryAsync<TableEntity>()) rows++;
            Assert.Equal(450, rows); // the first version and the crashed attempt's rows are gone
        }
        finally
        {
            await azurite.DisposeAsync();
            try { Directory.Delete(location, recursive: true); } catch (IOException) { }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
