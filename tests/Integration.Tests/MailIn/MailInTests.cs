using System.Collections.Concurrent;
using KampungKB.Core.Uploads.MailIn;
using KampungKB.Core.Outbox.Mail;
using KampungKB.Functions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace KampungKB.Integration.Tests.MailIn;

/// <summary>Keeps every log line with its structured values, to prove what is (not) logged.</summary>
internal sealed class CapturingLogger<T> : ILogger<T>
{
    public ConcurrentQueue<string> Lines { get; } = new();
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
    public bool IsEnabled(LogLevel logLevel) => true;
    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(" ", pairs.Select(p => $"{p.Key}={p.Value}")) : "";
        Lines.Enqueue($"{eventId.Id} {formatter(state, exception)} {values}");
    }
}

[Collection(AzuriteCollection.Name)]
public sealed class MailInTests(AzuriteFixture azurite) : IAsyncDisposable
{
    private const string Mailbox = "laporan.kkb@dppkb.example.go.id";
    private const string Pelambuan = "63.71.04.1005";
    private const string PokjaAddress = "Pokja.Pelambuan@Example.id";
    private const string Stranger = "kader.baru@example.id";
    private readonly FakeMailbox _box = FakeMailbox.Start();
    private readonly DateTimeOffset _received = new(2025, 11, 3, 1, 15, 0, TimeSpan.Zero);

    public async ValueTask DisposeAsync() => await _box.DisposeAsync();

    /// <param name="Configured">Where the pipeline's configured feedback notifier mails (the kampung's registered address), as in the app.</param>
    private sealed record Setup(PipelineHarness Harness, MailInProcessor MailIn, CapturingLogger<MailInProcessor> Log, OutboxSweeper Sweeper, RecordingMailSender Configured, UploadProcessor Processor);

    private async Task<Setup> SetUpAsync()
    {
        var h = new PipelineHarness(azurite);
        await h.InitAsync();
        var registry = TestStores.For(h.Tables, h.Names).Registry;
        await registry.SaveAsync([(await registry.GetAsync(Pelambuan))! with { PokjaEmail = "Ibu Ketua <pokja.pelambuan@example.id>" }], h.Time.Now);
        var mail = new MailOptions { Mode = MailMode.Graph, Sender = Mailbox, UseManagedIdentity = true, GraphBaseUrl = _box.GraphUrl };
        var credential = new FakeMailbox.Credential();
        var sender = new GraphMailSender(mail, credential);
        var renderer = new TemplateFeedbackRenderer(NotificationHarness.Templates);
        var log = new CapturingLogger<MailInProcessor>();
        // The app's pipeline: its configured notifier mails the kampung's registered Pokja address.
        var configured = new RecordingMailSender();
        var processor = TestStores.UploadProcessor(PipelineHarness.Engine, h.Blobs, h.Tables, h.Names, h.Feedback, h.Time, new PipelineOptions(),
            NullLogger<UploadProcessor>.Instance, new MailFeedbackNotifier(renderer, configured, h.Tables, h.Names, h.Time,
                [NotificationHarness.Settings], NullLogger<MailFeedbackNotifier>.Instance), new ArchiveOptions());
        var mailIn = TestStores.MailInProcessor(new MailInOptions { Mailbox = Mailbox }, mail, processor, renderer, sender,
            MailInTexts.Load(Path.Combine(PipelineHarness.Root, "templates")), h.Blobs, h.Tables, h.Names, h.Time, new PipelineOptions(),
            [NotificationHarness.Settings], log, credential);
        var sweeper = new OutboxSweeper(h.Tables, h.Names, sender, h.Time, NullLogger<OutboxSweeper>.Instance);
        return new Setup(h, mailIn, log, sweeper, configured, processor);
    }

    private void Deliver(FakeMessage message)
    {
        lock (_box.Messages) _box.Messages.Add(message);
    }

    [SkippableFact]
    public async Task FiveMessagesOverThreePages_SpreadsheetsUploadedRepliedOnceThreaded_OthersAskedForSpreadsheet_AllMoved()
    {
        var s = await SetUpAsync();
        var e01 = PipelineHarness.Example("E01");
        var e02 = PipelineHarness.Example("E02");
        Deliver(new FakeMessage("m1", PokjaAddress, _received,
            new FakeAttachment("a1", "logo.png", [0x89, 0x50, 0x4E, 0x47], IsInline: true),
            new FakeAttachment("a2", "kegiatan oktober.xlsx", e01)));
        Deliver(new FakeMessage("m2", Stranger, _received.AddMinutes(1), new FakeAttachment("b1", "capaian.xlsx", e02)));
        Deliver(new FakeMessage("m3", Stranger, _received.AddMinutes(2),
            new FakeAttachment("c1", "foto laporan.jpg", [0xFF, 0xD8, 0xFF]),
            new FakeAttachment("c2", "surat pengantar.docx", [0x50, 0x4B, 0x03, 0x04])));
        Deliver(new FakeMessage("m4", "MAILER-DAEMON@example.id", _received.AddMinutes(3)));
        Deliver(new FakeMessage("m5", PokjaAddress, _received.AddMinutes(4),
            new FakeAttachment("e1", "Kampung KB Pelambuan.eml", [1, 2, 3], OdataType: "#microsoft.graph.itemAttachment")));

        var result = await s.MailIn.RunAsync();

        Assert.True(result.Enabled);
        Assert.Equal(["uploaded", "uploaded", "no-spreadsheet", "ignored", "no-spreadsheet"], result.Messages.Select(m => m.Action));
        // Inbox read over three pages (two messages a page), every request asking for immutable ids.
        Assert.Equal(3, _box.Requests.Count(r => r.Path.EndsWith("/mailFolders/inbox/messages", StringComparison.Ordinal)));
        Assert.All(_box.Requests.Where(r => r.Path.Contains("/messages", StringComparison.Ordinal)), r => Assert.Equal("IdType=\"ImmutableId\"", r.Prefer));

        // The registered Pokja's sheet lands under its own area and is accepted; the stranger's is attributed by content.
        var fromPokja = Assert.Single(result.Messages[0].Uploads);
        Assert.Equal((UploadStatus.Accepted, Pelambuan), (fromPokja.Status, fromPokja.AreaCode));
        var blobs = (await s.Harness.ListAsync(s.Harness.Names.Uploads)).Select(b => b.Name).OrderBy(n => n, StringComparer.Ordinal).ToList();
        Assert.Equal([$"{Pelambuan}/20251103011500-kegiatan oktober.xlsx", "email/20251103011600-capaian.xlsx"], blobs);
        Assert.Equal(Pelambuan, Assert.Single(result.Messages[1].Uploads).AreaCode);

        // The blob trigger that the write fires repeats nothing.
        var again = await s.Harness.Processor.ProcessAsync(new UploadEvent(blobs[0], e01.Length, s.Harness.Time.GetUtcNow()), e01);
        Assert.True(again.Repeated);
        Assert.Equal(fromPokja.UploadId, again.UploadId);

        // One reply per message that deserves one, threaded to it, to the sender.
        foreach (var id in new[] { "m1", "m2", "m3", "m5" })
        {
            var reply = Assert.Single(_box.Replies(id));
            using var json = JsonDocument.Parse(reply.Body);
            var message = json.RootElement.EnumerateObject().Single(p => p.Name.Equals("message", StringComparison.OrdinalIgnoreCase)).Value;
            var to = Assert.Single(message.GetProperty("toRecipients").EnumerateArray()).GetProperty("emailAddress").GetProperty("address").GetString();
            Assert.Equal(id is "m1" or "m5" ? PokjaAddress : Stranger, to);
            Assert.False(message.TryGetProperty("subject", out _));
        }
        Assert.Empty(_box.Replies("m4"));
        Assert.DoesNotContain(_box.Requests, r => r.Path.EndsWith("/sendMail", StringComparison.Ordinal));
        var askForSheet = Assert.Single(_box.Replies("m3")).Body;
        Assert.Contains("lembar kerja", askForSheet, StringComparison.Ordinal);
        Assert.Contains("diterima", Assert.Single(_box.Replies("m1")).Body, StringComparison.Ordinal);

        // The processed folder was created once and holds every message.
        var folder = Assert.Single(_box.Folders);
        Assert.Equal(MailInOptions.DefaultProcessedFolder, folder.Name);
        Assert.All(_box.Messages, m => Assert.Equal(folder.Id, m.Folder));

        // The feedback reply is the upload's feedback row: no second mail to the Pokja by the ordinary notifier.
        var feedback = await new NotificationLog(s.Harness.Tables, s.Harness.Names).ListFeedbackAsync("63.71");
        Assert.Equal(2, feedback.Count);
        Assert.All(feedback, r => Assert.Equal(NotificationState.Sent, r.State));

        // Addresses never reach the log.
        Assert.NotEmpty(s.Log.Lines);
        Assert.DoesNotContain(s.Log.Lines, l => l.Contains('@', StringComparison.Ordinal));

        // A second run finds an empty Inbox and sends nothing more.
        var second = await s.MailIn.RunAsync();
        Assert.Empty(second.Messages);
        Assert.Equal(4, _box.Requests.Count(r => r.Path.EndsWith("/reply", StringComparison.Ordinal)));
        Assert.Single(_box.Folders);
    }

    /// <summary>The HTML body of a Graph reply as a reader sees it: tags and break points removed, entities decoded.</summary>
    private static string ReplyText(MailboxRequest reply)
    {
        using var json = JsonDocument.Parse(reply.Body);
        var message = json.RootElement.EnumerateObject().Single(p => p.Name.Equals("message", StringComparison.OrdinalIgnoreCase)).Value;
        var html = message.EnumerateObject().Single(p => p.Name.Equals("body", StringComparison.OrdinalIgnoreCase)).Value
            .EnumerateObject().Single(p => p.Name.Equals("content", StringComparison.OrdinalIgnoreCase)).Value.GetString()!;
        return System.Net.WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Replace(html.Replace("<wbr>", "", StringComparison.Ordinal), "<[^>]+>", " "));
    }

    private static string ReplyRecipient(MailboxRequest reply)
    {
        using var json = JsonDocument.Parse(reply.Body);
        var message = json.RootElement.EnumerateObject().Single(p => p.Name.Equals("message", StringComparison.OrdinalIgnoreCase)).Value;
        return Assert.Single(message.GetProperty("toRecipients").EnumerateArray()).GetProperty("emailAddress").GetProperty("address").GetString()!;
    }

    [SkippableFact]
    public async Task ZipByMail_OneThreadedReplyListingEachFile_NoMailToTheRegisteredAddress_ZipKept_NothingTwiceAcrossARetry()
    {
        var s = await SetUpAsync();
        // A Pokja's folder as Drive's "Download" zips it: two good reports, one with a wrong date and a word for a number, a scan.
        var badCsv = Encoding.UTF8.GetBytes(string.Join("\r\n",
            "Kampung KB Pelambuan Sejahtera,,,", "Kelurahan Pelambuan Kec. Banjarmasin Barat,,,", "Bulan: Oktober 2025,,,", ",,,",
            "Tanggal,Nama Kegiatan,Peserta L,Peserta P", "07/10/2025,Posyandu Remaja,12,15", "31/11/2025,Penyuluhan Stunting,4,banyak") + "\r\n");
        var zip = Zips.Of(
            ("Laporan Pelambuan/kegiatan oktober.xlsx", PipelineHarness.Example("E01")),
            ("Laporan Pelambuan/capaian/capaian oktober.xlsx", PipelineHarness.Example("E02")),
            ("Laporan Pelambuan/kegiatan salah.csv", badCsv),
            ("Laporan Pelambuan/scan daftar hadir.pdf", Encoding.ASCII.GetBytes("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n")));
        var path = Path.Combine(Path.GetTempPath(), AzuriteFixture.UniqueName("mailzip") + ".zip");
        await File.WriteAllBytesAsync(path, zip);
        var fromDisk = await File.ReadAllBytesAsync(path);
        File.Delete(path);
        Deliver(new FakeMessage("m1", PokjaAddress, _received, new FakeAttachment("z1", "Laporan Pelambuan.zip", fromDisk)));
        // The move fails once after the reply: the next run redoes the message, and must send nothing twice.
        _box.FailOnce("/messages/m1/move", 500);

        await Assert.ThrowsAnyAsync<Exception>(() => s.MailIn.RunAsync());
        var run = await s.MailIn.RunAsync();

        var handled = Assert.Single(run.Messages);
        Assert.Equal(MailInActions.Uploaded, handled.Action);
        var upload = Assert.Single(handled.Uploads);
        Assert.Equal((UploadStatus.Archive, Pelambuan, true), (upload.Status, upload.AreaCode, upload.Repeated));

        // One reply, threaded to the cadre's message, to the sender; none by the configured notifier to the registered address.
        var reply = Assert.Single(_box.Replies("m1"));
        Assert.Equal(PokjaAddress, ReplyRecipient(reply));
        Assert.Empty(s.Configured.Sent);
        Assert.DoesNotContain(_box.Requests, r => r.Path.EndsWith("/sendMail", StringComparison.Ordinal));
        var text = ReplyText(reply);
        Assert.Contains("Laporan Pelambuan.zip", text, StringComparison.Ordinal);
        Assert.Contains("2 diterima", text, StringComparison.Ordinal);
        Assert.Contains("1 ditolak", text, StringComparison.Ordinal);
        foreach (var (file, label) in new[] { ("kegiatan oktober.xlsx", "Diterima"), ("capaian oktober.xlsx", "Diterima"), ("kegiatan salah.csv", "Ditolak"), ("scan daftar hadir.pdf", "Dilewati") })
        {
            var at = text.IndexOf(file, StringComparison.Ordinal);
            Assert.True(at > 0, $"{file} not named in the reply");
            // The label nearest before the file's name is its own (each row: label, then path).
            var before = text[..at];
            Assert.Equal(label, new[] { "Diterima", "Ditolak", "Dilewati" }.MaxBy(l => before.LastIndexOf(l, StringComparison.Ordinal)));
        }
        Assert.Contains("perlu diperbaiki", text, StringComparison.Ordinal);

        // The reply is the zip's feedback row, sent once; no row for the files in it (they are not mailed alone).
        var feedback = Assert.Single(await new NotificationLog(s.Harness.Tables, s.Harness.Names).ListFeedbackAsync("63.71"));
        Assert.Equal((upload.UploadId, NotificationState.Sent), (feedback.RowKey, feedback.State));

        // Each spreadsheet its own upload, the zip kept as the original, the message moved.
        var log = await s.Harness.Log.ListAsync("63.71");
        Assert.Equal(["accepted", "accepted", "archive", "rejected"], log.Select(r => r.Status).Order().ToList());
        var kept = (await s.Harness.ListAsync(s.Harness.Names.Processed)).Select(b => b.Name).ToList();
        Assert.Contains($"{Pelambuan}/{upload.UploadId}/Laporan Pelambuan.zip", kept);
        Assert.NotEqual("inbox", _box.Messages[0].Folder);
        var blob = Assert.Single(await s.Harness.ListAsync(s.Harness.Names.Uploads)).Name;
        Assert.Equal($"{Pelambuan}/20251103011500-Laporan Pelambuan.zip", blob);

        // The blob trigger the write fires, and the outbox sweeper, repeat nothing.
        var trigger = await s.Processor.ProcessAsync(new UploadEvent(blob, fromDisk.Length, s.Harness.Time.GetUtcNow()), fromDisk);
        Assert.Equal((true, upload.UploadId), (trigger.Repeated, trigger.UploadId));
        s.Harness.Time.Now += TimeSpan.FromHours(1);
        Assert.Equal(0, (await s.Sweeper.SweepAsync()).Sent);
        Assert.Single(_box.Replies("m1"));
        Assert.Empty(s.Configured.Sent);
        Assert.Equal(4, (await s.Harness.Log.ListAsync("63.71")).Count);
    }

    [SkippableFact]
    public async Task MoveFailsAfterReply_NextRun_SameUploadNoSecondReply_ThenMoved()
    {
        var s = await SetUpAsync();
        var e01 = PipelineHarness.Example("E01");
        Deliver(new FakeMessage("m1", PokjaAddress, _received, new FakeAttachment("a1", "kegiatan.xlsx", e01)));
        _box.FailOnce("/messages/m1/move", 500);

        await Assert.ThrowsAnyAsync<Exception>(() => s.MailIn.RunAsync());
        Assert.Single(_box.Replies("m1"));
        Assert.Equal("inbox", _box.Messages[0].Folder);

        var retry = await s.MailIn.RunAsync();

        var upload = Assert.Single(Assert.Single(retry.Messages).Uploads);
        Assert.True(upload.Repeated);
        Assert.Single(_box.Replies("m1"));
        Assert.Single(await s.Harness.Log.ListAsync("63.71"));
        Assert.NotEqual("inbox", _box.Messages[0].Folder);
    }

    [SkippableFact]
    public async Task NoSpreadsheetReplyRefusedWith400_RecordedPermanent_NotRetried_MessageStillMoved()
    {
        var s = await SetUpAsync();
        Deliver(new FakeMessage("m1", Stranger, _received, new FakeAttachment("a1", "catatan.docx", [0x50, 0x4B, 0x03, 0x04])));
        _box.FailOnce("/messages/m1/reply", 400);

        var run = await s.MailIn.RunAsync();

        Assert.Equal(MailInActions.NoSpreadsheet, Assert.Single(run.Messages).Action);
        Assert.NotEqual("inbox", _box.Messages[0].Folder);
        var ledger = new NotificationLedger(s.Harness.Tables, s.Harness.Names, s.Harness.Time);
        var row = Assert.Single(await ledger.ListAsync(MailInNotificationKinds.Partition, CancellationToken.None));
        Assert.Equal((NotificationState.Failed, false), (row.State, row.Transient));
        s.Harness.Time.Now += TimeSpan.FromHours(3);
        Assert.Equal(0, (await s.Sweeper.SweepAsync()).Sent);
        Assert.Single(_box.Replies("m1"));
    }

    [SkippableFact]
    public async Task ReplyFailsWith503ThenRecovers_SweeperResendsTheSameThreadedReplyOnce()
    {
        var s = await SetUpAsync();
        Deliver(new FakeMessage("m1", PokjaAddress, _received, new FakeAttachment("a1", "kegiatan.xlsx", PipelineHarness.Example("E01"))));
        // Graph's own retry handler retries 503 three times; four failures exhaust it.
        for (var i = 0; i < 4; i++) _box.FailOnce("/messages/m1/reply", 503);

        await s.MailIn.RunAsync();
        var feedback = Assert.Single(await new NotificationLog(s.Harness.Tables, s.Harness.Names).ListFeedbackAsync("63.71"));
        Assert.Equal((NotificationState.Failed, true), (feedback.State, feedback.Transient));

        s.Harness.Time.Now += TimeSpan.FromMinutes(5);
        var sweep = await s.Sweeper.SweepAsync();
        var again = await s.Sweeper.SweepAsync();

        Assert.Equal((1, 0), (sweep.Sent, again.Sent));
        Assert.Equal(5, _box.Replies("m1").Count); // four refused, one accepted
        Assert.Equal(NotificationState.Sent, Assert.Single(await new NotificationLog(s.Harness.Tables, s.Harness.Names).ListFeedbackAsync("63.71")).State);
    }

    [Fact]
    public async Task NoMailbox_Off_ReadsNothing()
    {
        var mail = new MailOptions();
        var processor = TestStores.MailInProcessor(new MailInOptions(), mail, null!, null!, null!, null!, null!,
            new Azure.Data.Tables.TableServiceClient("UseDevelopmentStorage=true"), new Core.Store.StorageNames("off"), TimeProvider.System,
            new PipelineOptions(), [], NullLogger<MailInProcessor>.Instance);

        var result = await processor.RunAsync();

        Assert.False(result.Enabled);
        Assert.Empty(_box.Requests);
    }

    [Fact]
    public void MailboxWithoutGraphMail_OrBadValues_RefusesToStart_NamingEachKey()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true",
            ["KKB_TEMPLATES"] = Path.GetTempPath(),
            ["MailIn:Mailbox"] = "laporan-at-dppkb",
            ["MailIn:ProcessedFolder"] = "Arsip/Diproses",
            ["MailIn:MaxMessagesPerRun"] = "banyak",
        }).Build();

        AppSettings.Load(configuration, out var errors);

        Assert.Equal(2, errors.Count(e => e.StartsWith("MailIn__Mailbox:", StringComparison.Ordinal))); // not an address; needs Mail__Mode=Graph
        Assert.Contains(errors, e => e.StartsWith("MailIn__ProcessedFolder:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("MailIn__MaxMessagesPerRun:", StringComparison.Ordinal));
        Assert.Contains("MailIn__Mailbox", AppSettings.Keys);
    }
}
