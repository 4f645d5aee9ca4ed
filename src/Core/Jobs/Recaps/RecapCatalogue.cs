using System.Text.Json;
using System.Text.Json.Serialization;
using KampungKB.Core.Model;

namespace KampungKB.Core.Jobs.Recaps;

/// <summary>
/// Labels and kinds the recap and reminders use (<c>templates/messages/indicator-labels.json</c>): which
/// indicators are stocks and which flows, how ratios are built, how a cadre's "bidang" text maps to the
/// family functions, what a reminder says is missing and how each reminder stage is named. Loaded and checked once at start-up.
/// </summary>
public sealed class RecapCatalogue
{
    public const string FileName = "indicator-labels.json";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { ReadCommentHandling = JsonCommentHandling.Skip };

    /// <summary>One recap indicator of indicator-labels.json: its code, Indonesian label and kind (<c>stock</c>: latest month; <c>flow</c>: summed).</summary>
    public sealed record Indicator(string Code, string Label, string Kind)
    {
        public bool IsFlow => Kind == "flow";
    }

    /// <summary>A ratio indicator (e.g. CPR = KB aktif / PUS): the codes summed as numerator over the denominator's code.</summary>
    internal sealed record Ratio(string Code, string Label, IReadOnlyList<string> Numerator, string Denominator);

    /// <summary>An activity domain (bidang) of the recap and the words in an activity's title that put it there.</summary>
    internal sealed record Bidang(string Label, IReadOnlyList<string> Words);

    private sealed record Document(
        List<Indicator>? Indicators, List<Ratio>? Ratios, List<Bidang>? Bidang,
        string? BidangOther, string? BidangMissing, List<string>? ReminderMissing, Dictionary<string, string>? ReminderStages,
        Dictionary<string, string>? ReminderTexts);

    /// <summary><c>reminderTexts</c>: whom a Pokja reminder greets, <c>Pokja {name}</c>.</summary>
    public const string GreetingPokja = "greetingPokja";
    /// <summary><c>reminderTexts</c>: whom an escalation greets when the registry names no PKB/PLKB.</summary>
    public const string GreetingPkb = "greetingPkb";
    /// <summary><c>reminderTexts</c>: the dinas list's line in a run's items, <c>{count} kampung</c>.</summary>
    public const string DinasListName = "dinasListName";

    /// <summary>The keys <c>reminderTexts</c> must hold.</summary>
    public static readonly IReadOnlyList<string> RequiredReminderTexts = [GreetingPokja, GreetingPkb, DinasListName];

    /// <summary>The key of <c>reminderStages</c> naming a reminder the dinas sent from the dashboard (not a stage of the schedule).</summary>
    public const string OnRequestStage = "on-request";

    /// <summary>The keys <c>reminderStages</c> must hold: each stage's stored key (<see cref="ReminderStageKeys"/>) and <see cref="OnRequestStage"/>.</summary>
    public static readonly IReadOnlyList<string> RequiredReminderStages =
        [.. Enum.GetValues<Model.ReminderStage>().Select(s => s.Key()), OnRequestStage];

    private RecapCatalogue(Document d, Classes.KampungClassifier classifier, Handover.HandoverCatalogue handover, Quality.QualityCatalogue quality,
        RecapWorkbookTexts workbook)
    {
        Workbook = workbook;
        Classifier = classifier;
        Handover = handover;
        Quality = quality;
        Indicators = d.Indicators!;
        Ratios = d.Ratios!;
        BidangGroups = d.Bidang!;
        BidangOther = d.BidangOther!;
        BidangMissing = d.BidangMissing!;
        ReminderMissing = d.ReminderMissing!;
        _reminderStages = d.ReminderStages!;
        _reminderTexts = d.ReminderTexts!;
    }

    private readonly Dictionary<string, string> _reminderStages;
    private readonly Dictionary<string, string> _reminderTexts;

    /// <summary>A text of <c>reminderTexts</c> (one of <see cref="RequiredReminderTexts"/>) with its <c>{name}</c> placeholders filled.</summary>
    public string ReminderText(string key, params (string Name, string Value)[] args)
    {
        var text = _reminderTexts[key];
        foreach (var (name, value) in args) text = text.Replace("{" + name + "}", value, StringComparison.Ordinal);
        return text;
    }

    public IReadOnlyList<Indicator> Indicators { get; }
    internal IReadOnlyList<Ratio> Ratios { get; }
    internal IReadOnlyList<Bidang> BidangGroups { get; }
    public string BidangOther { get; }
    public string BidangMissing { get; }
    public IReadOnlyList<string> ReminderMissing { get; }
    /// <summary>The classification over <c>templates/classes/classification.json</c>, loaded and checked with the labels.</summary>
    public Classes.KampungClassifier Classifier { get; }
    /// <summary>The BKKBN website's forms (<c>templates/handover/handover.json</c>), for the recap's second workbook.</summary>
    public Handover.HandoverCatalogue Handover { get; }
    /// <summary>The data-quality thresholds and texts (<c>templates/quality/quality.json</c>), for the recap's quality section.</summary>
    public Quality.QualityCatalogue Quality { get; }

    /// <summary>The recap attachment's sheet names, headers and summary rows (<c>templates/recaps/workbook.json</c>).</summary>
    internal RecapWorkbookTexts Workbook { get; }

    /// <summary>
    /// How a reminder is named where people read it (the reminder mail's earlier reminders, the recap's last reminder, the
    /// CLI): the text of <c>reminderStages</c> for <paramref name="key"/> (one of <see cref="RequiredReminderStages"/>)
    /// with <c>{offset}</c> filled, e.g. "Pengingat H-3".
    /// </summary>
    /// <param name="offset">Days from the deadline as the label writes them after "H": <c>-3</c>, <c>+1</c>.</param>
    public string ReminderStageLabel(string key, string offset = "") => _reminderStages[key].Replace("{offset}", offset, StringComparison.Ordinal);

    /// <summary>The recap's label of an indicator code (the code itself when the labels do not name it).</summary>
    public string LabelOf(string code) => Indicators.FirstOrDefault(i => i.Code == code)?.Label ?? code;

    /// <summary>Loads <c>{templatesDirectory}/messages/indicator-labels.json</c>, <c>classes/classification.json</c>, <c>handover/handover.json</c>, <c>quality/quality.json</c> and <c>recaps/workbook.json</c>.</summary>
    /// <exception cref="InvalidOperationException">The file is missing or incomplete; the message lists every fault.</exception>
    public static RecapCatalogue Load(string templatesDirectory)
    {
        var path = Path.Combine(templatesDirectory, "messages", FileName);
        if (!File.Exists(path)) throw new InvalidOperationException($"Recap labels not found: {path}");
        Document? d;
        try { d = JsonSerializer.Deserialize<Document>(File.ReadAllText(path), Json); }
        catch (JsonException e) { throw new InvalidOperationException($"Recap labels {path} are not valid JSON: {e.Message}", e); }
        var problems = new List<string>();
        if (d is null) problems.Add("empty file");
        else
        {
            if (d.Indicators is not { Count: > 0 }) problems.Add("no indicators");
            else
            {
                foreach (var i in d.Indicators.Where(i => string.IsNullOrWhiteSpace(i.Code) || string.IsNullOrWhiteSpace(i.Label) || i.Kind is not ("stock" or "flow")))
                    problems.Add($"indicator '{i.Code}' needs a code, a label and kind stock or flow");
                foreach (var dup in d.Indicators.GroupBy(i => i.Code).Where(g => g.Count() > 1)) problems.Add($"indicator '{dup.Key}' listed twice");
            }
            var codes = d.Indicators?.Select(i => i.Code).ToHashSet(StringComparer.Ordinal) ?? [];
            foreach (var r in d.Ratios ?? [])
                if (r.Numerator is not { Count: > 0 } || !r.Numerator.All(codes.Contains) || !codes.Contains(r.Denominator))
                    problems.Add($"ratio '{r.Code}' must name known indicators as numerator and denominator");
            if (d.Ratios is null) problems.Add("no ratios");
            if (d.Bidang is null || d.Bidang.Any(b => string.IsNullOrWhiteSpace(b.Label) || b.Words is not { Count: > 0 })) problems.Add("bidang groups need a label and words");
            if (string.IsNullOrWhiteSpace(d.BidangOther) || string.IsNullOrWhiteSpace(d.BidangMissing)) problems.Add("bidangOther and bidangMissing are required");
            if (d.ReminderMissing is not { Count: > 0 }) problems.Add("reminderMissing is required");
            foreach (var key in RequiredReminderStages.Where(k => string.IsNullOrWhiteSpace(d.ReminderStages?.GetValueOrDefault(k))))
                problems.Add($"reminderStages needs a label for '{key}'");
            foreach (var key in RequiredReminderTexts.Where(k => string.IsNullOrWhiteSpace(d.ReminderTexts?.GetValueOrDefault(k))))
                problems.Add($"reminderTexts needs a text for '{key}'");
        }
        if (problems.Count > 0) throw new InvalidOperationException($"Recap labels {path} are not usable: " + string.Join("; ", problems));
        return new RecapCatalogue(d!, new Classes.KampungClassifier(Classes.ClassCatalogue.Load(templatesDirectory)),
            KampungKB.Core.Jobs.Handover.HandoverCatalogue.Load(templatesDirectory), KampungKB.Core.Jobs.Quality.QualityCatalogue.Load(templatesDirectory),
            RecapWorkbookTexts.Load(templatesDirectory));
    }

    /// <summary>The family-function group of a cadre's bidang text: the first group one of whose words it contains.</summary>
    public string BidangOf(string? category)
    {
        if (string.IsNullOrWhiteSpace(category)) return BidangMissing;
        var text = category.Trim().ToLowerInvariant();
        foreach (var group in BidangGroups)
            if (group.Words.Any(w => text.Contains(w, StringComparison.Ordinal)))
                return group.Label;
        return BidangOther;
    }
}
