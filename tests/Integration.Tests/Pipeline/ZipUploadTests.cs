using KampungKB.Core.Ingestion.Validation;

namespace KampungKB.Integration.Tests.Pipeline;

/// <summary>
/// A folder of reports uploaded as one zip (docs/channels.md), through the pipeline over Azurite with real zips of real
/// spreadsheets (the shared examples): each spreadsheet its own upload, one combined feedback and mail, limits
/// checked before anything is inflated, exactly once across repeats and retries.
/// </summary>
[Collection(AzuriteCollection.Name)]
public class ZipUploadTests(AzuriteFixture azurite)
{
    private static readonly ReportingPeriod October = new(2025, 10);
    private const string Banjarmasin = "63.71";
    private const string Pelambuan = "63.71.04.1005";

    private static byte[] Csv(params string[] lines) => Encoding.UTF8.GetBytes(string.Join("\r\n", lines) + "\r\n");

    private static byte[] PelambuanActivities(params string[] rows) => Csv(
        ["Kampung KB Pelambuan Sejahtera,,,", "Kelurahan Pelambuan Kec. Banjarmasin Barat,,,", "Bulan: Oktober 2025,,,", ",,,",
         "Tanggal,Nama Kegiatan,Peserta L,Peserta P", .. rows]);

    private static readonly byte[] Pdf = Encoding.ASCII.GetBytes("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n");

    /// <summary>Two good reports (E01 activities, E02 figures in a subfolder), one bad CSV, one PDF: a Pokja's Drive folder.</summary>
    private static byte[] MixedFolder() => Zips.Of(
        ("Laporan Pelambuan/E01_kegiatan_oktober_2025_pelambuan.xlsx", PipelineHarness.Example("E01")),
        ("Laporan Pelambuan/capaian/E02_data_capaian_oktober_2025_pelambuan.xlsx", PipelineHarness.Example("E02")),
        ("Laporan Pelambuan/kegiatan salah.csv", PelambuanActivities("07/10/2025,Posyandu Remaja,12,15", "31/11/2025,Penyuluhan Stunting,4,banyak")),
        ("Laporan Pelambuan/scan daftar hadir.pdf", Pdf));

    private sealed class Setup
    {
        public required PipelineHarness H { get; init; }
        public required RecordingMailSender Mail { get; init; }
        public required UploadProcessor Processor { get; init; }

        public async Task<UploadOutcome> UploadAsync(string name, byte[] zip, UploadProcessor? processor = null)
        {
            await H.Blobs.GetBlobContainerClient(H.Names.Uploads).GetBlobClient(name).UploadAsync(BinaryData.FromBytes(zip), overwrite: true);
            return await (processor ?? Processor).ProcessAsync(new UploadEvent(name, zip.Length, H.Time.GetUtcNow()), zip);
        }

        public async Task<JsonElement> FeedbackAsync(string uploadId) => (await FeedbackWriter.ReadAsync(H.Blobs, H.Names, uploadId))!.Value;

        /// <summary>The same pipeline with the real templates and a mail notifier, over another feedback writer (e.g. one that fails once).</summary>
        public UploadProcessor With(FeedbackWriter feedback) => TestStores.UploadProcessor(PipelineHarness.Engine, H.Blobs, H.Tables, H.Names, feedback, H.Time, new PipelineOptions(),
            NullLogger<UploadProcessor>.Instance, new MailFeedbackNotifier(new TemplateFeedbackRenderer(NotificationHarness.Templates), Mail, H.Tables, H.Names, H.Time,
                [NotificationHarness.Settings], NullLogger<MailFeedbackNotifier>.Instance), new ArchiveOptions());
    }

    private async Task<Setup> StartAsync()
    {
        var h = new PipelineHarness(azurite);
        await h.InitAsync();
        var registry = TestStores.For(h.Tables, h.Names).Registry;
        await registry.SaveAsync([(await registry.GetAsync(Pelambuan))! with { PokjaEmail = "pokja.pelambuan@example.id" }], h.Time.Now);
        var mail = new RecordingMailSender();
        var setup = new Setup { H = h, Mail = mail, Processor = null! };
        return new Setup { H = h, Mail = mail, Processor = setup.With(new FeedbackWriter(h.Blobs, h.Names, new TemplateFeedbackRenderer(NotificationHarness.Templates))) };
    }

    [SkippableFact]
    public async Task MixedZip_EachSpreadsheetItsOwnUpload_PdfSkipped_OneCombinedFeedbackAndMail()
    {
        var s = await StartAsync();

        var outcome = await s.UploadAsync($"{Pelambuan}/20251103020000-Laporan Pelambuan.zip", MixedFolder());

        Assert.Equal(UploadStatus.Archive, outcome.Status);
        var f = await s.FeedbackAsync(outcome.UploadId);
        var files = f.GetProperty("files").EnumerateArray().ToList();
        Assert.Equal(
            [("Laporan Pelambuan/E01_kegiatan_oktober_2025_pelambuan.xlsx", "accepted"), ("Laporan Pelambuan/capaian/E02_data_capaian_oktober_2025_pelambuan.xlsx", "accepted"),
             ("Laporan Pelambuan/kegiatan salah.csv", "rejected")],
            files.Select(x => (x.GetProperty("file").GetString(), x.GetProperty("status").GetString())).ToList());
        Assert.Equal(5, files[0].GetProperty("activities").GetInt32());
        Assert.True(files[1].GetProperty("indicators").GetInt32() >= 10);
        var bad = files[2].GetProperty("problems").EnumerateArray().Select(p => p.GetProperty("code").GetString()).ToList();
        Assert.Contains(ProblemCodes.NotANumber, bad);
        Assert.InRange(bad.Count, 1, FolderFile.TopProblems);
        var skipped = Assert.Single(f.GetProperty("skipped").EnumerateArray().ToList());
        Assert.Equal(("Laporan Pelambuan/scan daftar hadir.pdf", ProblemCodes.ArchiveEntryNotSpreadsheet),
            (skipped.GetProperty("file").GetString(), skipped.GetProperty("reason").GetString()));

        // Each spreadsheet an upload of its own: report stored, log line, original kept, its own feedback page; the zip kept too.
        Assert.Equal(5, (await s.H.Reports.ListActivitiesAsync(Banjarmasin, October)).Count);
        Assert.NotEmpty((await s.H.Reports.GetAsync(Banjarmasin, Pelambuan, October))!.Indicators);
        var log = await s.H.Log.ListAsync(Banjarmasin);
        Assert.Equal(4, log.Count);
        Assert.Equal(["accepted", "accepted", "archive", "rejected"], log.Select(r => r.Status).Order().ToList());
        var processed = (await s.H.ListAsync(s.H.Names.Processed)).Select(b => b.Name).ToList();
        Assert.Equal(3, processed.Count);
        Assert.Contains($"{Pelambuan}/{outcome.UploadId}/Laporan Pelambuan.zip", processed);
        Assert.Single(await s.H.ListAsync(s.H.Names.Rejected));
        Assert.Equal(8, (await s.H.ListAsync(s.H.Names.Feedback)).Count);

        // One mail for the whole folder, naming every file and its outcome.
        var mail = Assert.Single(s.Mail.Sent);
        Assert.Equal(["pokja.pelambuan@example.id"], mail.To);
        Assert.Contains("2 diterima, 1 ditolak", mail.Subject);
        foreach (var name in new[] { "E01_kegiatan_oktober_2025_pelambuan.xlsx", "kegiatan salah.csv", "scan daftar hadir.pdf" })
            Assert.Contains(name, mail.TextBody);
        Assert.Contains("Dilewati", mail.TextBody);
        Gallery("email-feedback-folder", mail.HtmlBody);
        var page = (await s.H.Blobs.GetBlobContainerClient(s.H.Names.Feedback).GetBlobClient(outcome.UploadId + ".html").DownloadContentAsync()).Value.Content.ToString();
        Assert.Contains("Ditolak", page);
    }

    [SkippableFact]
    public async Task NestedFoldersAndOddNames_StoredUnderSafeNames_SystemNestedAndEncryptedNamed()
    {
        var s = await StartAsync();
        var good = PelambuanActivities("02/10/2025,Rapat Pokja,5,7");
        var zip = Zips.MarkEncrypted(Zips.Of(
            ("a\\b\\c\\d\\kegiatan.csv", good),
            ("../../../../etc/rapat.csv", PelambuanActivities("09/10/2025,Posyandu Remaja,10,12")),
            ("__MACOSX/a/._kegiatan.csv", [0, 5, 22, 7]),
            ("Laporan/~$kegiatan.xlsx", [1, 2, 3]),
            ("Laporan/.DS_Store", [0, 0, 0, 1]),
            ("Laporan/arsip lama.zip", Zips.Of(("lama.csv", good))),
            ("Laporan/rahasia.csv", good),
            ("Laporan/catatan.txt", Encoding.UTF8.GetBytes("kirim sebelum tanggal 10"))), "Laporan/rahasia.csv");
        var cp437 = Zips.Cp437(("Laporan Pelambuan é/kegiatan oktober.csv", PelambuanActivities("16/10/2025,Kelas BKB,0,20")));

        var outcome = await s.UploadAsync($"{Pelambuan}/folder.zip", zip);
        var second = await s.UploadAsync($"{Pelambuan}/windows.zip", cp437);

        var f = await s.FeedbackAsync(outcome.UploadId);
        Assert.Equal(["a/b/c/d/kegiatan.csv", "etc/rapat.csv"],
            f.GetProperty("files").EnumerateArray().Select(x => x.GetProperty("file").GetString()).ToList());
        Assert.All(f.GetProperty("files").EnumerateArray(), x => Assert.Equal("accepted", x.GetProperty("status").GetString()));
        Assert.Equal(
            [("Laporan/arsip lama.zip", ProblemCodes.ArchiveEntryNestedZip), ("Laporan/catatan.txt", ProblemCodes.ArchiveEntryNotSpreadsheet),
             ("Laporan/rahasia.csv", ProblemCodes.ArchiveEntryEncrypted)],
            f.GetProperty("skipped").EnumerateArray().Select(x => (x.GetProperty("file").GetString(), x.GetProperty("reason").GetString())).ToList());
        var system = Assert.Single(f.GetProperty("problems").EnumerateArray().ToList());
        Assert.Equal(ProblemCodes.ArchiveSystemFiles, system.GetProperty("code").GetString());
        Assert.Contains("3 berkas sistem", system.GetProperty("message").GetString());

        // Nothing escapes its folder: every kept blob and logged path is free of "..", backslashes and empty segments.
        var kept = (await s.H.ListAsync(s.H.Names.Processed)).Select(b => b.Name).ToList();
        var logged = (await s.H.Log.ListAsync(Banjarmasin)).Select(r => r.Path).ToList();
        Assert.All(kept.Concat(logged), n => Assert.DoesNotMatch(@"(^|/)\.\.?(/|$)|\\|//", n));
        Assert.Contains(logged, p => p.EndsWith("/folder.zip/etc/rapat.csv", StringComparison.Ordinal));

        var w = await s.FeedbackAsync(second.UploadId);
        Assert.Equal("Laporan Pelambuan é/kegiatan oktober.csv", Assert.Single(w.GetProperty("files").EnumerateArray().ToList()).GetProperty("file").GetString());
    }

    [SkippableFact]
    public async Task ZipBomb_RefusedFromItsDirectory_NothingInflatedNorStored()
    {
        var s = await StartAsync();
        const long declared = 512L * 1024 * 1024;
        var bomb = Zips.Bomb("laporan.csv", declared);
        Assert.True(bomb.Length < declared / 50, $"the bomb is {bomb.Length} bytes");

        var before = GC.GetTotalAllocatedBytes(precise: true);
        var outcome = await s.UploadAsync($"{Pelambuan}/laporan.zip", bomb);
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

        Assert.Equal(UploadStatus.Rejected, outcome.Status);
        var f = await s.FeedbackAsync(outcome.UploadId);
        Assert.Equal(ProblemCodes.ArchiveSuspicious, Assert.Single(f.GetProperty("problems").EnumerateArray().ToList()).GetProperty("code").GetString());
        Assert.True(allocated < declared / 4, $"allocated {allocated / 1024 / 1024} MiB while refusing a zip that declares {declared / 1024 / 1024} MiB");
        Assert.Single(await s.H.Log.ListAsync(Banjarmasin));
        Assert.Empty(await s.H.ListAsync(s.H.Names.Processed));
        Assert.Equal($"{Pelambuan}/{outcome.UploadId}/laporan.zip", Assert.Single(await s.H.ListAsync(s.H.Names.Rejected)).Name);
        Assert.Contains("tidak dapat diproses", Assert.Single(s.Mail.Sent).Subject);
    }

    [SkippableFact]
    public async Task SameZipTwice_AndAgainUnderANewName_NothingDoubled()
    {
        var s = await StartAsync();
        var zip = MixedFolder();

        var first = await s.UploadAsync($"{Pelambuan}/folder.zip", zip);
        var again = await s.UploadAsync($"{Pelambuan}/folder.zip", zip);
        s.H.Time.Now = s.H.Time.Now.AddHours(1);
        var renamed = await s.UploadAsync($"{Pelambuan}/20251103030000-folder.zip", zip);

        Assert.True(again.Repeated);
        Assert.Equal(first.UploadId, again.UploadId);
        Assert.Equal(5, (await s.H.Reports.ListActivitiesAsync(Banjarmasin, October)).Count);
        var r = await s.FeedbackAsync(renamed.UploadId);
        Assert.Equal(["unchanged", "unchanged", "rejected"], r.GetProperty("files").EnumerateArray().Select(x => x.GetProperty("status").GetString()).ToList());
        Assert.Equal(8, (await s.H.Log.ListAsync(Banjarmasin)).Count);           // 4 lines per distinct upload, none for the repeat
        Assert.Equal(2, s.Mail.Sent.Count);                                       // one per distinct upload, none for the repeat
        var report = (await s.H.Reports.GetAsync(Banjarmasin, Pelambuan, October))!;
        Assert.Equal(first.UploadId[..15], report.ReceivedAt.UtcDateTime.ToString("yyyyMMdd'T'HHmmss", System.Globalization.CultureInfo.InvariantCulture));
    }

    [SkippableFact]
    public async Task TriggerRetriedAfterFailingHalfway_CompletesEveryFile_WithoutDuplicates()
    {
        var s = await StartAsync();
        var zip = MixedFolder();
        var failing = s.With(new FeedbackWriter(s.H.Blobs, s.H.Names, new FailOnceRenderer("E02_", new TemplateFeedbackRenderer(NotificationHarness.Templates))));

        await Assert.ThrowsAsync<IOException>(() => s.UploadAsync($"{Pelambuan}/folder.zip", zip, failing));
        Assert.Empty(s.Mail.Sent);
        var outcome = await s.UploadAsync($"{Pelambuan}/folder.zip", zip);

        Assert.False(outcome.Repeated);
        var f = await s.FeedbackAsync(outcome.UploadId);
        Assert.Equal(["accepted", "accepted", "rejected"], f.GetProperty("files").EnumerateArray().Select(x => x.GetProperty("status").GetString()).ToList());
        Assert.Single(f.GetProperty("skipped").EnumerateArray());
        var log = await s.H.Log.ListAsync(Banjarmasin);
        Assert.Equal(4, log.Count);
        Assert.Equal(4, log.Select(l => l.UploadId).Distinct().Count());
        Assert.Equal(5, (await s.H.Reports.ListActivitiesAsync(Banjarmasin, October)).Count);
        Assert.Equal(3, (await s.H.ListAsync(s.H.Names.Processed)).Count);
        Assert.Single(s.Mail.Sent);
    }

    /// <summary>Fails (as storage might) the first time it renders the feedback of a file whose name starts with <paramref name="prefix"/>.</summary>
    private sealed class FailOnceRenderer(string prefix, IFeedbackRenderer inner) : IFeedbackRenderer
    {
        private int _failed;
        public string RenderHtml(FeedbackDocument feedback) =>
            feedback.FileName.StartsWith(prefix, StringComparison.Ordinal) && Interlocked.Exchange(ref _failed, 1) == 0
                ? throw new IOException("simulated crash halfway through the zip")
                : inner.RenderHtml(feedback);
    }

    /// <summary>Keeps the rendered HTML under .build/gallery for a look in a browser (docs/channels.md).</summary>
    private static void Gallery(string name, string html)
    {
        var dir = Path.Combine(PipelineHarness.Root, ".build", "gallery");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, name + ".html"), html);
    }
}
