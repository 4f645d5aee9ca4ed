using System.Collections;
using Azure;

namespace KampungKB.Core.Storage;

/// <summary>
/// One table entity: keys, ETag, Timestamp and typed properties. Allowed property types are the ones the
/// service stores: string, int, long (Edm.Int64), double, bool, DateTimeOffset (Edm.DateTime, kept in UTC),
/// Guid and byte[] (Edm.Binary). Limits are checked on write (see <see cref="TableLimits"/>).
/// </summary>
public sealed class TableEntity : IEnumerable<KeyValuePair<string, object>>
{
    private readonly Dictionary<string, object> _properties = new(StringComparer.Ordinal);

    public TableEntity(string partitionKey, string rowKey)
    {
        PartitionKey = partitionKey ?? throw new ArgumentNullException(nameof(partitionKey));
        RowKey = rowKey ?? throw new ArgumentNullException(nameof(rowKey));
    }

    public string PartitionKey { get; set; }
    public string RowKey { get; set; }

    /// <summary>The version read from the service; use it for optimistic concurrency (If-Match).</summary>
    public ETag ETag { get; set; }

    /// <summary>Server-set last-modified time; ignored on write.</summary>
    public DateTimeOffset? Timestamp { get; set; }

    public int PropertyCount => _properties.Count;

    public IEnumerable<string> PropertyNames => _properties.Keys;

    /// <summary>Gets or sets a property; null removes it. Setting an unsupported type throws <see cref="ArgumentException"/>.</summary>
    public object? this[string name]
    {
        get => _properties.TryGetValue(name, out var value) ? value : null;
        set
        {
            TableLimits.ValidatePropertyName(name);
            if (value is null)
            {
                _properties.Remove(name);
                return;
            }
            _properties[name] = Normalise(name, value);
        }
    }

    public bool ContainsProperty(string name) => _properties.ContainsKey(name);

    public bool Remove(string name) => _properties.Remove(name);

    /// <summary>Adds or replaces a property (collection-initialiser friendly).</summary>
    public void Add(string name, object value) => this[name] = value ?? throw new ArgumentNullException(nameof(value));

    public string? GetString(string name) => Get<string>(name);
    public bool? GetBoolean(string name) => GetStruct<bool>(name);
    public Guid? GetGuid(string name) => GetStruct<Guid>(name);
    public byte[]? GetBinary(string name) => Get<byte[]>(name);
    public DateTimeOffset? GetDateTimeOffset(string name) => GetStruct<DateTimeOffset>(name);

    public int? GetInt32(string name) => this[name] switch
    {
        null => null,
        int i => i,
        long l when l is >= int.MinValue and <= int.MaxValue => (int)l,
        var other => throw Mismatch(name, "Int32", other),
    };

    public long? GetInt64(string name) => this[name] switch
    {
        null => null,
        long l => l,
        int i => i,
        var other => throw Mismatch(name, "Int64", other),
    };

    public double? GetDouble(string name) => this[name] switch
    {
        null => null,
        double d => d,
        int i => i,
        long l => l,
        var other => throw Mismatch(name, "Double", other),
    };

    public IEnumerator<KeyValuePair<string, object>> GetEnumerator() => _properties.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Sets a value read from the service without the public setter's checks.</summary>
    internal void SetRaw(string name, object value) => _properties[name] = value;

    private T? Get<T>(string name) where T : class => this[name] switch
    {
        null => null,
        T value => value,
        var other => throw Mismatch(name, typeof(T).Name, other),
    };

    private T? GetStruct<T>(string name) where T : struct => this[name] switch
    {
        null => null,
        T value => value,
        var other => throw Mismatch(name, typeof(T).Name, other),
    };

    private static InvalidOperationException Mismatch(string name, string wanted, object actual) =>
        new($"Property '{name}' is {actual.GetType().Name}, not {wanted}.");

    private static object Normalise(string name, object value) => value switch
    {
        string or int or long or double or bool or Guid or byte[] => value,
        DateTimeOffset dto => dto.ToUniversalTime(),
        DateTime dt => new DateTimeOffset(dt.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(dt, DateTimeKind.Utc) : dt.ToUniversalTime()),
        BinaryData data => data.ToArray(),
        float f => (double)f,
        short or byte or sbyte or ushort => Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture),
        uint u => (long)u,
        Enum => throw new ArgumentException($"Property '{name}': store enums as string or int explicitly.", nameof(value)),
        _ => throw new ArgumentException($"Property '{name}' has unsupported type {value.GetType().Name}.", nameof(value)),
    };
}
