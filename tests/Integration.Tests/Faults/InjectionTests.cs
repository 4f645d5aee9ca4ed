using System.Security.Cryptography;
using KampungKB.Core.Uploads.Links;

namespace KampungKB.Integration.Tests.Faults;

/// <summary>
/// The abuse suite (docs/robustness.md): formula and HTML injection written into a cadre's spreadsheet stays inert on
/// every path it can travel back to people: the feedback page kept in <c>feedback/</c>, the feedback mail,
/// and the upload page (result and recent uploads). The recap's HTML/xlsx and every mail template are
/// covered by <c>RecapCompilerTests</c> and <c>EmailTemplatesTests</c>.
/// </summary>
[Collection(AzuriteCollection.Name)]
public class InjectionTests(AzuriteFixture azurite)
{
    private const string Pelambuan = "63.71.04.1005";
    private static readonly string[] Live = ["<script>alert", "<img", "onerror=alert", "<b>tebal"];

    [SkippableFact]
    public async Task HostileFileNameAndCells_InertInFeedbackPageMailAndUploadPage()
    {
        var h = new PipelineHarness(azurite);
        await h.InitAsync();
        var mail = new RecordingMailSender();
        var feedback = new FeedbackWriter(h.Blobs, h.Names, new TemplateFeedbackRenderer(NotificationHarness.Templates));
        var notifier = new MailFeedbackNotifier(new TemplateFeedbackRenderer(NotificationHarness.Templates), mail, h.Tables, h.Names, h.Time,
            [NotificationHarness.Settings], NullLogger<MailFeedbackNotifier>.Instance);
        var processor = TestStores.UploadProcessor(PipelineHarness.Engine, h.Blobs, h.Tables, h.Names, feedback, h.Time, new PipelineOptions(),
            NullLogger<UploadProcessor>.Instance, notifier);
        var csv = Encoding.UTF8.GetBytes(string.Join("\n",
            "Kampung KB Pelambuan Sejahtera,,,", "Kelurahan Pelambuan Kec. Banjarmasin Barat,,,", "Bulan: Oktober 2025,,,", ",,,",
            "Tanggal,Nama Kegiatan,Peserta L,Peserta P",
            "02/10/2025,=1+1 <b>tebal</b>,5,7",
            "<img src=x onerror=alert(1)>,<script>alert(1)</script>,4,=HYPERLINK(\"\"http://evil.example\"\")") + "\n");
        const string stamp = "20251103020000";
        var name = $"{Pelambuan}/{stamp}-<img src=x onerror=alert(1)>.csv";
        await h.Blobs.GetBlobContainerClient(h.Names.Uploads).GetBlobClient(name).UploadAsync(BinaryData.FromBytes(csv), overwrite: true);

        var outcome = await processor.ProcessAsync(new UploadEvent(name, csv.Length, h.Time.GetUtcNow()), csv);

        Assert.Equal(UploadStatus.Rejected, outcome.Status);
        var kept = (await h.Blobs.GetBlobContainerClient(h.Names.Feedback).GetBlobClient(outcome.UploadId + ".html").DownloadContentAsync()).Value.Content.ToString();
        var sent = Assert.Single(mail.Sent);
        var links = TestStores.UploadLinks(new LinkOptions { SigningKey = NotificationHarness.LinkKey }, h.Tables, h.Names, h.Time);
        await links.EnsureAsync();
        var url = (await links.IssueAsync((await TestStores.For(h.Tables, h.Names).Registry.GetAsync(Pelambuan))!)).Url;
        var token = url[(url.IndexOf('#') + 1)..];
        var desk = Page.DeskFactory.Create(links, h.Blobs, h.Tables, h.Names, h.Time);
        var reference = stamp + "-" + Convert.ToHexStringLower(SHA256.HashData(csv))[..16];
        var result = await desk.ResultAsync(Pelambuan, token, reference);
        var home = await desk.HomeAsync(Pelambuan, token);
        Assert.Contains("id=\"ditolak\"", result.Body, StringComparison.Ordinal);     // the verdict, not a pending or error page
        Assert.Contains("&lt;img src&#61;x", result.Body, StringComparison.Ordinal); // the text is shown, encoded
        Assert.Matches("<header><h1>[^<]+</h1><p>Kampung KB [^<]+ · [^<]+, Kec\\. Banjarmasin Barat</p></header>", home.Body); // the kampung and its place

        foreach (var (where, html) in new[] { ("feedback page", kept), ("mail", sent.HtmlBody), ("result page", result.Body), ("upload page", home.Body) })
            foreach (var live in Live)
                Assert.False(html.Contains(live, StringComparison.OrdinalIgnoreCase), $"{where} carries live markup '{live}'");
        Assert.DoesNotContain('\n', sent.Subject);
    }
}
