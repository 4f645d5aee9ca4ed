using KampungKB.Core.Jobs.Classes;

namespace KampungKB.Core.Tests.Classes;

/// <summary>
/// Twelve kampung of one kabupaten, as a dinas would have them: some unreported, some with only a profile,
/// some with only figures. Each class below was computed by hand from shared/domain.md in the comments.
/// </summary>
public sealed class KabupatenDataSetTests
{
    private static readonly KampungClassifier Classifier = new(ClassifierBoundaryTests.Catalogue);

    // Profiles (decree, members, trained, funding, poktan, secretariat, DataKu, PKB, regulation, data sources, mechanisms).
    // Strong: pokja 3 points → 4; funding 2 → 3; poktan 3 → 3; sarana 1 → 2; PKB+reg 2 → 3: input 15/5 = 3.0 ✓.
    //         data 2 → 3; mechanisms 3 → 3 (proses reaches with partners ≥ 4 → 3: 9/3 = 3.0 ✓).
    // The Pokja board (website: pokja_pengurusan_flag) is stated with the decree here.
    private static readonly KampungProfile Strong = new(true, 12, 3, 2, 3, true, false, true, true, 2, 3, PokjaBoard: true);
    // Weak proses: same input; data 1 → 2, mechanisms 2 → 2 (with partners 1 → 2: 6/3 = 2.0 ✗).
    private static readonly KampungProfile WeakProses = Strong with { DataSources = 1, Mechanisms = 2 };
    // Everything stated as none: every input and proses score 1, nothing missing.
    private static readonly KampungProfile None = new(false, 0, 0, 0, 0, false, false, false, false, 0, 0, PokjaBoard: false);

    // Good figures: 400 PUS, methods 30+10+0+20+100+50+10 = 220 users → CPR 55% → 4; MKJP 60/220 = 27.3% → 27 → 4;
    // unmet (12+8)/400 = 5% → 4; poktan BKB 20/80 25%, BKR 15/60 25%, BKL 10/50 20%, UPPKA 30/300 10%, PIK-R 15 of 60 teens 25%
    // → (25+25+20+10+25)/5 = 21 → 3. Output (4+4+4+3)/4 = 3.75 ✓.
    private static readonly Dictionary<string, decimal> Good = F(("pus", 400), ("kb_active_iud", 30), ("kb_active_mow", 10), ("kb_active_mop", 0),
        ("kb_active_implant", 20), ("kb_active_injectable", 100), ("kb_active_pill", 50), ("kb_active_condom", 10),
        ("pus_not_kb_want_child_later", 12), ("pus_not_kb_no_more_children", 8), ("families", 300),
        ("families_with_toddlers", 80), ("bkb_members", 20), ("families_with_teens", 60), ("bkr_members", 15),
        ("families_with_elderly", 50), ("bkl_members", 10), ("uppka_members", 30), ("teens", 60), ("pikr_members", 15));

    // Exactly three: 300 PUS, 123 users (10 IUD, 18 implant, 60 suntik, 35 pil) → CPR 41% → 3; MKJP 28/123 = 22.8% → 23 → 3;
    // unmet (20+7)/300 = 9% → 3; poktan BKB 10/50 20%, BKR 8/40 20%, BKL 9/30 30%, UPPKA 50/250 20%, PIK-R 12 of 40 teens 30%
    // → 24% → 3. Output 12/4 = 3.0 ✓.
    private static readonly Dictionary<string, decimal> Three = F(("pus", 300), ("kb_active", 123), ("kb_active_iud", 10), ("kb_active_implant", 18),
        ("kb_active_injectable", 60), ("kb_active_pill", 35), ("pus_not_kb_want_child_later", 20), ("pus_not_kb_no_more_children", 7),
        ("families", 250), ("families_with_toddlers", 50), ("bkb_members", 10), ("families_with_teens", 40), ("bkr_members", 8),
        ("families_with_elderly", 30), ("bkl_members", 9), ("uppka_members", 50), ("teens", 40), ("pikr_members", 12));

    // Just under: as Three with 121 users (pil 33) → CPR 40.3% → 40 → 2; MKJP 28/121 = 23.1% → 23 → 3. Output 11/4 = 2.75 ✗.
    private static readonly Dictionary<string, decimal> JustUnder = new(Three) { ["kb_active"] = 121, ["kb_active_pill"] = 33 };

    // Weak: 500 PUS, 140 users (5 IUD, 10 implant, 80 suntik, 40 pil, 5 kondom) → CPR 28% → 1; MKJP 15/140 = 10.7% → 11 → 1;
    // a reported Unmet Need total (70) is not read by the website: no IAT/TIAL row → NULL → 1; only BKB 4/80 = 5% → (5+0+0+0+0)/5 = 1% → 1. Output 4/4 = 1.0 ✗.
    private static readonly Dictionary<string, decimal> Weak = F(("pus", 500), ("kb_active_iud", 5), ("kb_active_implant", 10),
        ("kb_active_injectable", 80), ("kb_active_pill", 40), ("kb_active_condom", 5), ("unmet_need", 70),
        ("families_with_toddlers", 80), ("bkb_members", 4));

    // Moderate, no method rows: 200 PUS, 100 users → CPR 50% → 3; MKJP missing → 1; the Unmet Need total is not read → 1; no poktan → 1. 6/4 ✗.
    private static readonly Dictionary<string, decimal> NoMethods = F(("pus", 200), ("kb_active", 100), ("unmet_need", 20));

    // The inputs travel as object: ClassInputs is internal to Core, and a theory's data and parameters are public.
    public static TheoryData<string, object, KampungClass> Kampung => new()
    {
        // K01 nothing reported: 1/1/1 → dasar (all 12 missing).
        { "K01", new ClassInputs(null, null, null), KampungClass.Dasar },
        // K02 strong profile, 4 partners, no figures: input 3.0 ✓ proses 3.0 ✓ output 1.0 ✗ → berkembang.
        { "K02", new ClassInputs(Strong, null, 4), KampungClass.Berkembang },
        // K03 good figures, no profile, 2 partners (→ 2): input 1.0 ✗, proses (1+1+2)/3 ✗, output 3.75 ✓ → only one → dasar.
        { "K03", new ClassInputs(null, Good, 2), KampungClass.Dasar },
        // K04 input 3.0 ✓, proses (2+2+2)/3 = 2.0 ✗ (1 partner), output 3.75 ✓ → mandiri.
        { "K04", new ClassInputs(WeakProses, Good, 1), KampungClass.Mandiri },
        // K05 input ✓, proses 3+3+4 (7 partners) = 10/3 ✓, output ✓ → berkelanjutan.
        { "K05", new ClassInputs(Strong, Good, 7), KampungClass.Berkelanjutan },
        // K06 pokja with members only (2 points → 3), funding 2 → 3, poktan 3 → 3, sarana 1 → 2, PKB without regulation → 2:
        //     input 13/5 = 2.6 ✗; data 4 → 4, mechanisms 5 → 4, 0 partners → 1: proses 9/3 ✓; output NoMethods 7/4 ✗ → dasar.
        { "K06", new ClassInputs(new KampungProfile(true, 10, 0, 2, 3, true, false, true, false, 4, 5, PokjaBoard: true), NoMethods, 0), KampungClass.Dasar },
        // K07 Pokja only → 2, funding 1 → 2, poktan 2 → 2, sarana 0 → 1, neither → 1: input 8/5 ✗; data 2, mech 3, 5 partners:
        //     proses 3+3+3 ✓; output Three 3.0 ✓ → mandiri.
        { "K07", new ClassInputs(new KampungProfile(true, 0, 0, 1, 2, false, false, false, false, 2, 3, PokjaBoard: true), Three, 5), KampungClass.Mandiri },
        // K08 as K07 with JustUnder: output 2.75 ✗, proses ✓ only → dasar.
        { "K08", new ClassInputs(new KampungProfile(true, 0, 0, 1, 2, false, false, false, false, 2, 3, PokjaBoard: true), JustUnder, 5), KampungClass.Dasar },
        // K09 strong profile, 4 partners, weak figures: input ✓ proses ✓ output 1.0 ✗ → berkembang.
        { "K09", new ClassInputs(Strong, Weak, 4), KampungClass.Berkembang },
        // K10 everything stated as none, good figures: input 1.0, proses 1.0, output ✓ → dasar (with nothing missing).
        { "K10", new ClassInputs(None, Good, 0), KampungClass.Dasar },
        // K11 decree and 2 trained, members unknown (2 points → 3), funding 5 → 4, poktan 5 → 4, sarana 2 → 3, PKB only
        //     (regulation unknown) → 2: input 16/5 = 3.2 ✓; no proses data, no activities: 1.0 ✗; output Three ✓ → mandiri.
        { "K11", new ClassInputs(new KampungProfile(true, null, 2, 5, 5, true, true, true, null, null, null, PokjaBoard: true), Three, null), KampungClass.Mandiri },
        // K12 K11's input ✓, data 3 → 3, mech 4 → 3, 6 partners → 3: proses 9/3 ✓; output Good ✓ → berkelanjutan.
        { "K12", new ClassInputs(new KampungProfile(true, null, 2, 5, 5, true, true, true, null, 3, 4, PokjaBoard: true), Good, 6), KampungClass.Berkelanjutan },
    };

    [Theory]
    [MemberData(nameof(Kampung))]
    public void Kampung_ClassComputedByHand(string id, object inputs, KampungClass expected) =>
        Assert.True(expected == Classifier.Classify((ClassInputs)inputs).Class, $"{id}: expected {expected}, got {Classifier.Classify((ClassInputs)inputs).Class}");

    [Fact]
    public void Kabupaten_DistributionComputedByHand()
    {
        // dasar K01 K03 K06 K08 K10 = 5; berkembang K02 K09 = 2; mandiri K04 K07 K11 = 3; berkelanjutan K05 K12 = 2.
        var counts = Kampung.Select(row => Classifier.Classify((ClassInputs)row[1]).Class).GroupBy(c => c).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(5, counts[KampungClass.Dasar]);
        Assert.Equal(2, counts[KampungClass.Berkembang]);
        Assert.Equal(3, counts[KampungClass.Mandiri]);
        Assert.Equal(2, counts[KampungClass.Berkelanjutan]);
    }

    [Fact]
    public void K11_PartlyKnownProfile_ListsTheMissingParts()
    {
        var c = Classifier.Classify((ClassInputs)Kampung.First(r => (string)r[0] == "K11")[1]);
        Assert.Equal(["dataSources", "mechanisms", "partners", "pokja.members", "pkbAndRegulation.regulation"], c.Missing);
    }

    [Fact]
    public void K10_DasarWithNothingMissing_IsTrulyDasar() =>
        Assert.Empty(Classifier.Classify(new ClassInputs(None, Good, 0)).Missing);

    [Fact]
    public void Lifts_K06_TwoInputStepsToBerkembang()
    {
        // K06: proses reaches. Berkembang needs input 15 − 13 = 2 steps; mandiri needs output 12 − 7 = 5. The two lowest
        // input scores are sarana (2) and PKB/regulation (2), each one band up to 3.
        var lifts = Classifier.Lifts(Classifier.Classify(new ClassInputs(new KampungProfile(true, 10, 0, 2, 3, true, false, true, false, 4, 5, PokjaBoard: true), NoMethods, 0)));
        Assert.Equal([("facilities", 2, 3), ("pkbAndRegulation", 2, 3)], lifts.Select(l => (l.Code, l.Score, l.TargetScore)));
    }

    [Fact]
    public void Lifts_K08_OneCprBandToMandiri()
    {
        // K08: output 11/4 is one step short; CPR 40% (2) → band 41–50 (3) lifts it to mandiri.
        var lift = Assert.Single(Classifier.Lifts(Classifier.Classify(new ClassInputs(new KampungProfile(true, 0, 0, 1, 2, false, false, false, false, 2, 3, PokjaBoard: true), JustUnder, 5))));
        Assert.Equal(("cpr", 40, 2, 3, 41, 50), (lift.Code, lift.Value, lift.Score, lift.TargetScore, lift.TargetBand.From, lift.TargetBand.To));
    }

    [Fact]
    public void Lifts_K03_MissingProsesFirst()
    {
        // K03: output reaches; proses (1+1+2) needs 5 steps, input 10: mandiri through proses. Missing data sources and
        // mechanisms come first, each one band per round: data 1→2→3, mechanisms 1→2→3, partners 2→3.
        var lifts = Classifier.Lifts(Classifier.Classify(new ClassInputs(null, Good, 2)));
        Assert.Equal([("dataSources", 1, 3), ("mechanisms", 1, 3), ("partners", 2, 3)], lifts.Select(l => (l.Code, l.Score, l.TargetScore)));
    }

    [Fact]
    public void Lifts_Berkelanjutan_None() =>
        Assert.Empty(Classifier.Lifts(Classifier.Classify(new ClassInputs(Strong, Good, 7))));

    private static Dictionary<string, decimal> F(params (string Code, int Value)[] figures) =>
        figures.ToDictionary(f => f.Code, f => (decimal)f.Value, StringComparer.Ordinal);
}
