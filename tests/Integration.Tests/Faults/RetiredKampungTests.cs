using System.Text;
using System.Text.RegularExpressions;
using KampungKB.Core.Jobs.Classes;
using KampungKB.Core.Uploads.Links;
using static KampungKB.Integration.Tests.Recaps.NotificationHarness;

namespace KampungKB.Integration.Tests.Faults;

/// <summary>
/// Kampung removed from the registry were never removed: they counted as missing, got
/// every reminder, and their links kept working. Now an import retires the kampung of its kabupaten/kota that
/// it no longer lists: kept for history, out of recaps, reminders, class counts and missing lists, their
/// uploads and links refused with a message that says so; listed again, active again.
/// </summary>
[Collection(AzuriteCollection.Name)]
public class RetiredKampungTests(AzuriteFixture azurite)
{
    private const string Pelambuan = "63.71.04.1005";
    private const string TajauPecah = "63.01.05.2009";

    /// <summary>The example registry's four kampung of Kota Banjarmasin (63.71) as a CSV, leaving out <paramref name="without"/>.</summary>
    internal static byte[] BanjarmasinRegistry(params string[] without)
    {
        string[] rows =
        [
            "63.71.04.1005,Kampung KB Pelambuan Sejahtera,Pelambuan,Banjarmasin Barat,Kota Banjarmasin,Berkembang,pokja.pelambuan@example.org,pkb.bjmbarat@example.org",
            "63.71.03.1002,Kampung KB Banua Anyar,Banua Anyar,Banjarmasin Timur,Kota Banjarmasin,Mandiri,pokja.banuaanyar@example.org,pkb.bjmtimur@example.org",
            "63.71.02.1011,Kampung KB Antasan Besar,Antasan Besar,Banjarmasin Tengah,Kota Banjarmasin,Paripurna,pokja.antasanbesar@example.org,pkb.bjmtengah@example.org",
            "63.71.05.1003,Kampung KB Sungai Biru,Sungai Biru,Banjarmasin Utara,Kota Banjarmasin,Berkembang,pokja.sungaibiru@example.org,pkb.bjmutara@example.org",
        ];
        return Encoding.UTF8.GetBytes("Kode Wilayah,Nama Kampung KB,Desa/Kelurahan,Kecamatan,Kabupaten/Kota,Klasifikasi,Email Pokja,Email PKB/PLKB\n"
            + string.Join("\n", rows.Where(r => !without.Any(w => r.StartsWith(w, StringComparison.Ordinal)))) + "\n");
    }

    [SkippableFact]
    public async Task ImportWithoutAKampung_RetiresIt_UploadRefusedAsRetired_ReportsKept_ListedAgainIsActive()
    {
        var h = new PipelineHarness(azurite);
        await h.InitAsync(); // the example registry: four kampung of 63.71, one of 63.01
        var importer = TestStores.RegistryImporter(PipelineHarness.Engine, h.Tables, h.Names, h.Time, NullLogger<RegistryImporter>.Instance);
        var registry = TestStores.For(h.Tables, h.Names).Registry;
        Assert.Equal(UploadStatus.Accepted, (await h.UploadAsync($"{Pelambuan}/kegiatan.xlsx", PipelineHarness.Example("E01"))).Status);

        h.Time.Now = h.Time.Now.AddDays(1);
        var without = await importer.ImportAsync("daftar_baru.csv", BanjarmasinRegistry(Pelambuan));
        Assert.True(without.Accepted, string.Join("; ", without.Problems.Select(p => p.Code)));
        Assert.Equal((3, 1, 0), (without.Kampung, without.Retired, without.Reactivated));

        Assert.DoesNotContain(Pelambuan, (await registry.ListAsync("63.71")).Select(k => k.AreaCode));
        Assert.Equal([TajauPecah], (await registry.ListAsync("63.01")).Select(k => k.AreaCode)); // another kabupaten's file retires nothing here
        Assert.True((await registry.GetAsync(Pelambuan))!.IsRetired);
        Assert.NotNull(await h.Reports.GetAsync("63.71", Pelambuan, new(2025, 10)));            // history stays

        var refused = await h.UploadAsync($"{Pelambuan}/kegiatan_lagi.xlsx", PipelineHarness.Example("E01"));
        Assert.Equal(UploadStatus.Rejected, refused.Status);
        var logged = (await h.Log.ListAsync("63.71")).Single(r => r.UploadId == refused.UploadId);
        var problem = Assert.Single(logged.Problems, p => p.Code == "kampung-retired");
        Assert.Contains("Kampung KB Pelambuan Sejahtera", problem.Message, StringComparison.Ordinal);

        var again = await importer.ImportAsync("daftar_lengkap.csv", BanjarmasinRegistry());
        Assert.Equal((4, 0, 1), (again.Kampung, again.Retired, again.Reactivated));
        Assert.False((await registry.GetAsync(Pelambuan))!.IsRetired);
        Assert.Contains(Pelambuan, (await registry.ListAsync("63.71")).Select(k => k.AreaCode));
        // The rejection depended on the registry: the same file is judged again, now accepted (a rejection that depended on the registry is judged again when it changes).
        Assert.Equal(UploadStatus.Unchanged, (await h.UploadAsync($"{Pelambuan}/kegiatan_lagi.xlsx", PipelineHarness.Example("E01"))).Status);
    }

    [SkippableFact]
    public async Task RetiredKampung_OutOfRecapRemindersAndClasses_NotMissing_NotReminded()
    {
        var h = await NotificationHarness.StartAsync(azurite);
        await h.WriteAsync(Alpha, October, new DateTimeOffset(2025, 11, 3, 2, 0, 0, TimeSpan.Zero), Figures(100, 60));
        var saved = await h.Registry.SaveAsync(h.Entries().Where(e => e.AreaCode != Gamma), new DateTimeOffset(2025, 11, 1, 0, 0, 0, TimeSpan.Zero), retireUnlisted: true);
        Assert.Equal([Gamma], saved.Retired);

        var recap = await h.Compiler.CompileAsync(Settings, October);
        Assert.DoesNotContain(Gamma, recap.Kampung.Select(k => k.AreaCode));
        Assert.Equal(4, recap.Kampung.Count);
        Assert.Equal(4, recap.View.Completeness.Expected);
        Assert.DoesNotContain(recap.View.MissingKampung, m => m.AreaCode == Gamma);
        // Not silently gone: named once, as retired, with the import's date (1 November 2025 in WITA).
        var gone = Assert.Single(recap.View.Retired);
        Assert.Equal((Gamma, new DateOnly(2025, 11, 1)), (gone.AreaCode, gone.RetiredOn));
        Assert.Single(Regex.Matches(recap.Email.Html, Regex.Escape(gone.KampungName)));
        Assert.Contains("Dinonaktifkan dari daftar Kampung KB (1)", recap.Email.Html, StringComparison.Ordinal);
        await EmailGalleryTests.SaveAsync("email-recap-retired", recap.Email.Html); // readable at 360, 390 and 1280 px
        var summary = RecapCompilerTests.ReadXlsx(recap.Xlsx)["Ringkasan"];
        Assert.Contains(summary, r => r[0] as string == "Dinonaktifkan dari daftar (tidak dihitung)" && Convert.ToInt32(r[1]) == 1);
        Assert.Contains(summary, r => r[0] is string label && label.Contains(gone.KampungName, StringComparison.Ordinal) && label.Contains("1 November 2025", StringComparison.Ordinal));
        var reminders = await h.Reminders.RunAsync(Settings, new DateOnly(2025, 11, 7), dryRun: true);
        Assert.DoesNotContain(Gamma, reminders.Items.Select(i => i.AreaCode));
        Assert.Contains(Beta, reminders.Items.Select(i => i.AreaCode));
        Assert.DoesNotContain(h.Mail.Sent, m => m.To.Contains("gamma@pokja.example"));
        var classes = await new ClassReader(h.Registry, h.Reports, new KampungClassifier(ClassCatalogue.Load(Path.Combine(PipelineHarness.Root, "templates")))).ReadAsync(Regency, October);
        Assert.DoesNotContain(Gamma, classes.Kampung.Select(k => k.Kampung.AreaCode));
        Assert.Equal([Gamma], classes.Retired.Select(k => k.AreaCode));
        var cli = KampungKB.Cli.Commands.ClassesCommand.Human(classes, ClassCatalogue.Load(Path.Combine(PipelineHarness.Root, "templates")));
        Assert.Contains($"Dinonaktifkan dari daftar Kampung KB (tidak diklasifikasi, tidak dihitung): {gone.KampungName} ({Gamma}) sejak 1 November 2025", cli, StringComparison.Ordinal);

        var back = await h.Registry.SaveAsync(h.Entries(), new DateTimeOffset(2025, 11, 2, 0, 0, 0, TimeSpan.Zero), retireUnlisted: true);
        Assert.Equal([Gamma], back.Reactivated);
        Assert.Contains(Gamma, (await h.Reminders.RunAsync(Settings, new DateOnly(2025, 11, 7), dryRun: true)).Items.Select(i => i.AreaCode));
    }

    [SkippableFact]
    public async Task RetiredKampung_ItsLink_GetsTheRetiredPage_NoUpload()
    {
        var h = await NotificationHarness.StartAsync(azurite);
        var desk = Page.DeskFactory.Create(h.Links, h.Blobs, h.Tables, h.Names, h.Time);
        var link = await h.Links.IssueAsync(h.Entries().Single(e => e.AreaCode == Gamma));
        var token = link.Url[(link.Url.IndexOf('#') + 1)..];
        Assert.Equal(200, (await desk.HomeAsync(Gamma, token)).StatusCode);

        await h.Registry.SaveAsync(h.Entries().Where(e => e.AreaCode != Gamma), h.Time.GetUtcNow(), retireUnlisted: true);
        var page = await desk.HomeAsync(Gamma, token);
        Assert.Equal(403, page.StatusCode);
        Assert.Contains("id=\"retired\"", page.Body, StringComparison.Ordinal);
        Assert.Equal(403, (await desk.OpenLinkAsync(Gamma, token)).StatusCode);
        Assert.False(await desk.AcceptsAsync(Gamma, token));
        Assert.Equal(403, (await desk.ReceiveAsync(Gamma, token, "laporan.xlsx", PipelineHarness.Example("E01"), wantsJson: false)).StatusCode);
    }
}
