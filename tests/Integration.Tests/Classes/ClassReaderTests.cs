using KampungKB.Core.Jobs.Classes;
using KampungKB.Core.Model;
using KampungKB.Integration.Tests.Azurite;
using KampungKB.Integration.Tests.Pipeline;
using KampungKB.Integration.Tests.Recaps;
using static KampungKB.Integration.Tests.Recaps.NotificationHarness;

namespace KampungKB.Integration.Tests.Classes;

/// <summary>The classification's inputs gathered from a real registry and real reports in Azurite.</summary>
[Collection(AzuriteCollection.Name)]
public class ClassReaderTests(AzuriteFixture azurite)
{
    internal static readonly KampungClassifier Classifier = new(ClassCatalogue.Load(Path.Combine(PipelineHarness.Root, "templates")));

    // Input 4+3+3+2+3 = 15/5 ✓; proses data 3 + mechanisms 3 + partners (≥ 4 → 3) ✓ (docs/classification.md).
    private static readonly KampungProfile Strong = new(true, 12, 3, 2, 3, true, false, true, true, 2, 3);

    // CPR 220/400 = 55% → 4; MKJP 60/220 = 27% → 4; unmet 20/400 = 5% → 4; poktan (25+25+20+10+25)/5 = 21% → 3: output ✓.
    private static readonly Dictionary<string, decimal> Good = new()
    {
        ["pus"] = 400, ["kb_active"] = 220, ["kb_active_iud"] = 30, ["kb_active_mow"] = 10, ["kb_active_implant"] = 20, ["kb_active_injectable"] = 100,
        ["kb_active_pill"] = 50, ["kb_active_condom"] = 10, ["unmet_need"] = 20, ["families"] = 300, ["families_with_toddlers"] = 80, ["bkb_members"] = 20,
        ["families_with_teens"] = 60, ["bkr_members"] = 15, ["families_with_elderly"] = 50, ["bkl_members"] = 10, ["uppka_members"] = 30, ["pikr_members"] = 15,
    };

    // CPR 28% → 1, unmet 14% → 1, no methods or poktan → 1: output ✗.
    private static readonly Dictionary<string, decimal> Weak = new() { ["pus"] = 500, ["kb_active"] = 140, ["unmet_need"] = 70 };

    private async Task<(NotificationHarness H, ClassReport Report)> SeedAsync()
    {
        var h = new NotificationHarness(azurite);
        await h.InitAsync();
        var entries = h.Entries().Select(e => e.AreaCode is Alpha or Beta or Epsilon ? e with { Profile = Strong } : e).ToList();
        await h.Registry.SaveAsync(entries, h.Time.Now);
        var dec = new ReportingPeriod(2024, 12);
        var at = new DateTimeOffset(2025, 1, 5, 0, 0, 0, TimeSpan.Zero);
        // Alpha at the end of 2024: weak figures, 4 partners → input ✓ proses ✓ output ✗ = berkembang.
        await h.WriteAsync(Alpha, dec, at, Weak, Act("Ekonomi", 1, 1, null, "Puskesmas", "KUA", "PKK", "Dinas Sosial"));
        // Epsilon: 7 partners in October 2024 → within December 2024's 12 months (Jan–Dec 2024): berkembang then; October
        // 2025's window (Nov 2024–Oct 2025) has no activities of Epsilon at all: partners missing → proses ✗ → dasar.
        await h.WriteAsync(Epsilon, new ReportingPeriod(2024, 10), at.AddMonths(-2), Weak, Act("Ekonomi", 1, 1, null, "a", "b", "c", "d", "e", "f", "g"));
        // Alpha in September: good figures; December's partners are still within 12 months → berkelanjutan (also in October, figures carried).
        await h.WriteAsync(Alpha, October.Previous, new DateTimeOffset(2025, 10, 3, 0, 0, 0, TimeSpan.Zero), Good);
        // Beta in October only: good figures, partners written four ways, four agencies → berkelanjutan; nothing before → dasar.
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
        if (!azurite.Require()) return;
        var (_, report) = await SeedAsync();
        var byArea = report.Kampung.ToDictionary(k => k.Kampung.AreaCode);
        Assert.Equal(
            [(Alpha, KampungClass.Berkelanjutan), (Beta, KampungClass.Berkelanjutan), (Gamma, KampungClass.Dasar), (Delta, KampungClass.Dasar), (Epsilon, KampungClass.Dasar)],
            report.Kampung.Select(k => (k.Kampung.AreaCode, k.Now.Class)));
        Assert.Equal(4, byArea[Beta].Now.Score("partners").Value);
        Assert.Equal(October.Previous, byArea[Alpha].FiguresAsOf);
        Assert.Equal(4, byArea[Alpha].Now.Score("partners").Value);
        Assert.Null(byArea[Epsilon].Now.Score("partners").Value);
        Assert.Equal(ClassCatalogue.IndicatorCodes, byArea[Delta].Now.Missing);
        Assert.Equal(new Dictionary<KampungClass, int> { [KampungClass.Dasar] = 3, [KampungClass.Berkembang] = 0, [KampungClass.Mandiri] = 0, [KampungClass.Berkelanjutan] = 2 },
            report.Distribution);
    }

    [SkippableFact]
    public async Task Registry_ProfileColumns_RoundTripThroughTheStore()
    {
        if (!azurite.Require()) return;
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
        if (!azurite.Require()) return;
        var (_, report) = await SeedAsync();
        Assert.Equal(new ReportingPeriod(2024, 12), report.Baseline);
        // Since September Beta rose (dasar → berkelanjutan) and Epsilon fell (berkembang → dasar: its October 2024 partners
        // were in September's window, Oct 2024–Sep 2025, and left October's).
        Assert.Equal([(Beta, KampungClass.Dasar), (Epsilon, KampungClass.Berkembang)],
            report.MovedSincePrevious.Select(k => (k.Kampung.AreaCode, k.Previous!.Class)));
        // Since the start of the year: Alpha berkembang → berkelanjutan, Beta dasar → berkelanjutan, Epsilon berkembang → dasar (down).
        Assert.Equal([(Alpha, KampungClass.Berkembang), (Beta, KampungClass.Dasar), (Epsilon, KampungClass.Berkembang)],
            report.MovedSinceYearStart.Select(k => (k.Kampung.AreaCode, k.YearStart!.Class)));
        // 5 kampung × 5% = 0.25 → 1 must rise; 2 rose.
        Assert.Equal((2, 1, 0), (report.RoseThisYear, report.TargetCount, report.MoreToRise));
    }

    [SkippableFact]
    public async Task Recap_ClassSection_ComputedNextToOfficial_MovesTargetAndLifts_AndKelasSheet()
    {
        if (!azurite.Require()) return;
        var (h, _) = await SeedAsync();
        var recap = await h.Compiler.CompileAsync(Settings, October);
        var c = recap.View.Classification!;
        // Computed: 3 dasar, 2 berkelanjutan. Official (registry): Alpha mandiri, Beta berkembang, Gamma and Delta dasar, Epsilon berkelanjutan.
        Assert.Equal([("Dasar", 3, 2), ("Berkembang", 0, 1), ("Mandiri", 0, 1), ("Paripurna", 2, 1)],
            c.Distribution.Select(d => (d.Label, d.Computed, d.Official)));
        Assert.Equal((2, 1, 0, "2024-12"), (c.Rose, c.TargetCount, c.MoreToRise, c.BaselinePeriod));
        // Alpha and Beta have all 12 inputs; Gamma (no profile), Delta (nothing) and Epsilon (no partners, no figures since
        // its October 2024 report left the 12 months) lack some.
        Assert.Equal(3, c.IncompleteData);
        Assert.Equal([("Kampung KB Beta", "Dasar", "Paripurna", true), (HostileName, "Berkembang", "Dasar", false)],
            c.MovedSincePrevious.Select(m => (m.KampungName, m.From, m.To, m.Up)));
        // Epsilon: input ✓ only; proses data 3 + mechanisms 3 + partners missing (1) = 7 of 9: one band each, missing first —
        // partners 1 → 2, then the lowest of the rest (data sources, 2 sources: 3 → 4 needs at least 4) — to berkembang.
        var epsilon = c.NearestToRise.Single(l => l.AreaCode == Epsilon);
        Assert.Equal(("Dasar", "Berkembang"), (epsilon.Class, epsilon.NextClass));
        Assert.Equal(["Mitra lintas sektor dalam kegiatan (12 bulan): belum ada data, isi/laporkan (skor 1 → 2)",
            "Sumber data untuk perencanaan: 2 → minimal 4 (skor 3 → 4)"], epsilon.Items);

        var html = recap.Email.Html;
        // docs/img/recap-classes-phone.png is rendered from this recap: set KKB_DOCS_RECAP_HTML to a path to write it.
        if (Environment.GetEnvironmentVariable("KKB_DOCS_RECAP_HTML") is { Length: > 0 } docs) await File.WriteAllTextAsync(docs, html);
        Assert.Contains("Paling dekat naik kelas", html);
        Assert.Contains("Berpindah kelas sejak bulan lalu (2)", html);
        Assert.DoesNotContain("<script>", html);

        var sheet = RecapCompilerTests.ReadXlsx(recap.Xlsx)["Kelas"];
        Assert.Equal(1 + 5, sheet.Count);
        Assert.Equal([Alpha, "Paripurna", "Mandiri"], sheet[1][..1].Append(sheet[1][3]).Append(sheet[1][4]));
    }
}
