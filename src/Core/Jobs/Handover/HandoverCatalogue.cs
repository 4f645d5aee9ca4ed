using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace KampungKB.Core.Jobs.Handover;

/// <summary>
/// The BKKBN Kampung KB website's forms as data (<c>templates/handover/handover.json</c>): its pages in its own
/// order, each field's label and form name as the website's public code writes them, where our value comes from
/// and which of the website's own validation rules apply. Loaded and checked once; every fault is named.
/// </summary>
public sealed class HandoverCatalogue
{
    public const string FileName = "handover.json";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { ReadCommentHandling = JsonCommentHandling.Skip };

    /// <summary>The website's validation rules we apply (its form requests): see the template's comment.</summary>
    public static readonly IReadOnlyList<string> KnownChecks = [Checks.Required, Checks.Integer, Checks.Min0, Checks.SumEqualPus];

    /// <summary>Stable codes of the checks (also the <c>fail.*</c> and <c>rule.*</c> text keys).</summary>
    internal static class Checks
    {
        public const string Required = "required", Integer = "integer", Min0 = "min0", Max = "max", SumEqualPus = "sumEqualPus";
        /// <summary>A poktan the registry says is Tidak Ada while the month's report counts its members: the website locks the members at 0.</summary>
        public const string PoktanMembers = "poktanMembers";
    }

    /// <summary>
    /// One field: the website's form name and label; <see cref="Value"/> <c>figure:CODE</c> (an indicator code),
    /// <c>profile:NAME</c> (a <see cref="Model.KampungProfile"/> property) or null (not collected here);
    /// <see cref="Format"/> for profile answers: <c>ada</c> (Ada/Tidak Ada), <c>count</c>, <c>number</c>.
    /// <c>poktan:NAME</c> is the website's per-poktan question (Ada/Tidak Ada for BKB, BKR, …): from the poktan the registry
    /// named, else from its count when that decides it (0: none, 5: all), else from <see cref="Members"/> (<c>figure:CODE</c>,
    /// the poktan's members this month: more than 0 means it exists).
    /// </summary>
    internal sealed record Field(string Name, string Label, string? Value, string? Format, IReadOnlyList<string> Checks, string? Max, string? MaxLabel, string? Source,
        string? Members = null)
    {
        public string? PoktanName => Value is { } v && v.StartsWith("poktan:", StringComparison.Ordinal) ? v["poktan:".Length..] : null;
        public string? MembersFigure => Members is { } m && m.StartsWith("figure:", StringComparison.Ordinal) ? m["figure:".Length..] : null;
        public string? FigureCode => Value is { } v && v.StartsWith("figure:", StringComparison.Ordinal) ? v["figure:".Length..] : null;
        public string? ProfileName => Value is { } v && v.StartsWith("profile:", StringComparison.Ordinal) ? v["profile:".Length..] : null;
        public string? MaxFigure => Max is { } m && m.StartsWith("figure:", StringComparison.Ordinal) ? m["figure:".Length..] : null;
        public bool IsCollected => Value is not null;
    }

    /// <summary>One page of the website, its fields in the website's order.</summary>
    internal sealed record Form(string Code, string Title, string Source, IReadOnlyList<Field> Fields);

    private sealed record Document(List<Form>? Forms, string? PusFigure, Dictionary<string, string>? Texts);

    private static readonly string[] ProfileNames = typeof(Model.KampungProfile).GetProperties().Where(p => p.CanWrite || p.GetMethod is not null)
        .Select(p => p.Name).Where(n => n != nameof(Model.KampungProfile.IsEmpty)).ToArray();

    private HandoverCatalogue(Document d)
    {
        Forms = d.Forms!;
        PusFigure = d.PusFigure!;
        Texts = d.Texts!;
    }

    internal IReadOnlyList<Form> Forms { get; }
    /// <summary>The figure the website's <c>sum_equal</c> rule compares against (<c>jumlah_pus</c>).</summary>
    public string PusFigure { get; }
    public IReadOnlyDictionary<string, string> Texts { get; }

    /// <summary>Loads <c>{templatesDirectory}/handover/handover.json</c>.</summary>
    /// <exception cref="InvalidOperationException">Missing, not JSON, or incomplete; the message lists every fault.</exception>
    public static HandoverCatalogue Load(string templatesDirectory)
    {
        var path = Path.Combine(templatesDirectory, "handover", FileName);
        if (!File.Exists(path)) throw new InvalidOperationException($"Handover forms not found: {path}");
        Document? d;
        try { d = JsonSerializer.Deserialize<Document>(File.ReadAllText(path), Json); }
        catch (JsonException e) { throw new InvalidOperationException($"Handover forms {path} are not valid JSON: {e.Message}", e); }
        var problems = new List<string>();
        if (d is null) problems.Add("empty file");
        else
        {
            if (d.Forms is not { Count: > 0 }) problems.Add("forms are required");
            if (string.IsNullOrWhiteSpace(d.PusFigure)) problems.Add("pusFigure is required");
            foreach (var form in d.Forms ?? [])
            {
                if (string.IsNullOrWhiteSpace(form.Code) || string.IsNullOrWhiteSpace(form.Title) || form.Fields is not { Count: > 0 })
                    problems.Add($"form '{form.Code}' needs a code, a title and fields");
                foreach (var f in form.Fields ?? [])
                {
                    if (string.IsNullOrWhiteSpace(f.Name) || string.IsNullOrWhiteSpace(f.Label)) problems.Add($"a field of '{form.Code}' needs a name and a label");
                    if (f.Value is { } v && f.FigureCode is null && f.PoktanName is not { Length: > 0 } && (f.ProfileName is not { } p || !ProfileNames.Contains(p)))
                        problems.Add($"field '{f.Name}': value '{v}' is neither figure:CODE, poktan:NAME nor profile:{string.Join("|", ProfileNames)}");
                    if (f.Members is { } mem && f.MembersFigure is null) problems.Add($"field '{f.Name}': members '{mem}' must be figure:CODE");
                    foreach (var c in (f.Checks ?? []).Where(c => !KnownChecks.Contains(c))) problems.Add($"field '{f.Name}': unknown check '{c}'");
                    if (f.Max is { } m && f.MaxFigure is null) problems.Add($"field '{f.Name}': max '{m}' must be figure:CODE");
                }
            }
            var texts = d.Texts ?? [];
            foreach (var key in new[] { "sheet.guide", "sheet.blocks", "sheet.failures", "sheet.nofigures", "block.title", "block.ready", "block.failing", "check.ok", "check.fail",
                         "check.notCollected", "answer.ada", "answer.tidak", "answer.empty", "fail.required", "fail.required.profile", "fail.max", "status.missing",
                         "status.noFigures", "link.none", "cli.title", "cli.file", "cli.failing", "fail.required.poktan", "fail.poktanMembers", "rule.poktanMembers",
                         "note.poktanFromReport" }
                         .Concat(KnownChecks.Select(c => "fail." + c)).Concat(KnownChecks.Append(Checks.Max).Select(c => "rule." + c)))
                if (!texts.ContainsKey(key)) problems.Add($"text '{key}' is missing");
        }
        if (problems.Count > 0) throw new InvalidOperationException($"Handover forms {path} are not usable: " + string.Join("; ", problems));
        return new HandoverCatalogue(d!);
    }

    /// <summary>A text with <c>{name}</c> placeholders filled; numbers in Indonesian form (1.204).</summary>
    public string Text(string key, params (string Name, object? Value)[] args)
    {
        var s = Texts[key];
        foreach (var (name, value) in args)
            s = s.Replace("{" + name + "}", value switch
            {
                decimal or int or double => Model.IndonesianFormat.Number(value),
                _ => Convert.ToString(value, CultureInfo.InvariantCulture),
            }, StringComparison.Ordinal);
        return s;
    }
}
