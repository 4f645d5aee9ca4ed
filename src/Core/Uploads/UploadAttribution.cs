using KampungKB.Core.Ingestion.Intake;
using KampungKB.Core.Model;
using KampungKB.Core.Registry;
using KampungKB.Core.Ingestion.Validation;

namespace KampungKB.Core.Uploads;

/// <summary>
/// Which kampung of the registry a read report belongs to, and the problem when none can be named: one
/// rule for the upload pipeline and for <c>kkb ingest</c>, so both say the same about the same file.
/// </summary>
/// <param name="Kampung">The kampung the upload is about (for a mismatch: the path's, so the dinas sees the attempt).</param>
/// <param name="Confirmed">True when the content confirms <paramref name="Kampung"/>.</param>
/// <param name="Problem">kampung-mismatch, kampung-ambiguous or kampung-unknown; null when confirmed.</param>
public sealed record AttributionResult(RegistryEntry? Kampung, bool Confirmed, Problem? Problem);

/// <summary>Decides which registered kampung an upload is about, from its path and its content (docs/channels.md).</summary>
public static class UploadAttribution
{
    /// <summary>An upload through a kampung's own link (area code in the path): the file must not name another kampung.</summary>
    public static AttributionResult Confirm(IngestionEngine engine, string fileName, RegistryEntry expected, IngestionReport report) =>
        Describe(engine, fileName, report, KampungMatcher.Confirm(expected, report.Kampung));

    /// <summary>A bulk drop (no area code): the names in the file, else in the file name, pick one kampung of <paramref name="registry"/>.</summary>
    public static AttributionResult Find(IngestionEngine engine, string fileName, IReadOnlyCollection<RegistryEntry> registry, IngestionReport report) =>
        Describe(engine, fileName, report, KampungMatcher.Find(registry, report.Kampung, fileName));

    private static AttributionResult Describe(IngestionEngine engine, string fileName, IngestionReport report, Attribution attribution) => attribution switch
    {
        Attribution.Found found => new(found.Entry, true, null),
        Attribution.Mismatch mismatch => new(mismatch.Expected, false, engine.Problem(ProblemCodes.KampungMismatch, fileName,
            new Dictionary<string, string> { ["found"] = mismatch.NameInFile, ["expected"] = mismatch.Expected.Name })),
        Attribution.Ambiguous ambiguous => new(null, false, engine.Problem(ProblemCodes.KampungAmbiguous, fileName, new Dictionary<string, string>
        {
            ["found"] = report.Kampung?.Village ?? report.Kampung?.Name ?? fileName,
            ["candidates"] = string.Join("; ", ambiguous.Candidates.Take(5).Select(c => $"{c.Name} ({c.AreaCode}, Kec. {c.District})")),
        })),
        _ => new(null, false, engine.Problem(ProblemCodes.KampungUnknown, fileName,
            new Dictionary<string, string> { ["found"] = report.Kampung?.Village ?? report.Kampung?.Name ?? "-" })),
    };
}
