using System.Globalization;
using System.Text;
using System.Text.Json;

namespace KampungKB.Core.Model;

/// <summary>What a free-text cell named of one closed list: the options recognised (list order, each once) and the pieces matching none.</summary>
internal sealed record OptionMatch(IReadOnlyList<string> Options, IReadOnlyList<string> Unknown)
{
    /// <summary>
    /// How many items the BKKBN website would store: each option once, and all unrecognised pieces together as the list's
    /// catch-all option (<paramref name="other"/>, "Lainnya") once; without a catch-all, unrecognised pieces count nothing.
    /// </summary>
    public int Count(string? other) =>
        Options.Count + (other is not null && Unknown.Count > 0 && !Options.Contains(other, StringComparer.Ordinal) ? 1 : 0);
}

/// <summary>One closed list of the website (funding sources, data sources, mechanisms, poktan, partner agencies).</summary>
internal sealed class OptionList
{
    private readonly List<(string Key, string Option)> _synonyms;

    internal OptionList(string code, string? other, IReadOnlyList<(string Name, IReadOnlyList<string> Synonyms)> options)
    {
        Code = code;
        Other = other;
        Names = options.Select(o => o.Name).ToArray();
        _synonyms = options.SelectMany(o => o.Synonyms.Append(o.Name).Select(s => (Key(s), o.Name)))
            .Where(s => s.Item1.Length > 0).Distinct().OrderByDescending(s => s.Item1.Length).ToList();
    }

    public string Code { get; }
    /// <summary>The catch-all option ("Lainnya") or null for a list without one.</summary>
    public string? Other { get; }
    /// <summary>The website's option names, in the website's order.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>
    /// Finds the options named in <paramref name="text"/>: synonyms longest first, whole words, case and spacing ignored, so an
    /// option whose name holds "dan" or "/" ("Donasi/ Hibah Masyarakat", "Monitoring dan Evaluasi Kegiatan") is one item; what is
    /// left, split on <c>, ; / &amp; +</c>, new lines and the word "dan", is returned as unknown pieces.
    /// </summary>
    public OptionMatch Match(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return new OptionMatch([], []);
        var rest = Key(text).ToCharArray();
        var found = new HashSet<string>(StringComparer.Ordinal);
        var s = new string(rest);
        foreach (var (key, option) in _synonyms)
        {
            for (var at = s.IndexOf(key, StringComparison.Ordinal); at >= 0; at = s.IndexOf(key, at + 1, StringComparison.Ordinal))
            {
                var end = at + key.Length;
                if ((at > 0 && char.IsLetterOrDigit(s[at - 1])) || (end < s.Length && char.IsLetterOrDigit(s[end]))) continue;
                found.Add(option);
                for (var i = at; i < end; i++) rest[i] = ',';
                s = new string(rest);
            }
        }
        var unknown = new List<string>();
        foreach (var piece in s.Split([',', ';', '/', '&', '+', '\n'], StringSplitOptions.RemoveEmptyEntries))
            foreach (var part in SplitDan(piece))
                if (part.Trim(' ', '.', '-', ':', '(', ')', '\'', '"') is { Length: > 0 } p && !unknown.Contains(p, StringComparer.Ordinal)) unknown.Add(p);
        return new OptionMatch(Names.Where(found.Contains).ToArray(), unknown);
    }

    private static IEnumerable<string> SplitDan(string piece) => (" " + piece + " ").Split(" dan ", StringSplitOptions.None);

    /// <summary>
    /// Splits a cadre's list (an activity's partner cell) at the separators <paramref name="separators"/> finds, except
    /// inside a name of this list: "Dinas Pemberdayaan Perempuan dan Perlindungan Anak" or "BUMN dan BUMD" is one piece,
    /// "Puskesmas dan Babinsa" two. The pieces are the cadre's own text (trimmed of spaces, dots and dashes), each once
    /// (case ignored), in the cell's order; a known name is matched as <see cref="Match"/> does (whole words, case and
    /// spacing ignored), so "Dinas Kesehatan Provinsi" stays whole too.
    /// </summary>
    /// <param name="separators">Where the list splits (e.g. <c>, ; &amp; +</c>, new lines and the word "dan").</param>
    public IReadOnlyList<string> SplitKeepingNames(string text, System.Text.RegularExpressions.Regex separators)
    {
        var t = text.Normalize(NormalizationForm.FormKC);
        var (key, map) = KeyWithMap(t);
        var kept = new bool[t.Length];
        var taken = new bool[key.Length];
        foreach (var (syn, _) in _synonyms)
        {
            for (var at = key.IndexOf(syn, StringComparison.Ordinal); at >= 0; at = key.IndexOf(syn, at + 1, StringComparison.Ordinal))
            {
                var end = at + syn.Length;
                if ((at > 0 && char.IsLetterOrDigit(key[at - 1])) || (end < key.Length && char.IsLetterOrDigit(key[end]))) continue;
                if (Enumerable.Range(at, syn.Length).Any(i => taken[i])) continue;
                for (var i = at; i < end; i++) taken[i] = true;
                for (var i = map[at]; i <= map[end - 1]; i++) kept[i] = true;
            }
        }
        var pieces = new List<string>();
        var from = 0;
        void Add(int to)
        {
            if (t[from..to].Trim(' ', '.', '-') is { Length: > 0 } p && !pieces.Contains(p, StringComparer.OrdinalIgnoreCase)) pieces.Add(p);
        }
        foreach (System.Text.RegularExpressions.Match m in separators.Matches(t))
        {
            if (m.Length == 0 || Enumerable.Range(m.Index, m.Length).Any(i => kept[i])) continue;
            Add(m.Index);
            from = m.Index + m.Length;
        }
        Add(t.Length);
        return pieces;
    }

    /// <summary><see cref="Key"/> of <paramref name="text"/> with, per key character, the index of the text character it came from.</summary>
    private static (string Key, int[] Map) KeyWithMap(string text)
    {
        var b = new StringBuilder(text.Length);
        var map = new List<int>(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var lower = char.ToLowerInvariant(text[i]);
            var c = lower is '–' or '—' ? '-' : char.IsWhiteSpace(lower) ? ' ' : lower;
            if (c == ' ' && (b.Length == 0 || b[^1] is ' ' or '/' or '-')) continue;
            if (c is '/' or '-' && b.Length > 0 && b[^1] == ' ') { b.Length--; map.RemoveAt(map.Count - 1); }
            b.Append(c);
            map.Add(i);
        }
        while (b.Length > 0 && b[^1] == ' ') { b.Length--; map.RemoveAt(map.Count - 1); }
        return (b.ToString(), map.ToArray());
    }

    /// <summary>Lower case, one space between words, no spaces around <c>/</c>, dashes unified.</summary>
    internal static string Key(string text)
    {
        var b = new StringBuilder(text.Length);
        foreach (var ch in text.Normalize(NormalizationForm.FormKC).ToLower(CultureInfo.InvariantCulture))
        {
            var c = ch is '–' or '—' ? '-' : char.IsWhiteSpace(ch) ? ' ' : ch;
            if (c == ' ' && (b.Length == 0 || b[^1] is ' ' or '/' or '-')) continue;
            if (c is '/' or '-' && b.Length > 0 && b[^1] == ' ') b.Length--;
            b.Append(c);
        }
        return b.ToString().Trim();
    }
}

/// <summary>
/// The website's closed option lists (<c>templates/classes/options.json</c>): funding sources, data sources, operational
/// mechanisms, poktan and the 36 partner agencies plus "Lainnya", as the website's option tables name them.
/// </summary>
internal sealed class OptionLists
{
    public const string FileName = "options.json";
    public static readonly IReadOnlyList<string> Required = ["fundingSources", "dataSources", "mechanisms", "poktan", "partners"];

    private sealed record OptionDoc(string? Name, List<string>? Synonyms);
    private sealed record ListDoc(string? Other, List<OptionDoc>? Options);
    private sealed record Document(Dictionary<string, ListDoc>? Lists);

    private readonly Dictionary<string, OptionList> _lists;
    private OptionLists(Dictionary<string, OptionList> lists) => _lists = lists;

    public OptionList this[string code] => _lists[code];

    /// <summary>Loads <c>{templatesDirectory}/classes/options.json</c>.</summary>
    /// <exception cref="InvalidOperationException">Missing, not JSON, a required list absent, an option without a name, or a catch-all that is no option.</exception>
    public static OptionLists Load(string templatesDirectory)
    {
        var path = Path.Combine(templatesDirectory, "classes", FileName);
        if (!File.Exists(path)) throw new InvalidOperationException($"Option lists not found: {path}");
        Document? d;
        try { d = JsonSerializer.Deserialize<Document>(File.ReadAllText(path), new JsonSerializerOptions(JsonSerializerDefaults.Web) { ReadCommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }); }
        catch (JsonException e) { throw new InvalidOperationException($"Option lists {path} are not valid JSON: {e.Message}", e); }
        var problems = new List<string>();
        var lists = new Dictionary<string, OptionList>(StringComparer.Ordinal);
        foreach (var code in Required)
        {
            if (d?.Lists?.GetValueOrDefault(code) is not { Options.Count: > 0 } l) { problems.Add($"list '{code}' is required"); continue; }
            if (l.Options.Any(o => string.IsNullOrWhiteSpace(o.Name))) problems.Add($"list '{code}': every option needs a name");
            if (l.Other is not null && l.Options.All(o => o.Name != l.Other)) problems.Add($"list '{code}': other '{l.Other}' is not one of its options");
            lists[code] = new OptionList(code, l.Other, l.Options.Where(o => !string.IsNullOrWhiteSpace(o.Name))
                .Select(o => (o.Name!, (IReadOnlyList<string>)(o.Synonyms ?? []))).ToArray());
        }
        if (problems.Count > 0) throw new InvalidOperationException($"Option lists {path} are not usable: " + string.Join("; ", problems));
        return new OptionLists(lists);
    }
}
