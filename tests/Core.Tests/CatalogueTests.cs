using System.Text.RegularExpressions;
using KampungKB.Core.Ingestion.Layouts;

namespace KampungKB.Core.Tests;

public class CatalogueTests
{
    private static Dictionary<string, string> Messages() =>
        JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(Path.Combine(Repo.Templates, "messages", "problems.json")))!;

    [Fact]
    public void ProblemCodes_EveryCodeHasMessage_EveryMessageHasCode()
    {
        var messages = Messages();
        Assert.Empty(ProblemCodes.All.Except(messages.Keys));
        // Besides the codes, only the pieces messages are built from (text.*), each named by the catalogue.
        Assert.Empty(messages.Keys.Except(ProblemCodes.All).Except(MessageCatalogue.TextKeys));
        Assert.Empty(MessageCatalogue.TextKeys.Except(messages.Keys));
    }

    [Fact]
    public void MessageCatalogue_WithoutAText_RefusesToLoad_NamingIt()
    {
        var dir = Directory.CreateTempSubdirectory("kkb-messages-").FullName;
        try
        {
            var messages = Messages();
            messages.Remove(MessageCatalogue.WholeFileText);
            var path = Path.Combine(dir, "problems.json");
            File.WriteAllText(path, JsonSerializer.Serialize(messages));
            var e = Assert.Throws<TemplateException>(() => MessageCatalogue.Load(path));
            Assert.Contains("'text.whole-file'", e.Message, StringComparison.Ordinal);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void ProblemCodes_AreKebabCaseAndUnique()
    {
        Assert.All(ProblemCodes.All, c => Assert.Matches("^[a-z]+(-[a-z]+)*$", c));
        Assert.Equal(ProblemCodes.All.Count, ProblemCodes.All.Distinct().Count());
    }

    [Fact]
    public void SourceCode_UsesOnlyCataloguedCodeLiterals()
    {
        var used = Directory.EnumerateFiles(Path.Combine(Repo.Root, "src", "Core"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}"))
            .SelectMany(f => Regex.Matches(File.ReadAllText(f), @"ProblemCodes\.(\w+)").Select(m => m.Groups[1].Value))
            .Where(n => n != "All").Distinct();
        var fields = typeof(ProblemCodes).GetFields().Select(f => f.Name).ToHashSet();
        Assert.All(used, n => Assert.Contains(n, fields));
    }

    [Fact]
    public void Messages_MentionOnlyKnownPlaceholders()
    {
        var known = new[] { "file", "sheet", "row", "column", "text", "location", "field", "value", "size", "max", "found", "expected", "period", "male", "female", "sum",
            "kbActive", "pus", "reasons", "members", "target", "targetValue", "previous", "firstRow", "name", "areaCode", "candidates", "count", "cells", "rows", "exampleDate", "exampleDateLong", "examplePeriod",
            "columns", "kind", "sheets", "today", "date", "label", "ruleName", "missing", "labels", "header", "title", "options", "names", "first" };
        foreach (var (code, text) in Messages())
            foreach (Match m in Regex.Matches(text, @"\{(\w+)\}"))
                Assert.True(known.Contains(m.Groups[1].Value), $"{code}: unknown placeholder {m.Value}");
    }

    [Fact]
    public void Layouts_Shipped_LoadWithoutErrors()
    {
        var cat = LayoutCatalogue.Load(Path.Combine(Repo.Templates, "layouts"));
        Assert.Equal("date", cat.Activities.Match(cat.Key("Tgl.")));
        Assert.Equal("participants", cat.Activities.Match(cat.Key("JML")));
        Assert.Equal("notes", cat.Activities.Match(cat.Key("Ket.")));
        Assert.Equal("title", cat.Activities.Match(cat.Key("  Nama   Keg. ")));
        Assert.Equal("number", cat.Activities.Match(cat.Key("No.")));
    }

    [Theory]
    [InlineData("Jumlah KK", "families")]
    [InlineData("- IUD", "kb_active_iud")]
    [InlineData("a. AKDR", "kb_active_iud")]
    [InlineData("PA Implan", "kb_active_implant")]
    [InlineData("- Susuk", "kb_active_implant")]
    [InlineData("PA", "kb_active")]
    [InlineData("Jumlah Peserta KB Aktif (PA)", "kb_active")]
    [InlineData("PB", "kb_new")]
    [InlineData("Kebutuhan ber-KB tidak terpenuhi", "unmet_need")]
    [InlineData("IAT", "pus_not_kb_want_child_later")]
    [InlineData("Anggota UPPKS", "uppka_members")]
    [InlineData("Keluarga Remaja Anggota BKR", "bkr_members")]
    [InlineData("1. Keluarga Berisiko Stunting", "stunting_risk_families")]
    [InlineData("Pasangan Usia Subur:", "pus")]
    public void IndicatorLabel_CadreForm_MapsToCanonicalCode(string label, string code)
    {
        var cat = LayoutCatalogue.Load(Path.Combine(Repo.Templates, "layouts"));
        Assert.Equal(code, cat.IndicatorCode(label));
    }

    [Fact]
    public void Layouts_Invalid_RefusedWithEveryFaultNamed()
    {
        var dir = Directory.CreateTempSubdirectory("kkb-layouts-").FullName;
        try
        {
            foreach (var f in Directory.EnumerateFiles(Path.Combine(Repo.Templates, "layouts"))) File.Copy(f, Path.Combine(dir, Path.GetFileName(f)));
            var activities = Path.Combine(dir, "activities.json");
            File.WriteAllText(activities, File.ReadAllText(activities).Replace("\"category\":", "\"kategory\":"));
            File.WriteAllText(Path.Combine(dir, "indicators.json"), "{ \"kind\": \"indicators\", \"labels\": { \"pus\": { \"synonyms\": [] } } ");
            File.Delete(Path.Combine(dir, "profile.json"));

            var e = Assert.Throws<TemplateException>(() => LayoutCatalogue.Load(dir));

            Assert.Contains("indicators.json", e.Message);
            Assert.Contains("'profile'", e.Message);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void Layouts_UnknownFieldAndClash_Named()
    {
        var dir = Directory.CreateTempSubdirectory("kkb-layouts-").FullName;
        try
        {
            foreach (var f in Directory.EnumerateFiles(Path.Combine(Repo.Templates, "layouts"))) File.Copy(f, Path.Combine(dir, Path.GetFileName(f)));
            var activities = Path.Combine(dir, "activities.json");
            File.WriteAllText(activities, File.ReadAllText(activities).Replace("\"category\":", "\"kategory\":").Replace("\"Sasaran Kegiatan\"", "\"Tanggal\""));

            var e = Assert.Throws<TemplateException>(() => LayoutCatalogue.Load(dir));

            Assert.Contains("unknown field 'kategory'", e.Message);
            Assert.Contains("\"Tanggal\" is used by both 'date' and 'target'", e.Message);
        }
        finally { Directory.Delete(dir, true); }
    }
}
