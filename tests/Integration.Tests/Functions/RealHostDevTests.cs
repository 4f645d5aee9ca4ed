using System.Diagnostics;
using System.Net.Sockets;
using System.Threading.Channels;
using KampungKB.Cli.Commands;
using KampungKB.Cli.Dev;
using KampungKB.Core.Model;
using KampungKB.Core.Store;
using KampungKB.Core.Uploads;
using KampungKB.Core.Uploads.Feedback;
using KampungKB.Integration.Tests.Azurite;
using KampungKB.Integration.Tests.Deploy;
using KampungKB.Integration.Tests.Pipeline;

namespace KampungKB.Integration.Tests.Functions;

/// <summary>
/// <c>kkb dev --host real</c> as a newcomer runs it: the command in a child process (the run's published package through
/// <c>--package</c>, so the run publishes once; a free <c>--port</c>; a local Azurite of its own as <c>AzureWebJobsStorage</c>),
/// a registry workbook and then a report dropped as blobs, as Azure Storage Explorer or the upload page would: each is
/// delivered to the real host as an Event Grid event, the command prints in Indonesian what the cadre is told (the same
/// line as the local runner's), the feedback and the mail are written, and SIGTERM stops it and its host.
/// Every wait ends when the child exits, so a dead host fails the test instead of hanging it.
/// </summary>
[Collection(RealHostCollection.Name)]
public sealed class RealHostDevTests(RealHostFixture fixture)
{
    private const string Area = "63.71.04.1005";

    [SkippableFact]
    public async Task KkbDevHostReal_RegistryAndReportDropped_DeliveredAsEvents_OutcomePrinted_FeedbackAndMailWritten_StopsOnSigterm()
    {
        fixture.Require();
        var root = RepositoryFiles.Root;
        await using var azurite = await AzuriteProcess.StartAsync(root, startTimeout: TimeSpan.FromMinutes(2));
        var clients = StorageServiceCollectionExtensions.CreateClients(StorageConnection.Parse(azurite.ConnectionString), AzuriteFixture.QuickRetry);
        var outbox = Directory.CreateTempSubdirectory("kkb-devreal-outbox-").FullName;
        var port = Loopback.FreePort();
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = root,
            ArgumentList = { Path.Combine(AppContext.BaseDirectory, "kkb.dll"), "dev", "--host", "real", "--port", port.ToString(), "--package", fixture.Package.OutDir },
        };
        psi.Environment["KKB_ROOT"] = root;
        psi.Environment["AzureWebJobsStorage"] = azurite.ConnectionString;
        psi.Environment["Mail__OutboxDirectory"] = outbox;
        var lines = Channel.CreateUnbounded<string>();
        var stdout = new List<string>();
        using var dev = new Process { StartInfo = psi };
        dev.OutputDataReceived += (_, e) => { if (e.Data is null) lines.Writer.TryComplete(); else { lock (stdout) stdout.Add(e.Data); lines.Writer.TryWrite(e.Data); } };
        dev.Start();
        dev.BeginOutputReadLine();
        var stderr = dev.StandardError.ReadToEndAsync();
        try
        {
            await LineAsync(lines, l => l.StartsWith("kkb dev berjalan di host Azure Functions asli", StringComparison.Ordinal), "the running line", stderr);

            await clients.Blobs.GetBlobContainerClient(StorageNames.Default.Registry).GetBlobClient("daftar.xlsx")
                .UploadAsync(BinaryData.FromBytes(PipelineHarness.Example("E06")), overwrite: true);
            var registered = await LineAsync(lines, l => l.StartsWith("[ImportRegistry] daftar Kampung KB diproses host", StringComparison.Ordinal), "the registry's outcome", stderr);
            var count = (await new KampungKB.Core.Store.RegistryStore(clients.Tables, StorageNames.Default).ListAsync()).Count;
            Assert.True(count > 0);
            Assert.Contains($"kini {count} kampung terdaftar", registered);

            var name = Area + "/kegiatan.xlsx";
            var report = PipelineHarness.Example("E01");
            await clients.Blobs.GetBlobContainerClient(StorageNames.Default.Uploads).GetBlobClient(name).UploadAsync(BinaryData.FromBytes(report), overwrite: true);
            var printed = await LineAsync(lines, l => l.StartsWith($"[IngestUpload] {name}:", StringComparison.Ordinal), "the upload's outcome", stderr);

            var outcome = await UploadProcessor.FindOutcomeAsync(TestStores.For(clients.Tables, StorageNames.Default).Claims, StorageNames.Default, name, report);
            Assert.NotNull(outcome);
            Assert.Equal((UploadStatus.Accepted, Area, 5), (outcome.Status, outcome.AreaCode, outcome.ActivityCount));
            Assert.Equal(StorageCommands.DescribeDispatch(new Dispatch("IngestUpload", name, true, 1, outcome, null)), printed);
            lock (stdout) Assert.Contains(stdout, l => l == $"[IngestUpload] uploads/{name}: peristiwa BlobCreated dikirim ke host (HTTP 202)");
            Assert.NotNull(await FeedbackWriter.ReadAsync(clients.Blobs, StorageNames.Default, outcome.UploadId));
            Assert.NotEmpty(Directory.GetFiles(outbox, "*.eml", SearchOption.AllDirectories));

            using (var term = Process.Start("kill", ["-TERM", dev.Id.ToString()])) await term.WaitForExitAsync();
            await dev.WaitForExitAsync();
            Assert.True(dev.ExitCode == 0, $"exit {dev.ExitCode}: {await stderr}");
            lock (stdout) Assert.Equal("kkb dev berhenti.", stdout[^1]);
            Assert.False(Answers(port), "the host still listens after kkb dev stopped");
        }
        finally
        {
            if (!dev.HasExited) { dev.Kill(entireProcessTree: true); await dev.WaitForExitAsync(); }
            try { Directory.Delete(outbox, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>The next line of the command's output that matches; fails with its stderr when the command ends first.</summary>
    private static async Task<string> LineAsync(Channel<string> lines, Func<string, bool> match, string what, Task<string> stderr)
    {
        await foreach (var line in lines.Reader.ReadAllAsync())
            if (match(line)) return line;
        Assert.Fail($"kkb dev --host real ended before printing {what}: {await stderr}");
        return "";
    }

    private static bool Answers(int port)
    {
        try { using var client = new TcpClient(); client.Connect(System.Net.IPAddress.Loopback, port); return true; }
        catch (SocketException) { return false; }
    }
}
