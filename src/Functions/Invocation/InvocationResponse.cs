using System.Text.Json.Serialization;

namespace KampungKB.Functions.Invocation;

/// <summary>What a custom handler answers the host: output bindings, log lines and a return value.</summary>
public sealed class InvocationResponse
{
    [JsonPropertyName("Outputs")]
    public Dictionary<string, object?> Outputs { get; init; } = new();

    [JsonPropertyName("Logs")]
    public List<string> Logs { get; init; } = new();

    [JsonPropertyName("ReturnValue")]
    public object? ReturnValue { get; init; }
}
