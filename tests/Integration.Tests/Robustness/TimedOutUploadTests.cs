using Azure.Data.Tables;
using KampungKB.Core.Ingestion.Intake;
using KampungKB.Core.Ingestion.Validation;
using KampungKB.Core.Model;
using KampungKB.Core.Uploads;
using KampungKB.Core.Uploads.Feedback;
using KampungKB.Integration.Tests.Azurite;
using KampungKB.Integration.Tests.Pipeline;
using Microsoft.Extensions.Logging;

namespace KampungKB.Integration.Tests.Robustness;

/// <summary>
/// An upload that outlasts the per-upload deadline (<c>Ingestion__DeadlineSeconds</c>, docs/robustness.md), through
/// the whole <see cref="UploadProcessor"/> over Azurite: rejected with <c>processing-timeout</c> (the function returns,
/// so the host does not retry it), the original kept in <c>rejected/</c>, no report or activity rows, the cadre's
/// feedback saying so in Indonesian, nothing logged as our bug. A new trigger of the same content reads it once
/// more (the deadline may have been missed for the instance's load); a second miss is final.
/// The slow read is a sheet hook that waits for the deadline's own token, so no test waits a fixed time.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class TimedOutUploadTests(AzuriteFixture azurite)
{
    private const string Name = "63.71.04.1005/oktober.csv";

    /// <summary>Captures every log entry of the processor (the bug log is event <see cref="PipelineEvents.IngestionBug"/>).</summary>
    private sealed class CapturingLogger : ILogger<UploadProcessor>
    {
        public readonly List<(LogLevel Level, EventId Event, string Message)> Entries = [];
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (Entries) Entries.Add((logLevel, eventId, formatter(state, exception)));
        }
    }

    /// <summary>A processor whose engine reads slower than a 1-second deadline while <see cref="Slow"/> holds (counting every sheet read).</summary>
    private sealed class SlowReads
    {
        public bool Slow = true;
        public int SheetsRead;
        public readonly CapturingLogger Logger = new();
        public readonly UploadProcessor Processor;

        public SlowReads(PipelineHarness h)
        {
            var engine = IngestionEngine.Create(new IngestionOptions { TemplatesDirectory = Path.Combine(PipelineHarness.Root, "templates") });
            engine.BeforeSheet = (_, deadline) =>
            {
                Interlocked.Increment(ref SheetsRead);
                if (Slow) Assert.True(deadline.WaitHandle.WaitOne(TimeSpan.FromMinutes(5)), "the deadline never fired");
            };
            Processor = TestStores.UploadProcessor(engine, h.Blobs, h.Tables, h.Names, h.Feedback, h.Time,
                new PipelineOptions { IngestionDeadline = TimeSpan.FromSeconds(1) }, Logger);
        }

        public async Task<UploadOutcome> DropAsync(PipelineHarness h, byte[] content)
        {
            // As the trigger hands it over: name, size, time and the blob's ETag (with which the processor removes it from uploads/).
            var written = await h.Blobs.GetBlobContainerClient(h.Names.Uploads).GetBlobClient(Name).UploadAsync(BinaryData.FromBytes(content), overwrite: true);
            return await Processor.ProcessAsync(new UploadEvent(Name, content.Length, h.Time.GetUtcNow(), written.Value.ETag.ToString()), content);
        }
    }

    [SkippableFact]
    public async Task UploadOutlastingTheDeadline_RejectedAsTimeout_OriginalKept_NoRows_FeedbackInIndonesian_NoBugLogged()
    {
        var h = new PipelineHarness(azurite);
        await h.InitAsync();
        var slow = new SlowReads(h);
        var content = Report();

        var outcome = await slow.DropAsync(h, content);

        Assert.Equal(UploadStatus.Rejected, outcome.Status);
        Assert.Equal(1, outcome.ErrorCount);
        Assert.Equal(1, outcome.Timeouts);
        var record = Assert.Single(await h.Log.ListAsync("63.71", "63.71.04.1005"), r => r.UploadId == outcome.UploadId);
        Assert.Equal(ProblemCodes.ProcessingTimeout, Assert.Single(record.Problems).Code);
        await AssertNoRowsAsync(h);
        var kept = Assert.Single(await h.ListAsync(h.Names.Rejected));
        var original = await h.Blobs.GetBlobContainerClient(h.Names.Rejected).GetBlobClient(kept.Name).DownloadContentAsync();
        Assert.Equal(content, original.Value.Content.ToArray());
        Assert.Empty(await h.ListAsync(h.Names.Uploads));

        var feedback = await FeedbackWriter.ReadAsync(h.Blobs, h.Names, outcome.UploadId);
        Assert.NotNull(feedback);
        var json = feedback.Value.GetRawText();
        Assert.Contains("\"rejected\"", json);
        Assert.Contains(ProblemCodes.ProcessingTimeout, json);
        Assert.Contains("terlalu lama dibaca (lebih dari 1 detik)", json);
        Assert.Contains("Berkas asli tetap disimpan", json);

        Assert.DoesNotContain(slow.Logger.Entries, e => e.Event == PipelineEvents.IngestionBug || e.Level >= LogLevel.Error);
    }

    [SkippableFact]
    public async Task TimedOutUpload_TriggeredAgain_ReadOnceMore_AcceptedWhenItNowFitsTheDeadline()
    {
        var h = new PipelineHarness(azurite);
        await h.InitAsync();
        var slow = new SlowReads(h);
        var content = Report();
        var first = await slow.DropAsync(h, content);
        Assert.Equal(UploadStatus.Rejected, first.Status);

        slow.Slow = false; // the instance is quieter now
        var second = await slow.DropAsync(h, content);

        Assert.Equal(UploadStatus.Accepted, second.Status);
        Assert.False(second.Repeated);
        Assert.Equal(first.UploadId, second.UploadId);
        Assert.Equal(0, second.Timeouts);
        var report = await h.Reports.GetAsync("63.71", "63.71.04.1005", new ReportingPeriod(2025, 10));
        Assert.NotNull(report);
        Assert.Equal(second.ActivityCount, report.ActivityCount);
        Assert.Equal(3001, report.ActivityCount);
        var record = Assert.Single(await h.Log.ListAsync("63.71", "63.71.04.1005"), r => r.UploadId == second.UploadId);
        Assert.Equal(UploadStatus.Accepted, record.Status);
        var feedback = await FeedbackWriter.ReadAsync(h.Blobs, h.Names, second.UploadId);
        Assert.Contains("\"accepted\"", feedback!.Value.GetRawText());
    }

    [SkippableFact]
    public async Task UploadTimingOutTwice_VerdictFinal_AThirdTriggerDoesNotReadIt()
    {
        var h = new PipelineHarness(azurite);
        await h.InitAsync();
        var slow = new SlowReads(h);
        var content = Report();

        var first = await slow.DropAsync(h, content);
        var second = await slow.DropAsync(h, content);
        Assert.Equal((UploadStatus.Rejected, 1, false), (first.Status, first.Timeouts, first.Repeated));
        Assert.Equal((UploadStatus.Rejected, 2, false), (second.Status, second.Timeouts, second.Repeated));
        var readsAfterTwo = slow.SheetsRead;

        var third = await slow.DropAsync(h, content);

        Assert.True(third.Repeated);
        Assert.Equal((UploadStatus.Rejected, first.UploadId), (third.Status, third.UploadId));
        Assert.Equal(readsAfterTwo, slow.SheetsRead);
        await AssertNoRowsAsync(h);
        Assert.Single(await h.ListAsync(h.Names.Rejected));
        Assert.DoesNotContain(slow.Logger.Entries, e => e.Event == PipelineEvents.IngestionBug || e.Level >= LogLevel.Error);
    }

    /// <summary>
    /// The kampung's October report with 3,000 activities: enough rows that the analyzer checks the deadline while
    /// reading them (every 1,000 rows; a sheet that ends before a check is simply done).
    /// </summary>
    private static byte[] Report()
    {
        var csv = new System.Text.StringBuilder(System.Text.Encoding.UTF8.GetString(PipelineHarnessExtras.GoodCsv()));
        for (var i = 0; i < 3000; i++) csv.Append($"{1 + i % 28:D2}/10/2025,Penyuluhan {i + 1},1,2\r\n");
        return System.Text.Encoding.UTF8.GetBytes(csv.ToString());
    }

    private static async Task AssertNoRowsAsync(PipelineHarness h)
    {
        await foreach (var _ in h.Tables.GetTableClient(h.Names.ReportsTable).QueryAsync<TableEntity>()) Assert.Fail("a timed-out upload left a report row");
        await foreach (var _ in h.Tables.GetTableClient(h.Names.ActivitiesTable).QueryAsync<TableEntity>()) Assert.Fail("a timed-out upload left activity rows");
        Assert.Empty(await h.ListAsync(h.Names.Processed));
    }
}
