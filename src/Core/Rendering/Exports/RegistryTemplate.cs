using KampungKB.Core.Ingestion.Intake;
using KampungKB.Core.Ingestion.Layouts;

namespace KampungKB.Core.Rendering.Exports;

/// <summary>
/// The registry workbook a dinas can fill: one column per registry field of <c>templates/layouts/registry.json</c>
/// (its display name, so the file is always read back by the same synonyms), the example rows, and a hint sheet with
/// each column's hint; sheet names, headers and examples are registry.json's <c>template</c>. The BKKBN id columns are
/// left out: the template uses Kode Wilayah.
/// </summary>
public static class RegistryTemplate
{
    private static readonly HashSet<string> Left = new(StringComparer.Ordinal) { "provinceId", "regencyId", "districtId", "villageId", "province",
        "sigaProvinceId", "sigaRegencyId", "sigaDistrictId", "sigaVillageId", "sigaRegency", "sigaDistrict", "sigaVillage" };

    /// <summary>The registry workbook a dinas can fill (.xlsx bytes) for the layouts <paramref name="engine"/> reads by:
    /// every registry column of the templates, the example rows of registry.json, a hint sheet.</summary>
    public static byte[] Build(IngestionEngine engine) => Build(engine.Layouts);

    internal static byte[] Build(LayoutCatalogue catalogue)
    {
        var fields = catalogue.Registry.Ordered.Where(f => !Left.Contains(f.Field)).ToList();
        var t = catalogue.RegistryTemplate;
        var list = new XlsxSheet(t.Sheet,
            fields.Select(f => new XlsxColumn(f.DisplayName, Math.Clamp(f.DisplayName.Length + 4, 12, 32))).ToArray(),
            t.Examples.Select(e => (IReadOnlyList<XlsxCell>)fields.Select(f => Cell(e.GetValueOrDefault(f.Field))).ToArray()).ToArray());
        var help = new XlsxSheet(t.HelpSheet,
            [new XlsxColumn(t.HelpColumn, 30), new XlsxColumn(t.HelpHint, 90)],
            fields.Select(f => (IReadOnlyList<XlsxCell>)[f.DisplayName, f.Hint ?? (f.Required ? t.Required : t.Optional)]).ToArray());
        return XlsxWorkbookWriter.ToBytes([list, help]);
    }

    /// <summary>An example value of registry.json: a whole number as a number cell, text as text, absent as empty.</summary>
    private static XlsxCell Cell(object? value) => value switch
    {
        long n => XlsxCell.Integer(n),
        string s => XlsxCell.Text(s),
        _ => XlsxCell.Empty,
    };
}
