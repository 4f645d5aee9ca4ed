using KampungKB.Cli.Commands;
using KampungKB.Core.Jobs.Quality;
using KampungKB.Core.Jobs.Recaps;

namespace KampungKB.Core.Tests.Quality;

/// <summary>
/// The data-quality review as a pure planner over hand-made figures, with every expected flag computed by hand
/// in the comments (thresholds from templates/quality/quality.json: moderate 2 SD, extreme 3 SD, at least 4
/// months of history and a deviation of at least 3; copied forward after 4 equal months; kecamatan ± 33% over
/// the previous 3 months, expected total at least 20).
/// </summary>
public sealed class QualityReviewTests
{
    private static readonly RecapCatalogue Recap = RecapCatalogue.Load(Repo.Templates);
    private static readonly ReportingPeriod October = new(2025, 10);
    private const string A = "63.71.01.1001", B = "63.71.02.1001", C = "63.71.02.1002";

    private static RegistryEntry Kampung(string area, string name, string district) =>
        new(area, name, null, district, "Kota Banjarmasin", null, null, null, null, null, null, null);

    /// <summary>Months April–October 2025; <paramref name="values"/> per figure, index 0 = April (null = not reported).</summary>
    private static QualityInput Input()
    {
        var months = Enumerable.Range(4, 7).Select(m => new ReportingPeriod(2025, m)).ToList();
        var series = new Dictionary<string, Dictionary<string, decimal?[]>>
        {
            [A] = new()
            {
                ["pus"] = [100, 102, 98, 101, 99, 100, 104],
                ["kb_active"] = [50, 52, 48, 51, 49, 50, 56],
                ["families"] = [150, 150, 150, 150, 150, 150, 150],
                ["pikr_members"] = [2, 3, 2, 3, 2, 3, 4],
                ["kb_new"] = [null, null, null, null, null, null, 70],
            },
            [B] = new()
            {
                ["bkb_members"] = [null, null, null, 40, 42, 44, 80],
                ["families_with_toddlers"] = [null, null, null, 100, 101, 102, 103],
            },
        };
        var figures = new Dictionary<ReportingPeriod, IReadOnlyDictionary<string, IReadOnlyDictionary<string, decimal>>>();
        for (var i = 0; i < months.Count; i++)
        {
            var month = new Dictionary<string, IReadOnlyDictionary<string, decimal>>();
            foreach (var (area, s) in series)
            {
                var values = s.Where(f => f.Value[i] is not null).ToDictionary(f => f.Key, f => f.Value[i]!.Value);
                if (values.Count > 0) month[area] = values;
            }
            figures[months[i]] = month;
        }
        return new QualityInput("63.71", October, [Kampung(A, "Kampung KB Alpha", "Kec Satu"), Kampung(B, "Kampung KB Beta", "Kec Dua"), Kampung(C, "Kampung KB Gamma", "Kec Dua")], figures);
    }

    private static QualityReport Review() => new QualityReview(Recap.Quality, Recap.LabelOf).Review(Input());

    [Fact]
    public void Outliers_AgainstOwnHistory_ModerateAndExtremeWithRange()
    {
        var flags = Review().Flags;
        // PUS Apr–Sep 100 102 98 101 99 100: mean 100, squared deviations 0+4+4+1+1+0 = 10, sample SD √(10/5) = √2 = 1,414;
        // October 104: |104 − 100| = 4 ≥ 3, z = 4 / 1,414 = 2,83 → moderate (2 ≤ z < 3); range 100 ± 2·1,414 = 97,17–102,83.
        var pus = Assert.Single(flags, f => f.Figure == "pus");
        Assert.Equal((QualityKinds.OutlierModerate, A, October, 104m, 97.17m, 102.83m), (pus.Kind, pus.AreaCode, pus.Period, pus.Value, pus.ExpectedLow, pus.ExpectedHigh));
        Assert.Contains("97,17", pus.Why);
        // KB aktif 50 52 48 51 49 50: mean 50, SD √2; October 56: z = 6 / 1,414 = 4,24 → extreme; range 47,17–52,83.
        var active = Assert.Single(flags, f => f.Figure == "kb_active");
        Assert.Equal((QualityKinds.OutlierExtreme, 56m, 47.17m, 52.83m), (active.Kind, active.Value, active.ExpectedLow, active.ExpectedHigh));
        // PIK-R 2 3 2 3 2 3: mean 2,5, SD 0,548; October 4: z = 2,74 but |4 − 2,5| = 1,5 < 3 → not an outlier.
        Assert.DoesNotContain(flags, f => f.Figure == "pikr_members");
        // Beta's BKB has 3 months of history (< 4): no outlier, only the kecamatan trend below.
        Assert.DoesNotContain(flags, f => f.Figure == "bkb_members" && f.Kind.StartsWith("outlier", StringComparison.Ordinal));
    }

    [Fact]
    public void CopiedForward_SameValueSevenMonths_Flagged_NoOutlierOnZeroSd()
    {
        var flags = Review().Flags.Where(f => f.Figure == "families").ToList();
        // Jumlah KK 150 in April … October: 7 equal months ≥ 4 → copied forward; SD 0 → no outlier.
        var copied = Assert.Single(flags);
        Assert.Equal((QualityKinds.CopiedForward, A, 150m, (decimal?)null), (copied.Kind, copied.AreaCode, copied.Value, copied.ExpectedHigh));
        Assert.Contains("7 bulan", copied.Why);
        Assert.Contains("April 2025", copied.Why);
    }

    [Fact]
    public void Consistency_NewAcceptorsAboveActiveUsers_Flagged()
    {
        // KB baru 70 > KB aktif 56 → inconsistent, expected 0–56.
        var f = Assert.Single(Review().Flags, f => f.Kind == QualityKinds.Inconsistent);
        Assert.Equal(("kb-new-le-kb-active", A, 70m, 0m, 56m), (f.Figure, f.AreaCode, f.Value, f.ExpectedLow, f.ExpectedHigh));
    }

    [Fact]
    public void Consistency_OfMoreThanTwoFigures_CountsThemInTheReason()
    {
        // IUD 10 + MOW 5 + MOP 5 = 20 ≠ KB aktif 50: the three methods are named by their count, not one by one.
        var figures = new Dictionary<ReportingPeriod, IReadOnlyDictionary<string, IReadOnlyDictionary<string, decimal>>>
        {
            [October] = new Dictionary<string, IReadOnlyDictionary<string, decimal>>
            {
                [A] = new Dictionary<string, decimal> { ["kb_active"] = 50, ["kb_active_iud"] = 10, ["kb_active_mow"] = 5, ["kb_active_mop"] = 5 },
            },
        };
        var report = new QualityReview(Recap.Quality, Recap.LabelOf).Review(new QualityInput("63.71", October, [Kampung(A, "Kampung KB Alpha", "Kec Satu")], figures));

        var f = Assert.Single(report.Flags, f => f.Figure == "methods-eq-kb-active");
        Assert.StartsWith("Σ 3 angka ", f.Why, StringComparison.Ordinal);
    }

    [Fact]
    public void KecamatanTrend_BeyondThirdOfPreviousMean_NamesTheKampungThatMoved()
    {
        // Kec Dua, BKB: October 80 (Beta only); expected = mean of Jul–Sep 40 42 44 = 42 (≥ 20); 80 / 42 = 1,90 > 1,33 → flag,
        // range 42 × 0,67 = 28,14 to 42 × 1,33 = 55,86; Beta moved most. Kec Satu PUS: 104 / mean(101, 99, 100) = 1,04 → no flag.
        var f = Assert.Single(Review().Flags, f => f.Kind == QualityKinds.KecamatanTrend);
        Assert.Equal(("bkb_members", B, 80m, 28.14m, 55.86m), (f.Figure, f.AreaCode, f.Value, f.ExpectedLow, f.ExpectedHigh));
        Assert.Contains("Kec Dua", f.Why);
    }

    [Fact]
    public void Ranking_ScoreIsSumOfWeights_GammaWithoutFiguresNotChecked()
    {
        var report = Review();
        // Alpha: extreme 3 + moderate 1 + copied 1 + inconsistent 3 = 8; Beta: kecamatan trend 1.
        Assert.Equal(2, report.Checked);
        Assert.Equal([(1, A, 8), (2, B, 1)], report.Ranking.Select(r => (r.Rank, r.AreaCode, r.Score)));
        Assert.Equal(QualityKinds.OutlierExtreme, report.Ranking[0].Flags[0].Kind);   // most serious first
        Assert.Equal(5, report.Flags.Count);
    }

    [Fact]
    public void QualityCommand_Json_CarriesEveryFlagWithRange_HumanTextIsIndonesian()
    {
        var report = Review();
        var doc = JsonDocument.Parse(QualityCommand.Json(report)).RootElement;
        Assert.Equal(["regency", "period", "checked", "flags", "ranking"], doc.EnumerateObject().Select(p => p.Name));
        var pus = doc.GetProperty("flags").EnumerateArray().Single(f => f.GetProperty("figure").GetString() == "pus");
        Assert.Equal((104m, 97.17m, 102.83m, "2025-10"), (pus.GetProperty("value").GetDecimal(), pus.GetProperty("expectedLow").GetDecimal(), pus.GetProperty("expectedHigh").GetDecimal(), pus.GetProperty("period").GetString()));
        var human = QualityCommand.Human(report, Recap.Quality, "Kota Banjarmasin");
        Assert.StartsWith("Pemeriksaan kualitas data Kota Banjarmasin, Oktober 2025: 5 temuan di 2 kampung", human);
        Assert.Contains("1. Kampung KB Alpha (63.71.01.1001), Kec Satu: skor 8", human);
    }

    [Fact]
    public void Catalogue_MissingWeight_IsRefusedNamingIt()
    {
        var dir = Directory.CreateTempSubdirectory("kkb-quality-");
        try
        {
            Directory.CreateDirectory(Path.Combine(dir.FullName, "quality"));
            var text = File.ReadAllText(Path.Combine(Repo.Templates, "quality", QualityCatalogue.FileName)).Replace("\"copied-forward\": 1,", "", StringComparison.Ordinal);
            File.WriteAllText(Path.Combine(dir.FullName, "quality", QualityCatalogue.FileName), text);
            var e = Assert.Throws<InvalidOperationException>(() => QualityCatalogue.Load(dir.FullName));
            Assert.Contains("weights need every kind", e.Message);
        }
        finally { dir.Delete(true); }
    }
}
