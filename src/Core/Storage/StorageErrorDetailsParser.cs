using System.Text.Json;
using System.Xml.Linq;
using Azure;
using Azure.Core;

namespace KampungKB.Core.Storage;

/// <summary>
/// Fills <see cref="RequestFailedException.ErrorCode"/> (Azure.Core leaves it empty for storage) from the
/// <c>x-ms-error-code</c> header, an OData JSON error body (Table) or an XML error body (Blob).
/// </summary>
internal sealed class StorageErrorDetailsParser : RequestFailedDetailsParser
{
    public static readonly StorageErrorDetailsParser Instance = new();

    public override bool TryParse(Response response, out ResponseError? error, out IDictionary<string, string>? data)
    {
        data = null;
        response.Headers.TryGetValue("x-ms-error-code", out var code);
        string? message = null;
        try
        {
            var body = response.Content;
            if (body is not null && body.ToMemory().Length > 0)
            {
                var (bodyCode, bodyMessage) = ParseBody(body.ToString());
                code ??= bodyCode;
                message = bodyMessage;
            }
        }
        catch (Exception ex) when (ex is JsonException or System.Xml.XmlException or InvalidOperationException)
        {
            // An unreadable body still leaves the header code, if any.
        }
        if (code is null && message is null)
        {
            error = null;
            return false;
        }
        error = new ResponseError(code, message ?? response.ReasonPhrase);
        return true;
    }

    internal static (string? Code, string? Message) ParseBody(string text)
    {
        var trimmed = text.TrimStart('\uFEFF', ' ', '\r', '\n', '\t');
        if (trimmed.StartsWith('{'))
        {
            using var doc = JsonDocument.Parse(trimmed);
            if (doc.RootElement.TryGetProperty("odata.error", out var odata) ||
                doc.RootElement.TryGetProperty("error", out odata))
            {
                var code = odata.TryGetProperty("code", out var c) ? c.GetString() : null;
                string? message = null;
                if (odata.TryGetProperty("message", out var m))
                {
                    message = m.ValueKind == JsonValueKind.Object && m.TryGetProperty("value", out var v)
                        ? v.GetString()
                        : m.ValueKind == JsonValueKind.String ? m.GetString() : null;
                }
                return (code, message);
            }
            return (null, null);
        }
        if (trimmed.StartsWith('<'))
        {
            var root = XDocument.Parse(trimmed).Root;
            if (root is null) return (null, null);
            var code = root.Element("Code")?.Value ?? root.Element("code")?.Value;
            var message = root.Element("Message")?.Value ?? root.Element("message")?.Value;
            return (code, message);
        }
        return (null, null);
    }
}
