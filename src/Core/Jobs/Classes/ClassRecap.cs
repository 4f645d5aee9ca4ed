using KampungKB.Core.Rendering.Exports;
using KampungKB.Core.Model;
using KampungKB.Core.Rendering.Templating;

namespace KampungKB.Core.Jobs.Classes;

/// <summary>Turns a <see cref="ClassReport"/> into the recap's class section and its workbook sheet.</summary>
internal static class ClassRecap
{
    /// <summary>How many kampung the email lists with their lifts (nearest to rising first); the workbook lists all.</summary>
    public const int EmailLiftRows = 10;

    /// <summary>The section's view; <paramref name="topClassLabel"/> is the regency's word for the top class (Paripurna).</summary>
    public static ClassRecapView View(ClassReport report, KampungClassifier classifier, string? topClassLabel = null)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(classifier);
        var cat = classifier.Catalogue;
        string L(KampungClass c) => cat.ClassLabel(c, topClassLabel);
        var official = report.OfficialDistribution;
        var max = report.Distribution.Select(d => Math.Max(d.Value, official[d.Key])).DefaultIfEmpty(0).Max();
        var distribution = report.Distribution.Select(d => new ClassCountRow(L(d.Key), d.Value, official[d.Key], max)).ToList();
        var lifts = report.Kampung.Where(k => k.Lifts.Count > 0)
            .Select(k => new ClassLiftRow(k.Kampung.Name, k.Kampung.AreaCode, L(k.Now.Class), L(classifier.ClassAfter(k.Now, k.Lifts)),
                k.Lifts.Take(3).Select(cat.LiftText).ToList(), Math.Max(0, k.Lifts.Count - 3), k.Lifts.Sum(l => l.TargetScore - l.Score)))
            .OrderBy(r => r.Steps).ThenBy(r => r.AreaCode, StringComparer.Ordinal)
            .ToList();
        return new ClassRecapView(
            distribution, report.Kampung.Count, report.OfficialUnclassified,
            report.MovedSincePrevious.Select(k => Move(k, k.Previous!, L)).ToList(),
            report.MovedSinceYearStart.Select(k => Move(k, k.YearStart!, L)).ToList(),
            report.Baseline?.ToString(), report.Period.Year, report.TargetRatio, report.TargetCount, report.RoseThisYear, report.MoreToRise,
            lifts.Take(EmailLiftRows).ToList(), Math.Max(0, lifts.Count - EmailLiftRows),
            report.Kampung.Count(k => k.Now.Missing.Count > 0))
        {
            Differences = report.Kampung.Where(k => k.Checked is not null)
                .Select(k => new ClassDifferenceRow(k.Kampung.Name, k.Kampung.AreaCode, L(k.Now.Class), L(k.Checked!.Class),
                    ClassReader.CheckedReason(k, cat), ClassReader.Describe(k.Refused, cat))).ToList(),
            UsedRefused = report.Kampung.Count(k => k.Refused.Count > 0),
        };
    }

    private static ClassMoveRow Move(KampungClassRow k, Classification before, Func<KampungClass, string> label) =>
        new(k.Kampung.Name, k.Kampung.AreaCode, label(before.Class), label(k.Now.Class), k.Now.Class > before.Class);

    /// <summary>The workbook sheet: one row per kampung with its class, official class, indices, 12 scores, earlier classes, missing data and lifts.</summary>
    public static XlsxSheet Sheet(ClassReport report, KampungClassifier classifier, string? topClassLabel = null)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(classifier);
        var cat = classifier.Catalogue;
        string T(string key) => cat.Texts[key];
        var columns = new List<XlsxColumn>
        {
            new(T("colAreaCode"), 16), new(T("colName"), 32), new(T("colDistrict"), 20), new(T("colClass"), 16), new(T("colOfficial"), 16),
        };
        columns.AddRange(ClassCatalogue.IndexCodes.Select(i => new XlsxColumn(cat.IndexLabels[i], 9)));
        columns.AddRange(cat.Indicators.Select(i => new XlsxColumn(i.Label, 12)));
        columns.AddRange([new(T("colPrevious"), 16), new(T("colYearStart"), 16), new(T("colFiguresAsOf"), 16), new(T("colMissing"), 40), new(T("colLifts"), 60),
            new(T("colProblems"), 40), new(T("colChecked"), 18), new(T("colCheckedReason"), 40)]);
        var rows = report.Kampung.Select(k =>
        {
            var cells = new List<XlsxCell>
            {
                k.Kampung.AreaCode, k.Kampung.Name, k.Kampung.District, cat.ClassLabel(k.Now.Class, topClassLabel),
                k.Kampung.Class is { } c ? cat.ClassLabel(c, topClassLabel) : k.Kampung.ClassLabel,
            };
            cells.AddRange(k.Now.Indices.Select(i => XlsxCell.Number(i.Mean)));
            cells.AddRange(k.Now.Scores.Select(s => XlsxCell.Integer(s.Score)));
            cells.Add(k.Previous is { } p ? cat.ClassLabel(p.Class, topClassLabel) : null);
            cells.Add(k.YearStart is { } y ? cat.ClassLabel(y.Class, topClassLabel) : null);
            cells.Add(k.FiguresAsOf is null ? null : $"{k.PopulationAsOf?.ToString() ?? "-"} / {k.KkbpkAsOf?.ToString() ?? "-"}");
            cells.Add(k.Now.Missing.Count == 0 ? null : string.Join("; ", k.Now.Missing.Select(cat.MissingLabel)));
            cells.Add(k.Lifts.Count == 0 ? null : string.Join("; ", k.Lifts.Select(cat.LiftText)));
            cells.Add(k.Refused.Count == 0 ? null : ClassReader.Describe(k.Refused, cat));
            cells.Add(k.Checked is { } ch ? cat.ClassLabel(ch.Class, topClassLabel) : null);
            cells.Add(k.Checked is null ? null : ClassReader.CheckedReason(k, cat));
            return (IReadOnlyList<XlsxCell>)cells;
        }).ToList();
        return new XlsxSheet(T("sheetName"), columns, rows);
    }
}
