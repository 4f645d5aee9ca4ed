using KampungKB.Core.Jobs.Classes;

namespace KampungKB.Core.Tests.Classes;

/// <summary>
/// The golden table <c>Golden/website-classes.csv</c>: kampung at every band edge of the 12 indicators, at every index edge
/// and in every branch of the decision rule, with the scores and class worked out by hand from the BKKBN website's SQL
/// (willyprmn/Kampung-KB <c>database/sql/statistik/classification/kampungs.sql</c>). The <c>working</c> column of each row
/// states the computation: float8 divisions (<c>jumlah / x::float * 100</c>) rounded by PostgreSQL's <c>round(float8)</c>,
/// half to even (40.5 → 40); poktan percentages rounded each, then <c>round(sum / 5)</c>; CPR and MKJP only with a PUS row;
/// unmet need only with IAT/TIAL rows, 0 when PUS is 0 or absent. <c>profile</c>/<c>figures</c>: <c>BASE</c> (written in the
/// base row's working) then overrides, <c>-code</c> removes a figure, <c>NONE</c> starts empty.
/// </summary>
public sealed class WebsiteGoldenTests
{
    private static readonly KampungClassifier Classifier = new(ClassifierBoundaryTests.Catalogue);

    private const string BaseProfile = "board=1 members=10 trained=1 funding=2 poktan=3 sec=1 rdk=1 pkb=1 reg=1 data=2 mech=3 partners=4";
    private const string BaseFigures = "pus=100 iud=10 imp=15 inj=20 pil=5 iat=3 tial=3 fb=100 bkb=30 fr=100 bkr=30 fl=100 bkl=30 kk=100 uppka=30 rem=100 pikr=30";

    private static readonly Dictionary<string, string> Codes = new()
    {
        ["pus"] = "pus", ["kk"] = "families", ["rem"] = "teens", ["fb"] = "families_with_toddlers", ["fr"] = "families_with_teens",
        ["fl"] = "families_with_elderly", ["kb"] = "kb_active", ["iud"] = "kb_active_iud", ["mow"] = "kb_active_mow", ["mop"] = "kb_active_mop",
        ["imp"] = "kb_active_implant", ["inj"] = "kb_active_injectable", ["pil"] = "kb_active_pill", ["kon"] = "kb_active_condom",
        ["iat"] = "pus_not_kb_want_child_later", ["tial"] = "pus_not_kb_no_more_children", ["unmet"] = "unmet_need",
        ["bkb"] = "bkb_members", ["bkr"] = "bkr_members", ["bkl"] = "bkl_members", ["uppka"] = "uppka_members", ["pikr"] = "pikr_members",
    };

    private static string Path_ => Path.Combine(Repo.Root, "tests", "Core.Tests", "Classes", "Golden", "website-classes.csv");

    public static TheoryData<string> Rows()
    {
        var data = new TheoryData<string>();
        foreach (var line in File.ReadLines(Path_).Skip(1).Where(l => l.Length > 0)) data.Add(line.Split(';', 6)[0]);
        return data;
    }

    [Fact]
    public void Table_HasAtLeastFortyKampung_EachWithItsWorking()
    {
        var rows = File.ReadLines(Path_).Skip(1).Where(l => l.Length > 0).Select(l => l.Split(';', 6)).ToList();
        Assert.True(rows.Count >= 40, $"{rows.Count} rows");
        Assert.All(rows, r => Assert.True(r.Length == 6 && r[5].Length > 5, string.Join(";", r)));
        // Every branch of the decision rule is in the table.
        Assert.Equal(["berkelanjutan", "berkembang", "dasar", "mandiri"], rows.Select(r => r[4]).Distinct().Order());
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public void Kampung_ScoresAndClass_AsTheWebsiteSqlGives(string id)
    {
        var row = File.ReadLines(Path_).Select(l => l.Split(';', 6)).First(r => r[0] == id);
        var p = Parse(row[1], BaseProfile);
        var f = Parse(row[2], BaseFigures);
        int? I(string k) => p.TryGetValue(k, out var v) && v.Length > 0 ? int.Parse(v, System.Globalization.CultureInfo.InvariantCulture) : null;
        bool? B(string k) => I(k) is { } n ? n == 1 : null;
        var profile = new KampungProfile(
            PokjaMembers: I("members"), FundingSources: I("funding"), PoktanOwned: I("poktan"), Secretariat: B("sec"), RumahDataKu: B("rdk"),
            PkbAssigned: B("pkb"), Regulation: B("reg"), DataSources: I("data"), Mechanisms: I("mech"), PokjaBoard: B("board"), PokjaTrainedFlag: B("trained"));
        var figures = f.ToDictionary(x => Codes[x.Key], x => decimal.Parse(x.Value, System.Globalization.CultureInfo.InvariantCulture));
        var c = Classifier.Classify(new ClassInputs(profile.IsEmpty ? null : profile, figures.Count == 0 ? null : figures, I("partners")));

        var expected = row[3].Split('|').SelectMany(g => g.Split(' ')).Select(int.Parse).ToArray();
        Assert.Equal(expected, c.Scores.Select(s => s.Score).ToArray());
        Assert.Equal(row[4], c.Class.ToString().ToLowerInvariant());
    }

    private static Dictionary<string, string> Parse(string spec, string @base)
    {
        var tokens = spec.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
        var d = new Dictionary<string, string>();
        if (tokens.FirstOrDefault() == "BASE") { foreach (var t in @base.Split(' ')) d[t.Split('=')[0]] = t.Split('=')[1]; tokens.RemoveAt(0); }
        else if (tokens.FirstOrDefault() == "NONE") tokens.RemoveAt(0);
        foreach (var t in tokens)
        {
            if (t.StartsWith('-')) { d.Remove(t[1..]); continue; }
            var kv = t.Split('=');
            d[kv[0]] = kv[1];
        }
        return d;
    }
}
