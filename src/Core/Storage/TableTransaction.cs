using Azure;

namespace KampungKB.Core.Storage;

public enum TableUpdateMode
{
    /// <summary>Merge the given properties into the stored entity.</summary>
    Merge,

    /// <summary>Replace the stored entity entirely.</summary>
    Replace,
}

public enum TableTransactionActionType
{
    Add,
    UpdateMerge,
    UpdateReplace,
    UpsertMerge,
    UpsertReplace,
    Delete,
}

/// <summary>One operation of an entity group transaction. <see cref="ETag"/> applies to updates and deletes (default: any).</summary>
public sealed record TableTransactionAction(TableTransactionActionType ActionType, TableEntity Entity, ETag ETag = default);

/// <summary>
/// Thrown when an entity group transaction is refused: nothing was written. <see cref="FailedActionIndex"/>
/// says which action the service blamed (when it said).
/// </summary>
public sealed class TableTransactionFailedException : RequestFailedException
{
    public TableTransactionFailedException(int status, string message, string? errorCode, int? failedActionIndex)
        : base(status, message, errorCode, null)
    {
        FailedActionIndex = failedActionIndex;
    }

    public int? FailedActionIndex { get; }
}
