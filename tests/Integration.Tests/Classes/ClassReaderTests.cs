using KampungKB.Core.Jobs.Classes;
using static KampungKB.Integration.Tests.Recaps.NotificationHarness;

namespace KampungKB.Integration.Tests.Classes;

/// <summary>The classification's inputs gathered from a real registry and real reports in Azurite.</summary>
[Collection(AzuriteCollection.Name)]
public class ClassReaderTests(AzuriteFixture azurite)
{
    internal static readonly KampungClassifier Classifier = new(ClassCatalogue.Load(Path.Combine(PipelineHarness.Root, "templates")));

    // Input: Pokja board, members, trained 4 + funding 3 + poktan 3 + sarana 2 + PKB/reg 3 = 15/5 ✓; proses data 3 + mechanisms 3
    // + partners (≥ 4 → 3) ✓ (docs/classification.md).
    private static readonly KampungProfile Strong = new(true, 12, 3, 2, 3, true, false, true, true, 2, 3, PokjaBoard: true);

    // CPR 220/400 = 55 → 4; MKJP 60/220 = 27.3 → 27 → 4; unmet (IAT 12 + TIAL 8)/400 = 5 → 4; poktan 25, 25, 20, 10 and PIK-R
    // 15 of 60 teens 25 → 105/5 = 21 → 3: output ✓.
    private static readonly Dictionary<string, decimal> Good = new()
    {
        ["pus"] = 400, ["kb_active"] = 220, ["kb_active_iud"] = 30, ["kb_active_mow"] = 10, ["kb_active_implant"] = 20, ["kb_active_injectable"] = 100,
        ["kb_active_pill"] = 50, ["kb_active_condom"] = 10, ["pus_not_kb_want_child_later"] = 12, ["pus_not_kb_no_more_children"] = 8, ["families"] = 300, ["teens"] = 60, ["families_with_toddlers"] = 80, ["bkb_members"] = 20,
        ["families_with_teens"] = 60, ["bkr_members"] = 15, ["families_with_elderly"] = 50, ["bkl_members"] = 10, ["uppka_members"] = 30, ["pikr_members"] = 15,
    };

    // CPR 140/500 = 28 → 1; no method rows: MKJP → 1; the Unmet Need total is not read (no IAT/TIAL) → 1; no poktan → 1: output ✗.
    private static readonly Dictionary<string, decimal> Weak = new() { ["pus"] = 500, ["kb_active"] = 140, ["unmet_need"] = 70 };

    private async Task<(NotificationHarness H, ClassReport Report)> SeedAsync()
    {
        var h = await NotificationHarness.StartAsync(azurite);
        var entries = h.Entries().Select(e => e.AreaCode is Alpha or Beta or Epsilon ? e with { Profile = Strong } : e).ToList();
        await h.Registry.SaveAsync(entries, h.Time.Now);
        var dec = new ReportingPeriod(2024, 12);
        var at = new DateTimeOffset(2025, 1, 5, 0, 0, 0, TimeSpan.Zero);
        // Alpha at the end of 2024: weak figures, 4 partners → input ✓ proses ✓ output ✗ = berkembang.
        await h.WriteAsync(Alpha, dec, at, Weak, Act("Ekonomi", 1, 1, null, "Puskesmas", "KUA", "PKK", "Dinas Sosial"));
        // Epsilon: seven free-text partners in October 2024, none of the website's 36 agencies: all together "Lainnya", 1 → 2;
        // proses 3 + 3 + 2 = 8 ✗ → dasar, in December 2024 and ever after (partners count over all time).
        await h.WriteAsync(Epsilon, new ReportingPeriod(2024, 10), at.AddMonths(-2), Weak, Act("Ekonomi", 1, 1, null, "a", "b", "c", "d", "e", "f", "g"));
        // Epsilon's October 2025 upload was refused by our validation, but it named seven agencies of the website's list: the
        // website takes it (Lainnya + 7 = 8 → 4, proses 10 ✓ → berkembang); the data that passed our checks stays dasar.
        var refused = new IngestionReport("laporan.xlsx", ReportStatus.Rejected, October, null,
            [Act("Kesehatan", 3, 4, null, "Dinas Kesehatan", "Dinas Sosial", "Dinas Pertanian", "BPS", "Puskesmas", "KUA", "Dinas Kelautan dan Perikanan")],
            new Dictionary<string, decimal>(), []);
        await h.Reports.WriteReportedAsync(h.Entries().Single(e => e.AreaCode == Epsilon) with { Profile = Strong }, October, "20251104T000000-refused",
            new DateTimeOffset(2025, 11, 4, 0, 0, 0, TimeSpan.Zero), refused, ["date-outside-period"]);
        // Alpha in September: good figures; December's partners count over all time → berkelanjutan (also in October: the latest figures).
        await h.WriteAsync(Alpha, October.Previous, new DateTimeOffset(2025, 10, 3, 0, 0, 0, TimeSpan.Zero), Good);
        // Beta in October only: good figures; partners Puskesmas (twice), KUA (Kanwil Kementrian Agama), Dinas Sosial and PKK (free
        // text: Lainnya) → 4 → 3 → berkelanjutan; nothing before → dasar.
        await h.WriteAsync(Beta, October, new DateTimeOffset(2025, 11, 3, 0, 0, 0, TimeSpan.Zero), Good,
            Act("Kesehatan", 2, 3, null, "Puskesmas", " puskesmas ", "KUA"), Act("Sosial", 2, 3, null, "PKK", "Dinas  Sosial"));
        // Gamma: good figures but no profile and no activities → only output ✓ → dasar. Delta: nothing.
        await h.WriteAsync(Gamma, October, new DateTimeOffset(2025, 11, 4, 0, 0, 0, TimeSpan.Zero), Good);
        var reader = new ClassReader(h.Registry, h.Reports, Classifier);
        return (h, await reader.ReadAsync(Regency, October));
    }

    [SkippableFact]
    public async Task RealisticKabupaten_ClassesFromProfileFiguresAndPartners()
    {
        var (_, report) = await SeedAsync();
        var byArea = report.Kampung.ToDictionary(k => k.Kampung.AreaCode);
        Assert.Equal(
            [(Alpha, KampungClass.Berkelanjutan), (Beta, KampungClass.Berkelanjutan), (Gamma, KampungClass.Dasar), (Delta, KampungClass.Dasar), (Epsilon, KampungClass.Berkembang)],
            report.Kampung.Select(k => (k.Kampung.AreaCode, k.Now.Class)));
        Assert.Equal(4, byArea[Beta].Now.Score("partners").Value);
        Assert.Equal(October.Previous, byArea[Alpha].FiguresAsOf);
        Assert.Equal(4, byArea[Alpha].Now.Score("partners").Value);
        Assert.Equal(8, byArea[Epsilon].Now.Score("partners").Value);
        // The refused October upload is listed beside the website's class, and the class from checked data differs, with the reason.
        var refusedUse = Assert.Single(byArea[Epsilon].Refused);
        Assert.Equal((October, "20251104T000000-refused", "date-outside-period"), (refusedUse.Period, refusedUse.UploadId, refusedUse.ProblemCodes.Single()));
        Assert.Equal(KampungClass.Dasar, byArea[Epsilon].Checked!.Class);
        Assert.Equal(1, byArea[Epsilon].Checked!.Score("partners").Value);
        Assert.All(report.Kampung.Where(k => k.Kampung.AreaCode != Epsilon), k => Assert.Null(k.Checked));
        Assert.Equal(ClassCatalogue.IndicatorCodes, byArea[Delta].Now.Missing);
        Assert.Equal(new Dictionary<KampungClass, int> { [KampungClass.Dasar] = 2, [KampungClass.Berkembang] = 1, [KampungClass.Mandiri] = 0, [KampungClass.Berkelanjutan] = 2 },
            report.Distribution);
    }

    [SkippableFact]
    public async Task Registry_ProfileColumns_RoundTripThroughTheStore()
    {
        var (h, _) = await SeedAsync();
        Assert.Equal(Strong, (await h.Registry.GetAsync(Alpha))!.Profile);
        Assert.Null((await h.Registry.GetAsync(Gamma))!.Profile);
        // A re-import without the profile columns clears them (insert or replace), so stale profiles never score.
        await h.Registry.SaveAsync([(await h.Registry.GetAsync(Alpha))! with { Profile = new KampungProfile(Mechanisms: 0) }], h.Time.Now);
        Assert.Equal(new KampungProfile(Mechanisms: 0), (await h.Registry.GetAsync(Alpha))!.Profile);
    }

    [SkippableFact]
    public async Task RealisticKabupaten_MovesAndTheFivePercentTarget()
    {
        var (_, report) = await SeedAsync();
        Assert.Equal(new ReportingPeriod(2024, 12), report.Baseline);
        // Since September Beta rose (dasar → berkelanjutan) and Epsilon rose (dasar → berkembang, with its refused October upload).
        Assert.Equal([(Beta, KampungClass.Dasar), (Epsilon, KampungClass.Dasar)],
            report.MovedSincePrevious.Select(k => (k.Kampung.AreaCode, k.Previous!.Class)));
        // Since the start of the year: Alpha berkembang → berkelanjutan, Beta dasar → berkelanjutan, Epsilon dasar → berkembang.
        Assert.Equal([(Alpha, KampungClass.Berkembang), (Beta, KampungClass.Dasar), (Epsilon, KampungClass.Dasar)],
            report.MovedSinceYearStart.Select(k => (k.Kampung.AreaCode, k.YearStart!.Class)));
        // 5 kampung × 5% = 0.25 → 1 must rise; 3 rose.
        Assert.Equal((3, 1, 0), (report.RoseThisYear, report.TargetCount, report.MoreToRise));
    }

    [SkippableFact]
    public async Task Recap_ClassSection_ComputedNextToOfficial_MovesTargetAndLifts_AndKelasSheet()
    {
        var (h, _) = await SeedAsync();
        var recap = await h.Compiler.CompileAsync(Settings, October);
        var c = recap.View.Classification!;
        // Computed: 2 dasar, 1 berkembang, 2 berkelanjutan. Official (registry): Alpha mandiri, Beta berkembang, Gamma and Delta dasar, Epsilon berkelanjutan.
        Assert.Equal([("Dasar", 2, 2), ("Berkembang", 1, 1), ("Mandiri", 0, 1), ("Paripurna", 2, 1)],
            c.Distribution.Select(d => (d.Label, d.Computed, d.Official)));
        Assert.Equal((3, 1, 0, "2024-12"), (c.Rose, c.TargetCount, c.MoreToRise, c.BaselinePeriod));
        // Alpha and Beta have all 12 inputs; Gamma (no profile), Delta (nothing) and Epsilon (weak figures without poktan) lack some.
        Assert.Equal(3, c.IncompleteData);
        Assert.Equal([("Kampung KB Beta", "Dasar", "Paripurna", true), (HostileName, "Dasar", "Berkembang", true)],
            c.MovedSincePrevious.Select(m => (m.KampungName, m.From, m.To, m.Up)));
        // Epsilon's class "menurut data yang lolos pemeriksaan" differs, with the refused month and its code.
        var diff = Assert.Single(c.Differences);
        Assert.Equal((Epsilon, "Berkembang", "Dasar"), (diff.AreaCode, diff.Website, diff.Checked));
        Assert.Contains("2025-10", diff.Reason, StringComparison.Ordinal);
        Assert.Contains("date-outside-period", diff.Problems, StringComparison.Ordinal);
        Assert.Equal(1, c.UsedRefused);

        var html = recap.Email.Html;
        // docs/img/recap-classes-phone.png is rendered from this recap: set KKB_DOCS_RECAP_HTML to a path to write it.
        if (Environment.GetEnvironmentVariable("KKB_DOCS_RECAP_HTML") is { Length: > 0 } docs) await File.WriteAllTextAsync(docs, html);
        Assert.Contains("Paling dekat naik kelas", html);
        Assert.Contains("Berpindah kelas sejak bulan lalu (2)", html);
        Assert.Contains("menurut data yang lolos pemeriksaan", html);
        Assert.DoesNotContain("<script>", html);

        var sheet = RecapCompilerTests.ReadXlsx(recap.Xlsx)["Kelas"];
        Assert.Equal(1 + 5, sheet.Count);
        Assert.Equal([Alpha, "Paripurna", "Mandiri"], sheet[1][..1].Append(sheet[1][3]).Append(sheet[1][4]));
    }
}
