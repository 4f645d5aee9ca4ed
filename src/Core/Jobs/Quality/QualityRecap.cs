using KampungKB.Core.Model;
using KampungKB.Core.Rendering.Exports;
using KampungKB.Core.Rendering.Templating;

namespace KampungKB.Core.Jobs.Quality;

/// <summary>The data-quality review in the recap: the mail's section view and the workbook sheet (one row per flag, ranked kampung first).</summary>
internal static class QualityRecap
{
    /// <summary>Flags per kampung the mail shows before "and N more".</summary>
    public const int FlagsPerKampung = 2;

    public static QualityRecapView View(QualityReport report, QualityCatalogue catalogue)
    {
        var kinds = QualityCatalogue.Kinds.Select(k => new QualityKindCount(k, catalogue.Texts["kind." + k], report.Flags.Count(f => f.Kind == k))).Where(k => k.Count > 0).ToList();
        var call = report.Ranking.Take(catalogue.CallFirst).Select(r => new QualityCallRow(r.Rank, r.Name, r.District, r.Score,
            r.Flags.Take(FlagsPerKampung).Select(f => Line(f, catalogue)).ToList(), Math.Max(0, r.Flags.Count - FlagsPerKampung))).ToList();
        return new QualityRecapView(report.Checked, report.Flags.Count, report.Ranking.Count, kinds, call, Math.Max(0, report.Ranking.Count - call.Count), catalogue.Texts["sheet"]);
    }

    public static QualityFlagLine Line(QualityFlag f, QualityCatalogue catalogue) =>
        new(catalogue.Texts["kind." + f.Kind], f.FigureLabel, IndonesianFormat.Number(f.Value), Range(f), f.Why);

    /// <summary>"low–high" in Indonesian numbers, or null when the flag has no range.</summary>
    public static string? Range(QualityFlag f) => f.ExpectedLow is null && f.ExpectedHigh is null ? null
        : $"{IndonesianFormat.Number(f.ExpectedLow)}–{IndonesianFormat.Number(f.ExpectedHigh)}";

    private static readonly (string Key, double? Width)[] Columns =
        [("rank", 9), ("score", 7), ("area", null), ("kampung", 26), ("district", 16), ("month", 14), ("kind", 18), ("figure", 28), ("value", 10), ("low", 10), ("high", 10), ("why", 60)];

    /// <summary>The workbook sheet: rank, kampung, kecamatan, month, kind, figure, value, expected low and high, why.</summary>
    public static XlsxSheet Sheet(QualityReport report, QualityCatalogue catalogue)
    {
        var rows = report.Ranking.SelectMany(r => r.Flags.Select(f => (IReadOnlyList<XlsxCell>)
        [
            r.Rank, r.Score, f.AreaCode, f.KampungName, f.District, IndonesianFormat.Month(f.Period), catalogue.Texts["kind." + f.Kind], f.FigureLabel,
            XlsxCell.Number(f.Value), XlsxCell.Number(f.ExpectedLow), XlsxCell.Number(f.ExpectedHigh), f.Why,
        ])).ToList();
        return new XlsxSheet(catalogue.Texts["sheet"],
            Columns.Select(c => new XlsxColumn(catalogue.Texts["col." + c.Key], c.Width)).ToList(), rows) { FrozenColumns = 4 };
    }
}
