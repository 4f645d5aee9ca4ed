using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace KampungKB.Core.Jobs.Quality;

/// <summary>
/// The thresholds and Indonesian texts of the data-quality review (<c>templates/quality/quality.json</c>), after
/// the WHO Data Quality Review toolkit's module 1 (outliers, values that never change, internal consistency,
/// consistency over time). Loaded and checked once; every fault is named.
/// </summary>
public sealed class QualityCatalogue
{
    public const string FileName = "quality.json";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { ReadCommentHandling = JsonCommentHandling.Skip };

    /// <summary>Outliers against the kampung's own previous <see cref="HistoryMonths"/> months: moderate from <see cref="ModerateSd"/>, extreme from <see cref="ExtremeSd"/> sample standard deviations off the mean.</summary>
    internal sealed record OutlierSpec(int HistoryMonths, int MinimumHistory, decimal ModerateSd, decimal ExtremeSd, decimal MinimumDeviation);

    /// <summary>A figure identical in <see cref="Months"/> consecutive months (this month included) counts as copied forward.</summary>
    internal sealed record CopiedSpec(int Months, bool IgnoreZero, IReadOnlyList<string> Figures);

    /// <summary>Σ left ≤ Σ right − Σ rightMinus (or = when <see cref="Equal"/>); checked when every right, rightMinus and requires figure and at least one left figure is present.</summary>
    internal sealed record ConsistencyRule(string Code, IReadOnlyList<string> Left, IReadOnlyList<string> Right, IReadOnlyList<string>? RightMinus, bool Equal, IReadOnlyList<string>? Requires);

    /// <summary>Per kecamatan: this month's total against the mean of the previous <see cref="PreviousMonths"/> months over the same kampung; flagged beyond ± <see cref="MaximumChange"/> (a ratio).</summary>
    internal sealed record TrendSpec(int PreviousMonths, decimal MaximumChange, decimal MinimumExpected, IReadOnlyList<string> Figures);

    private sealed record Document(List<string>? Figures, OutlierSpec? Outliers, CopiedSpec? CopiedForward, List<ConsistencyRule>? Consistency,
        TrendSpec? KecamatanTrend, Dictionary<string, int>? Weights, int? CallFirst, Dictionary<string, string>? Texts);

    public static readonly IReadOnlyList<string> Kinds = [QualityKinds.OutlierExtreme, QualityKinds.OutlierModerate, QualityKinds.CopiedForward, QualityKinds.Inconsistent, QualityKinds.KecamatanTrend];

    private QualityCatalogue(Document d)
    {
        Figures = d.Figures!;
        Outliers = d.Outliers!;
        CopiedForward = d.CopiedForward!;
        Consistency = d.Consistency!;
        KecamatanTrend = d.KecamatanTrend!;
        Weights = d.Weights!;
        CallFirst = d.CallFirst ?? 10;
        Texts = d.Texts!;
    }

    public IReadOnlyList<string> Figures { get; }
    internal OutlierSpec Outliers { get; }
    internal CopiedSpec CopiedForward { get; }
    internal IReadOnlyList<ConsistencyRule> Consistency { get; }
    internal TrendSpec KecamatanTrend { get; }
    /// <summary>Points a flag of each kind adds to its kampung's call-first score.</summary>
    public IReadOnlyDictionary<string, int> Weights { get; }
    /// <summary>How many ranked kampung the recap mail lists.</summary>
    public int CallFirst { get; }
    public IReadOnlyDictionary<string, string> Texts { get; }

    /// <summary>Loads <c>{templatesDirectory}/quality/quality.json</c>.</summary>
    /// <exception cref="InvalidOperationException">Missing, not JSON, or incomplete; the message lists every fault.</exception>
    public static QualityCatalogue Load(string templatesDirectory)
    {
        var path = Path.Combine(templatesDirectory, "quality", FileName);
        if (!File.Exists(path)) throw new InvalidOperationException($"Quality thresholds not found: {path}");
        Document? d;
        try { d = JsonSerializer.Deserialize<Document>(File.ReadAllText(path), Json); }
        catch (JsonException e) { throw new InvalidOperationException($"Quality thresholds {path} are not valid JSON: {e.Message}", e); }
        var problems = new List<string>();
        if (d is null) problems.Add("empty file");
        else
        {
            if (d.Figures is not { Count: > 0 }) problems.Add("figures are required");
            if (d.Outliers is not { } o) problems.Add("outliers are required");
            else if (o.HistoryMonths < 2 || o.MinimumHistory < 2 || o.MinimumHistory > o.HistoryMonths || o.ModerateSd <= 0 || o.ExtremeSd < o.ModerateSd || o.MinimumDeviation < 0)
                problems.Add("outliers need 2 ≤ minimumHistory ≤ historyMonths and 0 < moderateSd ≤ extremeSd, minimumDeviation ≥ 0");
            if (d.CopiedForward is not { Months: >= 2, Figures: not null }) problems.Add("copiedForward needs months ≥ 2 and figures");
            if (d.Consistency is null || d.Consistency.Any(r => string.IsNullOrWhiteSpace(r.Code) || r.Left is not { Count: > 0 } || r.Right is not { Count: > 0 }))
                problems.Add("every consistency rule needs a code, left and right figures");
            if (d.KecamatanTrend is not { PreviousMonths: >= 1, MaximumChange: > 0, Figures: not null }) problems.Add("kecamatanTrend needs previousMonths ≥ 1, maximumChange > 0 and figures");
            if (d.Weights is null || Kinds.Any(k => !d.Weights.ContainsKey(k))) problems.Add("weights need every kind: " + string.Join(", ", Kinds));
            var texts = d.Texts ?? [];
            foreach (var key in Kinds.Select(k => "kind." + k).Concat(["why.outlier", "why.copied-forward", "why.inconsistent.le", "why.inconsistent.eq", "why.kecamatan-trend",
                         "figures.many", "cli.header", "cli.none", "cli.rank", "cli.flag", "cli.callFirst", "sheet",
                         "col.rank", "col.score", "col.area", "col.kampung", "col.district", "col.month", "col.kind", "col.figure", "col.value", "col.low", "col.high", "col.why"])
                     .Concat((d.Consistency ?? []).Select(r => "rule." + r.Code)))
                if (!texts.ContainsKey(key)) problems.Add($"text '{key}' is missing");
        }
        if (problems.Count > 0) throw new InvalidOperationException($"Quality thresholds {path} are not usable: " + string.Join("; ", problems));
        return new QualityCatalogue(d!);
    }

    /// <summary>A text with <c>{name}</c> placeholders filled; numbers in Indonesian form (1.204; 12,5).</summary>
    public string Text(string key, params (string Name, object? Value)[] args)
    {
        var s = Texts[key];
        foreach (var (name, value) in args)
            s = s.Replace("{" + name + "}", value switch
            {
                decimal or int or double => Model.IndonesianFormat.Number(value, 2),
                _ => Convert.ToString(value, CultureInfo.InvariantCulture),
            }, StringComparison.Ordinal);
        return s;
    }
}

/// <summary>The stable codes of the review's flags (JSON <c>kind</c>).</summary>
internal static class QualityKinds
{
    public const string OutlierExtreme = "outlier-extreme";
    public const string OutlierModerate = "outlier-moderate";
    public const string CopiedForward = "copied-forward";
    public const string Inconsistent = "inconsistent";
    public const string KecamatanTrend = "kecamatan-trend";
}
