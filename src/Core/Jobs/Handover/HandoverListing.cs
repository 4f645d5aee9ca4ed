using KampungKB.Core.Model;

namespace KampungKB.Core.Jobs.Handover;

/// <summary>
/// What <c>kkb handover</c> prints of a <see cref="HandoverPlan"/> (docs/handover.md): the JSON shape and the operator's lines,
/// every word from <c>templates/handover</c> through <see cref="HandoverCatalogue.Text"/>. The CLI only writes them out, so the
/// plan's blocks and failures stay inside Core.
/// </summary>
public static class HandoverListing
{
    /// <summary>
    /// The <c>--json</c> object, to be serialized by the caller: <c>{regency, period, xlsx, ready, failing, noFigures,
    /// kampung:[{areaCode, name, ready, failures:[{form, field, value, rule, message}], link}], missing:[{areaCode, name, reported,
    /// lastFigures, link}]}</c>; <paramref name="path"/> is where the workbook was written.
    /// </summary>
    public static object JsonShape(HandoverPlan plan, string path)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return new
        {
            regency = plan.RegencyCode,
            period = plan.Period.ToString(),
            xlsx = path,
            ready = plan.Ready,
            failing = plan.Failing,
            noFigures = plan.NoFigures.Count,
            kampung = plan.Blocks.Select(b => new
            {
                areaCode = b.Kampung.AreaCode,
                name = b.Kampung.Name,
                ready = b.IsReady,
                failures = b.Failures.Select(f => new { form = f.FormTitle, field = f.Label, value = f.Display, rule = f.Rule, message = f.Message }),
                link = b.Link,
            }),
            missing = plan.NoFigures.Select(n => new { areaCode = n.Kampung.AreaCode, name = n.Kampung.Name, reported = n.Reported, lastFigures = n.LastFigures?.ToString(), link = n.Link }),
        };
    }

    /// <summary>
    /// The operator's lines: how many kampung are ready, failing or without figures, the workbook's <paramref name="path"/>, and
    /// each failing kampung with its number of failures and the first one.
    /// </summary>
    public static IReadOnlyList<string> Lines(HandoverPlan plan, HandoverCatalogue catalogue, string path)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(catalogue);
        var lines = new List<string>
        {
            catalogue.Text("cli.title", ("region", plan.RegionName), ("month", IndonesianFormat.Month(plan.Period)), ("ready", plan.Ready),
                ("failing", plan.Failing), ("none", plan.NoFigures.Count)),
            catalogue.Text("cli.file", ("path", path)),
        };
        foreach (var b in plan.Blocks.Where(b => !b.IsReady))
            lines.Add(catalogue.Text("cli.failing", ("name", b.Kampung.Name), ("areaCode", b.Kampung.AreaCode), ("count", b.Failures.Count),
                ("first", $"{b.Failures[0].Label}: {b.Failures[0].Message}")));
        return lines;
    }
}
