
namespace KampungKB.Core.Tests;

public class ExamplesTests
{
    public static TheoryData<string> Reports()
    {
        var data = new TheoryData<string>();
        foreach (var p in Expectations().EnumerateObject())
            if (p.Value.GetProperty("kind").GetString() != "registry") data.Add(p.Name);
        return data;
    }

    private static JsonElement Expectations() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(Repo.Examples, "examples.json"))).RootElement.Clone();

    [Theory]
    [MemberData(nameof(Reports))]
    public void SharedExample_Ingested_YieldsWhatExamplesJsonSays(string file)
    {
        var expected = Expectations().GetProperty(file);
        using var stream = File.OpenRead(Path.Combine(Repo.Examples, file));

        var report = Engines.Default.Ingest(stream, file, CancellationToken.None);

        Assert.True(report.IsAccepted, string.Join("\n", report.Problems.Select(p => p.Code + " " + p.Message)));
        Assert.Equal(expected.GetProperty("period").GetString(), report.Period?.ToString());
        Assert.Equal(expected.GetProperty("village").GetString(), report.Kampung?.Village);
        if (expected.TryGetProperty("activities", out var count))
        {
            Assert.Equal(count.GetInt32(), report.Activities.Count);
            Assert.Equal(expected.GetProperty("participants").GetInt32(), report.Activities.Sum(a => a.Participants ?? 0));
        }
        if (expected.TryGetProperty("indicators", out var indicators))
        {
            var want = indicators.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDecimal());
            Assert.Equal(want.OrderBy(p => p.Key), report.Indicators.OrderBy(p => p.Key));
        }
    }

    [Fact]
    public void RegistryExample_Read_YieldsFiveKampungWithClassesAndCodes()
    {
        const string file = "E06_daftar_kampung_kb.xlsx";
        using var stream = File.OpenRead(Path.Combine(Repo.Examples, file));

        var import = Engines.Default.ReadRegistry(stream, file);

        Assert.True(import.IsAccepted);
        Assert.Equal(Expectations().GetProperty(file).GetProperty("kampung").GetInt32(), import.Entries.Count);
        var antasan = import.Entries.Single(e => e.AreaCode == "63.71.02.1011");
        Assert.Equal(Model.KampungClass.Berkelanjutan, antasan.Class);
        Assert.Equal("Paripurna", antasan.ClassLabel);
        Assert.Equal("63.71", antasan.RegencyCode);
        Assert.Equal("63.71.02", antasan.DistrictCode);
        Assert.Equal(2016, antasan.YearFounded);
        var sungaiBiru = import.Entries.Single(e => e.Name == "Kampung KB Sungai Biru");
        Assert.Null(sungaiBiru.PokjaEmail);
        Assert.All(import.Problems, p => Assert.Equal(Model.Severity.Warning, p.Severity));
        Assert.Contains(import.Problems, p => p.Code == "missing-contact" && p.Row == 7 && p.Column == "H");
    }
}

public class ConcurrencyTests
{
    [Fact]
    public void OneEngine_ManyThreads_SameResults()
    {
        var files = Directory.EnumerateFiles(Repo.Examples, "E0*").Where(f => !f.Contains("E06")).Select(f => (Name: Path.GetFileName(f), Bytes: File.ReadAllBytes(f))).ToArray();
        var results = new System.Collections.Concurrent.ConcurrentBag<(string, int, bool)>();

        Parallel.For(0, 40, i =>
        {
            var (name, bytes) = files[i % files.Length];
            var r = Engines.Default.Ingest(new MemoryStream(bytes), name, CancellationToken.None);
            results.Add((name, r.Activities.Count + r.Indicators.Count, r.IsAccepted));
        });

        Assert.All(results, r => Assert.True(r.Item3));
        Assert.All(results.GroupBy(r => r.Item1), g => Assert.Single(g.Select(r => r.Item2).Distinct()));
    }

    [Fact]
    public void Cancelled_Throws_OperationCanceled()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        var bytes = File.ReadAllBytes(Path.Combine(Repo.Examples, "E01_kegiatan_oktober_2025_pelambuan.xlsx"));
        Assert.ThrowsAny<OperationCanceledException>(() => Engines.Default.Ingest(new MemoryStream(bytes), "a.xlsx", cts.Token));
    }
}
