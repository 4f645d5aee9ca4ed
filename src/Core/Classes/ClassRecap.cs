using KampungKB.Core.Exports;
using KampungKB.Core.Model;

namespace KampungKB.Core.Classes;

/// <summary>A class with its computed count and the registry's official count.</summary>
public sealed record ClassCountRow(string Label, int Computed, int Official, int Max);

/// <summary>A kampung whose computed class moved: from → to; <see cref="Up"/> when it rose.</summary>
public sealed record ClassMoveRow(string KampungName, string AreaCode, string From, string To, bool Up);

/// <summary>
/// A kampung whose class from the data that passed our validation (<see cref="Checked"/>) differs from the class the BKKBN
/// website computes from everything the cadre reported (<see cref="Website"/>), and why (the refused months, with their codes).
/// </summary>
public sealed record ClassDifferenceRow(string KampungName, string AreaCode, string Website, string Checked, string Reason, string Problems);

/// <summary>What would lift one kampung a class: the first three improvements (texts), how many more, and the class reached.</summary>
public sealed record ClassLiftRow(string KampungName, string AreaCode, string Class, string NextClass, IReadOnlyList<string> Items, int More, int Steps);

/// <summary>
/// The recap's class section (template partial <c>partials/classes.hbs</c>): distribution computed next to
/// official, moves since the previous period and since the baseline, the yearly target, and the kampung
/// nearest to rising with the indicators that would lift them (all kampung are in the workbook sheet).
/// <see cref="IncompleteData"/> counts kampung with any missing data (scored 1), so dasar is not mistaken for unreported.
/// </summary>
public sealed record ClassRecapView(
    IReadOnlyList<ClassCountRow> Distribution,
    int Total,
    int OfficialUnclassified,
    IReadOnlyList<ClassMoveRow> MovedSincePrevious,
    IReadOnlyList<ClassMoveRow> MovedSinceYearStart,
    string? BaselinePeriod,
    int Year,
    decimal TargetRatio,
    int TargetCount,
    int Rose,
    int MoreToRise,
    IReadOnlyList<ClassLiftRow> NearestToRise,
    int OtherLifts,
    int IncompleteData)
{
    /// <summary>Kampung whose class "menurut data yang lolos pemeriksaan" differs, with the reason.</summary>
    public IReadOnlyList<ClassDifferenceRow> Differences { get; init; } = [];
    /// <summary>Kampung whose website class used a report our validation refused (whether or not the class differs).</summary>
    public int UsedRefused { get; init; }

    public decimal? ProgressRatio => TargetCount == 0 ? null : Math.Min(1m, (decimal)Rose / TargetCount);
    public bool Reached => Rose >= TargetCount;
}

/// <summary>Turns a <see cref="ClassReport"/> into the recap's class section and its workbook sheet.</summary>
public static class ClassRecap
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
