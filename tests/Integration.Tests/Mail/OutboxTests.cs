using System.Net;
using Azure.Core;
using KampungKB.Core.Outbox.Mail;
using static KampungKB.Integration.Tests.Recaps.NotificationHarness;

namespace KampungKB.Integration.Tests.Mail;

/// <summary>
/// One outbox for every mail. Graph (the local listener, through the real
/// <see cref="GraphMailSender"/> and its retry handler) answers 429 and 503 for a while, then recovers: every
/// feedback, reminder and recap mail is sent exactly once by the producers and the sweeper together.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class OutboxTests(AzuriteFixture azurite) : IAsyncDisposable
{
    private const string Pelambuan = "63.71.04.1005";
    private readonly FakeGraph _graph = FakeGraph.Start();

    public async ValueTask DisposeAsync() => await _graph.DisposeAsync();

    private GraphMailSender Graph() => new(new MailOptions
    {
        Mode = MailMode.Graph, Sender = "laporan@dppkb.example.go.id", UseManagedIdentity = true,
        GraphBaseUrl = new Uri(_graph.BaseUrl + "v1.0"),
    }, new Credential());

    [SkippableFact]
    public async Task GraphThrottledThenDown_ThenRecovers_FeedbackRemindersRecap_EachSentExactlyOnce()
    {
        const int outage = 36;                              // 429/503 answers; Graph's handler retries each send a few times
        for (var i = 0; i < outage; i++)
            _graph.Respond(i % 2 == 0 ? HttpStatusCode.TooManyRequests : HttpStatusCode.ServiceUnavailable, "{\"error\":{\"code\":\"x\",\"message\":\"busy\"}}", ("Retry-After", "0"));
        _graph.Fallback = HttpStatusCode.Accepted;
        using var graph = Graph();

        // Reminders (D-3: Beta, Gamma, Epsilon) and the recap of one kabupaten.
        var n = await NotificationHarness.StartAsync(azurite);
        await n.WriteAsync(Alpha, October, new DateTimeOffset(2025, 11, 3, 2, 0, 0, TimeSpan.Zero), Figures(100, 60));
        var reminders = TestStores.ReminderRunner(n.Tables, n.Names, Templates, Catalogue, graph, n.Time, NullLogger<Core.Jobs.Reminders.ReminderRunner>.Instance);
        var recaps = new Core.Jobs.Recaps.RecapSender(n.Compiler, graph, n.Tables, n.Names, n.Time, NullLogger<Core.Jobs.Recaps.RecapSender>.Instance);
        var run = await reminders.RunAsync(Settings, new DateOnly(2025, 11, 7));
        var recap = await recaps.SendAsync(Settings, October);

        // Feedback of one upload, through the upload pipeline.
        var p = new PipelineHarness(azurite);
        await p.InitAsync();
        var registry = TestStores.For(p.Tables, p.Names).Registry;
        await registry.SaveAsync([(await registry.GetAsync(Pelambuan))! with { PokjaEmail = "pokja.pelambuan@example.id" }], p.Time.Now);
        p.Time.Now = n.Time.Now;
        var notifier = new MailFeedbackNotifier(new TemplateFeedbackRenderer(Templates), graph, p.Tables, p.Names, p.Time, [Settings], NullLogger<MailFeedbackNotifier>.Instance);
        var content = PipelineHarness.Example("E01");
        await TestStores.UploadProcessor(PipelineHarness.Engine, p.Blobs, p.Tables, p.Names, p.Feedback, p.Time, new PipelineOptions(), NullLogger<UploadProcessor>.Instance, notifier)
            .ProcessAsync(new UploadEvent($"{Pelambuan}/kegiatan.xlsx", content.Length, p.Time.GetUtcNow()), content);

        Assert.True(run.Failed + (recap.Action == "failed" ? 1 : 0) >= 4, "the outage must hit the producers");
        var sweepers = new[]
        {
            new OutboxSweeper(n.Tables, n.Names, graph, n.Time, NullLogger<OutboxSweeper>.Instance),
            new OutboxSweeper(p.Tables, p.Names, graph, p.Time, NullLogger<OutboxSweeper>.Instance),
        };
        for (var round = 0; round < 8; round++)
        {
            n.Time.Now += TimeSpan.FromHours(2);
            p.Time.Now = n.Time.Now;
            // Two sweeps race each round: the ETag take-over lets only one send each message.
            await Task.WhenAll(sweepers.SelectMany(s => new[] { s.SweepAsync(), s.SweepAsync() }));
        }

        var delivered = _graph.Requests.Skip(outage).Select(r => r.Body).ToList();
        Assert.Equal(5, delivered.Count);                   // 3 reminders + 1 recap + 1 feedback, none twice
        Assert.Equal(5, delivered.Distinct().Count());
        Assert.Single(delivered, b => b.Contains("pokja.pelambuan@example.id", StringComparison.Ordinal));
        Assert.Single(delivered, b => b.Contains("fileAttachment", StringComparison.OrdinalIgnoreCase)); // the recap, with its workbook
        var rows = (await new NotificationLog(n.Tables, n.Names).ListAsync(Regency, October))
            .Concat(await new NotificationLog(p.Tables, p.Names).ListFeedbackAsync("63.71")).ToList();
        Assert.Equal(5, rows.Count(r => r.State == NotificationState.Sent));
        Assert.DoesNotContain(rows, r => r.State is NotificationState.Failed or NotificationState.Claimed);
    }

    [SkippableFact]
    public async Task ClaimedThenProcessKilled_SweeperSendsKeptMessageOnce_AfterLease()
    {
        _graph.Fallback = HttpStatusCode.Accepted;
        using var graph = Graph();
        var n = await NotificationHarness.StartAsync(azurite);
        var ledger = new NotificationLedger(n.Tables, n.Names, n.Time);
        var message = new MailMessage(["pokja@example.id"], [], "Laporan diterima", "<p>ok</p>", "ok", []);
        Assert.NotNull(await ledger.TryClaimAsync(new NotificationRequest(NotificationKeys.FeedbackPartition("63.71"), "u-crash", NotificationKinds.Feedback, "63.71"), row => OutboxPayload.Write(row, message), default));
        // ... and the process died here, before sending.
        var sweeper = new OutboxSweeper(n.Tables, n.Names, graph, n.Time, NullLogger<OutboxSweeper>.Instance);

        Assert.Equal(0, (await sweeper.SweepAsync()).Sent);   // lease still running: the claimant may be alive
        n.Time.Now += NotificationLedger.Lease + TimeSpan.FromMinutes(1);
        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => sweeper.SweepAsync()));

        Assert.Equal(1, results.Sum(r => r.Sent));
        Assert.Single(_graph.Requests);
        Assert.Equal(0, (await sweeper.SweepAsync()).Sent);
    }

    private sealed class Credential : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) => new("fake-token", DateTimeOffset.UtcNow.AddHours(1));
        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) => new(GetToken(requestContext, cancellationToken));
    }
}
