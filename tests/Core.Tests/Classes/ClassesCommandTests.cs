using KampungKB.Cli.Commands;
using KampungKB.Core.Jobs.Classes;

namespace KampungKB.Core.Tests.Classes;

/// <summary><c>kkb classes</c> output: the JSON shape of docs/classification.md exactly, and the Indonesian text.</summary>
public sealed class ClassesCommandTests
{
    private static readonly KampungClassifier Classifier = new(ClassifierBoundaryTests.Catalogue);

    private static ClassReport Report()
    {
        // A: strong profile with 4 partners and no figures → berkembang; B: nothing → dasar.
        var a = new RegistryEntry("63.71.02.1011", "Kampung KB Antasan Besar", null, "Banjarmasin Tengah", null, "Paripurna", KampungClass.Berkelanjutan,
            2017, null, null, null, null, Profile: new KampungProfile(true, 12, 3, 2, 3, true, false, true, true, 2, 3, PokjaBoard: true));
        var b = new RegistryEntry("63.71.02.1011-RW05", "Kampung KB RW 05 Antasan Besar", null, null, null, null, null, null, null, null, null, null);
        KampungClassRow Row(RegistryEntry e, int? partners)
        {
            var c = Classifier.Classify(new ClassInputs(e.Profile, null, partners));
            return new KampungClassRow(e, c, null, null, Classifier.Lifts(c), null);
        }
        return new ClassReport("63.71", new ReportingPeriod(2025, 10), null, 0.05m, [Row(a, 4), Row(b, null)]);
    }

    [Fact]
    public void Json_HasTheIssueShape_ClassesSpelledLowercase()
    {
        var doc = JsonDocument.Parse(ClassesCommand.Json(Report(), ClassifierBoundaryTests.Catalogue)).RootElement;
        Assert.Equal(["regency", "period", "kampung", "distribution", "retired"], doc.EnumerateObject().Select(p => p.Name));
        Assert.Equal(("63.71", "2025-10"), (doc.GetProperty("regency").GetString(), doc.GetProperty("period").GetString()));
        var k = doc.GetProperty("kampung")[0];
        Assert.Equal(["areaCode", "name", "scores", "indices", "class", "officialClass", "missing", "populationAsOf", "kkbpkAsOf", "refused", "checkedClass", "checkedReason"], k.EnumerateObject().Select(p => p.Name));
        Assert.Equal(ClassCatalogue.IndicatorCodes, k.GetProperty("scores").EnumerateObject().Select(p => p.Name));
        Assert.Equal(4, k.GetProperty("scores").GetProperty("pokja").GetInt32());
        Assert.Equal(["input", "proses", "output"], k.GetProperty("indices").EnumerateObject().Select(p => p.Name));
        Assert.Equal(3.0m, k.GetProperty("indices").GetProperty("input").GetDecimal());
        Assert.Equal(("berkembang", "berkelanjutan"), (k.GetProperty("class").GetString(), k.GetProperty("officialClass").GetString()));
        Assert.Equal(["poktanParticipation", "cpr", "mkjp", "unmetNeed"], k.GetProperty("missing").EnumerateArray().Select(m => m.GetString()));
        var b = doc.GetProperty("kampung")[1];
        Assert.Equal(JsonValueKind.Null, b.GetProperty("officialClass").ValueKind);
        Assert.Equal(12, b.GetProperty("missing").GetArrayLength());
        Assert.Equal([("dasar", 1), ("berkembang", 1), ("mandiri", 0), ("berkelanjutan", 0)],
            doc.GetProperty("distribution").EnumerateObject().Select(p => (p.Name, p.Value.GetInt32())));
    }

    [Fact]
    public void Human_Indonesian_WithMissingAndLifts()
    {
        var text = ClassesCommand.Human(Report(), ClassifierBoundaryTests.Catalogue);
        Assert.Contains("Kampung KB Antasan Besar (63.71.02.1011): Berkembang — input 3,00, proses 3,00, output 1,00; data dinas: Paripurna", text);
        Assert.Contains("belum ada data: Partisipasi poktan; CPR", text);
        Assert.Contains("agar naik kelas: Partisipasi poktan: belum ada data", text);
        Assert.Contains("Sebaran kelas (hitungan): Dasar 1, Berkembang 1, Mandiri 0, Berkelanjutan 0", text);
    }

    [Fact]
    public void Human_RegencyCallsTopClassParipurna_DistributionSaysParipurna()
    {
        var text = ClassesCommand.Human(Report(), ClassifierBoundaryTests.Catalogue, "Paripurna");
        Assert.Contains("Sebaran kelas (hitungan): Dasar 1, Berkembang 1, Mandiri 0, Paripurna 0", text);
        Assert.DoesNotContain("Berkelanjutan", text);
    }
}
