
namespace KampungKB.Core.Tests;

/// <summary>
/// The shared field cases (../shared/field-cases): small Pokja-shaped files reproducing trouble people
/// reported with real spreadsheets. Each must yield what expected.json says; where it names an
/// "alternative" (a clear refusal), a rejection is also right but never an acceptance with figures missing.
/// </summary>
public class FieldCasesTests
{
    internal static string Dir => Path.GetFullPath(Path.Combine(Repo.Root, "..", "shared", "field-cases"));

    private static JsonElement Expectations() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(Dir, "expected.json"))).RootElement.Clone();

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var p in Expectations().EnumerateObject()) data.Add(p.Name);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void FieldCase_Ingested_YieldsWhatExpectedJsonSays(string file)
    {
        var expected = Expectations().GetProperty(file);
        using var stream = File.OpenRead(Path.Combine(Dir, file));

        var report = Engines.Default.Ingest(stream, file, CancellationToken.None);

        var problems = string.Join("\n", report.Problems.Select(p => $"{p.Severity} {p.Code} {p.Sheet}!{p.Column}{p.Row}: {p.Message}"));
        if (expected.GetProperty("status").GetString() == "rejected")
        {
            Assert.False(report.IsAccepted, "accepted although expected.json says rejected\n" + problems);
            var codes = expected.GetProperty("problem_codes").EnumerateArray().Select(c => c.GetString()!).ToHashSet();
            var rows = expected.GetProperty("problem_rows").EnumerateArray().Select(r => r.GetInt32()).ToHashSet();
            Assert.Equal(codes, report.Errors.Select(p => p.Code).ToHashSet());
            Assert.Equal(rows, report.Errors.Where(p => p.Row is not null).Select(p => p.Row!.Value).ToHashSet());
            return;
        }
        if (!report.IsAccepted && expected.TryGetProperty("alternative", out _))
        {
            // The clear refusal the case allows: errors only about the file's own shape, nothing about empty content.
            Assert.DoesNotContain(report.Errors, p => p.Code == Ingestion.Validation.ProblemCodes.EmptyReport);
            return;
        }
        Assert.True(report.IsAccepted, problems);
        Assert.Equal(expected.GetProperty("period").GetString(), report.Period?.ToString());
        Assert.Equal(expected.GetProperty("village").GetString(), report.Kampung?.Village);
        if (expected.TryGetProperty("activities", out var count))
        {
            Assert.Equal(count.GetInt32(), report.Activities.Count);
            Assert.Equal(expected.GetProperty("participants").GetInt32(), report.Activities.Sum(a => a.Participants ?? 0));
        }
        if (expected.TryGetProperty("indicators", out var indicators))
            foreach (var want in indicators.EnumerateObject())
                Assert.True(report.Indicators.TryGetValue(want.Name, out var got) && got == want.Value.GetDecimal(),
                    $"{want.Name}: expected {want.Value}, got {(report.Indicators.TryGetValue(want.Name, out var g) ? g : "nothing")}\n{problems}");
        if (expected.TryGetProperty("problems", out var n))
            Assert.True(n.GetInt32() == report.Problems.Count, problems);
    }
}
