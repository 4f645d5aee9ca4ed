using System.Text;
using System.Text.Json;
using KampungKB.Core.Model;

namespace KampungKB.Core.Ingestion.Validation;

/// <summary>
/// Indonesian message templates by problem code, loaded once from templates/messages/problems.json, and the few
/// pieces messages are built from (<see cref="TextKeys"/>: the place of a problem, "lebih dari" before a size), kept
/// in the same file under <c>text.*</c> keys so every word a cadre reads is there (conventions 3).
/// </summary>
internal sealed class MessageCatalogue
{
    /// <summary>Where a problem is: <c>lembar "{sheet}"</c>.</summary>
    internal const string SheetText = "text.sheet";
    /// <summary><c>baris {row}</c>: a problem's row, or a kampung row without a name.</summary>
    internal const string RowText = "text.row";
    /// <summary><c>kolom {column}</c> (the column's letters).</summary>
    internal const string ColumnText = "text.column";
    /// <summary>The place of a problem about the whole file (no sheet, row or column).</summary>
    internal const string WholeFileText = "text.whole-file";
    /// <summary><c>lebih dari {size}</c>: a size only known to exceed the cap (a stream read up to it).</summary>
    internal const string AtLeastText = "text.at-least";
    /// <summary><c>… ({count} lagi)</c>: after the first names of a list cut short.</summary>
    internal const string MoreText = "text.more";

    /// <summary>The non-code keys problems.json must hold, each with a non-empty text; checked at load.</summary>
    internal static readonly IReadOnlyList<string> TextKeys = [SheetText, RowText, ColumnText, WholeFileText, AtLeastText, MoreText];

    private readonly IReadOnlyDictionary<string, string> _templates;

    internal MessageCatalogue(IReadOnlyDictionary<string, string> templates) => _templates = templates;

    internal IReadOnlyDictionary<string, string> Templates => _templates;

    internal static MessageCatalogue Load(string path)
    {
        if (!File.Exists(path)) throw new TemplateException($"Message catalogue not found: {path}");
        Dictionary<string, string>? map;
        try { map = JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(path)); }
        catch (JsonException e) { throw new TemplateException($"{path}: not valid JSON ({e.Message})"); }
        if (map is null) throw new TemplateException($"{path}: empty");
        var errors = new List<string>();
        foreach (var code in ProblemCodes.All)
            if (!map.TryGetValue(code, out var t) || string.IsNullOrWhiteSpace(t)) errors.Add($"{path}: no message for code '{code}'");
        foreach (var key in TextKeys)
            if (!map.TryGetValue(key, out var t) || string.IsNullOrWhiteSpace(t)) errors.Add($"{path}: no text for '{key}'");
        foreach (var code in map.Keys)
            if (!ProblemCodes.All.Contains(code) && !TextKeys.Contains(code)) errors.Add($"{path}: message for unknown code '{code}'");
        if (errors.Count > 0) throw new TemplateException(string.Join(Environment.NewLine, errors));
        return new MessageCatalogue(map);
    }

    /// <summary>One of the <see cref="TextKeys"/> with its <c>{name}</c> placeholders filled.</summary>
    internal string Text(string key, params (string Name, string Value)[] args) =>
        Render(key, args.ToDictionary(a => a.Name, a => a.Value, StringComparer.Ordinal));

    internal string Render(string code, IReadOnlyDictionary<string, string> args)
    {
        if (!_templates.TryGetValue(code, out var template)) return code;
        var sb = new StringBuilder(template.Length + 64);
        for (var i = 0; i < template.Length; i++)
        {
            var c = template[i];
            if (c == '{')
            {
                var end = template.IndexOf('}', i + 1);
                if (end > i)
                {
                    var key = template.Substring(i + 1, end - i - 1);
                    sb.Append(args.TryGetValue(key, out var v) ? v : "");
                    i = end;
                    continue;
                }
            }
            sb.Append(c);
        }
        return sb.ToString();
    }
}

/// <summary>A template file (layout or message catalogue) is missing or invalid: a deployment fault, reported at start-up.</summary>
internal sealed class TemplateException(string message) : Exception(message);

/// <summary>Collects problems for one file, rendering each message from the catalogue.</summary>
internal sealed class ProblemSink(MessageCatalogue catalogue, string fileName)
{
    private readonly List<Problem> _problems = [];
    private readonly List<Dictionary<string, string>> _renderArgs = [];

    internal IReadOnlyList<Problem> Problems => _problems;
    internal bool HasErrors => _problems.Any(p => p.Severity == Severity.Error);
    internal int ErrorCount { get; private set; }
    internal int WarningCount { get; private set; }

    /// <summary>Beyond this many problems of one code the rest are summarised by the count already reported.</summary>
    internal const int MaxPerCode = 200;
    private readonly Dictionary<string, int> _perCode = [];

    internal void Error(string code, string? sheet = null, int? row = null, int? column = null, string? text = null, params (string Key, object? Value)[] args)
        => Add(Severity.Error, code, sheet, row, column, text, args);

    internal void Warning(string code, string? sheet = null, int? row = null, int? column = null, string? text = null, params (string Key, object? Value)[] args)
        => Add(Severity.Warning, code, sheet, row, column, text, args);

    internal void Add(Severity severity, string code, string? sheet, int? row, int? column, string? text, (string Key, object? Value)[] args)
    {
        if (severity == Severity.Error) ErrorCount++;
        else WarningCount++;
        var n = _perCode.TryGetValue(code, out var c) ? c + 1 : 1;
        _perCode[code] = n;
        if (n > MaxPerCode) return;
        var letter = column is int col ? ColumnLetters.Of(col) : null;
        var dict = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in args)
            dict[key] = value switch
            {
                null => "",
                ReportingPeriod p => IndonesianFormat.Month(p),
                DateOnly d => IndonesianFormat.Date(d),
                decimal d => d.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture),
                IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
                _ => value.ToString() ?? ""
            };
        var renderArgs = new Dictionary<string, string>(dict, StringComparer.Ordinal)
        {
            ["file"] = fileName,
            ["sheet"] = sheet ?? "",
            ["row"] = row?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "",
            ["column"] = letter ?? "",
            ["text"] = text ?? "",
            ["location"] = Location(sheet, row, letter),
        };
        Examples(renderArgs, null);
        _problems.Add(new Problem(severity, code, sheet, row, letter, text, catalogue.Render(code, renderArgs), dict.Count > 0 ? dict : null));
        _renderArgs.Add(renderArgs);
    }

    /// <summary>
    /// Once the report's month is known, example dates in fix texts ("tulis tanggal seperti …") are
    /// re-rendered to lie inside it, and problems are put in the order the cadre reads the file: whole-file
    /// problems first, then by sheet (in workbook order), row and column.
    /// </summary>
    internal void Complete(ReportingPeriod? period, IReadOnlyList<string> sheetOrder)
    {
        if (period is not null)
            for (var i = 0; i < _problems.Count; i++)
            {
                Examples(_renderArgs[i], period);
                _problems[i] = _problems[i] with { Message = catalogue.Render(_problems[i].Code, _renderArgs[i]) };
            }
        var order = _problems.Select((p, i) => (p, a: _renderArgs[i], i))
            .OrderBy(x => x.p.Sheet is null ? -1 : IndexOf(sheetOrder, x.p.Sheet))
            .ThenBy(x => x.p.Row ?? 0)
            .ThenBy(x => x.p.Column is null ? "" : x.p.Column.PadLeft(3))
            .ThenBy(x => x.i)
            .ToList();
        _problems.Clear();
        _renderArgs.Clear();
        foreach (var (p, a, _) in order) { _problems.Add(p); _renderArgs.Add(a); }
    }

    private static int IndexOf(IReadOnlyList<string> sheets, string sheet)
    {
        for (var i = 0; i < sheets.Count; i++) if (sheets[i] == sheet) return i;
        return sheets.Count;
    }

    /// <summary>{exampleDate} "06/10/2025", {exampleDateLong} "6 Oktober 2025", {examplePeriod} "Oktober 2025": inside the report's month when known.</summary>
    private static void Examples(Dictionary<string, string> args, ReportingPeriod? period)
    {
        var p = period ?? new ReportingPeriod(2025, 11);
        var d = new DateOnly(p.Year, p.Month, 6);
        args["exampleDate"] = d.ToString("dd'/'MM'/'yyyy", System.Globalization.CultureInfo.InvariantCulture);
        args["exampleDateLong"] = IndonesianFormat.Date(d);
        args["examplePeriod"] = IndonesianFormat.Month(p);
    }

    /// <summary>A text of the catalogue (<see cref="MessageCatalogue.TextKeys"/>) for a message argument built in code.</summary>
    internal string Text(string key, params (string Name, string Value)[] args) => catalogue.Text(key, args);

    private string Location(string? sheet, int? row, string? column)
    {
        var parts = new List<string>(3);
        if (!string.IsNullOrEmpty(sheet)) parts.Add(catalogue.Text(MessageCatalogue.SheetText, ("sheet", sheet)));
        if (row is not null) parts.Add(catalogue.Text(MessageCatalogue.RowText, ("row", row.Value.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        if (column is not null) parts.Add(catalogue.Text(MessageCatalogue.ColumnText, ("column", column)));
        return parts.Count == 0 ? catalogue.Text(MessageCatalogue.WholeFileText) : string.Join(", ", parts);
    }
}

internal static class ColumnLetters
{
    /// <summary>0-based column index to Excel letters (0 → A, 26 → AA).</summary>
    internal static string Of(int index)
    {
        var s = "";
        for (var n = index + 1; n > 0; n = (n - 1) / 26) s = (char)('A' + (n - 1) % 26) + s;
        return s;
    }
}
