namespace KampungKB.Core.Ingestion.Intake;

/// <summary>Limits and locations for the ingestion engine. Validated by <see cref="Validate"/> when the engine is created.</summary>
public sealed record IngestionOptions
{
    /// <summary>Folder holding layouts/ and messages/ (templates shipped beside the app).</summary>
    public string TemplatesDirectory { get; init; } = Path.Combine(AppContext.BaseDirectory, "templates");

    /// <summary>
    /// The upload cap where no setting gives one: 20 MiB. The one default of <see cref="MaxFileBytes"/> and of the
    /// app setting <c>Pipeline__MaxUploadBytes</c> (read once, into <c>PipelineOptions.MaxUploadBytes</c>, which the
    /// app's engine, the upload path, the page, mail-in, Drive and retention all take their cap from). docs/robustness.md.
    /// </summary>
    public const long DefaultMaxFileBytes = 20L * 1024 * 1024;

    /// <summary>Reading deadline where no setting gives one (<c>Ingestion__DeadlineSeconds</c>): 60 s.</summary>
    public static readonly TimeSpan DefaultDeadline = TimeSpan.FromSeconds(60);

    /// <summary>Largest upload accepted, in bytes, checked before anything is read (<c>file-too-large</c>); the app sets it from <c>Pipeline__MaxUploadBytes</c>.</summary>
    public long MaxFileBytes { get; init; } = DefaultMaxFileBytes;

    /// <summary>Largest total uncompressed size of an .xlsx's entries (zip-bomb guard).</summary>
    public long MaxUncompressedBytes { get; init; } = 200L * 1024 * 1024;

    /// <summary>Largest compression ratio accepted for any sizeable .xlsx entry (zip-bomb guard).</summary>
    public int MaxCompressionRatio { get; init; } = 200;

    public int MaxRowsPerSheet { get; init; } = 100_000;

    /// <summary>Most non-blank cells read from the whole file.</summary>
    public int MaxCells { get; init; } = 2_000_000;

    /// <summary>Columns beyond this are ignored (bounds the memory of one row).</summary>
    public int MaxColumns { get; init; } = 200;

    /// <summary>
    /// Longest time one file may take to read and analyse (setting <c>Ingestion__DeadlineSeconds</c>, default 60 s);
    /// past it the upload is refused with <c>processing-timeout</c> (docs/robustness.md). Checked by cancellation
    /// every few hundred rows in the readers and the analyzer.
    /// </summary>
    public TimeSpan Deadline { get; init; } = DefaultDeadline;

    /// <summary>Most entries of the shared-strings table (.xlsx) read before the file is refused (<c>too-many-strings</c>).</summary>
    public int MaxSharedStrings { get; init; } = 1_000_000;

    /// <summary>Most characters of all shared strings together (.xlsx), counted while pre-scanning (<c>too-many-strings</c>).</summary>
    public long MaxSharedStringChars { get; init; } = 64L * 1024 * 1024;

    /// <summary>Longest text of one cell: Excel's own limit, 32,767 characters (<c>cell-text-too-long</c>).</summary>
    public int MaxCellChars { get; init; } = 32_767;

    /// <summary>Most characters of text cells read from the whole file (a shared string referenced by every cell is counted each time; <c>too-many-strings</c>).</summary>
    public long MaxTextChars { get; init; } = 200L * 1024 * 1024;

    /// <summary>Deepest XML element nesting accepted in any part of a workbook (<c>suspicious-xml</c>); real parts nest fewer than 20 deep.</summary>
    public int MaxXmlDepth { get; init; } = 256;

    /// <summary>Most cell formats (cellXfs) and other style records in styles.xml; Excel's own limit is 64,000 formats (<c>too-many-styles</c>).</summary>
    public int MaxStyles { get; init; } = 64_000;

    /// <summary>Most rows × columns ExcelDataReader may hand over for one sheet (empty rows count with the sheet's width; <c>too-many-cells</c>).</summary>
    public long MaxRowColumnProduct { get; init; } = 50_000_000;

    /// <summary>Most cells the formula evaluator may read over all uncalculated formulas of a file; the rest are reported as uncalculated.</summary>
    public int MaxFormulaWork { get; init; } = 1_000_000;

    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(TemplatesDirectory)) errors.Add($"{nameof(TemplatesDirectory)} must be set");
        if (MaxFileBytes <= 0) errors.Add($"{nameof(MaxFileBytes)} must be > 0");
        if (MaxUncompressedBytes < MaxFileBytes) errors.Add($"{nameof(MaxUncompressedBytes)} must be ≥ {nameof(MaxFileBytes)}");
        if (MaxCompressionRatio < 10) errors.Add($"{nameof(MaxCompressionRatio)} must be ≥ 10");
        if (MaxRowsPerSheet < 100) errors.Add($"{nameof(MaxRowsPerSheet)} must be ≥ 100");
        if (MaxCells < 1000) errors.Add($"{nameof(MaxCells)} must be ≥ 1000");
        if (MaxColumns is < 10 or > 16384) errors.Add($"{nameof(MaxColumns)} must be between 10 and 16384");
        if (Deadline < TimeSpan.FromSeconds(1) || Deadline > TimeSpan.FromMinutes(9)) errors.Add($"{nameof(Deadline)} must be between 1 s and 540 s (the Functions timeout is 10 min)");
        if (MaxSharedStrings < 1000) errors.Add($"{nameof(MaxSharedStrings)} must be ≥ 1000");
        if (MaxSharedStringChars < 1_000_000) errors.Add($"{nameof(MaxSharedStringChars)} must be ≥ 1000000");
        if (MaxCellChars < 255) errors.Add($"{nameof(MaxCellChars)} must be ≥ 255");
        if (MaxTextChars < MaxSharedStringChars) errors.Add($"{nameof(MaxTextChars)} must be ≥ {nameof(MaxSharedStringChars)}");
        if (MaxXmlDepth < 32) errors.Add($"{nameof(MaxXmlDepth)} must be ≥ 32");
        if (MaxStyles < 1000) errors.Add($"{nameof(MaxStyles)} must be ≥ 1000");
        if (MaxRowColumnProduct < 1_000_000) errors.Add($"{nameof(MaxRowColumnProduct)} must be ≥ 1000000");
        if (MaxFormulaWork < 10_000) errors.Add($"{nameof(MaxFormulaWork)} must be ≥ 10000");
        return errors;
    }
}

/// <summary>What the caller knows about an upload beyond its bytes.</summary>
public sealed record IngestionContext(string FileName)
{
    /// <summary>The month the upload is for, when the caller knows it (e.g. from the upload path). A different stated month is an error.</summary>
    public Model.ReportingPeriod? ExpectedPeriod { get; init; }

    /// <summary>
    /// The largest file this call accepts, when the caller has its own (configured) limit, e.g. the pipeline's
    /// <c>Pipeline__MaxUploadBytes</c>; null keeps <see cref="IngestionOptions.MaxFileBytes"/>. (docs/robustness.md)
    /// </summary>
    public long? MaxFileBytes { get; init; }

    /// <summary>
    /// Today's date where the kampung is (its WIB/WITA/WIT day, from the caller's clock), for the warnings on a
    /// report for a month still to come and activities dated after today; null: not checked.
    /// </summary>
    public DateOnly? Today { get; init; }
    /// <summary>This call's deadline (e.g. the pipeline's <c>Ingestion__DeadlineSeconds</c>); null keeps <see cref="IngestionOptions.Deadline"/>.</summary>
    public TimeSpan? Deadline { get; init; }

    /// <summary>Last month's indicators of the same kampung, for the month-to-month plausibility warnings.</summary>
    public IReadOnlyDictionary<string, decimal>? PreviousIndicators { get; init; }
}
