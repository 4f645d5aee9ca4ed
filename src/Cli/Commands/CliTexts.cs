using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using KampungKB.Core.Rendering.Templating;
using KampungKB.Core.Model;

namespace KampungKB.Cli.Commands;

/// <summary>
/// Every line the operator commands print, in Bahasa Indonesia, from <c>templates/cli/texts.json</c>:
/// <c>commands</c> (usage and a one-line description per command, the order of <c>kkb help</c>) and
/// <c>texts</c> (keyed lines with <c>{name}</c> or <c>{name,-32}</c> placeholders). Numbers given as
/// arguments are written the Indonesian way (1.204).
/// </summary>
internal sealed partial class CliTexts
{
    public sealed record CommandText(string Usage, string About);

    private sealed record Document(Dictionary<string, CommandText>? Commands, Dictionary<string, string>? Texts);

    private static readonly Lazy<CliTexts> s_default = new(() => Load(CommandLine.TemplatesDirectory));

    private CliTexts(IReadOnlyDictionary<string, CommandText> commands, IReadOnlyDictionary<string, string> texts)
    {
        Commands = commands;
        Texts = texts;
    }

    /// <summary>The catalogue beside the tool (or the repository's, KKB_ROOT), loaded once.</summary>
    public static CliTexts Default => s_default.Value;

    /// <summary>Usage and description per command, in the order <c>kkb help</c> lists them.</summary>
    public IReadOnlyDictionary<string, CommandText> Commands { get; }
    public IReadOnlyDictionary<string, string> Texts { get; }

    /// <exception cref="InvalidOperationException">The file is missing, not JSON, or a command lacks its usage or description.</exception>
    public static CliTexts Load(string templatesDirectory)
    {
        var path = Path.Combine(templatesDirectory, "cli", "texts.json");
        if (!File.Exists(path)) throw new InvalidOperationException($"CLI texts not found: {path}");
        var doc = JsonSerializer.Deserialize<Document>(File.ReadAllText(path), new JsonSerializerOptions(JsonSerializerDefaults.Web))
                  ?? throw new InvalidOperationException($"CLI texts {path} are empty.");
        var commands = doc.Commands ?? [];
        var bad = commands.Where(c => string.IsNullOrWhiteSpace(c.Value?.Usage) || string.IsNullOrWhiteSpace(c.Value?.About)).Select(c => c.Key).ToList();
        if (bad.Count > 0 || doc.Texts is null) throw new InvalidOperationException($"CLI texts {path}: incomplete commands {string.Join(", ", bad)}");
        return new CliTexts(commands, doc.Texts);
    }

    /// <summary>The text <paramref name="key"/> with its placeholders filled.</summary>
    /// <exception cref="KeyNotFoundException">No such text: a bug, caught by the tests that run each command.</exception>
    public string T(string key, params (string Name, object? Value)[] values)
    {
        if (!Texts.TryGetValue(key, out var text)) throw new KeyNotFoundException($"No CLI text '{key}'.");
        if (values.Length == 0) return text;
        var map = values.ToDictionary(v => v.Name, v => v.Value, StringComparer.Ordinal);
        return Placeholder().Replace(text, m =>
        {
            if (!map.TryGetValue(m.Groups["name"].Value, out var value)) return m.Value;
            var s = Format(value);
            if (m.Groups["width"].Success && int.TryParse(m.Groups["width"].Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var width))
                s = width < 0 ? s.PadRight(-width) : s.PadLeft(width);
            return s;
        });
    }

    /// <summary>A code's label (<c>action.sent</c> → "dikirim"), or the code itself when the catalogue has none.</summary>
    public string Label(string prefix, string? code) =>
        code is null ? "" : Texts.TryGetValue(prefix + "." + code, out var label) ? label : code;

    public string Usage(string command) =>
        T("help.usage") + " " + (Commands.TryGetValue(command, out var c) ? c.Usage : "kkb " + command);

    private static string Format(object? value) => value switch
    {
        null => "-",
        int or long or decimal or double => IndonesianFormat.Number(value, 2),
        string s => s,
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };

    [GeneratedRegex(@"\{(?<name>[A-Za-z][A-Za-z0-9_]*)(,(?<width>-?\d+))?\}")]
    private static partial Regex Placeholder();
}
