using System.Globalization;
using System.Text;
using System.Text.Json;
using HandlebarsDotNet;
using KampungKB.Core.Rendering.Exports;
using KampungKB.Core.Model;

namespace KampungKB.Core.Rendering.Templating;

/// <summary>Thrown at start-up when the email templates are missing or broken; lists every problem.</summary>
internal sealed class TemplateConfigurationException(string directory, IReadOnlyList<string> problems)
    : InvalidOperationException($"Email templates in '{directory}' are not usable: " + string.Join("; ", problems))
{
    public string Directory { get; } = directory;
    public IReadOnlyList<string> Problems { get; } = problems;
}

/// <summary>
/// The email templates (<c>templates/email/*.hbs</c>, partials in <c>partials/</c>, subjects in
/// <c>subjects.json</c>, the texts a mail's view is built from in <c>texts.json</c>), loaded and compiled once at start-up so a missing or broken template stops
/// the app before the first mail instead of failing at 03:00 on a reminder run. Output of
/// <c>{{value}}</c> is HTML-encoded through <see cref="ExportSanitizer.Html"/>; helpers format in
/// Indonesian: <c>angka persen selisih selisihpersen tanggal jam bulan bar</c>.
/// Compiled templates are thread-safe; keep one instance per process.
/// </summary>
public sealed class EmailTemplates
{
    public const string FeedbackAccepted = "feedback-accepted";
    public const string FeedbackRejected = "feedback-rejected";
    /// <summary>The combined feedback of a zip of reports (docs/channels.md).</summary>
    public const string FeedbackFolder = "feedback-folder";
    public const string Reminder = "reminder";
    public const string Recap = "recap";
    /// <summary>The dinas stage's single list of missing kampung (docs/recaps-and-reminders.md).</summary>
    public const string DinasReminder = "reminder-dinas";

    /// <summary>To the dinas: a kampung's linked Google Drive folder can no longer be read (docs/channels.md, Core/Uploads/Drive).</summary>
    public const string DriveUnreachable = "drive-unreachable";
    /// <summary>A kampung's upload link sent again from the dashboard (<see cref="UploadLinkView"/>).</summary>
    public const string UploadLink = "upload-link";

    /// <summary>To a dinas user who asked for it: the dashboard's single-use sign-in link (docs/dashboard.md).</summary>
    public const string DashboardSignIn = "dashboard-signin";

    public static readonly IReadOnlyList<string> RequiredTemplates = [FeedbackAccepted, FeedbackRejected, FeedbackFolder, Reminder, DinasReminder, Recap, DriveUnreachable, DashboardSignIn, UploadLink];
    public static readonly IReadOnlyList<string> RequiredPartials = ["layout"];
    public static readonly IReadOnlyList<string> RequiredSubjects =
    [
        FeedbackAccepted, FeedbackRejected, FeedbackFolder,
        "reminder.before-deadline", "reminder.after-deadline", "reminder.escalation", "reminder.dinas",
        DinasReminder, Recap,
        DriveUnreachable, DashboardSignIn, UploadLink,
    ];

    /// <summary>A feedback's kampung name when neither the registry nor the file names one (<c>texts.json</c>).</summary>
    public const string UnknownKampungText = "feedback.unknown-kampung";

    /// <summary>The prefix of a key figure's label in <c>texts.json</c>: <c>figure.{indicator code}</c>, and <c>figure.cpr</c>, <c>figure.unmet_need_rate</c> for the two ratios.</summary>
    public const string FigurePrefix = "figure.";

    /// <summary>
    /// The texts of <c>texts.json</c> a mail is built from beside its template (the feedback's key figures and its
    /// unknown kampung): each must be there, non-empty, or the templates do not load.
    /// </summary>
    public static readonly IReadOnlyList<string> RequiredTexts =
    [
        UnknownKampungText,
        FigurePrefix + "families", FigurePrefix + "pus", FigurePrefix + "kb_active", FigurePrefix + "cpr", FigurePrefix + "kb_new",
        FigurePrefix + "unmet_need", FigurePrefix + "unmet_need_rate", FigurePrefix + "stunting_risk_families",
    ];

    private readonly Dictionary<string, HandlebarsTemplate<object, object>> _bodies;
    private readonly Dictionary<string, HandlebarsTemplate<object, object>> _subjects;
    private readonly Dictionary<string, string> _texts;

    private EmailTemplates(Dictionary<string, HandlebarsTemplate<object, object>> bodies, Dictionary<string, HandlebarsTemplate<object, object>> subjects,
        Dictionary<string, string> texts)
    {
        _bodies = bodies;
        _subjects = subjects;
        _texts = texts;
    }

    /// <summary>A text of <c>texts.json</c>, one of <see cref="RequiredTexts"/> (plain text; the template encodes it).</summary>
    /// <exception cref="KeyNotFoundException">The key is not in texts.json (a key outside <see cref="RequiredTexts"/>: our bug).</exception>
    public string Text(string key) => _texts[key];

    public IReadOnlyCollection<string> TemplateNames => _bodies.Keys;

    /// <summary>Loads from the <c>templates/email</c> folder shipped beside the app.</summary>
    public static EmailTemplates LoadDefault() => Load(Path.Combine(AppContext.BaseDirectory, "templates", "email"));

    /// <exception cref="TemplateConfigurationException">A required template, partial or subject is missing, or one does not compile.</exception>
    public static EmailTemplates Load(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        var problems = new List<string>();
        if (!System.IO.Directory.Exists(directory))
            throw new TemplateConfigurationException(directory, ["folder not found"]);

        var html = CreateEnvironment(encode: true);
        var plain = CreateEnvironment(encode: false);

        var partialDir = Path.Combine(directory, "partials");
        var partials = System.IO.Directory.Exists(partialDir)
            ? System.IO.Directory.GetFiles(partialDir, "*.hbs").ToDictionary(f => Path.GetFileNameWithoutExtension(f), StringComparer.Ordinal)
            : new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in RequiredPartials.Where(p => !partials.ContainsKey(p)))
            problems.Add($"missing partial partials/{name}.hbs");
        foreach (var (name, file) in partials)
            Try(problems, $"partials/{name}.hbs", () => html.RegisterTemplate(name, File.ReadAllText(file, Encoding.UTF8)));

        var bodies = new Dictionary<string, HandlebarsTemplate<object, object>>(StringComparer.Ordinal);
        foreach (var file in System.IO.Directory.GetFiles(directory, "*.hbs"))
        {
            var name = Path.GetFileNameWithoutExtension(file);
            Try(problems, $"{name}.hbs", () => bodies[name] = html.Compile(File.ReadAllText(file, Encoding.UTF8)));
        }
        foreach (var name in RequiredTemplates.Where(t => !bodies.ContainsKey(t) && !problems.Any(p => p.StartsWith(t + ".hbs", StringComparison.Ordinal))))
            problems.Add($"missing template {name}.hbs");

        var subjects = new Dictionary<string, HandlebarsTemplate<object, object>>(StringComparer.Ordinal);
        var subjectsFile = Path.Combine(directory, "subjects.json");
        if (!File.Exists(subjectsFile))
        {
            problems.Add("missing subjects.json");
        }
        else
        {
            Dictionary<string, string>? raw = null;
            Try(problems, "subjects.json", () => raw = JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(subjectsFile, Encoding.UTF8)));
            foreach (var (key, source) in raw ?? [])
                Try(problems, $"subjects.json '{key}'", () => subjects[key] = plain.Compile(source));
            if (raw is not null)
                foreach (var key in RequiredSubjects.Where(k => !raw.ContainsKey(k)))
                    problems.Add($"missing subject '{key}' in subjects.json");
        }

        var texts = new Dictionary<string, string>(StringComparer.Ordinal);
        var textsFile = Path.Combine(directory, "texts.json");
        if (!File.Exists(textsFile))
        {
            problems.Add("missing texts.json");
        }
        else
        {
            Dictionary<string, string>? raw = null;
            Try(problems, "texts.json", () => raw = JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(textsFile, Encoding.UTF8)));
            foreach (var (key, text) in raw ?? []) texts[key] = text;
            if (raw is not null)
                foreach (var key in RequiredTexts.Where(k => string.IsNullOrWhiteSpace(texts.GetValueOrDefault(k))))
                    problems.Add($"missing text '{key}' in texts.json");
        }

        if (problems.Count > 0) throw new TemplateConfigurationException(directory, problems);
        return new EmailTemplates(bodies, subjects, texts);
    }

    internal RenderedEmail RenderFeedback(FeedbackView view) =>
        Render(view.Accepted ? FeedbackAccepted : FeedbackRejected, view);

    internal RenderedEmail RenderFolderFeedback(FolderFeedbackView view) => Render(FeedbackFolder, view);

    internal RenderedEmail RenderReminder(ReminderView view) => Render(Reminder, view, $"{Reminder}.{view.StageKey}");

    internal RenderedEmail RenderDinasReminder(DinasReminderView view) => Render(DinasReminder, view);

    internal RenderedEmail RenderRecap(RecapView view) => Render(Recap, view);

    internal RenderedEmail RenderUploadLink(UploadLinkView view) => Render(UploadLink, view);

    /// <summary>Renders template <paramref name="templateName"/> with subject <paramref name="subjectKey"/> (default: the template name).</summary>
    public RenderedEmail Render(string templateName, object model, string? subjectKey = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!_bodies.TryGetValue(templateName, out var body))
            throw new KeyNotFoundException($"No email template '{templateName}'.");
        if (!_subjects.TryGetValue(subjectKey ?? templateName, out var subject))
            throw new KeyNotFoundException($"No subject '{subjectKey ?? templateName}'.");
        s_section = 0;
        var html = body(model);
        return new RenderedEmail(ExportSanitizer.SingleLine(subject(model)), html, HtmlToText.Convert(html));
    }

    private static void Try(List<string> problems, string what, Action action)
    {
        try { action(); }
        catch (Exception ex) when (ex is HandlebarsException or JsonException or IOException)
        {
            problems.Add($"{what}: {ex.Message}");
        }
    }

    /// <summary>The last section number <c>{{nomor}}</c> gave in the render running on this thread (renders are synchronous).</summary>
    [ThreadStatic] private static int s_section;

    private static IHandlebars CreateEnvironment(bool encode)
    {
        var configuration = new HandlebarsConfiguration
        {
            ThrowOnUnresolvedBindingExpression = true,
            FormatProvider = CultureInfo.InvariantCulture,
        };
        if (encode) configuration.TextEncoder = new SanitizingEncoder();
        else configuration.NoEscape = true;

        var hb = Handlebars.Create(configuration);
        hb.RegisterHelper("angka", (EncodedTextWriter output, Context _, Arguments args) =>
            output.Write(IndonesianFormat.Number(Arg(args, 0), IntArg(args, 1, 2))));
        hb.RegisterHelper("persen", (EncodedTextWriter output, Context _, Arguments args) =>
            output.Write(IndonesianFormat.Percent(Arg(args, 0), IntArg(args, 1, 1))));
        hb.RegisterHelper("selisih", (EncodedTextWriter output, Context _, Arguments args) =>
            output.Write(IndonesianFormat.Change(Arg(args, 0), IntArg(args, 1, 2))));
        hb.RegisterHelper("selisihpersen", (EncodedTextWriter output, Context _, Arguments args) =>
            output.Write(IndonesianFormat.PercentChange(Arg(args, 0), IntArg(args, 1, 1))));
        hb.RegisterHelper("tanggal", (EncodedTextWriter output, Context _, Arguments args) =>
            output.Write(IndonesianFormat.Date(Arg(args, 0))));
        hb.RegisterHelper("jam", (EncodedTextWriter output, Context _, Arguments args) =>
            output.Write(IndonesianFormat.Time(Arg(args, 0))));
        hb.RegisterHelper("bulan", (EncodedTextWriter output, Context _, Arguments args) =>
            output.Write(IndonesianFormat.Month(Arg(args, 0))));
        // {{nomor}}: 1, 2, 3… in the order sections are rendered, so a left-out section leaves no gap.
        hb.RegisterHelper("nomor", (EncodedTextWriter output, Context _, Arguments _) =>
            output.Write((++s_section).ToString(CultureInfo.InvariantCulture)));
        // {{wrap FileName}}: the text with line-break opportunities after _ - . / in long tokens (WrapPoints).
        hb.RegisterHelper("wrap", (EncodedTextWriter output, Context _, Arguments args) =>
        {
            var text = Arg(args, 0)?.ToString();
            if (encode) output.WriteSafeString(WrapPoints.Html(text));
            else output.Write(text ?? "");
        });
        hb.RegisterHelper("bar", (EncodedTextWriter output, Context _, Arguments args) =>
            output.WriteSafeString(HtmlBar.Render(IndonesianFormat.ToDecimal(Arg(args, 0)), IndonesianFormat.ToDecimal(Arg(args, 1)), Arg(args, 2) as string)));
        return hb;
    }

    private static object? Arg(Arguments args, int i) => i < args.Length ? args[i] : null;

    private static int IntArg(Arguments args, int i, int fallback) =>
        IndonesianFormat.ToDecimal(Arg(args, i)) is { } d ? (int)d : fallback;
}

/// <summary>A horizontal bar as a two-cell table with percentage widths and background colours: renders in Outlook, Gmail and phone clients, no images or CSS classes.</summary>
internal static class HtmlBar
{
    public const string DefaultColor = "#0b6e4f";
    public const string TrackColor = "#e4e7eb";

    public static string Render(decimal? value, decimal? max, string? color)
    {
        var ratio = value is { } v && max is { } m && m > 0 ? Math.Clamp(v / m, 0, 1) : 0;
        var filled = (int)Math.Round(ratio * 100, MidpointRounding.AwayFromZero);
        var fill = IsSafeColor(color) ? color! : DefaultColor;
        var sb = new StringBuilder("<table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" border=\"0\" style=\"border-collapse:collapse;width:100%;\"><tr>");
        if (filled > 0) sb.Append(Cell(filled, fill));
        if (filled < 100) sb.Append(Cell(100 - filled, TrackColor));
        return sb.Append("</tr></table>").ToString();

        static string Cell(int width, string background) =>
            $"<td width=\"{width.ToString(CultureInfo.InvariantCulture)}%\" style=\"width:{width.ToString(CultureInfo.InvariantCulture)}%;background-color:{background};height:10px;line-height:10px;font-size:1px;\">&nbsp;</td>";
    }

    private static bool IsSafeColor(string? c) =>
        c is { Length: 4 or 7 } && c[0] == '#' && c.Skip(1).All(char.IsAsciiHexDigit);
}
