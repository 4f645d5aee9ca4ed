using Azure.Data.Tables;

namespace KampungKB.Core.Store;

/// <summary>
/// Client-side guards for Table service limits that Azurite does not enforce (or answers unreadably), so a
/// bad key or batch fails with a clear <see cref="ArgumentException"/> before a request is sent. Measured on
/// Azurite 3.37 (docs/storage.md): a batch over two PartitionKeys is accepted (Azure refuses it), a batch of
/// 101 actions fails with an answer the SDK cannot read, and <c>%2F</c> in a key gives a 500.
/// </summary>
internal static class TableLimits
{
    /// <summary>Keys are at most 1 KiB of UTF-16 (512 characters).</summary>
    public const int MaxKeyBytes = 1024;

    /// <summary>User properties per entity (plus PartitionKey, RowKey and Timestamp = 255).</summary>
    public const int MaxProperties = 252;

    /// <summary>A string property holds at most 64 KiB of UTF-16.</summary>
    public const int MaxStringChars = 32 * 1024;

    /// <summary>Actions in one entity group transaction.</summary>
    public const int MaxBatchActions = 100;

    /// <summary>Throws when <paramref name="key"/> contains / \ # ? or a control character, or exceeds 1 KiB.</summary>
    /// <exception cref="ArgumentException">Names the key and the offending character.</exception>
    public static void ValidateKey(string key, string paramName)
    {
        ArgumentNullException.ThrowIfNull(key, paramName);
        if (key.Length * 2 > MaxKeyBytes)
            throw new ArgumentException($"{paramName} is {key.Length} characters; the limit is 1 KiB (512 UTF-16 characters). Hash long keys.", paramName);
        foreach (var c in key)
        {
            if (IsForbiddenKeyChar(c))
                throw new ArgumentException($"{paramName} contains a forbidden character (U+{(int)c:X4}); / \\ # ? and control characters are not allowed.", paramName);
        }
    }

    internal static bool IsForbiddenKeyChar(char c) =>
        c is '/' or '\\' or '#' or '?' || c <= '\u001F' || c is >= '\u007F' and <= '\u009F';

    /// <summary>Validates the keys, the number of properties and the length of string properties of an entity.</summary>
    /// <exception cref="ArgumentException">Names the bad key or property.</exception>
    public static void ValidateEntity(ITableEntity entity)
    {
        ArgumentNullException.ThrowIfNull(entity);
        ValidateKey(entity.PartitionKey, "PartitionKey");
        ValidateKey(entity.RowKey, "RowKey");
        if (entity is not TableEntity dynamic) return;
        var count = 0;
        foreach (var (name, value) in dynamic)
        {
            if (name is "PartitionKey" or "RowKey" or "Timestamp" || name.StartsWith("odata.", StringComparison.Ordinal)) continue;
            count++;
            if (value is string s && s.Length > MaxStringChars)
                throw new ArgumentException($"Property '{name}' is {s.Length} characters; the limit is {MaxStringChars} (64 KiB).", nameof(entity));
        }
        if (count > MaxProperties)
            throw new ArgumentException($"Entity has {count} properties; the limit is {MaxProperties}.", nameof(entity));
    }

    /// <summary>
    /// Checks an entity group transaction before it is sent: 1 to 100 actions, one PartitionKey, each RowKey
    /// once, valid keys (and valid entities for writes).
    /// </summary>
    /// <exception cref="ArgumentException">Names the first offending action by index.</exception>
    public static void ValidateBatch(IReadOnlyList<TableTransactionAction> actions)
    {
        ArgumentNullException.ThrowIfNull(actions);
        if (actions.Count == 0) throw new ArgumentException("A transaction needs at least one action.", nameof(actions));
        if (actions.Count > MaxBatchActions)
            throw new ArgumentException($"A transaction holds at most {MaxBatchActions} actions; got {actions.Count}.", nameof(actions));
        var partition = actions[0].Entity?.PartitionKey;
        var rows = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < actions.Count; i++)
        {
            var entity = actions[i].Entity ?? throw new ArgumentException($"Action {i} has no entity.", nameof(actions));
            if (!string.Equals(entity.PartitionKey, partition, StringComparison.Ordinal))
                throw new ArgumentException($"All actions of a transaction must share one PartitionKey; action {i} differs from action 0.", nameof(actions));
            if (!rows.Add(entity.RowKey))
                throw new ArgumentException($"Action {i} touches RowKey '{entity.RowKey}' a second time; a transaction may touch each entity once.", nameof(actions));
            if (actions[i].ActionType == TableTransactionActionType.Delete)
            {
                ValidateKey(entity.PartitionKey, "PartitionKey");
                ValidateKey(entity.RowKey, "RowKey");
            }
            else
            {
                ValidateEntity(entity);
            }
        }
    }
}
