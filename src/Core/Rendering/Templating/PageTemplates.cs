using System.Globalization;
using System.Text;
using System.Text.Json;
using HandlebarsDotNet;
using KampungKB.Core.Rendering.Exports;
using KampungKB.Core.Rendering.Templating;

namespace KampungKB.Core.Rendering.Templating;

/// <summary>
/// The upload page's template (<c>templates/page/page.hbs</c>) and its Indonesian texts
/// (<c>texts.json</c>), loaded and checked once at start-up; every <c>{{value}}</c> is HTML-encoded
/// through <see cref="ExportSanitizer.Html"/>.
/// </summary>
public sealed class PageTemplates
{
    public static readonly IReadOnlyList<string> RequiredTexts =
    [
        "lang", "title", "intro", "choose", "accepted_types", "send", "sending", "sent_wait", "network_error",
        "recent", "recent_none", "missing", "missing_none", "no_file", "bad_type", "too_large", "too_large_unread", "storage_down",
        "pending_title", "pending_text", "pending_text_unnamed", "pending_refresh", "stalled_title", "stalled_text", "stalled_text_unnamed",
        "accepted_title", "accepted_text", "unchanged_text", "superseded_text", "summary", "period", "activities",
        "participants", "participants_split", "warnings", "rejected_title", "rejected_text",
        "where_sheet", "where_row", "where_column", "found", "send_again", "back", "refused_title", "refused_text",
        "retired_title", "retired_text", "opening_title", "opening_text", "opening_noscript", "opening_nolink",
        "status_accepted", "status_unchanged", "status_superseded", "status_rejected", "footer", "place_district",
    ];

    private readonly HandlebarsTemplate<object, object> _page;

    private PageTemplates(HandlebarsTemplate<object, object> page, IReadOnlyDictionary<string, string> texts, IReadOnlyList<KeyValuePair<string, string>> indicators)
    {
        _page = page;
        Texts = texts;
        Indicators = indicators;
    }

    public IReadOnlyDictionary<string, string> Texts { get; }
    /// <summary>Key figures shown after an accepted upload, in display order: indicator code → label.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Indicators { get; }

    /// <exception cref="InvalidOperationException">The folder, template or a required text is missing or broken.</exception>
    public static PageTemplates Load(string directory)
    {
        var problems = new List<string>();
        var pageFile = Path.Combine(directory, "page.hbs");
        var textsFile = Path.Combine(directory, "texts.json");
        HandlebarsTemplate<object, object>? page = null;
        var texts = new Dictionary<string, string>(StringComparer.Ordinal);
        var indicators = new List<KeyValuePair<string, string>>();
        try
        {
            var hb = Handlebars.Create(new HandlebarsConfiguration { FormatProvider = CultureInfo.InvariantCulture, TextEncoder = new SanitizingEncoder() });
            // {{wrap text}}: encoded, with line-break opportunities after _ - . / in long tokens such as file names.
            hb.RegisterHelper("wrap", (EncodedTextWriter output, Context _, Arguments args) =>
                output.WriteSafeString(WrapPoints.Html(args.Length > 0 ? args[0]?.ToString() : null)));
            page = hb.Compile(File.ReadAllText(pageFile, Encoding.UTF8));
        }
        catch (Exception e) when (e is IOException or HandlebarsException) { problems.Add($"page.hbs: {e.Message}"); }
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(textsFile, Encoding.UTF8));
            foreach (var p in doc.RootElement.EnumerateObject())
            {
                if (p.Value.ValueKind == JsonValueKind.String) texts[p.Name] = p.Value.GetString()!;
                else if (p.Name == "indicators" && p.Value.ValueKind == JsonValueKind.Object)
                    indicators.AddRange(p.Value.EnumerateObject().Select(i => KeyValuePair.Create(i.Name, i.Value.GetString() ?? i.Name)));
            }
            problems.AddRange(RequiredTexts.Where(k => !texts.ContainsKey(k)).Select(k => $"texts.json: missing text '{k}'"));
        }
        catch (Exception e) when (e is IOException or JsonException) { problems.Add($"texts.json: {e.Message}"); }
        if (problems.Count > 0) throw new InvalidOperationException($"Upload page templates in '{directory}' are not usable: " + string.Join("; ", problems));
        return new PageTemplates(page!, texts, indicators);
    }

    /// <summary>A text with its <c>{name}</c> placeholders filled (plain text; the template encodes it).</summary>
    public string Text(string key, params (string Name, string Value)[] values)
    {
        var text = Texts[key];
        foreach (var (name, value) in values) text = text.Replace("{" + name + "}", value, StringComparison.Ordinal);
        return text;
    }

    public string Render(object model) => _page(model);
}
