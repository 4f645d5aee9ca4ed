using System.Text.Json.Nodes;

namespace KampungKB.Core.Tests;

/// <summary>
/// Fixtures/corpus/&lt;case&gt;.csv|tsv with &lt;case&gt;.expected.json beside it. Set KKB_UPDATE_GOLDEN=1 to rewrite
/// the golden files from the engine's current output (on purpose only).
/// </summary>
public class CorpusTests
{
    private static string SourceCorpus => Path.Combine(Repo.Root, "tests", "Core.Tests", "Fixtures", "corpus");

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.EnumerateFiles(SourceCorpus).Where(f => !f.EndsWith(".expected.json", StringComparison.Ordinal)).Order())
            data.Add(Path.GetFileName(f));
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void CorpusFile_Ingested_MatchesGolden(string file)
    {
        var path = Path.Combine(SourceCorpus, file);
        var golden = Path.Combine(SourceCorpus, Path.GetFileNameWithoutExtension(file) + ".expected.json");
        var r = Engines.Bytes(File.ReadAllBytes(path), file);

        var actual = new JsonObject
        {
            ["status"] = r.IsAccepted ? "accepted" : "rejected",
            ["period"] = r.Period?.ToString(),
            ["village"] = r.Kampung?.Village,
            ["district"] = r.Kampung?.District,
            ["activities"] = r.Activities.Count,
            ["participants"] = r.Activities.Sum(a => a.Participants ?? 0),
            ["codes"] = new JsonArray(r.Problems.Select(p => (JsonNode)JsonValue.Create($"{p.Code}@{p.Row}:{p.Column}")!).ToArray()),
        };
        var expected = JsonNode.Parse(File.ReadAllText(golden))!.AsObject();
        if (expected.ContainsKey("firstTitle")) actual["firstTitle"] = r.Activities[0].Title;
        if (expected.ContainsKey("firstPartners")) actual["firstPartners"] = new JsonArray(r.Activities[0].Partners.Select(p => (JsonNode)JsonValue.Create(p)!).ToArray());

        if (Environment.GetEnvironmentVariable("KKB_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(golden, actual.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
            return;
        }
        Assert.True(JsonNode.DeepEquals(expected, actual), $"expected {expected.ToJsonString()}\nactual   {actual.ToJsonString()}");
    }

    [Theory]
    [InlineData("utf-8")]
    [InlineData("utf-8-bom")]
    [InlineData("windows-1252")]
    public void CsvEncoding_Detected_KeepsAccentsAndQuotes(string encoding)
    {
        Ingestion.Intake.ExcelSource.EnsureCodePages();
        var enc = encoding switch
        {
            "utf-8" => new System.Text.UTF8Encoding(false),
            "utf-8-bom" => new System.Text.UTF8Encoding(true),
            _ => System.Text.Encoding.GetEncoding(1252),
        };
        var text = "Bulan;Oktober 2025\nTanggal;Kegiatan\n06/10/2025;Pelatihan “Café” – Élan\n";
        var bytes = enc.GetPreamble().Concat(enc.GetBytes(text)).ToArray();

        var r = Engines.Bytes(bytes, "a.csv");

        Assert.True(r.IsAccepted);
        Assert.Equal("Pelatihan “Café” – Élan", r.Activities[0].Title);
    }

    [Theory]
    [InlineData(",")]
    [InlineData(";")]
    [InlineData("\t")]
    public void CsvSeparator_Detected(string sep)
    {
        var text = string.Join("\n", new[] { "Bulan|Oktober 2025", "Tanggal|Kegiatan|L|P", "06/10/2025|Rapat|1|2", "07/10/2025|Senam|3|4" }).Replace("|", sep);
        var r = Engines.Csv(text);
        Assert.True(r.IsAccepted);
        Assert.Equal(10, r.Activities.Sum(a => a.Participants));
    }
}
