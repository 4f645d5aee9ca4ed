using System.Text.Json;
using System.Text.Json.Serialization;

namespace KampungKB.Functions.Invocation;

/// <summary>
/// The body the Functions host POSTs to a custom handler: one <see cref="Data"/> entry per trigger or
/// input binding (by binding name) and the trigger's binding data in <see cref="Metadata"/>.
/// The host JSON-encodes plain metadata values a second time (<c>"name": "\"a.xlsx\""</c>) and sends
/// objects either nested or as strings depending on its version; the accessors accept every form.
/// </summary>
public sealed class InvocationRequest
{
    [JsonPropertyName("Data")]
    public Dictionary<string, JsonElement> Data { get; init; } = new(StringComparer.OrdinalIgnoreCase);

    [JsonPropertyName("Metadata")]
    public Dictionary<string, JsonElement> Metadata { get; init; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>A metadata value as plain text, unwrapping the host's second JSON encoding.</summary>
    public string? MetadataString(string key) =>
        Metadata.TryGetValue(key, out var value) ? Unwrap(value) : null;

    /// <summary>A metadata object (blob <c>Properties</c>, blob <c>Metadata</c>), nested or string-encoded.</summary>
    public JsonElement? MetadataObject(string key) =>
        Metadata.TryGetValue(key, out var value) ? AsObject(value) : null;

    /// <summary>Decodes a binary binding (blob content), sent by the host as a base64 string.</summary>
    public byte[]? DataBytes(string binding)
    {
        if (!Data.TryGetValue(binding, out var value)) return null;
        if (value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind != JsonValueKind.String) return null;
        var text = value.GetString()!;
        // Some hosts wrap the base64 text in a second JSON string.
        if (text.Length >= 2 && text[0] == '"' && text[^1] == '"') text = JsonSerializer.Deserialize<string>(text) ?? "";
        var buffer = new byte[text.Length * 3 / 4 + 3];
        return Convert.TryFromBase64String(text, buffer, out var written) ? buffer[..written] : null;
    }

    public JsonElement? DataObject(string binding) =>
        Data.TryGetValue(binding, out var value) ? AsObject(value) : null;

    /// <summary>Reads a long from an object (e.g. Properties.ContentLength), whether typed or text.</summary>
    public static long? ReadLong(JsonElement? obj, string property)
    {
        if (obj is not { ValueKind: JsonValueKind.Object } o) return null;
        foreach (var p in o.EnumerateObject())
        {
            if (!p.NameEquals(property) && !string.Equals(p.Name, property, StringComparison.OrdinalIgnoreCase)) continue;
            return p.Value.ValueKind switch
            {
                JsonValueKind.Number when p.Value.TryGetInt64(out var n) => n,
                JsonValueKind.String when long.TryParse(p.Value.GetString(), out var n) => n,
                _ => null,
            };
        }
        return null;
    }

    public static string? ReadString(JsonElement? obj, string property)
    {
        if (obj is not { ValueKind: JsonValueKind.Object } o) return null;
        foreach (var p in o.EnumerateObject())
            if (string.Equals(p.Name, property, StringComparison.OrdinalIgnoreCase))
                return p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() : p.Value.ToString();
        return null;
    }

    public static IReadOnlyDictionary<string, string> ReadStringMap(JsonElement? obj)
    {
        var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (obj is not { ValueKind: JsonValueKind.Object } o) return map;
        foreach (var p in o.EnumerateObject())
            map[p.Name] = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() ?? "" : p.Value.ToString();
        return map;
    }

    private static string? Unwrap(JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Null:
            case JsonValueKind.Undefined:
                return null;
            case JsonValueKind.String:
                var text = value.GetString()!;
                if (text.Length >= 2 && text[0] == '"' && text[^1] == '"')
                {
                    try { return JsonSerializer.Deserialize<string>(text); }
                    catch (JsonException) { return text; }
                }
                return text;
            default:
                return value.ToString();
        }
    }

    private static JsonElement? AsObject(JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Object) return value;
        if (value.ValueKind != JsonValueKind.String) return null;
        try
        {
            using var doc = JsonDocument.Parse(value.GetString()!);
            var root = doc.RootElement.Clone();
            if (root.ValueKind == JsonValueKind.String) return AsObject(root);
            return root.ValueKind == JsonValueKind.Object ? root : null;
        }
        catch (JsonException) { return null; }
    }
}
