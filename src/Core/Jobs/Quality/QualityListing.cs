using System.Globalization;
using KampungKB.Core.Model;

namespace KampungKB.Core.Jobs.Quality;

/// <summary>
/// What <c>kkb quality</c> prints of a <see cref="QualityReport"/> (docs/quality.md): the JSON shape and the operator's text,
/// every word from the recap templates through <see cref="QualityCatalogue.Text"/>. The CLI only writes them out, so the
/// report's flags and ranking stay inside Core.
/// </summary>
public static class QualityListing
{
    /// <summary>
    /// The <c>--json</c> object, to be serialized by the caller: <c>{regency, period, checked, flags:[{kind, areaCode, kampung,
    /// district, period, figure, label, value, expectedLow, expectedHigh, why}], ranking:[{rank, areaCode, name, district, score, flags}]}</c>.
    /// </summary>
    public static object JsonShape(QualityReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return new
        {
            regency = report.RegencyCode,
            period = report.Period.ToString(),
            @checked = report.Checked,
            flags = report.Flags.Select(Flag),
            ranking = report.Ranking.Select(r => new { rank = r.Rank, areaCode = r.AreaCode, name = r.Name, district = r.District, score = r.Score, flags = r.Flags.Select(Flag) }),
        };
    }

    private static object Flag(QualityFlag f) => new
    {
        kind = f.Kind, areaCode = f.AreaCode, kampung = f.KampungName, district = f.District, period = f.Period.ToString(),
        figure = f.Figure, label = f.FigureLabel, value = f.Value, expectedLow = f.ExpectedLow, expectedHigh = f.ExpectedHigh, why = f.Why,
    };

    /// <summary>The operator's text: a header with the counts, then each kampung to call first (rank order) with its flags.</summary>
    public static string Human(QualityReport report, QualityCatalogue catalogue, string regionName)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(catalogue);
        var w = new StringWriter(CultureInfo.InvariantCulture);
        w.WriteLine(catalogue.Text("cli.header", ("regency", regionName), ("month", IndonesianFormat.Month(report.Period)), ("flags", report.Flags.Count),
            ("kampung", report.Ranking.Count), ("checked", report.Checked)));
        if (report.Flags.Count == 0) { w.WriteLine(catalogue.Texts["cli.none"]); return w.ToString(); }
        w.WriteLine(catalogue.Texts["cli.callFirst"]);
        foreach (var r in report.Ranking)
        {
            w.WriteLine(catalogue.Text("cli.rank", ("rank", r.Rank.ToString(CultureInfo.InvariantCulture)), ("name", r.Name), ("areaCode", r.AreaCode), ("district", r.District ?? "-"),
                ("score", r.Score.ToString(CultureInfo.InvariantCulture)), ("flags", r.Flags.Count.ToString(CultureInfo.InvariantCulture))));
            foreach (var f in r.Flags)
                w.WriteLine(catalogue.Text("cli.flag", ("kind", catalogue.Texts["kind." + f.Kind]), ("figure", f.FigureLabel), ("month", IndonesianFormat.Month(f.Period)), ("why", f.Why)));
        }
        return w.ToString();
    }
}
