namespace KampungKB.Core.Rendering.Templating;

/// <summary>A class with its computed count and the registry's official count.</summary>
internal sealed record ClassCountRow(string Label, int Computed, int Official, int Max);

/// <summary>A kampung whose computed class moved: from → to; <see cref="Up"/> when it rose.</summary>
internal sealed record ClassMoveRow(string KampungName, string AreaCode, string From, string To, bool Up);

/// <summary>
/// A kampung whose class from the data that passed our validation (<see cref="Checked"/>) differs from the class the BKKBN
/// website computes from everything the cadre reported (<see cref="Website"/>), and why (the refused months, with their codes).
/// </summary>
internal sealed record ClassDifferenceRow(string KampungName, string AreaCode, string Website, string Checked, string Reason, string Problems);

/// <summary>What would lift one kampung a class: the first three improvements (texts), how many more, and the class reached.</summary>
internal sealed record ClassLiftRow(string KampungName, string AreaCode, string Class, string NextClass, IReadOnlyList<string> Items, int More, int Steps);

/// <summary>
/// The recap's class section (template partial <c>partials/classes.hbs</c>): distribution computed next to
/// official, moves since the previous period and since the baseline, the yearly target, and the kampung
/// nearest to rising with the indicators that would lift them (all kampung are in the workbook sheet).
/// <see cref="IncompleteData"/> counts kampung with any missing data (scored 1), so dasar is not mistaken for unreported.
/// </summary>
internal sealed record ClassRecapView(
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
