using Azure.Data.Tables;

namespace KampungKB.Core.Store;

/// <summary>
/// The table repositories of one storage account under one set of <see cref="StorageNames"/>, each built once: the one
/// place that constructs them. The app registers it and each repository as singletons
/// (<see cref="StorageServiceCollectionExtensions.AddKampungKBStores"/>), so a class receives the repositories it uses
/// through its constructor; the command-line tool and the tests build one per account and prefix. Repositories hold
/// only <see cref="TableClient"/>s (no state of their own), so sharing them between invocations is safe.
/// </summary>
/// <param name="tables">The account's table client (registered once per process, conventions 9).</param>
/// <param name="names">Table names (a test run gives its own prefix).</param>
/// <param name="time">The clock the claims ledger stamps its rows with (default: the system clock).</param>
public sealed class Stores(TableServiceClient tables, StorageNames names, TimeProvider? time = null)
{
    /// <summary>The table and container names these repositories use.</summary>
    public StorageNames Names { get; } = names;
    /// <summary>The registry of Kampung KB (<c>Registry</c> table).</summary>
    public RegistryStore Registry { get; } = new(tables, names);
    /// <summary>Reports, their versions and activities (<c>Reports</c>, <c>Activities</c>).</summary>
    public ReportStore Reports { get; } = new(tables, names);
    /// <summary>Every upload and its outcome, and the read-side index (<c>Uploads</c>, <c>UploadIndex</c>).</summary>
    public UploadLog Uploads { get; } = new(tables, names);
    /// <summary>Linked Google Drive folders and the files copied from them (<c>DriveFolders</c>, <c>DriveFiles</c>).</summary>
    public DriveStore Drive { get; } = new(tables, names);
    /// <summary>The exactly-once claims of uploads and mail-in messages (<c>Claims</c>).</summary>
    public ClaimLedger Claims { get; } = new(tables, names, time ?? TimeProvider.System);
    /// <summary>Per-kampung link versions and the rotated signing keys (<c>LinkKeys</c>).</summary>
    public LinkKeyStore LinkKeys { get; } = new(tables, names);
}
