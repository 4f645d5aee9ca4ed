namespace KampungKB.Core.Rendering.Templating;

/// <summary>A count of flags of one kind, for the mail's summary line.</summary>
internal sealed record QualityKindCount(string Kind, string Label, int Count);

/// <summary>One flag as the mail shows it: kind, figure, value and the expected range as Indonesian text.</summary>
internal sealed record QualityFlagLine(string Kind, string Figure, string Value, string? Range, string Why);

/// <summary>A kampung to call, as the mail lists it (its first flags; the workbook has all).</summary>
internal sealed record QualityCallRow(int Rank, string KampungName, string? District, int Score, IReadOnlyList<QualityFlagLine> Flags, int More);

/// <summary>The recap's data-quality section (<c>templates/email/partials/quality.hbs</c>).</summary>
internal sealed record QualityRecapView(int Checked, int FlagCount, int KampungFlagged, IReadOnlyList<QualityKindCount> Kinds, IReadOnlyList<QualityCallRow> CallFirst, int OtherKampung, string SheetName);
