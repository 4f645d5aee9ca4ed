using System.Globalization;
using System.Text;
using System.Text.Json;
using HandlebarsDotNet;
using KampungKB.Core.Rendering.Templating;

namespace KampungKB.Core.Dashboard;

/// <summary>
/// The dashboard's pages (<c>templates/dashboard/*.hbs</c>, each wrapped in <c>{{#> layout}}</c> from
/// <c>partials/layout.hbs</c>) and their Indonesian texts (every <c>templates/dashboard/*.json</c>, merged; a key
/// defined twice is a start-up error, so each page may keep its texts in a file of its own), loaded and checked
/// once at start-up. Every <c>{{value}}</c> is HTML-encoded through the export sanitiser.
/// A page renders with the model <c>{ t = texts, frame = <see cref="DashboardFrame"/>, page = the page's view }</c>.
/// </summary>
public sealed class DashboardTemplates
{
    /// <summary>Texts the layout and the sign-in and overview pages need.</summary>
    public static readonly IReadOnlyList<string> RequiredTexts = ["app", "footer", "sign_out", "nav_overview", "nav_trends"];

    private readonly IReadOnlyDictionary<string, HandlebarsTemplate<object, object>> _pages;

    private DashboardTemplates(IReadOnlyDictionary<string, HandlebarsTemplate<object, object>> pages, IReadOnlyDictionary<string, string> texts)
    {
        _pages = pages;
        Texts = texts;
    }

    /// <summary>Every text by key (plain text; templates encode it).</summary>
    public IReadOnlyDictionary<string, string> Texts { get; }

    /// <summary>The page templates' names (file names without <c>.hbs</c>).</summary>
    public IReadOnlyCollection<string> Pages => (IReadOnlyCollection<string>)_pages.Keys;

    /// <exception cref="InvalidOperationException">The folder, the layout, a page or a required text is missing or broken; names each.</exception>
    public static DashboardTemplates Load(string directory, IEnumerable<string>? requiredPages = null, IEnumerable<string>? requiredTexts = null)
    {
        var problems = new List<string>();
        if (!Directory.Exists(directory)) throw new InvalidOperationException($"Dashboard templates folder '{directory}' not found.");
        var hb = Handlebars.Create(new HandlebarsConfiguration { FormatProvider = CultureInfo.InvariantCulture, TextEncoder = new SanitizingEncoder() });
        hb.RegisterHelper("wrap", (EncodedTextWriter output, Context _, Arguments args) =>
            output.WriteSafeString(WrapPoints.Html(args.Length > 0 ? args[0]?.ToString() : null)));
        // {{eq a b}}: for selected options and current tabs.
        hb.RegisterHelper("eq", (Context _, Arguments args) => args.Length == 2 && Equals(args[0]?.ToString(), args[1]?.ToString()));

        var partialDir = Path.Combine(directory, "partials");
        if (!File.Exists(Path.Combine(partialDir, "layout.hbs"))) problems.Add("missing partials/layout.hbs");
        if (Directory.Exists(partialDir))
            foreach (var file in Directory.GetFiles(partialDir, "*.hbs").OrderBy(f => f, StringComparer.Ordinal))
                Try(problems, "partials/" + Path.GetFileName(file), () => hb.RegisterTemplate(Path.GetFileNameWithoutExtension(file), File.ReadAllText(file, Encoding.UTF8)));

        var pages = new Dictionary<string, HandlebarsTemplate<object, object>>(StringComparer.Ordinal);
        foreach (var file in Directory.GetFiles(directory, "*.hbs").OrderBy(f => f, StringComparer.Ordinal))
            Try(problems, Path.GetFileName(file), () => pages[Path.GetFileNameWithoutExtension(file)] = hb.Compile(File.ReadAllText(file, Encoding.UTF8)));
        foreach (var name in requiredPages ?? [])
            if (!pages.ContainsKey(name) && !problems.Any(p => p.StartsWith(name + ".hbs", StringComparison.Ordinal))) problems.Add($"missing {name}.hbs");

        var texts = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in Directory.GetFiles(directory, "*.json").OrderBy(f => f, StringComparer.Ordinal))
        {
            try
            {
                using var doc = JsonDocument.Parse(File.ReadAllText(file, Encoding.UTF8));
                foreach (var p in doc.RootElement.EnumerateObject())
                {
                    if (p.Value.ValueKind != JsonValueKind.String) { problems.Add($"{Path.GetFileName(file)}: '{p.Name}' is not a string"); continue; }
                    if (!texts.TryAdd(p.Name, p.Value.GetString()!)) problems.Add($"{Path.GetFileName(file)}: text '{p.Name}' defined twice");
                }
            }
            catch (Exception e) when (e is IOException or JsonException or InvalidOperationException) { problems.Add($"{Path.GetFileName(file)}: {e.Message}"); }
        }
        foreach (var key in RequiredTexts.Concat(requiredTexts ?? []).Distinct())
            if (!texts.ContainsKey(key)) problems.Add($"missing text '{key}'");
        if (problems.Count > 0) throw new InvalidOperationException($"Dashboard templates in '{directory}' are not usable: " + string.Join("; ", problems));
        return new DashboardTemplates(pages, texts);
    }

    /// <summary>A text with its <c>{name}</c> placeholders filled (plain text; the template encodes it).</summary>
    /// <exception cref="KeyNotFoundException">No such text (a bug: required texts are checked at start-up).</exception>
    public string Text(string key, params (string Name, string Value)[] values)
    {
        var text = Texts[key];
        foreach (var (name, value) in values) text = text.Replace("{" + name + "}", value, StringComparison.Ordinal);
        return text;
    }

    /// <summary>Renders page <paramref name="name"/> with the model <c>{ t, frame, page }</c>.</summary>
    /// <exception cref="KeyNotFoundException">No such page template.</exception>
    internal string Render(string name, DashboardFrame frame, object page) =>
        _pages.TryGetValue(name, out var template)
            ? template(new { t = Texts, frame, page })
            : throw new KeyNotFoundException($"No dashboard page '{name}'.");

    /// <summary>An HTML answer: page <paramref name="name"/> rendered, with <paramref name="status"/>.</summary>
    internal DashboardResponse Page(string name, DashboardFrame frame, object page, int status = 200, IReadOnlyList<DashboardCookie>? cookies = null) =>
        new(status, Render(name, frame, page), DashboardResponse.Html, null, cookies);

    private static void Try(List<string> problems, string what, Action action)
    {
        try { action(); }
        catch (Exception e) when (e is IOException or HandlebarsException) { problems.Add($"{what}: {e.Message}"); }
    }
}

/// <summary>
/// What the layout shows around every page: <paramref name="Title"/> (header and &lt;title&gt;), a subtitle
/// (kabupaten/kota · month), the tabs, a notice, and, when signed in, the sign-out form with the session's CSRF token.
/// </summary>
internal sealed record DashboardFrame(string Title, string? Subtitle = null, IReadOnlyList<DashboardNav>? Nav = null,
    string? Notice = null, bool SignedIn = false, string? Csrf = null)
{
    /// <summary>Where the sign-out form posts.</summary>
    public string SignOut => DashboardRoutes.Prefix + "/" + DashboardRoutes.SignOut;
}

/// <summary>One tab of the layout's navigation.</summary>
internal sealed record DashboardNav(string Label, string Href, bool Current = false);
