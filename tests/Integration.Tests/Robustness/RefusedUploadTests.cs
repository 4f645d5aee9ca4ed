using System.Net;
using System.Text;
using Azure.Data.Tables;
using KampungKB.Cli.Dev;
using KampungKB.Core.Storage;
using KampungKB.Core.Validation;
using KampungKB.Integration.Tests.Azurite;
using KampungKB.Integration.Tests.Pipeline;
using KampungKB.Core.Uploads;

namespace KampungKB.Integration.Tests.Robustness;

/// <summary>
/// Bad uploads through the whole pipeline over Azurite: refused with a code, nothing stored as a report,
/// the original kept under rejected/ with a safe name, feedback written, the process still serving.
/// </summary>
[Collection(AzuriteCollection.Name)]
public class RefusedUploadTests(AzuriteFixture azurite)
{
    public static TheoryData<string, string, string> Cases => new()
    {
        { "zero-byte", "63.71.04.1005/laporan.xlsx", ProblemCodes.EmptyFile },
        { "random", "63.71.04.1005/laporan.xlsx", ProblemCodes.UnsupportedFormat },
        { "pdf", "63.71.04.1005/laporan.xlsx", ProblemCodes.UnsupportedFormat },
        { "over-cap", "63.71.04.1005/laporan.csv", ProblemCodes.FileTooLarge },
        { "dot-dot", "63.71.04.1005/../../Registry/laporan.csv", ProblemCodes.InvalidUploadPath },
        { "odd-unicode", "63.71.04.1005/\u202Ecod.exe\u0000/laporan.csv", ProblemCodes.InvalidUploadPath },
    };

    private static byte[] Content(string kind) => kind switch
    {
        "zero-byte" => [],
        "random" => Enumerable.Range(0, 4096).Select(i => (byte)(i * 7919 % 251)).ToArray(),
        "pdf" => Encoding.ASCII.GetBytes("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n"),
        "over-cap" => new byte[21 * 1024 * 1024],
        _ => Encoding.UTF8.GetBytes("Kampung KB Pelambuan Sejahtera,,,\r\nBulan: Oktober 2025,,,\r\nTanggal,Nama Kegiatan,Peserta L,Peserta P\r\n01/10/2025,Rapat,1,2\r\n"),
    };

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public async Task BadUpload_RefusedWithCode_NothingStored(string kind, string name, string code)
    {
        if (!azurite.Require()) return;
        var h = new PipelineHarness(azurite);
        await h.InitAsync();
        var content = Content(kind);

        // Names with control characters cannot be blob names; the trigger would still hand them over, so call the processor directly.
        var outcome = await h.Processor.ProcessAsync(new UploadEvent(name, content.Length, h.Time.GetUtcNow()), content);

        Assert.Equal(UploadStatus.Rejected, outcome.Status);
        Assert.True(outcome.ErrorCount > 0);
        var logged = new List<TableEntity>();
        await foreach (var e in h.Tables.GetTableClient(h.Names.UploadsTable).QueryAsync<TableEntity>()) logged.Add(e);
        var entry = Assert.Single(logged);
        Assert.Contains(code, entry.GetString("Problems") ?? string.Join(" ", entry.Select(kv => kv.Value?.ToString())));

        await foreach (var _ in h.Tables.GetTableClient(h.Names.ReportsTable).QueryAsync<TableEntity>()) Assert.Fail("a refused upload left a report");
        await foreach (var _ in h.Tables.GetTableClient(h.Names.ActivitiesTable).QueryAsync<TableEntity>()) Assert.Fail("a refused upload left activity rows");
        Assert.Empty(await h.ListAsync(h.Names.Processed));
        var kept = Assert.Single(await h.ListAsync(h.Names.Rejected));
        Assert.DoesNotContain("..", kept.Name);
        Assert.DoesNotContain(kept.Name, c => char.IsControl(c) || c is '\u202E');
        var feedback = await h.ListAsync(h.Names.Feedback);
        Assert.NotEmpty(feedback);
        Assert.All(feedback, f => Assert.Contains(outcome.UploadId, f.Name));

        // Still serving: a good upload right after is accepted.
        var good = await h.UploadAsync("63.71.04.1005/oktober.csv", PipelineHarnessExtras.GoodCsv());
        Assert.Equal(UploadStatus.Accepted, good.Status);
    }
}

internal static class PipelineHarnessExtras
{
    public static byte[] GoodCsv() => Encoding.UTF8.GetBytes(
        "Kampung KB Pelambuan Sejahtera,,,\r\nKelurahan Pelambuan Kec. Banjarmasin Barat,,,\r\nBulan: Oktober 2025,,,\r\n,,,\r\nTanggal,Nama Kegiatan,Peserta L,Peserta P\r\n01/10/2025,Rapat Pokja,1,2\r\n");
}

/// <summary>
/// A poison upload: the local runner (like the Functions host) tries 5 times, then records a 'poison'
/// receipt with the reason and stops; `kkb poison` lists it. It is not tried again on the next pass.
/// </summary>
[Collection(AzuriteCollection.Name)]
public class PoisonUploadTests(AzuriteFixture azurite)
{
    private sealed class AlwaysFails : HttpMessageHandler
    {
        public int Calls;
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Calls);
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.InternalServerError)
            {
                Content = new StringContent("{\"Logs\":[\"storage unavailable (RequestFailedException); retry later\"]}", Encoding.UTF8, "application/json"),
            });
        }
    }

    [SkippableFact]
    public async Task HandlerFailsEveryTime_FiveAttempts_ThenVisiblePoisonReceipt_NoMoreRetries()
    {
        if (!azurite.Require()) return;
        var names = new StorageNames(AzuriteFixture.UniqueName("p"));
        var receipts = AzuriteFixture.UniqueName("Receipts").Replace("-", "");
        await StorageBootstrap.EnsureAsync(azurite.Blobs, azurite.Tables, names);
        await azurite.Blobs.GetBlobContainerClient(names.Uploads).GetBlobClient("63.71.04.1005/racun.csv").UploadAsync(BinaryData.FromBytes(PipelineHarnessExtras.GoodCsv()));
        var failing = new AlwaysFails();
        using var http = new HttpClient(failing) { BaseAddress = new Uri("http://handler.test") };
        var runner = new BlobTriggerRunner(azurite.Blobs, azurite.Tables, http, [new BlobFunction("IngestUpload", names.Uploads, "upload")], receipts);

        var first = Assert.Single(await runner.RunOnceAsync());
        Assert.False(first.Succeeded);
        Assert.Equal(5, first.Attempts);
        Assert.Equal(5, failing.Calls);

        Assert.Empty(await runner.RunOnceAsync());
        Assert.Equal(5, failing.Calls);

        var poison = Assert.Single(await BlobTriggerRunner.ListPoisonAsync(azurite.Tables, receipts));
        Assert.Equal("63.71.04.1005/racun.csv", poison.BlobName);
        Assert.Equal(5, poison.Attempts);
        Assert.Contains("storage unavailable", poison.Reason);
    }
}
