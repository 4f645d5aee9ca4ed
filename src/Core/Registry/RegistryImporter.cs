using Azure.Data.Tables;
using KampungKB.Core.Ingestion.Intake;
using KampungKB.Core.Model;
using KampungKB.Core.Store;
using Microsoft.Extensions.Logging;

namespace KampungKB.Core.Registry;

/// <summary>
/// What a registry import did: accepted or not, how many kampung it stored, its problems, and how many kampung
/// of the kabupaten/kota it lists were retired (no longer listed) or made active again (listed again).
/// </summary>
public sealed record RegistryImportOutcome(bool Accepted, int Kampung, IReadOnlyList<Problem> Problems, int Retired = 0, int Reactivated = 0);

/// <summary>
/// Loads the dinas' registry workbook (from <c>./kkb registry import</c> or a blob in <c>registry/</c>)
/// through the same reading and validation machinery as uploads. Any error stores nothing; writing is
/// an idempotent upsert per kampung, so a repeated trigger is harmless. The file is the dinas' whole list
/// for each kabupaten/kota it names: a stored kampung of those that it no longer lists is retired
/// (docs/robustness.md), one listed again is active again.
/// A "Folder Google Drive" column links
/// each kampung to its folder (<see cref="Drive.DriveStore.LinkIfChangedAsync"/>: a folder already linked keeps
/// its state; a blank cell unlinks nothing, so links made with <c>kkb drive link</c> stay).
/// </summary>
public sealed class RegistryImporter(IngestionEngine engine, RegistryStore registry, DriveStore drive, TimeProvider time, ILogger<RegistryImporter> logger)
{

    public async Task<RegistryImportOutcome> ImportAsync(string fileName, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        using var stream = new MemoryStream(content.ToArray(), writable: false);
        var import = engine.ReadRegistry(stream, fileName, cancellationToken);
        var saved = new RegistrySaveResult([], []);
        if (import.IsAccepted)
        {
            saved = await registry.SaveAsync(import.Entries, time.GetUtcNow(), cancellationToken, retireUnlisted: true).ConfigureAwait(false);
            var folders = import.Entries.Where(e => e.DriveFolderId is not null).ToList();
            if (folders.Count > 0)
            {
                await drive.EnsureAsync(cancellationToken).ConfigureAwait(false);
                foreach (var e in folders)
                    if (AreaCode.TryParse(e.AreaCode, out var area))
                        await drive.LinkIfChangedAsync(area, e.DriveFolderId!, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            }
        }
        logger.LogInformation(PipelineEvents.RegistryImported, "Registry import {Status}: {Count} kampung, {Retired} retired, {Reactivated} active again, {Errors} errors, {Warnings} warnings",
            import.IsAccepted ? "accepted" : "rejected", import.Entries.Count, saved.Retired.Count, saved.Reactivated.Count,
            import.Problems.Count(p => p.Severity == Severity.Error), import.Problems.Count(p => p.Severity == Severity.Warning));
        return new RegistryImportOutcome(import.IsAccepted, import.IsAccepted ? import.Entries.Count : 0, import.Problems, saved.Retired.Count, saved.Reactivated.Count);
    }
}
