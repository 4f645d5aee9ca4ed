using System.Net;
using System.Net.Sockets;
using Azure.Storage.Blobs;
using KampungKB.Cli.Dev;

namespace KampungKB.Integration.Tests.Azurite;

[Collection(AzuriteCollection.Name)]
public sealed class AzuriteProcessTests(AzuriteFixture fixture)
{
    [SkippableFact]
    public async Task Start_PortAlreadyTaken_ReportsEarlyExitWithEaddrinuse()
    {
        fixture.Require(); // these tests start Azurites of their own
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var taken = ((IPEndPoint)squatter.LocalEndpoint).Port;
        var root = AzuriteProcess.FindRepositoryRoot()!;

        var ex = await Assert.ThrowsAsync<AzuriteStartException>(() =>
            AzuriteProcess.StartAsync(root, ports: (taken, Loopback.FreePort(), Loopback.FreePort())));
        Assert.True(ex.PortInUse, ex.Message);
        Assert.Contains("EADDRINUSE", ex.Message);
    }

    [SkippableFact]
    public async Task Start_WithLocation_PersistsAcrossRestart_StopEndsProcess()
    {
        fixture.Require(); // these tests start Azurites of their own
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

    [SkippableFact]
    public async Task Start_NodeRunsButNeverListens_FailsNamingTheWait_WithinTheHardCap()
    {
        fixture.Require(); // node is there when Azurite is
        var fake = Directory.CreateTempSubdirectory("kkb-hung-azurite-");
        try
        {
            var script = Path.Combine(fake.FullName, "node_modules", "azurite", "dist", "src", "azurite.js");
            Directory.CreateDirectory(Path.GetDirectoryName(script)!);
            await File.WriteAllTextAsync(script, "setInterval(() => {}, 1000);\n"); // alive, idle, never listens
            var timeout = TimeSpan.FromSeconds(1);
            var clock = System.Diagnostics.Stopwatch.StartNew();

            var ex = await Assert.ThrowsAsync<AzuriteStartException>(() => AzuriteProcess.StartAsync(fake.FullName, startTimeout: timeout));

            Assert.False(ex.PortInUse);
            Assert.Contains("did not listen", ex.Message);
            Assert.InRange(clock.Elapsed, timeout, timeout * StartDeadline.HardCapFactor + TimeSpan.FromSeconds(20));
        }
        finally { fake.Delete(recursive: true); }
    }

    [Theory]
    [InlineData(20, 0.5, false)]   // a loaded machine: node had half a second of CPU in 20 s — keep waiting
    [InlineData(31, 0.5, false)]
    [InlineData(31, 10, true)]     // node had its share of CPU and still does not listen: a real failure
    [InlineData(121, 0.5, true)]   // four times the timeout: fail whatever the load
    public void StartDeadline_WaitsForAStarvedNode_NotForAHungOne(double elapsedSeconds, double cpuSeconds, bool passed) =>
        Assert.Equal(passed, StartDeadline.Passed(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(elapsedSeconds), TimeSpan.FromSeconds(cpuSeconds)));

}
