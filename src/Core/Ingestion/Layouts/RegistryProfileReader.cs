using System.Text.RegularExpressions;
using KampungKB.Core.Ingestion.Intake;
using KampungKB.Core.Model;
using KampungKB.Core.Ingestion.Normalisation;
using KampungKB.Core.Ingestion.Validation;

namespace KampungKB.Core.Ingestion.Layouts;

/// <summary>
/// Reads the optional profile columns of one registry row into a <see cref="KampungProfile"/> (docs/classification.md):
/// yes/no columns take the words of <c>registry.json</c> <c>profileValues</c>; count columns take a number, a "no"
/// word (0) or a list. Lists of funding sources, data sources, mechanisms and poktan are read against the BKKBN
/// website's closed option lists (<c>templates/classes/options.json</c>): each option is one item whatever "/" or
/// "dan" its name holds ("Donasi/ Hibah Masyarakat"); text matching no option counts once as the list's "Lainnya"
/// where the website has one (data sources), else is left out with the warning <c>unknown-profile-item</c>.
/// A blank cell or placeholder is missing; a value that cannot be read is a warning (<c>invalid-profile-value</c>)
/// and is missing — it never rejects the registry.
/// </summary>
internal sealed partial class SheetAnalyzer
{
private sealed partial class RegistryProfileReader(SheetAnalyzer owner, string sheet, HeaderMatch header, RawRow row)
{
    /// <summary>Counts that cannot exceed a fixed number (five poktan; five operational mechanisms).</summary>
    private static readonly Dictionary<string, int> Caps = new(StringComparer.Ordinal) { ["poktanOwned"] = 5, ["mechanisms"] = 5 };

    /// <summary>The option list (options.json) each list column is read against.</summary>
    private static readonly Dictionary<string, string> OptionListOf = new(StringComparer.Ordinal)
    {
        ["fundingSources"] = "fundingSources", ["dataSources"] = "dataSources", ["mechanisms"] = "mechanisms", ["poktanOwned"] = "poktan",
    };

    private LayoutCatalogue Catalogue => owner._catalogue;

    /// <summary>The poktan the poktan cell named (the website's names, its order); null when the cell was a number or a yes/no.</summary>
    private IReadOnlyList<string>? _poktanNamed;

    /// <param name="pkbName">The PKB/PLKB named in the row; used for "pendamping" when the row has no yes/no column for it.</param>
    internal KampungProfile? Read(string? pkbName)
    {
        var pkb = header.Column("pkbAssigned") >= 0 ? Flag("pkbAssigned")
            : header.Column("pkbName") >= 0 && pkbName is not null ? true : null;
        var p = new KampungProfile(
            Presence("pokjaDecree"), Count("pokjaMembers", lists: false), Count("pokjaTrained", lists: false, yesIsOne: true),
            Count("fundingSources"), Count("poktanOwned"), Flag("secretariat"), Flag("rumahDataKu"), pkb, Presence("regulation"),
            Count("dataSources"), Count("mechanisms"),
            Flag("pokjaBoard"), Flag("pokjaTrainedFlag"), Count("teens", lists: false));
        if (_poktanNamed is { Count: > 0 } named) p = p with { PoktanNamed = string.Join("; ", named) };
        return p.IsEmpty ? null : p;
    }

    private string? Cell(string field, out int col)
    {
        col = header.Column(field);
        if (col < 0 || Text.IsBlank(row[col])) return null;
        var s = Text.Collapse(Text.Display(row[col]) ?? "");
        return s.Length == 0 || Catalogue.IsPlaceholder(s) ? null : s;
    }

    /// <summary>Ada/Tidak, or a number (> 0 is yes).</summary>
    private bool? Flag(string field)
    {
        if (Cell(field, out var col) is not { } s) return null;
        if (Catalogue.YesNo(s) is { } b) return b;
        if (IndonesianNumber.ParseCount(row[col]) is { IsOk: true } n) return n.Value > 0;
        return Invalid(field, col, s);
    }

    /// <summary>Like <see cref="Flag"/>, but any other text (an SK or perdes number) means it exists.</summary>
    private bool? Presence(string field)
    {
        if (Cell(field, out _) is not { } s) return null;
        return Catalogue.YesNo(s) ?? true;
    }

    private int? Count(string field, bool lists = true, bool yesIsOne = false)
    {
        if (Cell(field, out var col) is not { } s) return null;
        int? n;
        if (IndonesianNumber.ParseCount(row[col]) is { IsOk: true } c) n = c.Value;
        else if (Catalogue.YesNo(s) is { } b) n = b ? (yesIsOne ? 1 : null) : 0;
        else if (lists && OptionListOf.TryGetValue(field, out var listCode) && Catalogue.Options?[listCode] is { } options)
        {
            var match = options.Match(s);
            if (field == "poktanOwned") _poktanNamed = match.Options;
            if (options.Other is null)
                foreach (var unknown in match.Unknown)
                    owner._sink.Warning(ProblemCodes.UnknownProfileItem, sheet, row.Number, col, unknown,
                        ("field", header.Layout.Fields[field].DisplayName), ("options", string.Join("; ", options.Names)));
            var items = match.Count(options.Other);
            n = items > 0 || match.Unknown.Count > 0 ? items : null;
        }
        else if (lists)
        {
            var items = ListSplit().Split(s).Select(x => Catalogue.Key(x)).Where(x => x.Length > 0).Distinct(StringComparer.Ordinal).Count();
            n = items > 0 ? items : null;
        }
        else n = null;
        if (n is null) return Invalid<int>(field, col, s);
        if (Caps.TryGetValue(field, out var cap) && n > cap) return Invalid<int>(field, col, s);
        return n;
    }

    private T? Invalid<T>(string field, int col, string text) where T : struct
    {
        owner._sink.Warning(ProblemCodes.InvalidProfileValue, sheet, row.Number, col, text, ("field", header.Layout.Fields[field].DisplayName));
        return null;
    }

    private bool? Invalid(string field, int col, string text) => Invalid<bool>(field, col, text);

    [GeneratedRegex(@"\s*(?:[,;/\n&+]|\bdan\b)\s*", RegexOptions.IgnoreCase)]
    private static partial Regex ListSplit();
}
}
