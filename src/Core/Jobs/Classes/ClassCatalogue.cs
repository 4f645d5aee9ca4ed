using KampungKB.Core.Model;
using System.Globalization;
using System.Text.Json;

namespace KampungKB.Core.Jobs.Classes;

/// <summary>
/// One score band of an indicator: whole numbers <see cref="From"/>..<see cref="To"/> inclusive (a null end is
/// open) score <see cref="Score"/>. Bands are the BKKBN website's thresholds (shared/domain.md, "Classification in full").
/// </summary>
internal sealed record ScoreBand(int? From, int? To, int Score)
{
    public bool Contains(int value) => (From is not { } f || value >= f) && (To is not { } t || value <= t);
}

/// <summary>
/// One of the 12 indicators: its index (<c>input</c>, <c>proses</c>, <c>output</c>), its Indonesian label, its unit
/// (<c>count</c>, <c>points</c>, <c>percent</c>) and its bands. Values are whole numbers; percentages are rounded first.
/// </summary>
internal sealed record IndicatorSpec(string Code, string Index, string Label, string Unit, IReadOnlyList<ScoreBand> Bands)
{
    /// <summary>The score of a whole-number value (1–4).</summary>
    public int Score(int value) => Bands.First(b => b.Contains(value)).Score;

    /// <summary>The highest score this indicator can reach (3 for sarana and PKB/regulation, else 4).</summary>
    public int MaxScore => Bands.Max(b => b.Score);

    public bool IsPercent => Unit == "percent";
}

/// <summary>A poktan (BKB, BKR, BKL, UPPKA, PIK-R): the indicator code of its members and of its target families.</summary>
internal sealed record PoktanSpec(string Code, string Label, string Members, string Target);

/// <summary>
/// The classification's data (<c>templates/classes/classification.json</c>): bands per indicator, poktan targets,
/// windows, the yearly target and the Indonesian texts. Loaded and checked once at start-up: every one of the
/// 12 indicators present, bands of each covering every whole number ≥ 0 exactly once with scores 1–4.
/// </summary>
public sealed class ClassCatalogue
{
    public const string FileName = "classification.json";

    /// <summary>The indices, in the order the decision rule names them.</summary>
    public static readonly IReadOnlyList<string> IndexCodes = ["input", "proses", "output"];

    /// <summary>The 12 indicator codes the classifier computes (shared/domain.md).</summary>
    public static readonly IReadOnlyList<string> IndicatorCodes =
    [
        "pokja", "fundingSources", "poktanOwned", "facilities", "pkbAndRegulation",
        "dataSources", "mechanisms", "partners",
        "poktanParticipation", "cpr", "mkjp", "unmetNeed",
    ];

    /// <summary>Text keys the CLI and recap need.</summary>
    public static readonly IReadOnlyList<string> RequiredTexts =
    [
        "missingData", "atLeast", "atMost", "computed", "official", "unclassified",
        "cliHeader", "cliKampung", "cliScores", "cliMissing", "cliLift", "cliDistribution", "cliNone", "usage",
        "liftMissing", "liftValue", "classDasar", "classBerkembang", "classMandiri", "classBerkelanjutan",
        "checkedClass", "cliChecked", "cliProblems", "reasonRefused", "problemsRefused", "cliFigures", "cliRetired", "cliRetiredKampung",
    ];

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { ReadCommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    private sealed record BandDoc(int? From, int? To, int Score);
    private sealed record IndicatorDoc(string? Code, string? Index, string? Label, string? Unit, List<BandDoc>? Bands);
    private sealed record Document(
        int? ReachScore, Dictionary<string, string>? Indices, List<IndicatorDoc>? Indicators, List<PoktanSpec>? Poktan,
        int? HistoryGapMonths, decimal? YearlyRiseTarget, Dictionary<string, string>? Texts,
        Dictionary<string, string>? Parts);

    private ClassCatalogue() { }

    /// <summary>An index "reaches" when its mean is at least this score (3).</summary>
    public int ReachScore { get; private init; }
    public IReadOnlyDictionary<string, string> IndexLabels { get; private init; } = null!;
    internal IReadOnlyList<IndicatorSpec> Indicators { get; private init; } = null!;
    internal IReadOnlyList<PoktanSpec> Poktan { get; private init; } = null!;
    /// <summary>
    /// The history a class is computed over is every month back from the period until this many months in a row hold nothing
    /// for the kabupaten/kota (the BKKBN website keeps the latest population and KKBPK records whatever their age, and counts
    /// partners over all time; this is where our stored history ends).
    /// </summary>
    public int HistoryGapMonths { get; private init; }
    /// <summary>The website's closed option lists (<c>options.json</c>): partner agencies, funding and data sources, mechanisms, poktan.</summary>
    internal OptionLists Options { get; private init; } = null!;
    /// <summary>Share of a kabupaten's kampung that must rise a class each year (0.05).</summary>
    public decimal YearlyRiseTarget { get; private init; }
    public IReadOnlyDictionary<string, string> Texts { get; private init; } = null!;
    /// <summary>Labels of the parts a missing entry can name (<c>pokja.trained</c> → "anggota Pokja terlatih").</summary>
    public IReadOnlyDictionary<string, string> Parts { get; private init; } = null!;

    /// <summary>The Indonesian label of a missing entry: an indicator's label, or "label (part)".</summary>
    public string MissingLabel(string entry)
    {
        var dot = entry.IndexOf('.', StringComparison.Ordinal);
        var indicator = Indicator(dot < 0 ? entry : entry[..dot]).Label;
        return dot < 0 ? indicator : $"{indicator} ({Parts.GetValueOrDefault(entry, entry[(dot + 1)..])})";
    }

    /// <summary>The label of a class (<c>classDasar</c> …); the top class as the dinas calls it when given.</summary>
    public string ClassLabel(Model.KampungClass c, string? topClassLabel = null) =>
        c == Model.KampungClass.Berkelanjutan && !string.IsNullOrWhiteSpace(topClassLabel) ? topClassLabel : Texts["class" + c];

    /// <summary>"CPR (…): 40% → minimal 41% (skor 2 → 3)", or for missing data what to fill.</summary>
    internal string LiftText(Lift lift)
    {
        var spec = Indicator(lift.Code);
        if (lift.Value is not { } v) return Text("liftMissing", ("label", spec.Label), ("from", lift.Score), ("to", lift.TargetScore));
        var band = lift.TargetBand;
        var bound = band.From is { } f && v < f ? Text("atLeast", ("value", f)) : Text("atMost", ("value", band.To ?? v));
        var unit = spec.IsPercent ? Texts.GetValueOrDefault("unitPercent", "%") : "";
        return Text("liftValue", ("label", spec.Label), ("value", v), ("bound", bound), ("unit", unit), ("from", lift.Score), ("to", lift.TargetScore));
    }

    internal IndicatorSpec Indicator(string code) => Indicators.First(i => i.Code == code);

    /// <summary>A text with <c>{name}</c> placeholders filled (invariant culture for numbers).</summary>
    public string Text(string key, params (string Name, object? Value)[] args)
    {
        var s = Texts[key];
        foreach (var (name, value) in args)
            s = s.Replace("{" + name + "}", Convert.ToString(value, CultureInfo.InvariantCulture), StringComparison.Ordinal);
        return s;
    }

    /// <summary>Loads <c>{templatesDirectory}/classes/classification.json</c>.</summary>
    /// <exception cref="InvalidOperationException">Missing or inconsistent; the message lists every fault.</exception>
    public static ClassCatalogue Load(string templatesDirectory)
    {
        var path = Path.Combine(templatesDirectory, "classes", FileName);
        if (!File.Exists(path)) throw new InvalidOperationException($"Classification template not found: {path}");
        Document? d;
        try { d = JsonSerializer.Deserialize<Document>(File.ReadAllText(path), Json); }
        catch (JsonException e) { throw new InvalidOperationException($"Classification template {path} is not valid JSON: {e.Message}", e); }
        var problems = d is null ? ["empty file"] : Check(d);
        if (problems.Count > 0) throw new InvalidOperationException($"Classification template {path} is not usable: " + string.Join("; ", problems));
        return new ClassCatalogue
        {
            ReachScore = d!.ReachScore!.Value,
            IndexLabels = d.Indices!,
            Indicators = IndicatorCodes.Select(c => d.Indicators!.First(i => i.Code == c))
                .Select(i => new IndicatorSpec(i.Code!, i.Index!, i.Label!, i.Unit!,
                    i.Bands!.OrderBy(b => b.From ?? int.MinValue).Select(b => new ScoreBand(b.From, b.To, b.Score)).ToArray()))
                .ToArray(),
            Poktan = d.Poktan!,
            HistoryGapMonths = d.HistoryGapMonths!.Value,
            Options = OptionLists.Load(templatesDirectory),
            YearlyRiseTarget = d.YearlyRiseTarget!.Value,
            Texts = d.Texts!,
            Parts = d.Parts ?? [],
        };
    }

    private static List<string> Check(Document d)
    {
        var problems = new List<string>();
        if (d.ReachScore is not (>= 1 and <= 4)) problems.Add("reachScore must be 1-4");
        if (d.Indices is null || IndexCodes.Any(i => !d.Indices.ContainsKey(i))) problems.Add("indices must label input, proses and output");
        var list = d.Indicators ?? [];
        foreach (var code in IndicatorCodes.Where(c => list.Count(i => i.Code == c) != 1)) problems.Add($"indicator '{code}' must appear exactly once");
        foreach (var i in list)
        {
            if (i.Code is null || !IndicatorCodes.Contains(i.Code)) { problems.Add($"unknown indicator '{i.Code}' (known: {string.Join(", ", IndicatorCodes)})"); continue; }
            if (i.Index is null || !IndexCodes.Contains(i.Index)) problems.Add($"indicator '{i.Code}': index must be input, proses or output");
            if (string.IsNullOrWhiteSpace(i.Label)) problems.Add($"indicator '{i.Code}': needs a label");
            if (i.Unit is not ("count" or "points" or "percent")) problems.Add($"indicator '{i.Code}': unit must be count, points or percent");
            problems.AddRange(CheckBands(i.Code, i.Bands));
        }
        foreach (var index in IndexCodes.Where(x => list.All(i => i.Index != x))) problems.Add($"index '{index}' has no indicator");
        if (d.Poktan is not { Count: > 0 } || d.Poktan.Any(p => string.IsNullOrWhiteSpace(p.Code) || string.IsNullOrWhiteSpace(p.Label) || string.IsNullOrWhiteSpace(p.Members) || string.IsNullOrWhiteSpace(p.Target)))
            problems.Add("poktan: each needs code, label, members and target indicator codes");
        if (d.HistoryGapMonths is not (>= 1 and <= 120)) problems.Add("historyGapMonths must be 1-120");
        if (d.YearlyRiseTarget is not (> 0 and <= 1)) problems.Add("yearlyRiseTarget must be a share between 0 and 1");
        foreach (var key in RequiredTexts.Where(k => d.Texts is null || string.IsNullOrWhiteSpace(d.Texts.GetValueOrDefault(k))))
            problems.Add($"texts.{key} is required");
        return problems;
    }

    private static IEnumerable<string> CheckBands(string code, List<BandDoc>? bands)
    {
        if (bands is not { Count: > 0 }) { yield return $"indicator '{code}': needs bands"; yield break; }
        var sorted = bands.OrderBy(b => b.From ?? int.MinValue).ToList();
        if (sorted[0].From is { } first && first > 0) yield return $"indicator '{code}': bands must start at 0 (or leave 'from' open)";
        if (sorted[^1].To is not null) yield return $"indicator '{code}': the last band must leave 'to' open";
        for (var i = 0; i < sorted.Count; i++)
        {
            var b = sorted[i];
            if (b.Score is < 1 or > 4) yield return $"indicator '{code}': score {b.Score} outside 1-4";
            if (b.From is { } f && b.To is { } t && t < f) yield return $"indicator '{code}': band {f}-{t} is empty";
            if (i > 0 && (sorted[i - 1].To is not { } prevTo || b.From != prevTo + 1))
                yield return $"indicator '{code}': bands must follow each other without gap or overlap (at {b.From})";
        }
    }
}
