using Azure.Data.Tables;
using KampungKB.Core.Intake;
using KampungKB.Core.Model;
using KampungKB.Core.Storage;
using Microsoft.Extensions.Logging;

namespace KampungKB.Core.Registry;

public sealed record RegistryImportOutcome(bool Accepted, int Kampung, IReadOnlyList<Problem> Problems);

/// <summary>
/// Loads the dinas' registry workbook (from <c>./kkb registry import</c> or a blob in <c>registry/</c>)
/// through the same reading and validation machinery as uploads. Any error stores nothing; writing is
/// an idempotent upsert per kampung, so a repeated trigger is harmless. A "Folder Google Drive" column links
/// each kampung to its folder (<see cref="Drive.DriveStore.LinkIfChangedAsync"/>: a folder already linked keeps
/// its state; a blank cell unlinks nothing, so links made with <c>kkb drive link</c> stay).
/// </summary>
public sealed class RegistryImporter(IngestionEngine engine, TableServiceClient tables, StorageNames names, TimeProvider time, ILogger<RegistryImporter> logger)
{
    private readonly RegistryStore _store = new(tables, names);

    public async Task<RegistryImportOutcome> ImportAsync(string fileName, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        using var stream = new MemoryStream(content.ToArray(), writable: false);
        var import = engine.ReadRegistry(stream, fileName, cancellationToken);
        if (import.IsAccepted)
        {
            await _store.SaveAsync(import.Entries, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            var folders = import.Entries.Where(e => e.DriveFolderId is not null).ToList();
            if (folders.Count > 0)
            {
                var drive = new Drive.DriveStore(tables, names);
                await drive.EnsureAsync(cancellationToken).ConfigureAwait(false);
                foreach (var e in folders)
                    if (AreaCode.TryParse(e.AreaCode, out var area))
                        await drive.LinkIfChangedAsync(area, e.DriveFolderId!, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            }
        }
        logger.LogInformation(PipelineEvents.RegistryImported, "Registry import {Status}: {Count} kampung, {Errors} errors, {Warnings} warnings",
            import.IsAccepted ? "accepted" : "rejected", import.Entries.Count,
            import.Problems.Count(p => p.Severity == Severity.Error), import.Problems.Count(p => p.Severity == Severity.Warning));
        return new RegistryImportOutcome(import.IsAccepted, import.IsAccepted ? import.Entries.Count : 0, import.Problems);
    }
}
