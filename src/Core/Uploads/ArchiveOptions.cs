using KampungKB.Core.Model;

namespace KampungKB.Core.Uploads;

/// <summary>
/// Limits for a zip of reports uploaded at once (a Drive folder downloaded as .zip), checked from the zip's
/// central directory before anything is inflated. The zip itself is bounded by
/// <see cref="PipelineOptions.MaxUploadBytes"/> like any upload, and so is every file in it once expanded.
/// App settings <c>Archive__MaxEntries</c>, <c>Archive__MaxExpandedBytes</c>, <c>Archive__MaxCompressionRatio</c>;
/// validated at start-up by <see cref="Validate"/>.
/// </summary>
public sealed class ArchiveOptions
{
    /// <summary>Most entries (files and folders) a zip may list; more refuses the whole zip (<c>archive-too-many-files</c>).</summary>
    public int MaxEntries { get; init; } = 500;

    /// <summary>Largest total uncompressed size the zip declares, in bytes; more refuses it as a zip bomb (<c>suspicious-archive</c>).</summary>
    public long MaxExpandedBytes { get; init; } = 200L * 1024 * 1024;

    /// <summary>Largest uncompressed/compressed ratio of any entry over 1 MiB; more refuses the zip as a zip bomb
    /// (the rule of an .xlsx package too, <c>ZipPolicy</c> in Ingestion/Intake).</summary>
    public int MaxCompressionRatio { get; init; } = 100;

    /// <summary>Folder levels kept of an entry's path; deeper paths keep their last levels.</summary>
    public const int MaxPathSegments = 8;

    /// <summary>Reads <c>Archive__*</c> (whole numbers) through <paramref name="settings"/>, which is told each bad value and each rule of <see cref="Validate"/> broken.</summary>
    public static ArchiveOptions FromSettings(SettingsReader settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var defaults = new ArchiveOptions();
        long Whole(string key, long fallback) => settings.Whole(key, fallback, 0, long.MaxValue, "a whole number");
        var o = new ArchiveOptions
        {
            MaxEntries = (int)Math.Min(int.MaxValue, Whole("Archive__MaxEntries", defaults.MaxEntries)),
            MaxExpandedBytes = Whole("Archive__MaxExpandedBytes", defaults.MaxExpandedBytes),
            MaxCompressionRatio = (int)Math.Min(int.MaxValue, Whole("Archive__MaxCompressionRatio", defaults.MaxCompressionRatio)),
        };
        settings.Report(o.Validate());
        return o;
    }

    /// <returns>Each bad value under its app setting; empty when all are good.</returns>
    public IReadOnlyList<SettingError> Validate()
    {
        var errors = new List<SettingError>();
        if (MaxEntries is < 1 or > 10_000) errors.Add(new("Archive__MaxEntries", $"{MaxEntries} is not between 1 and 10000."));
        if (MaxExpandedBytes is < 1024 * 1024 or > 2L * 1024 * 1024 * 1024) errors.Add(new("Archive__MaxExpandedBytes", $"{MaxExpandedBytes} is not between 1048576 (1 MiB) and 2147483648 (2 GiB)."));
        if (MaxCompressionRatio is < 10 or > 10_000) errors.Add(new("Archive__MaxCompressionRatio", $"{MaxCompressionRatio} is not between 10 and 10000."));
        return errors;
    }
}
