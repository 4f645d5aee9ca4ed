using System.Collections.Concurrent;
using KampungKB.Core.Jobs.Reminders;
using KampungKB.Core.Outbox.WhatsApp;
using KampungKB.Functions;
using KampungKB.Integration.Tests.MailIn;
using Microsoft.Extensions.Configuration;
using static KampungKB.Integration.Tests.Recaps.NotificationHarness;

namespace KampungKB.Integration.Tests.WhatsApp;

internal sealed record WhatsAppRequest(string Path, string? Authorization, JsonElement Body);

/// <summary>Plays the WhatsApp Cloud API's <c>POST /{phone-number-id}/messages</c> on 127.0.0.1; scripted statuses first, then 200 with a wamid.</summary>
internal sealed class FakeWhatsApp : IAsyncDisposable
{
    private readonly ConcurrentQueue<int> _statuses = new();
    private readonly FakeServer _server;
    private int _accepted;

    private FakeWhatsApp() => _server = FakeServer.Start(Answer);

    public Uri BaseUrl => new(_server.BaseUrl + "v21.0");
    public IReadOnlyList<WhatsAppRequest> Requests =>
        _server.Requests.Select(r => { using var doc = JsonDocument.Parse(r.Body); return new WhatsAppRequest(r.Path, r.Authorization, doc.RootElement.Clone()); }).ToList();
    public int Accepted => _accepted;

    public static FakeWhatsApp Start() => new();

    public void Respond(int status) => _statuses.Enqueue(status);

    private FakeResponse Answer(FakeRequest request)
    {
        var status = _statuses.TryDequeue(out var s) ? s : 200;
        if (status == 200) Interlocked.Increment(ref _accepted);
        return FakeResponse.Json(status == 200
            ? "{\"messaging_product\":\"whatsapp\",\"messages\":[{\"id\":\"wamid.TEST" + Guid.NewGuid().ToString("N")[..8] + "\"}]}"
            : "{\"error\":{\"message\":\"scripted\",\"type\":\"OAuthException\",\"code\":" + (status == 400 ? "132001" : "131016") + "}}", status);
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}

/// <summary>
/// WhatsApp reminders and feedback summaries (docs/channels.md) over Azurite and a local Cloud API listener. October 2025,
/// deadline 10 November (WITA): D−3 = 7 Nov, D+1 = 11 Nov, D+3 = 13 Nov. Alpha has reported; Beta opted in with its
/// own WhatsApp number, Delta (no email) opted in with the Pokja phone, Gamma and Epsilon did not opt in.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class WhatsAppTests(AzuriteFixture azurite) : IAsyncDisposable
{
    private const string PhoneNumberId = "109876543210";
    private const string BetaNumber = "0812-5000-1002";
    private readonly FakeWhatsApp _api = FakeWhatsApp.Start();

    public async ValueTask DisposeAsync() => await _api.DisposeAsync();

    private static DateOnly Nov(int day) => new(2025, 11, day);

    private WhatsAppChannel Channel() => WhatsAppChannel.Load(Path.Combine(PipelineHarness.Root, "templates"),
        new CloudApiWhatsAppSender(new WhatsAppOptions { PhoneNumberId = PhoneNumberId, AccessToken = "test-token", BaseUrl = _api.BaseUrl }));

    private async Task<(NotificationHarness H, ReminderRunner Runner, CapturingLogger<ReminderRunner> Log, WhatsAppChannel Channel)> SetUpAsync(bool deltaOptsIn = true)
    {
        var h = await NotificationHarness.StartAsync(azurite);
        await h.WriteAsync(Alpha, October, new DateTimeOffset(2025, 11, 3, 2, 0, 0, TimeSpan.Zero), Figures(100, 60));
        var entries = h.Entries();
        await h.Registry.SaveAsync(
        [
            entries.Single(e => e.AreaCode == Beta) with { WhatsAppNumber = BetaNumber, WhatsAppOptIn = true },
            entries.Single(e => e.AreaCode == Delta) with { WhatsAppOptIn = deltaOptsIn },
        ], h.Time.Now);
        var channel = Channel();
        var log = new CapturingLogger<ReminderRunner>();
        var runner = TestStores.ReminderRunner(h.Tables, h.Names, Templates, Catalogue, h.Mail, h.Time, log, h.Links, channel);
        return (h, runner, log, channel);
    }

    private static string[] Parameters(WhatsAppRequest r) =>
        r.Body.GetProperty("template").GetProperty("components")[0].GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("text").GetString()!).ToArray();

    [SkippableFact]
    public async Task OptedInKampung_OneWhatsAppPerPokjaReminder_NotOptedInNone_NumberNeverLogged()
    {
        var (h, runner, log, _) = await SetUpAsync();

        var before = await runner.RunAsync(Settings, Nov(7));

        Assert.Equal([(Beta, "sent"), (Delta, "sent")],
            before.Items.Where(i => i.Channel == ReminderChannels.WhatsApp).Select(i => (i.AreaCode, i.Action)));
        Assert.Equal(3, h.Mail.Sent.Count); // mail unchanged: Beta, Gamma, Epsilon
        Assert.Equal(["6281250001002", "62811000000"], _api.Requests.Select(r => r.Body.GetProperty("to").GetString()));
        var beta = _api.Requests[0];
        Assert.Equal($"/v21.0/{PhoneNumberId}/messages", beta.Path);
        Assert.Equal("Bearer test-token", beta.Authorization);
        Assert.Equal("template", beta.Body.GetProperty("type").GetString());
        Assert.Equal("kkb_pengingat_laporan", beta.Body.GetProperty("template").GetProperty("name").GetString());
        Assert.Equal("id", beta.Body.GetProperty("template").GetProperty("language").GetProperty("code").GetString());
        var parameters = Parameters(beta);
        Assert.Equal(["DPPKB Kota Banjarmasin", "Kampung KB Beta", "Oktober 2025", "10 November 2025"], parameters[..4]);
        Assert.StartsWith("http", parameters[4], StringComparison.Ordinal); // the kampung's own upload link
        Assert.Contains("/kampung/", parameters[4], StringComparison.Ordinal);

        // Again the same day: nothing more; after the deadline: one more each; escalation (PKB) goes by mail only.
        await runner.RunAsync(Settings, Nov(7));
        Assert.Equal(2, _api.Requests.Count);
        await runner.RunAsync(Settings, Nov(11));
        Assert.Equal(4, _api.Requests.Count);
        await runner.RunAsync(Settings, Nov(13));
        Assert.Equal(4, _api.Requests.Count);
        var rows = await new NotificationLog(h.Tables, h.Names).ListAsync(Regency, October);
        Assert.Equal(4, rows.Count(r => r.RowKey.EndsWith(NotificationKeys.WhatsAppSuffix, StringComparison.Ordinal) && r.State == NotificationState.Sent));

        Assert.NotEmpty(log.Lines);
        Assert.DoesNotContain(log.Lines, l => l.Contains("5000", StringComparison.Ordinal) || l.Contains("62811000000", StringComparison.Ordinal) || l.Contains("0811000000", StringComparison.Ordinal));
    }

    [SkippableFact]
    public async Task WhatsApp503ThenSuccess_SweeperSendsExactlyOnce()
    {
        var (h, runner, _, channel) = await SetUpAsync(deltaOptsIn: false);
        _api.Respond(503);

        var run = await runner.RunAsync(Settings, Nov(7));

        var item = Assert.Single(run.Items, i => i.Channel == ReminderChannels.WhatsApp);
        Assert.Equal((ReminderActions.Failed, WhatsAppErrorCodes.ServiceUnavailable), (item.Action, item.Reason));
        var sweeper = new OutboxSweeper(h.Tables, h.Names, h.Mail, h.Time, NullLogger<OutboxSweeper>.Instance, channel);
        Assert.Equal(0, (await sweeper.SweepAsync()).Sent); // next try not due yet
        h.Time.Now += TimeSpan.FromMinutes(2);

        var sweeps = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => Task.Run(() => sweeper.SweepAsync())));
        Assert.Equal(1, sweeps.Sum(s => s.Sent));
        Assert.Equal(0, (await runner.RunAsync(Settings, Nov(7))).Items.Count(i => i.Channel == ReminderChannels.WhatsApp && i.Action == ReminderActions.Sent));

        Assert.Equal(2, _api.Requests.Count);
        Assert.Equal(1, _api.Accepted);
        Assert.Equal(Parameters(_api.Requests[0]), Parameters(_api.Requests[1]));
        var row = Assert.Single(await new NotificationLog(h.Tables, h.Names).ListAsync(Regency, October), r => r.RowKey.EndsWith(NotificationKeys.WhatsAppSuffix, StringComparison.Ordinal));
        Assert.Equal((NotificationState.Sent, 2), (row.State, row.Attempt));
    }

    [SkippableFact]
    public async Task WhatsAppRefused400_RecordedPermanent_NeverRetried()
    {
        var (h, runner, _, channel) = await SetUpAsync(deltaOptsIn: false);
        _api.Respond(400);

        await runner.RunAsync(Settings, Nov(7));
        h.Time.Now += TimeSpan.FromHours(3);
        await new OutboxSweeper(h.Tables, h.Names, h.Mail, h.Time, NullLogger<OutboxSweeper>.Instance, channel).SweepAsync();
        await runner.RunAsync(Settings, Nov(7));

        Assert.Single(_api.Requests);
        var row = Assert.Single(await new NotificationLog(h.Tables, h.Names).ListAsync(Regency, October), r => r.RowKey.EndsWith(NotificationKeys.WhatsAppSuffix, StringComparison.Ordinal));
        Assert.Equal((NotificationState.Failed, false, WhatsAppErrorCodes.Rejected), (row.State, row.Transient, row.ErrorCode));
    }

    [SkippableFact]
    public async Task FeedbackSummary_OptedInKampung_OneWhatsAppPerUpload_NotOptedInNone()
    {
        var h = new PipelineHarness(azurite);
        await h.InitAsync();
        var registry = TestStores.For(h.Tables, h.Names).Registry;
        const string pelambuan = "63.71.04.1005";
        var entry = (await registry.GetAsync(pelambuan))!;
        await registry.SaveAsync([entry with { PokjaEmail = "pokja.pelambuan@example.id", WhatsAppNumber = "+62 813 4000 1005", WhatsAppOptIn = true }], h.Time.Now);
        var mail = new RecordingMailSender();
        var notifier = new MailFeedbackNotifier(new TemplateFeedbackRenderer(Templates), mail, h.Tables, h.Names, h.Time, [Settings],
            NullLogger<MailFeedbackNotifier>.Instance, Channel());
        var processor = TestStores.UploadProcessor(PipelineHarness.Engine, h.Blobs, h.Tables, h.Names, h.Feedback, h.Time, new PipelineOptions(),
            NullLogger<UploadProcessor>.Instance, notifier);
        var content = PipelineHarness.Example("E01");

        for (var i = 0; i < 3; i++)
            await processor.ProcessAsync(new UploadEvent($"{pelambuan}/kegiatan.xlsx", content.Length, h.Time.GetUtcNow()), content);

        var request = Assert.Single(_api.Requests);
        Assert.Single(mail.Sent);
        Assert.Equal("6281340001005", request.Body.GetProperty("to").GetString());
        Assert.Equal("kkb_hasil_laporan", request.Body.GetProperty("template").GetProperty("name").GetString());
        Assert.Equal([entry.Name, "Oktober 2025", "sudah diterima", "0"], Parameters(request)[..4]);

        // Not opted in any more: the next upload gets its mail and no WhatsApp.
        await registry.SaveAsync([entry with { PokjaEmail = "pokja.pelambuan@example.id", WhatsAppNumber = "+62 813 4000 1005", WhatsAppOptIn = false }], h.Time.Now);
        var other = PipelineHarness.Example("E02");
        await processor.ProcessAsync(new UploadEvent($"{pelambuan}/capaian.xlsx", other.Length, h.Time.GetUtcNow()), other);
        Assert.Equal(2, mail.Sent.Count);
        Assert.Single(_api.Requests);
    }

    [SkippableFact]
    public async Task RegistryWorkbook_WhatsAppColumns_ReadBySynonyms()
    {
        var h = new PipelineHarness(azurite);
        await StorageBootstrapAsync(h);
        var csv = "Kode Wilayah,Nama Kampung KB,Kecamatan,No. HP Ketua Pokja,WhatsApp Pokja,Pengingat WA\n"
                + "63.71.01.1001,Kampung KB Satu,Kec Satu,0811 111 111,0812 2222 3333,Ya\n"
                + "63.71.01.1002,Kampung KB Dua,Kec Satu,0811 444 555,,Tidak\n"
                + "63.71.01.1003,Kampung KB Tiga,Kec Satu,0811 666 777,,\n";
        var importer = TestStores.RegistryImporter(PipelineHarness.Engine, h.Tables, h.Names, h.Time, NullLogger<RegistryImporter>.Instance);

        var outcome = await importer.ImportAsync("daftar.csv", Encoding.UTF8.GetBytes(csv));

        Assert.True(outcome.Accepted, string.Join("; ", outcome.Problems.Select(p => p.Code)));
        var stored = (await TestStores.For(h.Tables, h.Names).Registry.ListAsync("63.71")).OrderBy(e => e.AreaCode, StringComparer.Ordinal).ToList();
        Assert.Equal([("0812 2222 3333", true), (null, false), (null, false)], stored.Select(e => (e.WhatsAppNumber, e.WhatsAppOptIn)));
        Assert.Equal(["6281222223333", null, null], stored.Select(e => Channel().NumberFor(e)));
    }

    private static Task StorageBootstrapAsync(PipelineHarness h) => Core.Store.StorageBootstrap.EnsureAsync(h.Blobs, h.Tables, h.Names);

    [Theory]
    [InlineData("0812-5000-1002", "6281250001002")]
    [InlineData("+62 812 5000 1002", "6281250001002")]
    [InlineData("62812 5000 1002", "6281250001002")]
    [InlineData("0812 5000 1002 / 0813 1111 2222", "6281250001002")]
    [InlineData("tidak ada", null)]
    [InlineData("0511-123", null)]
    public void PhoneNumber_IndonesianForms_ToWhatsAppDigits(string written, string? expected) =>
        Assert.Equal(expected, PhoneNumber.ToWhatsApp(written));

    [Fact]
    public void PhoneNumberIdWithoutToken_OrBadUrl_RefusesToStart_NamingEachKey()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true",
            ["KKB_TEMPLATES"] = Path.GetTempPath(),
            ["WhatsApp:PhoneNumberId"] = "+62 812 5000 1002",
            ["WhatsApp:BaseUrl"] = "http://graph.facebook.com/v21.0",
        }).Build();

        AppSettings.Load(configuration, out var errors);

        Assert.Contains(errors, e => e.StartsWith("WhatsApp__PhoneNumberId:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("WhatsApp__AccessToken:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("WhatsApp__BaseUrl:", StringComparison.Ordinal));
        Assert.DoesNotContain(errors, e => e.Contains("0812", StringComparison.Ordinal) && e.StartsWith("WhatsApp__AccessToken", StringComparison.Ordinal));
    }

    [Fact]
    public void NotConfigured_ChannelOff_NoNumberForAnyone()
    {
        var channel = WhatsAppChannel.Load(Path.Combine(PipelineHarness.Root, "templates"), null);
        var kampung = Kampung(Beta, "Kampung KB Beta", "Kec Satu", KampungClass.Dasar, null) with { WhatsAppOptIn = true };
        Assert.False(channel.Enabled);
        Assert.Null(channel.NumberFor(kampung));
    }
}
