using System.Text.Json;
using System.Text.RegularExpressions;
using KampungKB.Core.Model;
using KampungKB.Core.Ingestion.Normalisation;
using KampungKB.Core.Ingestion.Validation;

namespace KampungKB.Core.Ingestion.Layouts;

/// <summary>A field of a table layout: the column names that mean it.</summary>
/// <summary>
/// The texts and example rows of the registry workbook a dinas can fill (registry.json <c>template</c>): the list's sheet
/// name, the hint sheet's name and its two headers, the hint of a column that has none (required or optional), and the
/// example rows by registry field, each value a string or a whole number.
/// </summary>
internal sealed record RegistryTemplateTexts(string Sheet, string HelpSheet, string HelpColumn, string HelpHint, string Required, string Optional,
    IReadOnlyList<IReadOnlyDictionary<string, object>> Examples);

internal sealed record FieldSpec(string Field, string DisplayName, bool Required, IReadOnlyList<string> Synonyms, string? Hint = null);

/// <summary>A table layout (activities, registry): header synonyms per field, matched on normalised keys.</summary>
internal sealed class TableLayout
{
    private readonly Dictionary<string, string> _exact = new(StringComparer.Ordinal);
    private readonly List<(string Key, string Field)> _prefixes = [];

    internal TableLayout(string kind, IReadOnlyList<FieldSpec> fields, Func<string, string> key)
    {
        Kind = kind;
        Ordered = fields;
        Fields = fields.ToDictionary(f => f.Field);
        foreach (var f in fields)
            foreach (var s in f.Synonyms)
            {
                var k = key(s);
                _exact.TryAdd(k, f.Field);
                _prefixes.Add((k, f.Field));
            }
        _prefixes.Sort((a, b) => b.Key.Length.CompareTo(a.Key.Length));
        Required = fields.Where(f => f.Required).Select(f => f.Field).ToArray();
    }

    internal string Kind { get; }
    /// <summary>The fields in the order the template file lists them.</summary>
    internal IReadOnlyList<FieldSpec> Ordered { get; }
    internal IReadOnlyDictionary<string, FieldSpec> Fields { get; }
    internal IReadOnlyList<string> Required { get; }

    /// <summary>The field a header key means: an exact synonym, else the longest synonym the header starts with (whole words).</summary>
    internal string? Match(string headerKey, bool allowPrefix = true)
    {
        if (headerKey.Length == 0) return null;
        if (_exact.TryGetValue(headerKey, out var f)) return f;
        // "desa_id", "kabupaten_id": an id column is never a name column by prefix ("Desa", "Kabupaten").
        if (!allowPrefix || headerKey.EndsWith(" id", StringComparison.Ordinal)) return null;
        foreach (var (k, field) in _prefixes)
            if (k.Length >= 4 && headerKey.Length > k.Length && headerKey.StartsWith(k, StringComparison.Ordinal) && headerKey[k.Length] == ' ')
                return field;
        return null;
    }
}

/// <summary>
/// Everything the engine recognises, loaded once from templates/layouts/*.json and validated at start-up:
/// header synonyms per layout, indicator labels, profile labels, abbreviations, total and end markers.
/// </summary>
internal sealed partial class LayoutCatalogue
{
    internal static readonly string[] ActivityFields = ["number", "date", "title", "category", "target", "male", "female", "participants", "partners", "funding", "notes", "link", "kampung", "village", "district", "planDate", "planTitle", "planCount"];
    /// <summary>Optional registry columns that feed the class (<see cref="KampungProfile"/>).</summary>
    internal static readonly string[] RegistryProfileFields =
        ["pokjaBoard", "pokjaDecree", "pokjaMembers", "pokjaTrained", "pokjaTrainedFlag", "fundingSources", "poktanOwned", "secretariat", "rumahDataKu", "pkbAssigned", "regulation", "dataSources", "mechanisms", "teens"];
    internal static readonly string[] RegistryFields = ["areaCode", "name", "village", "district", "regency", "class", "yearFounded", "pokjaEmail", "pokjaPhone", "whatsApp", "whatsAppOptIn", "pkbName", "pkbEmail",
        "province", "provinceId", "regencyId", "districtId", "villageId", "rw", "driveFolder",
        "sigaProvinceId", "sigaRegencyId", "sigaDistrictId", "sigaVillageId", "sigaRegency", "sigaDistrict", "sigaVillage", .. RegistryProfileFields];
    internal static readonly string[] ProfileFields = ["name", "village", "district", "regency", "province", "period", "yearFounded", "class", "skNumber", "email", "phone", "chair"];

    private Dictionary<string, string> _abbreviations = new(StringComparer.Ordinal);
    private HashSet<string> _totalMarkers = new(StringComparer.Ordinal);
    private List<string> _endMarkers = [];
    private readonly Dictionary<string, string> _indicatorByKey = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _profileByKey = new(StringComparer.Ordinal);
    private readonly Dictionary<string, KampungClass> _classes = new(StringComparer.Ordinal);
    private List<string> _stripWords = [];

    internal int HeaderScanRows { get; private set; } = 30;
    internal TableLayout Activities { get; private set; } = null!;
    internal TableLayout Registry { get; private set; } = null!;
    internal IReadOnlyDictionary<string, string> IndicatorNames { get; private set; } = new Dictionary<string, string>();
    internal IReadOnlyDictionary<string, string> ProfileNames { get; private set; } = new Dictionary<string, string>();
    internal IReadOnlySet<string> FileNameStopWords { get; private set; } = new HashSet<string>();
    /// <summary>The website's closed option lists (<c>templates/classes/options.json</c>, beside the layouts), for the registry's list columns.</summary>
    internal OptionLists? Options { get; private set; }

    internal string Key(string text) => Text.Key(text, _abbreviations);

    private HashSet<string> _yes = new(StringComparer.Ordinal);
    private HashSet<string> _no = new(StringComparer.Ordinal);
    private HashSet<string> _placeholders = new(StringComparer.Ordinal);

    /// <summary>The registry template workbook's texts and example rows (registry.json <c>template</c>).</summary>
    internal RegistryTemplateTexts RegistryTemplate { get; private set; } = null!;

    /// <summary>The columns a registry needs, in words, for the "not a registry" message.</summary>
    internal string RegistryExpected { get; private set; } = "";

    /// <summary>"Ada", "Ya", "Sudah" → true; "Tidak", "Belum", "0" → false; anything else null (registry.json profileValues).</summary>
    internal bool? YesNo(string text) => _yes.Contains(Key(text)) || _yes.Contains(text.Trim()) ? true : _no.Contains(Key(text)) || _no.Contains(text.Trim()) ? false : null;

    /// <summary>".-", "-", "?": a name cell filled only to not leave it empty.</summary>
    internal bool IsPlaceholder(string text) => _placeholders.Contains(text.Trim());

    internal bool IsTotalMarker(string key) => _totalMarkers.Contains(key);

    internal bool IsEndMarker(string key)
    {
        foreach (var m in _endMarkers)
            if (key == m || (key.StartsWith(m, StringComparison.Ordinal) && key.Length > m.Length && key[m.Length] == ' ')) return true;
        return false;
    }

    internal string? ProfileField(string key) => _profileByKey.GetValueOrDefault(key);

    internal KampungClass? Class(string text) => _classes.TryGetValue(Key(text), out var c) ? c : null;

    [GeneratedRegex(@"\([^)]*\)")]
    private static partial Regex Parenthetical();

    [GeneratedRegex(@"^(?:[-–•*·>]+|\(?[a-z0-9]{1,2}[.)])\s*", RegexOptions.IgnoreCase)]
    private static partial Regex ListMarker();

    /// <summary>The indicator code a label means ("- IUD" → kb_active_iud, "PA Implan" → kb_active_implant), or null.</summary>
    internal string? IndicatorCode(string label)
    {
        var text = Text.Collapse(label).TrimEnd(':', ' ');
        if (text.Length == 0) return null;
        if (Lookup(text) is { } code) return code;
        var bare = Parenthetical().Replace(text, " ");
        if (Lookup(bare) is { } c2) return c2;
        var unmarked = ListMarker().Replace(bare.Trim(), "");
        if (unmarked.Length == 0 || unmarked == bare.Trim()) unmarked = bare;
        if (Lookup(unmarked) is { } c3) return c3;
        return Stripped(Key(unmarked), 3);

        string? Lookup(string t) => _indicatorByKey.GetValueOrDefault(Key(t));
    }

    /// <summary>
    /// The code of <paramref name="key"/> with up to <paramref name="depth"/> leading strip words removed
    /// ("jumlah pus menggunakan iud" → "iud"), each tried in the order indicators.json lists them.
    /// </summary>
    private string? Stripped(string key, int depth)
    {
        if (depth == 0) return null;
        foreach (var w in _stripWords)
        {
            if (!key.StartsWith(w, StringComparison.Ordinal) || key.Length <= w.Length + 1 || key[w.Length] != ' ') continue;
            var rest = key[(w.Length + 1)..];
            if (_indicatorByKey.TryGetValue(rest, out var code) || (code = Stripped(rest, depth - 1)) is not null) return code;
        }
        return null;
    }

    internal static LayoutCatalogue Load(string layoutsDir)
    {
        var errors = new List<string>();
        var cat = new LayoutCatalogue();
        if (!Directory.Exists(layoutsDir)) throw new TemplateException($"Layouts folder not found: {layoutsDir}");
        var docs = new Dictionary<string, (string Path, JsonElement Root)>();
        foreach (var path in Directory.EnumerateFiles(layoutsDir, "*.json").Order(StringComparer.Ordinal))
        {
            try
            {
                using var doc = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
                var root = doc.RootElement.Clone();
                if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("kind", out var k) || k.ValueKind != JsonValueKind.String)
                { errors.Add($"{path}: needs a \"kind\" (common, activities, indicators, profile, registry)"); continue; }
                var kind = k.GetString()!;
                if (docs.ContainsKey(kind)) { errors.Add($"{path}: a second layout of kind '{kind}' (first in {docs[kind].Path})"); continue; }
                docs[kind] = (path, root);
            }
            catch (JsonException e) { errors.Add($"{path}: not valid JSON ({e.Message})"); }
        }
        foreach (var kind in new[] { "common", "activities", "indicators", "profile", "registry" })
            if (!docs.ContainsKey(kind)) errors.Add($"{layoutsDir}: no layout file of kind '{kind}'");
        if (errors.Count > 0) throw new TemplateException(string.Join(Environment.NewLine, errors));

        var (commonPath, common) = docs["common"];
        cat._abbreviations = ReadMap(common, "abbreviations", commonPath, errors)
            .ToDictionary(p => Text.Key(p.Key), p => Text.Key(p.Value), StringComparer.Ordinal);
        cat._totalMarkers = ReadList(common, "totalRowMarkers", commonPath, errors).Select(cat.Key).ToHashSet(StringComparer.Ordinal);
        cat._endMarkers = ReadList(common, "endMarkers", commonPath, errors).Select(cat.Key).Where(k => k.Length > 0).ToList();
        cat.FileNameStopWords = ReadList(common, "fileNameStopWords", commonPath, errors, required: false).Select(w => Text.Key(w)).ToHashSet(StringComparer.Ordinal);
        if (common.TryGetProperty("headerScanRows", out var hs))
        {
            if (hs.ValueKind == JsonValueKind.Number && hs.TryGetInt32(out var n) && n is >= 2 and <= 200) cat.HeaderScanRows = n;
            else errors.Add($"{commonPath}: headerScanRows must be a whole number between 2 and 200");
        }

        var templates = Path.GetDirectoryName(Path.GetFullPath(layoutsDir).TrimEnd(Path.DirectorySeparatorChar))!;
        if (File.Exists(Path.Combine(templates, "classes", OptionLists.FileName)))
        {
            try { cat.Options = OptionLists.Load(templates); }
            catch (InvalidOperationException e) { errors.Add(e.Message); }
        }
        cat.Activities = ReadTable(docs["activities"], ActivityFields, cat, errors);
        cat.Registry = ReadTable(docs["registry"], RegistryFields, cat, errors);

        var profileFields = ReadFields(docs["profile"], ProfileFields, errors);
        cat.ProfileNames = profileFields.ToDictionary(f => f.Field, f => f.DisplayName);
        foreach (var f in profileFields)
            foreach (var s in f.Synonyms)
                if (!cat._profileByKey.TryAdd(cat.Key(s), f.Field) && cat._profileByKey[cat.Key(s)] != f.Field)
                    errors.Add($"{docs["profile"].Path}: synonym \"{s}\" is used by both '{cat._profileByKey[cat.Key(s)]}' and '{f.Field}'");

        var (indPath, ind) = docs["indicators"];
        cat._stripWords = ReadList(ind, "stripWords", indPath, errors, required: false).Select(cat.Key).ToList();
        cat.LoadLists(ind, indPath, errors);
        if (!ind.TryGetProperty("labels", out var labels) || labels.ValueKind != JsonValueKind.Object)
            errors.Add($"{indPath}: needs \"labels\": {{ code: {{ name, synonyms }} }}");
        else
        {
            var names = new Dictionary<string, string>();
            foreach (var p in labels.EnumerateObject())
            {
                if (!IndicatorCodes.All.Contains(p.Name)) { errors.Add($"{indPath}: unknown indicator code '{p.Name}' (known: {string.Join(", ", IndicatorCodes.All)})"); continue; }
                var spec = ReadField(p, indPath, errors);
                names[p.Name] = spec.DisplayName;
                foreach (var s in spec.Synonyms)
                {
                    var key = cat.Key(s);
                    if (cat._indicatorByKey.TryGetValue(key, out var other) && other != p.Name)
                        errors.Add($"{indPath}: label \"{s}\" is used by both '{other}' and '{p.Name}'");
                    else cat._indicatorByKey[key] = p.Name;
                }
            }
            foreach (var code in IndicatorCodes.All)
                if (!names.ContainsKey(code)) errors.Add($"{indPath}: no labels for indicator code '{code}'");
            cat.IndicatorNames = names;
        }

        var (regPath, reg) = docs["registry"];
        if (!reg.TryGetProperty("profileValues", out var pv) || pv.ValueKind != JsonValueKind.Object)
            errors.Add($"{regPath}: needs \"profileValues\": {{ yes, no, placeholders }}");
        else
        {
            cat._yes = ReadList(pv, "yes", regPath, errors).SelectMany(w => new[] { cat.Key(w), w.Trim() }).Where(w => w.Length > 0).ToHashSet(StringComparer.Ordinal);
            cat._no = ReadList(pv, "no", regPath, errors).SelectMany(w => new[] { cat.Key(w), w.Trim() }).Where(w => w.Length > 0).ToHashSet(StringComparer.Ordinal);
            cat._placeholders = ReadList(pv, "placeholders", regPath, errors).Select(w => w.Trim()).ToHashSet(StringComparer.Ordinal);
            foreach (var both in cat._yes.Intersect(cat._no)) errors.Add($"{regPath}: \"{both}\" is both a yes and a no word");
        }
        if (reg.TryGetProperty("notRegistryExpected", out var ne) && ne.ValueKind == JsonValueKind.String) cat.RegistryExpected = ne.GetString()!;
        else errors.Add($"{regPath}: needs \"notRegistryExpected\" (the columns a registry needs, in words)");
        cat.RegistryTemplate = ReadRegistryTemplate(reg, regPath, errors);
        foreach (var (label, synonyms) in ReadMapOfLists(reg, "classes", regPath, errors))
        {
            if (!Enum.TryParse<KampungClass>(label, ignoreCase: true, out var cls)) { errors.Add($"{regPath}: unknown class '{label}' (Dasar, Berkembang, Mandiri, Berkelanjutan)"); continue; }
            foreach (var s in synonyms.Append(label)) cat._classes[cat.Key(s)] = cls;
        }

        cat.LoadOther(docs.TryGetValue("other", out var otherDoc) ? otherDoc : null, errors);

        if (errors.Count > 0) throw new TemplateException(string.Join(Environment.NewLine, errors));
        return cat;
    }

    private static RegistryTemplateTexts ReadRegistryTemplate(JsonElement reg, string path, List<string> errors)
    {
        var empty = new RegistryTemplateTexts("", "", "", "", "", "", []);
        if (!reg.TryGetProperty("template", out var t) || t.ValueKind != JsonValueKind.Object)
        {
            errors.Add($"{path}: needs \"template\": {{ sheet, helpSheet, helpColumn, helpHint, required, optional, examples }}");
            return empty;
        }
        string Text(string name)
        {
            if (t.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(v.GetString())) return v.GetString()!;
            errors.Add($"{path}: template needs a text \"{name}\"");
            return "";
        }
        var texts = empty with
        {
            Sheet = Text("sheet"), HelpSheet = Text("helpSheet"), HelpColumn = Text("helpColumn"), HelpHint = Text("helpHint"),
            Required = Text("required"), Optional = Text("optional"),
        };
        var examples = new List<IReadOnlyDictionary<string, object>>();
        if (!t.TryGetProperty("examples", out var ex) || ex.ValueKind != JsonValueKind.Array)
            errors.Add($"{path}: template needs \"examples\": [ {{ field: value }} ]");
        else
            foreach (var row in ex.EnumerateArray())
            {
                if (row.ValueKind != JsonValueKind.Object) { errors.Add($"{path}: a template example must be an object of field: value"); continue; }
                var cells = new Dictionary<string, object>(StringComparer.Ordinal);
                foreach (var cell in row.EnumerateObject())
                {
                    if (!RegistryFields.Contains(cell.Name)) errors.Add($"{path}: template example names unknown field '{cell.Name}'");
                    else if (cell.Value.ValueKind == JsonValueKind.String) cells[cell.Name] = cell.Value.GetString()!;
                    else if (cell.Value.ValueKind == JsonValueKind.Number && cell.Value.TryGetInt64(out var n)) cells[cell.Name] = n;
                    else errors.Add($"{path}: template example '{cell.Name}' must be a string or a whole number");
                }
                examples.Add(cells);
            }
        return texts with { Examples = examples };
    }

    private static TableLayout ReadTable((string Path, JsonElement Root) doc, string[] known, LayoutCatalogue cat, List<string> errors)
    {
        var fields = ReadFields(doc, known, errors);
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var f in fields)
            foreach (var s in f.Synonyms)
                if (seen.TryGetValue(cat.Key(s), out var other) && other != f.Field)
                    errors.Add($"{doc.Path}: synonym \"{s}\" is used by both '{other}' and '{f.Field}'");
                else seen[cat.Key(s)] = f.Field;
        return new TableLayout(doc.Root.GetProperty("kind").GetString()!, fields, cat.Key);
    }

    private static List<FieldSpec> ReadFields((string Path, JsonElement Root) doc, string[] known, List<string> errors)
    {
        var list = new List<FieldSpec>();
        if (!doc.Root.TryGetProperty("fields", out var fields) || fields.ValueKind != JsonValueKind.Object)
        { errors.Add($"{doc.Path}: needs \"fields\": {{ field: {{ name, synonyms, required? }} }}"); return list; }
        foreach (var p in fields.EnumerateObject())
        {
            if (!known.Contains(p.Name)) { errors.Add($"{doc.Path}: unknown field '{p.Name}' (known: {string.Join(", ", known)})"); continue; }
            list.Add(ReadField(p, doc.Path, errors));
        }
        return list;
    }

    private static FieldSpec ReadField(JsonProperty p, string path, List<string> errors)
    {
        var v = p.Value;
        if (v.ValueKind != JsonValueKind.Object) { errors.Add($"{path}: '{p.Name}' must be an object {{ name, synonyms }}"); return new FieldSpec(p.Name, p.Name, false, []); }
        var name = v.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : p.Name;
        var required = v.TryGetProperty("required", out var r) && r.ValueKind == JsonValueKind.True;
        var synonyms = ReadList(v, "synonyms", $"{path} '{p.Name}'", errors);
        if (synonyms.Count == 0) errors.Add($"{path}: '{p.Name}' has no synonyms");
        foreach (var s in synonyms) if (Text.Key(s).Length == 0) errors.Add($"{path}: '{p.Name}' has a synonym with no letters or digits: \"{s}\"");
        var hint = v.TryGetProperty("hint", out var h) && h.ValueKind == JsonValueKind.String ? h.GetString() : null;
        return new FieldSpec(p.Name, name, required, synonyms, hint);
    }

    private static List<string> ReadList(JsonElement e, string prop, string where, List<string> errors, bool required = true)
    {
        if (!e.TryGetProperty(prop, out var a))
        {
            if (required) errors.Add($"{where}: needs \"{prop}\" (a list of texts)");
            return [];
        }
        if (a.ValueKind != JsonValueKind.Array || a.EnumerateArray().Any(x => x.ValueKind != JsonValueKind.String))
        { errors.Add($"{where}: \"{prop}\" must be a list of texts"); return []; }
        return a.EnumerateArray().Select(x => x.GetString()!).Where(s => s.Trim().Length > 0).ToList();
    }

    private static Dictionary<string, string> ReadMap(JsonElement e, string prop, string where, List<string> errors)
    {
        var d = new Dictionary<string, string>();
        if (!e.TryGetProperty(prop, out var o) || o.ValueKind != JsonValueKind.Object) { errors.Add($"{where}: needs \"{prop}\" (an object of texts)"); return d; }
        foreach (var p in o.EnumerateObject())
            if (p.Value.ValueKind == JsonValueKind.String) d[p.Name] = p.Value.GetString()!;
            else errors.Add($"{where}: \"{prop}.{p.Name}\" must be a text");
        return d;
    }

    private static List<(string, List<string>)> ReadMapOfLists(JsonElement e, string prop, string where, List<string> errors)
    {
        var l = new List<(string, List<string>)>();
        if (!e.TryGetProperty(prop, out var o) || o.ValueKind != JsonValueKind.Object) { errors.Add($"{where}: needs \"{prop}\""); return l; }
        foreach (var p in o.EnumerateObject()) l.Add((p.Name, ReadList(o, p.Name, where, errors)));
        return l;
    }
}
