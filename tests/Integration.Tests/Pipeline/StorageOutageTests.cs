using System.Net;
using System.Net.Sockets;
using System.Text;
using Azure;
using KampungKB.Cli.Dev;
using KampungKB.Core.Model;
using KampungKB.Core.Storage;
using KampungKB.Integration.Tests.Azurite;
using KampungKB.Core.Uploads;
using KampungKB.Core.Reports;

namespace KampungKB.Integration.Tests.Pipeline;

/// <summary>Forwards to a real table client, and runs an action just before the Nth batch on one table.</summary>
internal sealed class TripwireTableStore(ITableStore inner, string table, int batchNumber, Func<Task> trip) : ITableStore
{
    private int _batches;

    public async Task<IReadOnlyList<ETag>> SubmitTransactionAsync(string t, IReadOnlyList<TableTransactionAction> actions, CancellationToken ct = default)
    {
        if (t == table && Interlocked.Increment(ref _batches) == batchNumber) await trip();
        return await inner.SubmitTransactionAsync(t, actions, ct);
    }

    public Task<bool> CreateTableIfNotExistsAsync(string t, CancellationToken ct = default) => inner.CreateTableIfNotExistsAsync(t, ct);
    public Task<bool> DeleteTableAsync(string t, CancellationToken ct = default) => inner.DeleteTableAsync(t, ct);
    public Task<TableEntity?> GetEntityAsync(string t, string pk, string rk, CancellationToken ct = default) => inner.GetEntityAsync(t, pk, rk, ct);
    public IAsyncEnumerable<TableEntity> QueryAsync(string t, string? filter = null, IEnumerable<string>? select = null, int? pageSize = null, CancellationToken ct = default) => inner.QueryAsync(t, filter, select, pageSize, ct);
    public Task<ETag> AddEntityAsync(string t, TableEntity e, CancellationToken ct = default) => inner.AddEntityAsync(t, e, ct);
    public Task<bool> TryAddEntityAsync(string t, TableEntity e, CancellationToken ct = default) => inner.TryAddEntityAsync(t, e, ct);
    public Task<ETag> UpsertEntityAsync(string t, TableEntity e, TableUpdateMode mode = TableUpdateMode.Merge, CancellationToken ct = default) => inner.UpsertEntityAsync(t, e, mode, ct);
    public Task<ETag> UpdateEntityAsync(string t, TableEntity e, ETag ifMatch, TableUpdateMode mode = TableUpdateMode.Merge, CancellationToken ct = default) => inner.UpdateEntityAsync(t, e, ifMatch, mode, ct);
    public Task<bool> DeleteEntityAsync(string t, string pk, string rk, ETag ifMatch = default, CancellationToken ct = default) => inner.DeleteEntityAsync(t, pk, rk, ifMatch, ct);
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

    [Fact]
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
            var options = StorageClientOptions.ForTests(maxRetries: 0);
            var blobs = new BlobStorageClient(connection, options);
            var tables = new TableStorageClient(connection, options);
            var setup = new PipelineHarness(shared, tables, blobs);
            await setup.InitAsync();
            var v1 = await setup.UploadAsync("63.71.04.1005/oktober.csv", Report(3, 2));
            Assert.Equal(UploadStatus.Accepted, v1.Status);

            // The corrected report has 450 activities: five batches. Storage dies before the third.
            var tripwire = new TripwireTableStore(tables, setup.Names.ActivitiesTable, 3, () => azurite.StopAsync());
            var crashing = setup.WithTables(tripwire);
            var v2 = Report(450, 3);
            setup.Time.Now = setup.Time.Now.AddHours(1);
            await blobs.PutAsync(setup.Names.Uploads, "63.71.04.1005/oktober-revisi.csv", BinaryData.FromBytes(v2));
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
            await foreach (var _ in tables.QueryAsync(setup.Names.ActivitiesTable)) rows++;
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
