namespace KampungKB.Core.Intake;

/// <summary>Limits and locations for the ingestion engine. Validated by <see cref="Validate"/> when the engine is created.</summary>
public sealed record IngestionOptions
{
    /// <summary>Folder holding layouts/ and messages/ (templates shipped beside the app).</summary>
    public string TemplatesDirectory { get; init; } = Path.Combine(AppContext.BaseDirectory, "templates");

    /// <summary>Largest upload accepted, checked before anything is read.</summary>
    public long MaxFileBytes { get; init; } = 20L * 1024 * 1024;

    /// <summary>Largest total uncompressed size of an .xlsx's entries (zip-bomb guard).</summary>
    public long MaxUncompressedBytes { get; init; } = 200L * 1024 * 1024;

    /// <summary>Largest compression ratio accepted for any sizeable .xlsx entry (zip-bomb guard).</summary>
    public int MaxCompressionRatio { get; init; } = 200;

    public int MaxRowsPerSheet { get; init; } = 100_000;

    /// <summary>Most non-blank cells read from the whole file.</summary>
    public int MaxCells { get; init; } = 2_000_000;

    /// <summary>Columns beyond this are ignored (bounds the memory of one row).</summary>
    public int MaxColumns { get; init; } = 200;

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
    /// <c>Pipeline__MaxUploadBytes</c>; null keeps <see cref="IngestionOptions.MaxFileBytes"/>. Issue 12 finding 10.
    /// </summary>
    public long? MaxFileBytes { get; init; }

    /// <summary>
    /// Today's date where the kampung is (its WIB/WITA/WIT day, from the caller's clock), for the warnings on a
    /// report for a month still to come and activities dated after today; null: not checked.
    /// </summary>
    public DateOnly? Today { get; init; }

    /// <summary>Last month's indicators of the same kampung, for the month-to-month plausibility warnings.</summary>
    public IReadOnlyDictionary<string, decimal>? PreviousIndicators { get; init; }
}
