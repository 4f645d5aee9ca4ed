using System.Net;
using System.Net.Sockets;
using Azure.Storage.Blobs;
using KampungKB.Cli.Dev;
using KampungKB.Core.Storage;

namespace KampungKB.Integration.Tests.Azurite;

[Collection(AzuriteCollection.Name)]
public sealed class AzuriteProcessTests(AzuriteFixture fixture)
{
    [SkippableFact]
    public async Task Start_PortAlreadyTaken_ReportsEarlyExitWithEaddrinuse()
    {
        if (!fixture.Require()) return;
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var taken = ((IPEndPoint)squatter.LocalEndpoint).Port;
        var root = AzuriteProcess.FindRepositoryRoot()!;

        var ex = await Assert.ThrowsAsync<AzuriteStartException>(() =>
            AzuriteProcess.StartAsync(root, ports: (taken, FreePort(), FreePort())));
        Assert.True(ex.PortInUse, ex.Message);
        Assert.Contains("EADDRINUSE", ex.Message);
    }

    [SkippableFact]
    public async Task Start_WithLocation_PersistsAcrossRestart_StopEndsProcess()
    {
        if (!fixture.Require()) return;
        var root = AzuriteProcess.FindRepositoryRoot()!;
        var dir = Path.Combine(Path.GetTempPath(), "kkb-azurite-" + Guid.NewGuid().ToString("N"));
        try
        {
            int pid;
            await using (var first = await AzuriteProcess.StartAsync(root, dir))
            {
                pid = first.ProcessId;
                var blobs = new BlobServiceClient(first.ConnectionString).GetBlobContainerClient("persist");
                await blobs.CreateIfNotExistsAsync();
                await blobs.GetBlobClient("a.txt").UploadAsync(BinaryData.FromString("kept"));
            }
            Assert.Throws<ArgumentException>(() => System.Diagnostics.Process.GetProcessById(pid));

            await using var second = await AzuriteProcess.StartAsync(root, dir);
            var again = new BlobServiceClient(second.ConnectionString).GetBlobContainerClient("persist").GetBlobClient("a.txt");
            Assert.Equal("kept", (await again.DownloadContentAsync()).Value.Content.ToString());
        }
        finally
        {
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
