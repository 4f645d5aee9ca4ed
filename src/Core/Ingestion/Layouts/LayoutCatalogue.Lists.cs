using System.Text.Json;

namespace KampungKB.Core.Ingestion.Layouts;

/// <summary>
/// The vocabulary that tells an indicator list from other label-and-number tables, loaded from
/// templates/layouts/indicators.json (listHeaders, otherTables, unitWords, ignoreLabels, sumRules).
/// Source: domain.md "What a cadre uploads" (indicators come from a data capaian list or a profile
/// block) and "The messiness to expect" (unit columns, pivots and attendance recaps beside them).
/// </summary>
internal sealed partial class LayoutCatalogue
{
    private List<string> _listLabelHeaders = [], _listValueHeaders = [], _otherHeaders = [], _otherTitles = [], _otherTitleWords = [], _ignoreLabels = [];
    private HashSet<string> _unitWords = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string Name, List<string> Hints)> _sumRules = new(StringComparer.Ordinal);

    /// <summary>The sum rules whose names indicators.json must give (IndicatorCoverage).</summary>
    internal static readonly string[] SumRules = ["methods", "pus", "unmet"];

    private void LoadLists(JsonElement ind, string path, List<string> errors)
    {
        List<string> Keys(JsonElement e, string prop, string where) => ReadList(e, prop, where, errors).Select(Key).Where(k => k.Length > 0).ToList();
        if (ind.TryGetProperty("listHeaders", out var lh) && lh.ValueKind == JsonValueKind.Object)
        { _listLabelHeaders = Keys(lh, "labels", path + " listHeaders"); _listValueHeaders = Keys(lh, "values", path + " listHeaders"); }
        else errors.Add($"{path}: needs \"listHeaders\": {{ labels, values }}");
        if (ind.TryGetProperty("otherTables", out var ot) && ot.ValueKind == JsonValueKind.Object)
        {
            _otherHeaders = Keys(ot, "headers", path + " otherTables");
            _otherTitles = Keys(ot, "titles", path + " otherTables");
            _otherTitleWords = Keys(ot, "titleWords", path + " otherTables");
        }
        else errors.Add($"{path}: needs \"otherTables\": {{ headers, titles, titleWords }}");
        _unitWords = ReadList(ind, "unitWords", path, errors).SelectMany(w => new[] { Key(w), w.Trim().ToLowerInvariant() }).Where(w => w.Length > 0).ToHashSet(StringComparer.Ordinal);
        _ignoreLabels = Keys(ind, "ignoreLabels", path);
        if (ind.TryGetProperty("sumRules", out var sr) && sr.ValueKind == JsonValueKind.Object)
            foreach (var rule in sr.EnumerateObject())
            {
                var name = rule.Value.ValueKind == JsonValueKind.Object && rule.Value.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : null;
                if (name is null) { errors.Add($"{path}: sumRules.{rule.Name} needs a \"name\""); continue; }
                _sumRules[rule.Name] = (name, Keys(rule.Value, "hints", $"{path} sumRules.{rule.Name}"));
            }
        foreach (var rule in SumRules)
            if (!_sumRules.ContainsKey(rule)) errors.Add($"{path}: sumRules needs '{rule}': {{ name, hints }}");
        foreach (var header in _listLabelHeaders.Concat(_listValueHeaders).Where(h => _otherHeaders.Contains(h)))
            errors.Add($"{path}: \"{header}\" is both an indicator-list header and an other-table header");
    }

    private static bool StartsWithWords(string key, List<string> words)
    {
        foreach (var w in words)
            if (key == w || (key.Length > w.Length && key.StartsWith(w, StringComparison.Ordinal) && key[w.Length] == ' ')) return true;
        return false;
    }

    /// <summary>"Indikator", "Uraian": the label column of an indicator list (whole leading words).</summary>
    internal bool IsListLabelHeader(string key) => StartsWithWords(key, _listLabelHeaders);

    /// <summary>"Jumlah", "Nilai", "Capaian": the value column of an indicator list.</summary>
    internal bool IsListValueHeader(string key) => StartsWithWords(key, _listValueHeaders);

    /// <summary>"Sasaran", "Kelompok", "Row Labels", "Sum of …", "Jumlah Hadir": a column of a table that is not an indicator list.</summary>
    internal bool IsOtherTableHeader(string key) => StartsWithWords(key, _otherHeaders);

    /// <summary>"REKAP PESERTA PER SASARAN", "Daftar Hadir …": the title of a table that is not an indicator list.</summary>
    internal bool IsOtherTableTitle(string key)
    {
        if (StartsWithWords(key, _otherTitles)) return true;
        var padded = " " + key + " ";
        foreach (var w in _otherTitleWords)
            if (padded.Contains(" " + w + " ", StringComparison.Ordinal)) return true;
        return false;
    }

    /// <summary>"KK", "Jiwa", "Orang", "%": a unit written beside a figure.</summary>
    internal bool IsUnitWord(string text) => _unitWords.Contains(text.Trim().ToLowerInvariant()) || _unitWords.Contains(Key(text));

    /// <summary>"Tahun", "Kode Wilayah", "NIP": a label | number row that is no figure and needs no warning.</summary>
    internal bool IsIgnoredLabel(string key) => StartsWithWords(key, _ignoreLabels);

    /// <summary>The Indonesian name of a sum rule for messages ("methods", "pus", "unmet").</summary>
    internal string SumRuleName(string rule) => _sumRules.TryGetValue(rule, out var r) ? r.Name : rule;

    /// <summary>True when the unrecognised label <paramref name="key"/> holds one of the rule's hint words, so it may be one of its parts.</summary>
    internal bool MayBePartOf(string rule, string key)
    {
        if (!_sumRules.TryGetValue(rule, out var r)) return false;
        var padded = " " + key + " ";
        foreach (var w in r.Hints)
            if (padded.Contains(" " + w + " ", StringComparison.Ordinal)) return true;
        return false;
    }
}
