using KampungKB.Integration.Tests.Functions;
using Microsoft.Extensions.DependencyInjection;
using KampungKB.Cli.Dev;
using KampungKB.Core.Ingestion.Validation;

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
        { "pdf", "63.71.04.1005/laporan.xlsx", ProblemCodes.PdfFile },
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
/// A poison upload: the local runner (like the Functions host) tries 5 times (host.json's
/// poisonBlobThreshold), then puts the host's message on <c>webjobs-blobtrigger-poison</c>, which
/// <c>kkb poison</c> lists; it is not tried again on the next pass.
/// </summary>
[Collection(AzuriteCollection.Name)]
public class PoisonUploadTests(AzuriteFixture azurite)
{
    /// <summary>Storage that answers 503 whenever the feedback mail is claimed: an infrastructure fault on every attempt.</summary>
    private sealed class FailingNotifier : IFeedbackNotifier
    {
        public int Calls;
        public Task NotifyAsync(FeedbackDocument feedback, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref Calls);
            throw new Azure.RequestFailedException(503, "storage unavailable", "ServerBusy", null);
        }
    }

    [SkippableFact]
    public async Task FunctionFailsEveryTime_FiveAttempts_ThenHostPoisonMessage_ListedByKkbPoison_NoMoreRetries()
    {
        var failing = new FailingNotifier();
        await using var h = await FunctionsHarness.StartAsync(azurite, s => s.AddSingleton<IFeedbackNotifier>(failing), prefix: "p");
        await h.DropAsync(h.Names.Uploads, "63.71.04.1005/racun.csv", PipelineHarnessExtras.GoodCsv());

        var first = Assert.Single(await h.Runner.RunOnceAsync());
        Assert.False(first.Succeeded);
        Assert.Equal(5, first.Attempts);
        Assert.Equal(5, failing.Calls);
        Assert.Contains("storage unavailable", first.Error);

        Assert.Empty(await h.Runner.RunOnceAsync());
        Assert.Equal(5, failing.Calls);

        var messages = await PoisonQueue.For(azurite.ConnectionString).PeekAsync();
        var mine = Assert.Single(messages, m => m.Message.ContainerName == h.Names.Uploads);
        Assert.Equal(("BlobTrigger", "Host.Functions.IngestUpload", "63.71.04.1005/racun.csv"), (mine.Message.Type, mine.Message.FunctionId, mine.Message.BlobName));

        var (code, stdout) = await KkbPoisonAsync();
        Assert.Equal(1, code);
        Assert.Contains($"IngestUpload {h.Names.Uploads}/63.71.04.1005/racun.csv", stdout);
    }

    /// <summary>Runs the <c>kkb poison --json</c>-less command against this run's Azurite, as an operator would with AzureWebJobsStorage set.</summary>
    private async Task<(int Code, string Stdout)> KkbPoisonAsync()
    {
        var previous = Environment.GetEnvironmentVariable("AzureWebJobsStorage");
        var stdout = Console.Out;
        using var captured = new StringWriter();
        Environment.SetEnvironmentVariable("AzureWebJobsStorage", azurite.ConnectionString);
        Console.SetOut(captured);
        try { return (await KampungKB.Cli.Commands.PoisonCommand.RunAsync([]), captured.ToString()); }
        finally
        {
            Console.SetOut(stdout);
            Environment.SetEnvironmentVariable("AzureWebJobsStorage", previous);
        }
    }
}
