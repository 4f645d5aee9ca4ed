
namespace KampungKB.Integration.Tests.Recaps;

[Collection(AzuriteCollection.Name)]
public class FeedbackMailTests(AzuriteFixture azurite)
{
    private const string Pelambuan = "63.71.04.1005";

    [SkippableFact]
    public async Task SameUploadTenTimesConcurrently_FeedbackMailedOnceToPokja()
    {
        var h = new PipelineHarness(azurite);
        await h.InitAsync();
        var registry = TestStores.For(h.Tables, h.Names).Registry;
        var entry = (await registry.GetAsync(Pelambuan))!;
        await registry.SaveAsync([entry with { PokjaEmail = "pokja.pelambuan@example.id" }], h.Time.Now);
        var mail = new RecordingMailSender();
        var notifier = new MailFeedbackNotifier(new TemplateFeedbackRenderer(NotificationHarness.Templates), mail, h.Tables, h.Names, h.Time,
            [NotificationHarness.Settings], NullLogger<MailFeedbackNotifier>.Instance);
        var processor = TestStores.UploadProcessor(PipelineHarness.Engine, h.Blobs, h.Tables, h.Names, h.Feedback, h.Time, new PipelineOptions(),
            NullLogger<UploadProcessor>.Instance, notifier);
        var content = PipelineHarness.Example("E01");
        var name = $"{Pelambuan}/kegiatan.xlsx";

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ =>
            Task.Run(() => processor.ProcessAsync(new UploadEvent(name, content.Length, h.Time.GetUtcNow()), content))));

        var sent = Assert.Single(mail.Sent);
        Assert.Equal(["pokja.pelambuan@example.id"], sent.To);
        Assert.Contains("diterima", sent.Subject);
        var row = Assert.Single(await new NotificationLog(h.Tables, h.Names).ListFeedbackAsync("63.71"));
        Assert.Equal((outcomes[0].UploadId, NotificationState.Sent), (row.RowKey, row.State));
    }

    [SkippableFact]
    public async Task RejectedUploadOfKampungWithoutEmail_RecordedAsSkipped_NoMail()
    {
        var h = new PipelineHarness(azurite);
        await h.InitAsync();
        var registry = TestStores.For(h.Tables, h.Names).Registry;
        await registry.SaveAsync([(await registry.GetAsync(Pelambuan))! with { PokjaEmail = null }], h.Time.Now);
        var mail = new RecordingMailSender();
        var notifier = new MailFeedbackNotifier(new TemplateFeedbackRenderer(NotificationHarness.Templates), mail, h.Tables, h.Names, h.Time,
            [], NullLogger<MailFeedbackNotifier>.Instance);
        var processor = TestStores.UploadProcessor(PipelineHarness.Engine, h.Blobs, h.Tables, h.Names, h.Feedback, h.Time, new PipelineOptions(),
            NullLogger<UploadProcessor>.Instance, notifier);
        var bytes = System.Text.Encoding.UTF8.GetBytes("Kelurahan Pelambuan,,\r\nBulan: Oktober 2025,,\r\nTanggal,Nama Kegiatan,Peserta L\r\n31/11/2025,Rapat,banyak\r\n");

        var outcome = await processor.ProcessAsync(new UploadEvent($"{Pelambuan}/salah.csv", bytes.Length, h.Time.Now), bytes);

        Assert.Equal(UploadStatus.Rejected, outcome.Status);
        Assert.Empty(mail.Sent);
        var row = Assert.Single(await new NotificationLog(h.Tables, h.Names).ListFeedbackAsync("63.71"));
        Assert.Equal((NotificationState.Skipped, "no-pokja-email"), (row.State, row.Reason));
    }
}
