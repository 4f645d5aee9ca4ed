using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using KampungKB.Core.Outbox.Mail;

namespace KampungKB.Core.Outbox.WhatsApp;

/// <summary>
/// One WhatsApp template message: <paramref name="To"/> in international digits (<c>6281250001011</c>), the
/// approved template's <paramref name="Template"/> name and <paramref name="Language"/> code, and its body
/// parameters in order (<c>{{1}}</c>, <c>{{2}}</c> …). Kept as JSON in its <c>Notifications</c> row for the sweeper.
/// </summary>
public sealed record WhatsAppMessage(string To, string Template, string Language, IReadOnlyList<string> BodyParameters);

/// <summary>Stable failure codes of WhatsApp sends (safe to log).</summary>
internal static class WhatsAppErrorCodes
{
    public const string Throttled = "whatsapp-throttled";
    public const string ServiceUnavailable = "whatsapp-service-unavailable";
    public const string Network = "whatsapp-network";
    public const string Unauthorized = "whatsapp-unauthorized";
    public const string Rejected = "whatsapp-rejected";
}

/// <summary>Sends one template message; failures come back as a result (the outbox's <see cref="MailSendResult"/>), classified transient or permanent.</summary>
public interface IWhatsAppSender
{
    Task<MailSendResult> SendAsync(WhatsAppMessage message, CancellationToken ct);
}

/// <summary>
/// The WhatsApp Business Cloud API: <c>POST {base}/{phone-number-id}/messages</c> with
/// <c>type=template</c>, bearer token. 2xx is sent (the <c>wamid</c> kept as message id); 429, 5xx and network
/// faults are transient (the outbox retries with its backoff); any other 4xx is permanent (recorded with Meta's
/// error code as detail). One instance per process (one <see cref="HttpClient"/>).
/// </summary>
public sealed class CloudApiWhatsAppSender : IWhatsAppSender, IDisposable
{
    private static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };
    private readonly HttpClient _http;
    private readonly Uri _endpoint;

    public CloudApiWhatsAppSender(WhatsAppOptions options, HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.Enabled || options.AccessToken is null) throw new ArgumentException("WhatsApp is not configured.", nameof(options));
        _http = handler is null ? new HttpClient() : new HttpClient(handler);
        _http.Timeout = TimeSpan.FromSeconds(30);
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options.AccessToken);
        _endpoint = new Uri($"{options.BaseUrl.ToString().TrimEnd('/')}/{options.PhoneNumberId}/messages");
    }

    public async Task<MailSendResult> SendAsync(WhatsAppMessage message, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        var body = new
        {
            messaging_product = "whatsapp",
            recipient_type = "individual",
            to = message.To,
            type = "template",
            template = new
            {
                name = message.Template,
                language = new { code = message.Language },
                components = new[] { new { type = "body", parameters = message.BodyParameters.Select(p => new { type = "text", text = p }).ToArray() } },
            },
        };
        try
        {
            using var response = await _http.PostAsJsonAsync(_endpoint, body, Json, ct).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            using var doc = await ReadJsonAsync(response, ct).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                var id = doc?.RootElement.TryGetProperty("messages", out var messages) == true && messages.ValueKind == JsonValueKind.Array && messages.GetArrayLength() > 0
                    && messages[0].TryGetProperty("id", out var wamid) ? wamid.GetString() : null;
                return MailSendResult.Sent(id ?? Guid.NewGuid().ToString("N"), "whatsapp");
            }
            var code = doc?.RootElement.TryGetProperty("error", out var error) == true && error.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.Number
                ? c.GetInt32().ToString(CultureInfo.InvariantCulture) : null;
            return status switch
            {
                429 => MailSendResult.Transient(WhatsAppErrorCodes.Throttled, status, code),
                408 or >= 500 => MailSendResult.Transient(WhatsAppErrorCodes.ServiceUnavailable, status, code),
                401 or 403 => MailSendResult.Permanent(WhatsAppErrorCodes.Unauthorized, status, code),
                _ => MailSendResult.Permanent(WhatsAppErrorCodes.Rejected, status, code),
            };
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            return MailSendResult.Transient(WhatsAppErrorCodes.Network, detail: e.GetType().Name);
        }
    }

    private static async Task<JsonDocument?> ReadJsonAsync(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            var bytes = await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
            return bytes.Length == 0 ? null : JsonDocument.Parse(bytes);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public void Dispose() => _http.Dispose();
}

/// <summary>Indonesian phone numbers as written in registries (<c>0812-5000-1011</c>, <c>+62 812 …</c>, <c>62812…</c>) to the digits WhatsApp wants.</summary>
internal static class PhoneNumber
{
    /// <summary><c>62…</c> digits, or null when the text is not a plausible mobile number (8–13 digits after the country code).</summary>
    public static string? ToWhatsApp(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var first = text.Split(['/', ',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "";
        if (first.Any(ch => !(char.IsAsciiDigit(ch) || ch is ' ' or '-' or '.' or '(' or ')' or '+'))) return null;
        var digits = new string(first.Where(char.IsAsciiDigit).ToArray());
        if (digits.StartsWith('0')) digits = "62" + digits[1..];
        else if (digits.StartsWith('8')) digits = "62" + digits;
        if (!digits.StartsWith("62", StringComparison.Ordinal) || digits.Length is < 10 or > 15) return null;
        return digits;
    }

    /// <summary>For the rare place a number must be referred to (never in logs): <c>62812******11</c>.</summary>
    public static string Mask(string digits) => digits.Length <= 6 ? new string('*', digits.Length) : digits[..5] + new string('*', digits.Length - 7) + digits[^2..];
}
