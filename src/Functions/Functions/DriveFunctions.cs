using KampungKB.Core.Uploads.Drive;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace KampungKB.Functions.Functions;

/// <summary>
/// The Google Drive channel's timer (docs/channels.md), schedule <c>Schedules__SyncDriveFolders</c>
/// (default every 30 minutes): one <see cref="DriveSync"/> pass copies new or changed spreadsheets from each
/// linked folder into <c>uploads/{area code}/</c>, where <see cref="BlobFunctions.IngestUpload"/> takes over.
/// Off (returns at once) while no service-account key is configured. A storage fault throws, so the run is
/// logged as failed; the next run repeats the pass, which copies nothing twice.
/// </summary>
public sealed class DriveFunctions(DriveSync drive, ILogger<DriveFunctions> logger)
{
    [Function(nameof(SyncDriveFolders))]
    public async Task<DriveSyncResult> SyncDriveFolders([TimerTrigger("%Schedules:SyncDriveFolders%")] TimerInfo timer, CancellationToken cancellationToken)
    {
        var result = await drive.RunAsync(ct: cancellationToken);
        if (!result.Enabled)
            logger.LogDebug(FunctionEvents.TimerRan, "drive: off (no Drive__ServiceAccountKey)");
        else
            logger.LogInformation(FunctionEvents.TimerRan, "drive: {Folders} folders, {Copied} files copied, {Unreachable} unreachable, {Requests} requests",
                result.Folders.Count, result.Copied, result.Folders.Count(f => f.Outcome == DriveFolderOutcomes.Unreachable), result.Requests);
        return result;
    }
}
