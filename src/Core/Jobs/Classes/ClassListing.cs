using System.Globalization;
using KampungKB.Core.Model;

namespace KampungKB.Core.Jobs.Classes;

/// <summary>
/// What <c>kkb classes</c> prints of a <see cref="ClassReport"/> (docs/classification.md): the JSON shape and the operator's
/// text, every word from <c>templates/classes</c> through <see cref="ClassCatalogue.Text"/>. The CLI only writes them out, so
/// the report's rows and scores stay inside Core.
/// </summary>
public static class ClassListing
{
    /// <summary>
    /// The <c>--json</c> object, to be serialized by the caller: <c>{"regency","period","kampung":[{"areaCode","name",
    /// "scores":{…12…},"indices":{"input","proses","output"},"class","officialClass","missing":[…],"populationAsOf","kkbpkAsOf",
    /// "refused":[{"period","uploadId","problems":[codes]}],"checkedClass","checkedReason"}],"distribution":{class: count},
    /// "retired":[{"areaCode","name","retiredAt"}]}</c>, classes spelled dasar, berkembang, mandiri, berkelanjutan.
    /// </summary>
    public static object JsonShape(ClassReport report, ClassCatalogue catalogue)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(catalogue);
        return new
        {
            regency = report.RegencyCode,
            period = report.Period.ToString(),
            kampung = report.Kampung.Select(k => new
            {
                areaCode = k.Kampung.AreaCode,
                name = k.Kampung.Name,
                scores = k.Now.Scores.ToDictionary(s => s.Code, s => s.Score),
                indices = k.Now.Indices.ToDictionary(i => i.Code, i => i.Mean),
                @class = Spell(k.Now.Class),
                officialClass = k.Kampung.Class is { } c ? Spell(c) : null,
                missing = k.Now.Missing,
                populationAsOf = k.PopulationAsOf?.ToString(),
                kkbpkAsOf = k.KkbpkAsOf?.ToString(),
                refused = k.Refused.Select(r => new { period = r.Period.ToString(), uploadId = r.UploadId, problems = r.ProblemCodes }),
                checkedClass = k.Checked is { } ch ? Spell(ch.Class) : null,
                checkedReason = k.Checked is null ? null : ClassReader.CheckedReason(k, catalogue),
            }),
            distribution = report.Distribution.ToDictionary(d => Spell(d.Key), d => d.Value),
            retired = report.Retired.Select(k => new { areaCode = k.AreaCode, name = k.Name, retiredAt = k.RetiredAt }),
        };
    }

    /// <summary>A class as the JSON spells it: dasar, berkembang, mandiri, berkelanjutan.</summary>
    public static string Spell(KampungClass c) => c.ToString().ToLowerInvariant();

    /// <summary>
    /// The operator's text: a header, per kampung its class, indices, 12 scores, figures' months, refused uploads used, the
    /// class from checked data, what is missing and what would lift it; the distribution; retired kampung once at the end.
    /// <paramref name="topClassLabel"/> is the regency's word for the top class (<c>Regencies__{PPKK}__TopClassLabel</c>), null for the catalogue's.
    /// </summary>
    public static string Human(ClassReport report, ClassCatalogue catalogue, string? topClassLabel = null)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(catalogue);
        var w = new StringWriter(CultureInfo.InvariantCulture);
        w.WriteLine(catalogue.Text("cliHeader", ("regency", report.RegencyCode), ("period", report.Period)));
        if (report.Kampung.Count == 0) { w.WriteLine(catalogue.Text("cliNone", ("regency", report.RegencyCode))); return w.ToString(); }
        foreach (var k in report.Kampung)
        {
            w.WriteLine();
            w.WriteLine(catalogue.Text("cliKampung", ("name", k.Kampung.Name), ("areaCode", k.Kampung.AreaCode), ("class", catalogue.ClassLabel(k.Now.Class, topClassLabel)),
                ("input", Mean(k.Now.Index("input"))), ("proses", Mean(k.Now.Index("proses"))), ("output", Mean(k.Now.Index("output"))),
                ("official", k.Kampung.ClassLabel ?? catalogue.Texts["unclassified"])));
            w.WriteLine(catalogue.Text("cliScores", ("scores", string.Join(" · ", k.Now.Scores.Select(s => $"{catalogue.Indicator(s.Code).Label} {s.Score}")))));
            if (k.FiguresAsOf is not null)
                w.WriteLine(catalogue.Text("cliFigures", ("population", k.PopulationAsOf?.ToString() ?? "-"), ("kkbpk", k.KkbpkAsOf?.ToString() ?? "-")));
            if (k.Refused.Count > 0) w.WriteLine(catalogue.Text("cliProblems", ("problems", ClassReader.Describe(k.Refused, catalogue))));
            if (k.Checked is { } ch) w.WriteLine(catalogue.Text("cliChecked", ("class", catalogue.ClassLabel(ch.Class, topClassLabel)), ("reason", ClassReader.CheckedReason(k, catalogue))));
            if (k.Now.Missing.Count > 0) w.WriteLine(catalogue.Text("cliMissing", ("missing", string.Join("; ", k.Now.Missing.Select(catalogue.MissingLabel)))));
            if (k.Lifts.Count > 0) w.WriteLine(catalogue.Text("cliLift", ("lifts", string.Join("; ", k.Lifts.Take(3).Select(catalogue.LiftText)))));
        }
        w.WriteLine();
        w.WriteLine(catalogue.Text("cliDistribution", ("distribution", string.Join(", ", report.Distribution.Select(d => $"{catalogue.ClassLabel(d.Key, topClassLabel)} {d.Value}")))));
        if (report.Retired.Count > 0)
            w.WriteLine(catalogue.Text("cliRetired", ("kampung", string.Join("; ", report.Retired.Select(k =>
                catalogue.Text("cliRetiredKampung", ("name", k.Name), ("areaCode", k.AreaCode),
                    ("date", IndonesianFormat.Date(LocalTime.ForProvince(k.AreaCode).ToLocal(k.RetiredAt!.Value)))))))));
        return w.ToString();
    }

    private static string Mean(IndexScore i) => i.Mean.ToString("0.00", CultureInfo.GetCultureInfo("id-ID"));
}
