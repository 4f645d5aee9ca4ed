using KampungKB.Core.Jobs.Classes;

namespace KampungKB.Core.Tests.Classes;

/// <summary>
/// Every threshold of shared/domain.md ("Classification in full"), written here by hand from the table there,
/// against the bands the catalogue loads from templates/classes, and the raw computations (rounding, sums).
/// </summary>
public sealed class ClassifierBoundaryTests
{
    internal static ClassCatalogue Catalogue { get; } = ClassCatalogue.Load(Repo.Templates);
    private static readonly KampungClassifier Classifier = new(Catalogue);

    [Theory]
    // Pokja points: none → 1; Pokja only → 2; with members or trained → 3; members and trained → 4.
    [InlineData("pokja", 0, 1)] [InlineData("pokja", 1, 2)] [InlineData("pokja", 2, 3)] [InlineData("pokja", 3, 4)]
    // funding sources: 0 → 1; 1 → 2; 2–4 → 3; more than 4 → 4.
    [InlineData("fundingSources", 0, 1)] [InlineData("fundingSources", 1, 2)] [InlineData("fundingSources", 2, 3)]
    [InlineData("fundingSources", 4, 3)] [InlineData("fundingSources", 5, 4)] [InlineData("fundingSources", 9, 4)]
    // poktan owned: 0 → 1; 1–2 → 2; 3–4 → 3; all 5 → 4.
    [InlineData("poktanOwned", 0, 1)] [InlineData("poktanOwned", 1, 2)] [InlineData("poktanOwned", 2, 2)]
    [InlineData("poktanOwned", 3, 3)] [InlineData("poktanOwned", 4, 3)] [InlineData("poktanOwned", 5, 4)]
    // sarana (secretariat, Rumah DataKu): 0 → 1; 1 → 2; 2 → 3.
    [InlineData("facilities", 0, 1)] [InlineData("facilities", 1, 2)] [InlineData("facilities", 2, 3)]
    // PKB/PLKB and regulation: neither → 1; one → 2; both → 3.
    [InlineData("pkbAndRegulation", 0, 1)] [InlineData("pkbAndRegulation", 1, 2)] [InlineData("pkbAndRegulation", 2, 3)]
    // data sources: 0 → 1; 1 → 2; 2–3 → 3; more than 3 → 4.
    [InlineData("dataSources", 0, 1)] [InlineData("dataSources", 1, 2)] [InlineData("dataSources", 2, 3)]
    [InlineData("dataSources", 3, 3)] [InlineData("dataSources", 4, 4)]
    // operational mechanisms: 0 → 1; 1–2 → 2; 3–4 → 3; 5 → 4.
    [InlineData("mechanisms", 0, 1)] [InlineData("mechanisms", 1, 2)] [InlineData("mechanisms", 2, 2)]
    [InlineData("mechanisms", 3, 3)] [InlineData("mechanisms", 4, 3)] [InlineData("mechanisms", 5, 4)]
    // distinct partners: 0 → 1; 1–3 → 2; 4–6 → 3; more than 6 → 4.
    [InlineData("partners", 0, 1)] [InlineData("partners", 1, 2)] [InlineData("partners", 3, 2)]
    [InlineData("partners", 4, 3)] [InlineData("partners", 6, 3)] [InlineData("partners", 7, 4)]
    // poktan participation %: < 10 → 1; 10–20 → 2; 21–30 → 3; > 30 → 4.
    [InlineData("poktanParticipation", 0, 1)] [InlineData("poktanParticipation", 9, 1)] [InlineData("poktanParticipation", 10, 2)]
    [InlineData("poktanParticipation", 20, 2)] [InlineData("poktanParticipation", 21, 3)] [InlineData("poktanParticipation", 30, 3)]
    [InlineData("poktanParticipation", 31, 4)]
    // CPR %: < 30 → 1; 30–40 → 2; 41–50 → 3; > 50 → 4.
    [InlineData("cpr", 29, 1)] [InlineData("cpr", 30, 2)] [InlineData("cpr", 40, 2)] [InlineData("cpr", 41, 3)]
    [InlineData("cpr", 50, 3)] [InlineData("cpr", 51, 4)] [InlineData("cpr", 100, 4)]
    // MKJP share %: < 20 → 1; 20–22 → 2; 23–24 → 3; > 24 → 4.
    [InlineData("mkjp", 19, 1)] [InlineData("mkjp", 20, 2)] [InlineData("mkjp", 22, 2)] [InlineData("mkjp", 23, 3)]
    [InlineData("mkjp", 24, 3)] [InlineData("mkjp", 25, 4)]
    // unmet need %: ≥ 13 → 1; 10–12 → 2; 7–9 → 3; ≤ 6 → 4.
    [InlineData("unmetNeed", 0, 4)] [InlineData("unmetNeed", 6, 4)] [InlineData("unmetNeed", 7, 3)] [InlineData("unmetNeed", 9, 3)]
    [InlineData("unmetNeed", 10, 2)] [InlineData("unmetNeed", 12, 2)] [InlineData("unmetNeed", 13, 1)] [InlineData("unmetNeed", 40, 1)]
    public void Band_ValueAtThreshold_ScoresAsTheWebsite(string code, int value, int expected) =>
        Assert.Equal(expected, Catalogue.Indicator(code).Score(value));

    [Theory]
    // The website's input_pokja reads the board (pokja_pengurusan_flag), the member count and the training flag; not the SK.
    [InlineData(null, 12, true, null, 1)]     // no board stated: NULL → 1 (missing)
    [InlineData(false, 12, true, 0, 1)]       // no board: 1 whatever members and training
    [InlineData(true, 0, false, 1, 2)]        // board only → 2
    [InlineData(true, 12, false, 2, 3)]       // board with members → 3
    [InlineData(true, 0, true, 2, 3)]         // board, trained → 3
    [InlineData(true, 12, true, 3, 4)]        // board, members and trained → 4
    public void Pokja_FromProfile_PointsAndScore(bool? board, int? members, bool? trained, int? points, int score)
    {
        var c = Classifier.Classify(new ClassInputs(new KampungProfile(PokjaDecree: true, PokjaMembers: members, PokjaBoard: board, PokjaTrainedFlag: trained), null, null));
        Assert.Equal(points, c.Score("pokja").Value);
        Assert.Equal(score, c.Score("pokja").Score);
    }

    [Fact]
    public void Pokja_TrainedCountWithoutFlag_CountsAsTrained()
    {
        var c = Classifier.Classify(new ClassInputs(new KampungProfile(PokjaMembers: 12, PokjaTrained: 2, PokjaBoard: true), null, null));
        Assert.Equal(4, c.Score("pokja").Score);
    }

    [Theory]
    // ROUND(users / pus::float * 100): float8, half to even.
    [InlineData(1000, 294, 29, 1)]  // 29.4 → 29
    [InlineData(200, 59, 30, 2)]    // 29.5 → 30 (even)
    [InlineData(200, 81, 40, 2)]    // 40.5 → 40 (even), not 41
    [InlineData(300, 151, 50, 3)]   // 50.33 → 50
    [InlineData(200, 101, 50, 3)]   // 50.5 → 50 (even), not 51
    public void Cpr_RoundedPercentOfPus(int pus, int active, int percent, int score)
    {
        var c = Classifier.Classify(Figures(("pus", pus), ("kb_active", active)));
        Assert.Equal(percent, c.Score("cpr").Value);
        Assert.Equal(score, c.Score("cpr").Score);
    }

    [Fact]
    public void Cpr_OnlyMethodRows_SumsTheSevenMethods()
    {
        // 10+5+1+14+60+30+10 = 130 users of 260 PUS = 50% → 3; MKJP (10+5+1+14)/130 = 23.08% → 23 → 3.
        var c = Classifier.Classify(Figures(("pus", 260), ("kb_active_iud", 10), ("kb_active_mow", 5), ("kb_active_mop", 1), ("kb_active_implant", 14),
            ("kb_active_injectable", 60), ("kb_active_pill", 30), ("kb_active_condom", 10)));
        Assert.Equal((50, 3), (c.Score("cpr").Value, c.Score("cpr").Score));
        Assert.Equal((23, 3), (c.Score("mkjp").Value, c.Score("mkjp").Score));
    }

    [Theory]
    [InlineData(200, 39, 20, 2)]  // 19.5 → 20 (even)
    [InlineData(200, 45, 22, 2)]  // 22.5 → 22 (even)
    [InlineData(100, 24, 24, 3)]
    [InlineData(200, 49, 24, 3)]  // 24.5 → 24 (even)
    public void Mkjp_LongTermShareOfUsers(int active, int implant, int percent, int score)
    {
        var c = Classifier.Classify(Figures(("pus", 1000), ("kb_active", active), ("kb_active_implant", implant), ("kb_active_injectable", active - implant)));
        Assert.Equal((percent, score), (c.Score("mkjp").Value!.Value, c.Score("mkjp").Score));
    }

    [Theory]
    [InlineData(9, 4, 6, 4)]    // (9+4)/200 = 6.5 → 6 (even)
    [InlineData(8, 4, 6, 4)]    // 6
    [InlineData(12, 7, 10, 2)]  // 9.5 → 10 (even)
    [InlineData(20, 5, 12, 2)]  // 12.5 → 12 (even)
    public void UnmetNeed_LaterPlusNoMoreOverPus(int later, int noMore, int percent, int score)
    {
        var c = Classifier.Classify(Figures(("pus", 200), ("pus_not_kb_want_child_later", later), ("pus_not_kb_no_more_children", noMore)));
        Assert.Equal((percent, score), (c.Score("unmetNeed").Value!.Value, c.Score("unmetNeed").Score));
    }

    [Fact]
    public void PoktanParticipation_MeanOverAllFive_MissingPoktanCountZeroAndListed()
    {
        // BKB 20/80 = 25, BKR 15/60 = 25, BKL 10/50 = 20; UPPKA and PIK-R rows absent (no percentage) → round((25+25+20)/5) = 14 → 2.
        var c = Classifier.Classify(Figures(("families_with_toddlers", 80), ("bkb_members", 20), ("families_with_teens", 60), ("bkr_members", 15),
            ("families_with_elderly", 50), ("bkl_members", 10)));
        Assert.Equal((14, 2), (c.Score("poktanParticipation").Value!.Value, c.Score("poktanParticipation").Score));
        Assert.Contains("poktanParticipation.uppka", c.Missing);
        Assert.Contains("poktanParticipation.pikr", c.Missing);
        Assert.DoesNotContain("poktanParticipation", c.Missing);
    }

    [Fact]
    public void NothingReported_EveryIndicatorScoresOneAndIsListedMissing()
    {
        var c = Classifier.Classify(new ClassInputs(null, null, null));
        Assert.All(c.Scores, s => Assert.Equal(1, s.Score));
        Assert.Equal(ClassCatalogue.IndicatorCodes, c.Missing);
        Assert.Equal(KampungClass.Dasar, c.Class);
        Assert.All(c.Indices, i => Assert.Equal(1m, i.Mean));
    }

    [Fact]
    public void StatedZeros_ScoreOneButAreNotMissing()
    {
        var c = Classifier.Classify(new ClassInputs(new KampungProfile(false, 0, 0, 0, 0, false, false, false, false, 0, 0, PokjaBoard: false), null, 0));
        Assert.Equal(1, c.Score("fundingSources").Score);
        Assert.Equal(["poktanParticipation", "cpr", "mkjp", "unmetNeed"], c.Missing);
    }

    [Theory]
    [InlineData(false, false, false, KampungClass.Dasar)]
    [InlineData(true, false, false, KampungClass.Dasar)]
    [InlineData(false, true, false, KampungClass.Dasar)]
    [InlineData(false, false, true, KampungClass.Dasar)]
    [InlineData(true, true, false, KampungClass.Berkembang)]
    [InlineData(true, false, true, KampungClass.Mandiri)]
    [InlineData(false, true, true, KampungClass.Mandiri)]
    [InlineData(true, true, true, KampungClass.Berkelanjutan)]
    public void Decide_EveryBranchOfTheRule(bool input, bool proses, bool output, KampungClass expected) =>
        Assert.Equal(expected, KampungClassifier.Decide(input, proses, output));

    [Fact]
    public void Index_MeanExactlyThree_Reaches_JustBelow_DoesNot()
    {
        // input 4+3+3+2+3 = 15 → 3.0 reaches; proses 3+3+2 = 8 → 2.67 does not.
        var p = new KampungProfile(true, 12, 3, 2, 3, true, false, true, true, 2, 3, PokjaBoard: true);
        var c = Classifier.Classify(new ClassInputs(p, null, 2));
        Assert.Equal((3.00m, true), (c.Index("input").Mean, c.Index("input").Reaches));
        Assert.Equal((2.67m, false), (c.Index("proses").Mean, c.Index("proses").Reaches));
        // One more partner (4 → 3) gives proses 9/3 = 3.0: input and proses → berkembang.
        var d = Classifier.Classify(new ClassInputs(p, null, 4));
        Assert.True(d.Index("proses").Reaches);
        Assert.Equal(KampungClass.Berkembang, d.Class);
    }

    [Fact]
    public void Catalogue_BandsWithAGap_AreRefusedAtStartUp()
    {
        var dir = Directory.CreateTempSubdirectory("kkb-classes-");
        try
        {
            Directory.CreateDirectory(Path.Combine(dir.FullName, "classes"));
            var text = File.ReadAllText(Path.Combine(Repo.Templates, "classes", ClassCatalogue.FileName))
                .Replace("{ \"from\": 41, \"to\": 50, \"score\": 3 }", "{ \"from\": 42, \"to\": 50, \"score\": 3 }", StringComparison.Ordinal);
            File.WriteAllText(Path.Combine(dir.FullName, "classes", ClassCatalogue.FileName), text);
            var e = Assert.Throws<InvalidOperationException>(() => ClassCatalogue.Load(dir.FullName));
            Assert.Contains("'cpr'", e.Message, StringComparison.Ordinal);
        }
        finally { dir.Delete(true); }
    }

    private static ClassInputs Figures(params (string Code, int Value)[] figures) =>
        new(null, figures.ToDictionary(f => f.Code, f => (decimal)f.Value), null);
}
