using System.Net;
using System.Text;
using System.Text.Json;

namespace KampungKB.Core.Uploads.MailIn;

/// <summary>
/// The Indonesian texts of the email-in replies (<c>templates/mailin/texts.json</c>), loaded and checked at
/// start-up: a missing key stops the app rather than sending an empty reply.
/// </summary>
internal sealed class MailInTexts
{
    public static readonly IReadOnlyList<string> RequiredKeys =
        ["noSpreadsheet.subject", "noSpreadsheet.greeting", "noSpreadsheet.body", "closing", "defaultDinas"];

    private readonly IReadOnlyDictionary<string, string> _texts;

    private MailInTexts(IReadOnlyDictionary<string, string> texts) => _texts = texts;

    /// <param name="templatesDirectory">The app's <c>templates/</c> folder.</param>
    /// <exception cref="InvalidDataException">The file is missing, unreadable or lacks a key (all named).</exception>
    public static MailInTexts Load(string templatesDirectory)
    {
        var file = Path.Combine(templatesDirectory, "mailin", "texts.json");
        if (!File.Exists(file)) throw new InvalidDataException($"missing {file}");
        Dictionary<string, string>? texts;
        try { texts = JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(file, Encoding.UTF8)); }
        catch (JsonException e) { throw new InvalidDataException($"{file}: {e.Message}", e); }
        var missing = RequiredKeys.Where(k => texts is null || !texts.TryGetValue(k, out var v) || string.IsNullOrWhiteSpace(v)).ToList();
        if (missing.Count > 0) throw new InvalidDataException($"{file}: missing {string.Join(", ", missing)}");
        return new MailInTexts(texts!);
    }

    public string this[string key] => _texts[key];

    /// <summary>The short reply to a message without a spreadsheet or zip: what to attach.</summary>
    internal (string Subject, string Html, string Text) NoSpreadsheet(string? dinasName)
    {
        var paragraphs = new List<string> { this["noSpreadsheet.greeting"], this["noSpreadsheet.body"] };
        var signature = dinasName ?? this["defaultDinas"];
        var html = new StringBuilder();
        // A long file name gets wrap points (WrapPoints) so the reply fits a 360 px phone without breaking words.
        foreach (var p in paragraphs) html.Append("<p>").Append(Rendering.Templating.WrapPoints.Html(p)).Append("</p>");
        html.Append("<p>").Append(WebUtility.HtmlEncode(this["closing"])).Append("<br>").Append(WebUtility.HtmlEncode(signature)).Append("</p>");
        var text = string.Join("\n\n", paragraphs) + "\n\n" + this["closing"] + "\n" + signature + "\n";
        return (this["noSpreadsheet.subject"], html.ToString(), text);
    }
}
