using KampungKB.Cli.Commands;
using KampungKB.Core.Jobs.Recaps;
using static KampungKB.Integration.Tests.Recaps.NotificationHarness;

namespace KampungKB.Integration.Tests.Recaps;

/// <summary>
/// End to end on Azurite through the real stores: reports written by <see cref="Core.Reports.ReportStore"/>, the
/// recap mailed by <see cref="RecapSender"/> with the handover workbook as its second attachment (read back with
/// ExcelDataReader), the quality section in the mail and its sheet, and <c>kkb quality --json</c> agreeing.
/// With KKB_SCREENSHOTS=1 the mail is saved as docs/img/email-recap-quality-{360|390}.png.
/// </summary>
[Collection(AzuriteCollection.Name)]
public class HandoverQualityTests(AzuriteFixture azurite)
{
    [SkippableFact]
    public async Task Recap_MailsHandoverWorkbookAndQualitySection_QualityCommandAgrees()
    {
        var h = await NotificationHarness.StartAsync(azurite);
        // Alpha: PUS Apr–Sep 100 102 98 101 99 100 (mean 100, SD √2 = 1,414), October 104 → moderate outlier (z 2,83), range 97,17–102,83.
        // KB aktif 60 61 59 60 61 59, October 60: |60 − 60| = 0, no outlier; September 59 ≠ 60, not copied forward.
        decimal[] pus = [100, 102, 98, 101, 99, 100, 104], active = [60, 61, 59, 60, 61, 59, 60];
        for (var m = 4; m <= 10; m++)
            await h.WriteAsync(Alpha, new ReportingPeriod(2025, m), new DateTimeOffset(2025, m + 1, 3, 2, 0, 0, TimeSpan.Zero), Figures(pus[m - 4], active[m - 4]));
        // Beta: October figures only (first month); Gamma: activities only; Delta and Epsilon: nothing.
        await h.WriteAsync(Beta, October, new DateTimeOffset(2025, 11, 4, 2, 0, 0, TimeSpan.Zero), Figures(200, 100));
        await h.WriteAsync(Gamma, October, new DateTimeOffset(2025, 11, 4, 3, 0, 0, TimeSpan.Zero), null, Act("Ekonomi", 2, 3, null));

        var compiler = TestStores.RecapCompiler(h.Tables, h.Names, Templates, Catalogue, h.Time, h.Links);
        var sender = new RecapSender(compiler, h.Mail, h.Tables, h.Names, h.Time, NullLogger<RecapSender>.Instance);
        var outcome = await sender.SendAsync(Settings, October);
        Assert.Equal("sent", outcome.Action);
        var mail = Assert.Single(h.Mail.Sent);

        // Two workbooks; the second is the handover, read back as the dinas opens it.
        Assert.Equal(["rekap-kampung-kb-63.71-2025-10.xlsx", "ketik-situs-kampung-kb-63.71-2025-10.xlsx"], mail.Attachments.Select(a => a.FileName));
        var handover = RecapCompilerTests.ReadXlsx(mail.Attachments[1].Content);
        var blocks = handover["Untuk diketik"];
        var alphaPus = blocks.Single(r => r[0] as string == Alpha && r[5] as string == "Pasangan Usia Subur");
        Assert.Equal(104d, alphaPus[6]);                                               // this month's figure, as written
        // Alpha and Beta send no poktan figures or methods: the website would refuse their empty required fields.
        var failures = handover["Gagal cek situs"].Skip(1).ToList();
        Assert.Contains(failures, r => r[0] as string == Alpha && r[4] as string == "PUS Menggunakan IUD");
        Assert.All(failures, r => Assert.StartsWith("http://127.0.0.1:7071/api/kampung/" + r[0] + "#", (string)r[8]!));
        var none = handover["Tanpa angka"].Skip(1).ToList();
        Assert.Equal([Gamma, Delta, Epsilon], none.Select(r => (string)r[0]!));
        Assert.Equal(["melapor tanpa angka capaian", "belum melapor", "belum melapor"], none.Select(r => (string)r[3]!));
        Assert.DoesNotContain(none, r => ((string)r[1]!).StartsWith('='));             // Epsilon's hostile name made inert

        // The quality section in the mail and the sheet in the recap workbook.
        Assert.Contains("Kualitas data (1 temuan)", mail.HtmlBody);
        Assert.Contains("Kampung KB Alpha", mail.HtmlBody);
        Assert.Contains("(wajar 97,17–102,83)", mail.HtmlBody);
        Assert.Contains("ketik-situs-kampung-kb-63.71-2025-10.xlsx", mail.HtmlBody);
        var sheet = RecapCompilerTests.ReadXlsx(mail.Attachments[0].Content)["Kualitas data"];
        var flag = Assert.Single(sheet.Skip(1));
        Assert.Equal((1d, Alpha, 104d, 97.17d, 102.83d), ((double)flag[0]!, (string)flag[2]!, (double)flag[8]!, (double)flag[9]!, (double)flag[10]!));

        // kkb quality --json over the same stores says the same.
        var output = new StringWriter();
        Assert.Equal(0, await QualityCommand.ExecuteAsync(h.Tables, h.Names, [Settings], Regency, October, json: true, output, TextWriter.Null));
        var json = JsonDocument.Parse(output.ToString()).RootElement;
        var only = Assert.Single(json.GetProperty("flags").EnumerateArray());
        Assert.Equal(("outlier-moderate", Alpha, "pus", 104m), (only.GetProperty("kind").GetString(), only.GetProperty("areaCode").GetString(), only.GetProperty("figure").GetString(), only.GetProperty("value").GetDecimal()));
        Assert.Equal(2, json.GetProperty("checked").GetInt32());

        // kkb handover writes the same workbook shape to a folder.
        var dir = Directory.CreateTempSubdirectory("kkb-handover-");
        try
        {
            var text = new StringWriter();
            Assert.Equal(0, await HandoverCommand.ExecuteAsync(h.Tables, h.Names, [Settings], h.Links, Regency, October, dir.FullName, json: false, text, TextWriter.Null));
            Assert.StartsWith("Bahan ketik situs Kampung KB Kota Banjarmasin, Oktober 2025: 0 siap, 2 perlu perbaikan, 3 tanpa angka.", text.ToString());
            Assert.True(File.Exists(Path.Combine(dir.FullName, "ketik-situs-kampung-kb-63.71-2025-10.xlsx")));
        }
        finally { dir.Delete(true); }

        await EmailGalleryTests.SaveAsync("email-recap-quality", mail.HtmlBody);
        await SaveHandoverPicturesAsync(mail.Attachments[1].Content);
    }

    /// <summary>With KKB_SCREENSHOTS=1 and LibreOffice + pdftoppm installed: the handover workbook printed to docs/img/handover-xlsx-{page}.png.</summary>
    private static async Task SaveHandoverPicturesAsync(byte[] xlsx)
    {
        if (Environment.GetEnvironmentVariable("KKB_SCREENSHOTS") != "1" || !File.Exists("/usr/bin/soffice") || !File.Exists("/usr/bin/pdftoppm")) return;
        var dir = Directory.CreateTempSubdirectory("kkb-handover-print-").FullName;
        try
        {
            var file = Path.Combine(dir, "handover.xlsx");
            await File.WriteAllBytesAsync(file, xlsx);
            await RunAsync("/usr/bin/soffice", "--headless", $"-env:UserInstallation=file://{dir}/profile", "--convert-to", "pdf", "--outdir", dir, file);
            await RunAsync("/usr/bin/pdftoppm", "-png", "-r", "70", Path.Combine(dir, "handover.pdf"), Path.Combine(Pipeline.PipelineHarness.Root, "docs", "img", "handover-xlsx"));
        }
        finally { Directory.Delete(dir, true); }

        static async Task RunAsync(string exe, params string[] args)
        {
            using var p = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(exe, args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            await p.WaitForExitAsync();
            Assert.Equal(0, p.ExitCode);
        }
    }
}
