using System.Text;

namespace KampungKB.Core.Storage;

/// <summary>
/// Client-side checks of the Table service's documented limits, so a bad key or an oversized entity fails
/// with a clear <see cref="ArgumentException"/> before a request is sent (Azurite answers some of these with
/// a 500, Azure with a 400).
/// </summary>
public static class TableLimits
{
    public const int MaxKeyBytes = 1024;              // keys: up to 1 KiB (UTF-16, so 512 chars)
    public const int MaxProperties = 252;             // plus PartitionKey, RowKey, Timestamp = 255
    public const int MaxStringChars = 32 * 1024;      // 64 KiB of UTF-16
    public const int MaxBinaryBytes = 64 * 1024;
    public const int MaxEntityBytes = 1024 * 1024;
    public const int MaxPropertyNameChars = 255;
    public const int MaxBatchOperations = 100;
    public const int MaxBatchBytes = 4 * 1024 * 1024;

    /// <summary>Throws when <paramref name="key"/> contains / \ # ? or a control character, or exceeds 1 KiB.</summary>
    public static void ValidateKey(string key, string paramName)
    {
        ArgumentNullException.ThrowIfNull(key, paramName);
        if (key.Length * 2 > MaxKeyBytes)
            throw new ArgumentException($"{paramName} is {key.Length} characters; the limit is 1 KiB (512 UTF-16 characters). Hash long keys.", paramName);
        foreach (var c in key)
        {
            if (IsForbiddenKeyChar(c))
                throw new ArgumentException($"{paramName} contains a forbidden character (U+{(int)c:X4}); / \\ # ? and control characters are not allowed. Use TableKeys.Escape.", paramName);
        }
    }

    internal static bool IsForbiddenKeyChar(char c) =>
        c is '/' or '\\' or '#' or '?' || c <= '\u001F' || c is >= '\u007F' and <= '\u009F';

    public static void ValidatePropertyName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length is 0 or > MaxPropertyNameChars)
            throw new ArgumentException($"Property name must be 1-{MaxPropertyNameChars} characters.", nameof(name));
        if (name is "PartitionKey" or "RowKey" or "Timestamp" or "ETag" || name.StartsWith("odata.", StringComparison.Ordinal))
            throw new ArgumentException($"Property name '{name}' is reserved.", nameof(name));
        if (!(char.IsLetter(name[0]) || name[0] == '_') || !name.All(c => char.IsLetterOrDigit(c) || c == '_'))
            throw new ArgumentException($"Property name '{name}' must be an identifier (letters, digits, underscore).", nameof(name));
    }

    /// <summary>Validates keys, property count and sizes; returns the entity's size by the service's formula.</summary>
    public static long ValidateEntity(TableEntity entity)
    {
        ArgumentNullException.ThrowIfNull(entity);
        ValidateKey(entity.PartitionKey, "PartitionKey");
        ValidateKey(entity.RowKey, "RowKey");
        if (entity.PropertyCount > MaxProperties)
            throw new ArgumentException($"Entity has {entity.PropertyCount} properties; the limit is {MaxProperties}.", nameof(entity));

        // Documented formula: 4 + len(PK + RK) * 2 + Σ (8 + len(name) * 2 + size of value).
        long size = 4 + (entity.PartitionKey.Length + entity.RowKey.Length) * 2L;
        foreach (var (name, value) in entity)
        {
            long valueSize = value switch
            {
                string s when s.Length > MaxStringChars =>
                    throw new ArgumentException($"Property '{name}' is {s.Length} characters; the limit is {MaxStringChars} (64 KiB).", nameof(entity)),
                string s => 4 + s.Length * 2L,
                byte[] b when b.Length > MaxBinaryBytes =>
                    throw new ArgumentException($"Property '{name}' is {b.Length} bytes; the limit is {MaxBinaryBytes} (64 KiB).", nameof(entity)),
                byte[] b => 4 + b.Length,
                bool => 1,
                int => 4,
                long or double or DateTimeOffset => 8,
                Guid => 16,
                _ => 8,
            };
            size += 8 + name.Length * 2L + valueSize;
        }
        if (size > MaxEntityBytes)
            throw new ArgumentException($"Entity is about {size} bytes; the limit is 1 MiB.", nameof(entity));
        return size;
    }

    internal static void ValidateTableName(string table)
    {
        ArgumentNullException.ThrowIfNull(table);
        if (table.Length is < 3 or > 63 || !char.IsAsciiLetter(table[0]) || !table.All(char.IsAsciiLetterOrDigit)
            || table.Equals("tables", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"Table name '{table}' must be 3-63 ASCII letters and digits, starting with a letter.", nameof(table));
        }
    }
}

/// <summary>Makes arbitrary text safe as a PartitionKey or RowKey, reversibly.</summary>
public static class TableKeys
{
    private const char EscapeChar = '!';

    /// <summary>
    /// Replaces '!', '/', '\', '#', '?', '%' and control characters by <c>!XX</c> (two hex digits). The result
    /// sorts like the input for ordinary text and <see cref="Unescape"/> restores it exactly.
    /// </summary>
    public static string Escape(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        StringBuilder? sb = null;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == EscapeChar || c == '%' || TableLimits.IsForbiddenKeyChar(c))
            {
                sb ??= new StringBuilder(text.Length + 8).Append(text, 0, i);
                sb.Append(EscapeChar).Append(((int)c).ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                sb?.Append(c);
            }
        }
        return sb?.ToString() ?? text;
    }

    public static string Unescape(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!key.Contains(EscapeChar)) return key;
        var sb = new StringBuilder(key.Length);
        for (var i = 0; i < key.Length; i++)
        {
            if (key[i] == EscapeChar)
            {
                if (i + 2 >= key.Length || !int.TryParse(key.AsSpan(i + 1, 2), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture, out var code))
                    throw new FormatException($"Invalid escape at position {i}.");
                sb.Append((char)code);
                i += 2;
            }
            else
            {
                sb.Append(key[i]);
            }
        }
        return sb.ToString();
    }
}
