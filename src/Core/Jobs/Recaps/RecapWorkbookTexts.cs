using System.Globalization;
using System.Text.Json;

namespace KampungKB.Core.Jobs.Recaps;

/// <summary>
/// The texts of the recap's .xlsx attachment (<c>templates/recaps/workbook.json</c>): sheet names, column headers, the
/// summary rows and status words, in Bahasa Indonesia, with <c>{name}</c> placeholders. Every key
/// <see cref="RecapWorkbook"/> uses is required; loaded and checked once with the <see cref="RecapCatalogue"/>.
/// </summary>
internal sealed class RecapWorkbookTexts
{
    public const string FileName = "workbook.json";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { ReadCommentHandling = JsonCommentHandling.Skip };

    private sealed record Document(Dictionary<string, string>? Texts);

    private readonly IReadOnlyDictionary<string, string> _texts;

    private RecapWorkbookTexts(IReadOnlyDictionary<string, string> texts) => _texts = texts;

    /// <summary>Loads <c>{templatesDirectory}/recaps/workbook.json</c>.</summary>
    /// <exception cref="InvalidOperationException">The file is missing, not JSON, or lacks a key; the message lists every missing key.</exception>
    public static RecapWorkbookTexts Load(string templatesDirectory)
    {
        var path = Path.Combine(templatesDirectory, "recaps", FileName);
        if (!File.Exists(path)) throw new InvalidOperationException($"Recap workbook texts not found: {path}");
        Document? d;
        try { d = JsonSerializer.Deserialize<Document>(File.ReadAllText(path), Json); }
        catch (JsonException e) { throw new InvalidOperationException($"Recap workbook texts {path} are not valid JSON: {e.Message}", e); }
        var texts = d?.Texts ?? [];
        var missing = RecapWorkbook.TextKeys.Where(k => !texts.TryGetValue(k, out var t) || string.IsNullOrWhiteSpace(t)).ToList();
        if (missing.Count > 0) throw new InvalidOperationException($"Recap workbook texts {path} are not usable: " + string.Join("; ", missing.Select(k => $"text '{k}' is missing")));
        return new RecapWorkbookTexts(texts);
    }

    /// <summary>The text of <paramref name="key"/> with each <c>{name}</c> replaced by its value (invariant culture; callers format numbers and dates).</summary>
    public string Text(string key, params (string Name, object? Value)[] args)
    {
        var s = _texts[key];
        foreach (var (name, value) in args)
            s = s.Replace("{" + name + "}", Convert.ToString(value, CultureInfo.InvariantCulture), StringComparison.Ordinal);
        return s;
    }
}
