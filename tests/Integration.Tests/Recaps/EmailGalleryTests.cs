using KampungKB.Core.Rendering.Templating;
using KampungKB.Integration.Tests.Page;
using Microsoft.Playwright;
using static KampungKB.Integration.Tests.Recaps.NotificationHarness;

namespace KampungKB.Integration.Tests.Recaps;

/// <summary>
/// Every email state a cadre, a PKB/PLKB or the dinas receives, rendered from the real templates and the
/// example files. Each asserts what a reader would notice; with KKB_SCREENSHOTS=1 each is also saved as
/// docs/img/email-{state}-{360|390}.png (headless Chromium), the pictures in docs/.
/// </summary>
[Collection(AzuriteCollection.Name)]
public class EmailGalleryTests(AzuriteFixture azurite)
{
    private static readonly RegistryEntry Pelambuan = Kampung("63.71.04.1005", "Kampung KB Pelambuan Sejahtera", "Banjarmasin Barat", KampungClass.Berkembang, "pokja@pelambuan.example");

    private static FeedbackDocument Feedback(string fileName, byte[] content)
    {
        var report = PipelineHarness.Engine.Ingest(new MemoryStream(content), fileName);
        return new FeedbackDocument("u1", fileName, report.IsAccepted ? UploadStatus.Accepted : UploadStatus.Rejected, Pelambuan, report.Period,
            report, report.Problems, new DateTimeOffset(2025, 11, 5, 2, 30, 0, TimeSpan.Zero));
    }

    private static RenderedEmail Render(FeedbackDocument f, bool page = false) =>
        new TemplateFeedbackRenderer(Templates).Render(f, "DPPKB Kota Banjarmasin", page ? null : "https://kkb.example/api/kampung/abc.def", isPage: page);

    [SkippableFact]
    public async Task Feedback_IndicatorOnlyFile_HasNoActivityTiles()
    {
        var withActivities = Render(Feedback("kegiatan_oktober_2025_pelambuan.xlsx", PipelineHarness.Example("E01")));
        var indicatorsOnly = Render(Feedback("data_capaian_oktober_2025_pelambuan.xlsx", PipelineHarness.Example("E02")));

        Assert.Contains(">kegiatan</div>", withActivities.Html);
        Assert.DoesNotContain(">kegiatan</div>", indicatorsOnly.Html);
        Assert.DoesNotContain("L 0 &middot; P 0", indicatorsOnly.Html);
        await SaveAsync("email-feedback-accepted", withActivities.Html);
        await SaveAsync("email-feedback-indicators", indicatorsOnly.Html);
    }

    /// <summary>
    /// The mail-in reply to a message without a spreadsheet says the e-mail came in (<i>masuk</i>), never that anything was
    /// accepted, and names a zip of the folder among what may be attached.
    /// </summary>
    [SkippableFact]
    public async Task MailInReply_NoSpreadsheet_SaysTheMailCameIn_ReadableOnAPhone()
    {
        var (subject, html, text) = KampungKB.Core.Uploads.MailIn.MailInTexts.Load(Path.Combine(PipelineHarness.Root, "templates"))
            .NoSpreadsheet("DPPKB Kota Banjarmasin");

        Assert.Equal("Lampiran laporan tidak ditemukan", subject);
        Assert.StartsWith("Terima kasih, email Anda sudah masuk.", text, StringComparison.Ordinal);
        Assert.DoesNotContain("diterima", text, StringComparison.Ordinal);
        Assert.Contains(".zip", text, StringComparison.Ordinal);
        Assert.Contains("DPPKB Kota Banjarmasin", html, StringComparison.Ordinal);
        await SaveAsync("email-mailin-no-spreadsheet", "<!doctype html><html lang=\"id\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"></head>"
            + "<body style=\"font-family:Arial,sans-serif;font-size:15px;line-height:1.5;margin:0;padding:12px;\">" + html + "</body></html>");
    }

    [SkippableFact]
    public async Task Feedback_TotalOnlyColumn_HasNoMaleFemaleTile()
    {
        var csv = Encoding.UTF8.GetBytes(string.Join("\n", "Kampung KB Pelambuan Sejahtera,,", "Kelurahan Pelambuan,,", "Bulan: Oktober 2025,,", ",,",
            "Tanggal,Nama Kegiatan,Jumlah Peserta", "02/10/2025,Rapat Pokja,12", "15/10/2025,Penyuluhan KB,30") + "\n");
        var mail = Render(Feedback("kegiatan_total_saja.csv", csv));

        Assert.Contains(">peserta</div>", mail.Html);
        Assert.DoesNotContain("laki-laki &middot; perempuan", mail.Html);
        await SaveAsync("email-feedback-total-only", mail.Html);
    }

    [SkippableFact]
    public async Task Feedback_Rejected_EmailAndStoredPage_PageClaimsNoMailAndNoReplacement()
    {
        var csv = Encoding.UTF8.GetBytes(string.Join("\n", "Kampung KB Pelambuan Sejahtera,,,", "Kelurahan Pelambuan,,,", "Bulan: Oktober 2025,,,", ",,,",
            "Tanggal,Nama Kegiatan,Peserta L,Peserta P", "02/10/2025,Rapat Pokja,5,7", "31/11/2025,Penyuluhan,4,banyak") + "\n");
        var document = Feedback("laporan_oktober_pelambuan_versi_perbaikan_terakhir_dari_kader_pokja_kelurahan.csv", csv);
        var mail = Render(document);
        var page = Render(document with { Kampung = null }, page: true);

        Assert.Contains("Surel ini", mail.Html);
        Assert.DoesNotContain("Surel ini", page.Html);
        Assert.DoesNotContain("menggantikan", page.Html);
        Assert.DoesNotContain("menggantikan", mail.Html);
        await SaveAsync("email-feedback-rejected", mail.Html);
        await SaveAsync("page-feedback-bulk-rejected", page.Html);
    }

    [SkippableFact]
    public async Task RemindersAndRecap_EveryStage_RejectedVariants()
    {
        var h = await NotificationHarness.StartAsync(azurite);
        await h.SeedRealisticAsync();   // Delta's October upload was rejected; Epsilon has nothing for October
        // Plain names and a Pokja address for Delta, so the pictures show what a cadre reads (escaping is tested elsewhere).
        await h.Registry.SaveAsync(h.Entries().Select(e => e.AreaCode switch
        {
            Delta => e with { Name = "Kampung KB Sungai Jingah", PokjaEmail = null, PokjaPhone = "0812 5000 1002" },   // never reminded: no Pokja email
            Epsilon => e with { Name = "Kampung KB Kuin Utara" },
            _ => e,
        }).ToList(), new DateTimeOffset(2025, 7, 1, 0, 0, 0, TimeSpan.Zero));

        foreach (var day in new[] { 7, 11, 13, 17 })
        {
            h.Time.Now = new DateTimeOffset(2025, 11, day, 1, 0, 0, TimeSpan.Zero);   // 09.00 WITA, when the timer runs
            await h.Reminders.RunAsync(Settings, new DateOnly(2025, 11, day));
        }
        var recap = await h.Compiler.CompileAsync(Settings, October);

        var mails = h.Mail.Sent.ToList();
        Assert.All(mails, m => Assert.Equal("DPPKB Kota Banjarmasin", m.SenderName));
        Assert.Equal(2, mails.Count(m => m.To.SequenceEqual(["pkb@bkkbn.example"])));         // escalation: Delta (file rejected) and Epsilon
        // The PKB/PLKB and the dinas are told the truth: Sungai Jingah's Pokja has no email and was never reminded.
        var escalation = mails.Single(m => m.To.SequenceEqual(["pkb@bkkbn.example"]) && m.Subject.Contains("Sungai Jingah", StringComparison.Ordinal));
        Assert.DoesNotContain("Pokja sudah diingatkan", escalation.TextBody, StringComparison.Ordinal);
        Assert.Contains("0812 5000 1002", escalation.TextBody, StringComparison.Ordinal);
        var dinasList = mails.Single(m => m.Subject.StartsWith("Belum ada laporan Oktober 2025 yang diterima", StringComparison.Ordinal));
        Assert.Contains("Belum mengirim laporan", dinasList.TextBody, StringComparison.Ordinal);   // Kuin Utara sent nothing
        Assert.Contains("ditolak", dinasList.TextBody, StringComparison.Ordinal);                 // Sungai Jingah sent a rejected file
        Assert.Contains("1 ditolak", dinasList.Subject, StringComparison.Ordinal);
        Assert.Contains(recap.View.MissingKampung, m => m.IsRejected && m.AreaCode == Delta);
        foreach (var (m, i) in mails.Select((m, i) => (m, i)))
            await SaveAsync($"email-reminder-{i + 1:D2}", m.HtmlBody);
        await SaveAsync("email-recap", recap.Email.Html);
    }

    /// <summary>
    /// Writes the HTML under .build/gallery; with Chromium, checks it at 360 and 1280 px (nothing wider than the screen, no
    /// word broken inside) and, with KKB_SCREENSHOTS=1, saves the 360 and 390 px screenshots into docs/img.
    /// </summary>
    internal static async Task SaveAsync(string name, string html)
    {
        var dir = Path.Combine(PipelineHarness.Root, ".build", "gallery");
        Directory.CreateDirectory(dir);
        var file = Path.Combine(dir, name + ".html");
        await File.WriteAllTextAsync(file, html);
        if (!File.Exists(Chromium.Path)) return;
        var screenshots = Environment.GetEnvironmentVariable("KKB_SCREENSHOTS") == "1";
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        foreach (var width in new[] { 360, 390, 1280 })
        {
            var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = width, Height = 700 } });
            await page.GotoAsync(new Uri(file).AbsoluteUri);
            await Chromium.AssertReadableAsync(page, width, name);
            if (screenshots && width < 1000) await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(PipelineHarness.Root, "docs", "img", $"{name}-{width}.png"), FullPage = true });
        }
    }
}
