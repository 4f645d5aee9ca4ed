using KampungKB.Core.Model;
using KampungKB.Core.Rendering.Exports;
using KampungKB.Core.Rendering.Templating;

namespace KampungKB.Core.Jobs.Handover;

/// <summary>
/// The handover workbook the dinas types from: a guide sheet, one block per kampung (a title row, then every
/// field of the website's pages in its order: page, number, label, value, check, note), the fields that fail the
/// website's rules with the kampung's link, and the kampung without figures. Long labels, notes and links wrap and every
/// sheet prints one page wide (landscape A4). Written through
/// <see cref="XlsxWorkbookWriter"/>, so every text (kampung names included) is injection-safe.
/// </summary>
internal static class HandoverWorkbook
{
    public static byte[] Build(HandoverPlan plan, HandoverCatalogue catalogue) =>
        XlsxWorkbookWriter.ToBytes([Guide(plan, catalogue), Blocks(plan, catalogue), Failures(plan, catalogue), NoFigures(plan, catalogue)]);

    private static string T(HandoverCatalogue c, string key) => c.Texts[key];

    /// <summary>
    /// A column whose long texts (labels, notes, links) wrap. The widths are chosen so each sheet prints one A4 landscape page
    /// wide at 75% or more (<see cref="XlsxWorkbookWriter.MinPrintScale"/>), every column on the page that names its kampung.
    /// </summary>
    private static XlsxColumn Wrapped(string header, double width) => new(header, width) { Wrap = true };

    private static XlsxSheet Guide(HandoverPlan plan, HandoverCatalogue c)
    {
        var month = IndonesianFormat.Month(plan.Period);
        var lines = new[]
        {
            c.Text("guide.1", ("month", month), ("region", plan.RegionName)),
            c.Texts["guide.2"], c.Texts["guide.3"], c.Texts["guide.4"],
            c.Text("guide.5", ("ready", plan.Ready), ("failing", plan.Failing), ("none", plan.NoFigures.Count)),
        };
        return new XlsxSheet(T(c, "sheet.guide"), [new(T(c, "col.guide"), 110) { Wrap = true }], lines.Select(l => (IReadOnlyList<XlsxCell>)[XlsxCell.Text(l)]).ToList());
    }

    private static XlsxSheet Blocks(HandoverPlan plan, HandoverCatalogue c)
    {
        var rows = new List<IReadOnlyList<XlsxCell>>();
        foreach (var b in plan.Blocks)
        {
            var k = b.Kampung;
            var status = b.IsReady ? T(c, "block.ready") : c.Text("block.failing", ("count", b.Failures.Count));
            rows.Add([k.AreaCode, k.Name, k.District, XlsxCell.Empty, XlsxCell.Empty,
                c.Text("block.title", ("name", k.Name), ("areaCode", k.AreaCode), ("district", k.District ?? "-"), ("status", status))]);
            foreach (var r in b.Rows)
                rows.Add([k.AreaCode, k.Name, k.District, r.FormTitle, r.Number, r.Label,
                    r.Value is { } v ? XlsxCell.Number(v) : XlsxCell.Text(r.Display),
                    T(c, r.Check switch { FieldCheck.Passed => "check.ok", FieldCheck.Failed => "check.fail", _ => "check.notCollected" }),
                    r.Note]);
            rows.Add([]);
        }
        return new XlsxSheet(T(c, "sheet.blocks"),
            [new(T(c, "col.area")), Wrapped(T(c, "col.kampung"), 20), Wrapped(T(c, "col.district"), 14), Wrapped(T(c, "col.form"), 18), new(T(c, "col.no"), 5),
             Wrapped(T(c, "col.field"), 34), new(T(c, "col.value"), 12), new(T(c, "col.check"), 12), Wrapped(T(c, "col.note"), 40)], rows) { FrozenColumns = 2 };
    }

    private static XlsxSheet Failures(HandoverPlan plan, HandoverCatalogue c)
    {
        var rows = plan.Blocks.SelectMany(b => b.Failures.Select(f => (IReadOnlyList<XlsxCell>)
        [
            b.Kampung.AreaCode, b.Kampung.Name, b.Kampung.District, f.FormTitle, f.Label, f.Display,
            f.RuleText, f.Message, b.Link ?? T(c, "link.none"),
        ])).ToList();
        return new XlsxSheet(T(c, "sheet.failures"),
            [new(T(c, "col.area")), Wrapped(T(c, "col.kampung"), 20), Wrapped(T(c, "col.district"), 14), Wrapped(T(c, "col.form"), 16), Wrapped(T(c, "col.field"), 26),
             new(T(c, "col.value"), 10), Wrapped(T(c, "col.rule"), 20), Wrapped(T(c, "col.note"), 34), Wrapped(T(c, "col.link"), 30)], rows) { FrozenColumns = 2 };
    }

    private static XlsxSheet NoFigures(HandoverPlan plan, HandoverCatalogue c)
    {
        var rows = plan.NoFigures.Select(n => (IReadOnlyList<XlsxCell>)
        [
            n.Kampung.AreaCode, n.Kampung.Name, n.Kampung.District, T(c, n.Reported ? "status.noFigures" : "status.missing"),
            n.LastFigures is { } p ? IndonesianFormat.Month(p) : T(c, "nofigures.none"), n.Link ?? T(c, "link.none"),
        ]).ToList();
        return new XlsxSheet(T(c, "sheet.nofigures"),
            [new(T(c, "col.area")), Wrapped(T(c, "col.kampung"), 26), Wrapped(T(c, "col.district"), 16), Wrapped(T(c, "col.status"), 24), new(T(c, "col.lastFigures"), 18), Wrapped(T(c, "col.link"), 40)], rows)
            { FrozenColumns = 2 };
    }
}
