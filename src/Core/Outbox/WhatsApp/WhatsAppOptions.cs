using KampungKB.Core.Model;

namespace KampungKB.Core.Outbox.WhatsApp;

/// <summary>
/// WhatsApp Business Cloud API settings (app settings <c>WhatsApp__*</c>, docs/channels.md). Off while
/// <c>WhatsApp__PhoneNumberId</c> is unset: then no WhatsApp row is ever written. <see cref="Validate"/> names every bad key.
/// </summary>
public sealed class WhatsAppOptions
{
    public const string Section = "WhatsApp";
    public static readonly Uri DefaultBaseUrl = new("https://graph.facebook.com/v21.0");

    /// <summary>The sending number's id in Meta's WhatsApp Manager (digits), not the phone number itself.</summary>
    public string? PhoneNumberId { get; set; }
    /// <summary>A system user's permanent access token with <c>whatsapp_business_messaging</c> (a Key Vault reference in Azure).</summary>
    public string? AccessToken { get; set; }
    /// <summary>Graph API base including the version; tests point it at a local listener.</summary>
    public Uri BaseUrl { get; set; } = DefaultBaseUrl;

    public bool Enabled => PhoneNumberId is not null;

    /// <summary>Reads <c>WhatsApp__*</c> through <paramref name="settings"/>, which is told each bad value and each rule of <see cref="Validate"/> broken.</summary>
    public static WhatsAppOptions FromSettings(SettingsReader settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var o = new WhatsAppOptions
        {
            PhoneNumberId = settings.Text(Key(nameof(PhoneNumberId))),
            AccessToken = settings.Text(Key(nameof(AccessToken))),
            BaseUrl = settings.Url(Key(nameof(BaseUrl)), DefaultBaseUrl, $"an absolute URL (expected {DefaultBaseUrl})"),
        };
        settings.Report(o.Validate());
        return o;
    }

    /// <summary>Every bad setting by key; empty when WhatsApp is off or usable.</summary>
    public IReadOnlyList<SettingError> Validate()
    {
        var errors = new List<SettingError>();
        if (!Enabled)
        {
            if (AccessToken is not null) errors.Add(new(Key(nameof(PhoneNumberId)), "An access token without a phone number id: set WhatsApp__PhoneNumberId (WhatsApp Manager, API setup) or remove the token."));
            return errors;
        }
        var id = PhoneNumberId!;
        if (!id.All(char.IsAsciiDigit) || id.Length is < 5 or > 30)
            errors.Add(new(Key(nameof(PhoneNumberId)), "The phone number id is the digits WhatsApp Manager shows under API setup, not the phone number."));
        if (string.IsNullOrWhiteSpace(AccessToken))
            errors.Add(new(Key(nameof(AccessToken)), "WhatsApp needs a system user's access token (whatsapp_business_messaging)."));
        if (!(BaseUrl.Scheme == Uri.UriSchemeHttps || (BaseUrl.Scheme == Uri.UriSchemeHttp && BaseUrl.IsLoopback)))
            errors.Add(new(Key(nameof(BaseUrl)), "The WhatsApp API URL must use https (plain http only for a local test listener)."));
        return errors;
    }

    public static string Key(string property) => $"{Section}__{property}";

    public static readonly IReadOnlyList<string> Keys = [Key(nameof(PhoneNumberId)), Key(nameof(AccessToken)), Key(nameof(BaseUrl))];
}
