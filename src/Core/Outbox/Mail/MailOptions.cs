using System.Globalization;

namespace KampungKB.Core.Outbox.Mail;

/// <summary>Where mail goes: <c>Outbox</c> writes .eml files (local, tests), <c>Graph</c> sends through Microsoft Graph (docs/mail.md).</summary>
public enum MailMode { Outbox, Graph }

/// <summary>One bad setting: the key as written in app settings (<c>Mail__Sender</c>) and what is wrong with it.</summary>
public sealed record MailSettingError(string Key, string Message);

/// <summary>
/// Mail settings (app settings <c>Mail__*</c>). <see cref="MailMode.Outbox"/> writes .eml files and is the
/// default, so a local run never mails anyone by accident; <see cref="MailMode.Graph"/> sends through
/// Microsoft Graph as <see cref="Sender"/>. Check <see cref="Validate"/> at start-up and refuse to start
/// on any error.
/// </summary>
public sealed class MailOptions
{
    public const string Section = "Mail";
    public static readonly Uri DefaultGraphBaseUrl = new("https://graph.microsoft.com/v1.0");

    private readonly List<MailSettingError> _parseErrors = [];

    public MailMode Mode { get; set; } = MailMode.Outbox;
    /// <summary>Mailbox mails are sent as (Graph) or written as From (outbox).</summary>
    public string? Sender { get; set; }
    /// <summary>Display name shown with <see cref="Sender"/>, e.g. "DPPKB Kota Banjarmasin".</summary>
    public string? SenderName { get; set; }
    public string? TenantId { get; set; }
    /// <summary>App registration id; with managed identity, the client id of a user-assigned identity (optional).</summary>
    public string? ClientId { get; set; }
    public string? ClientSecret { get; set; }
    public bool UseManagedIdentity { get; set; }
    public bool SaveToSentItems { get; set; } = true;
    /// <summary>Graph endpoint including the version segment; tests point it at a local listener.</summary>
    public Uri GraphBaseUrl { get; set; } = DefaultGraphBaseUrl;
    public string OutboxDirectory { get; set; } = Path.Combine(".kkb", "outbox");
    /// <summary>Attachments up to this many bytes in total go inline in one sendMail call; larger ones go through a draft and an upload session.</summary>
    public long InlineAttachmentLimitBytes { get; set; } = 3 * 1024 * 1024 - 256 * 1024;

    /// <summary>
    /// Reads <c>Mail__Mode</c>, <c>Mail__Sender</c>, … through <paramref name="get"/> (an environment
    /// variable or configuration lookup). Values that do not parse are remembered and reported by
    /// <see cref="Validate"/> under their key.
    /// </summary>
    public static MailOptions FromSettings(Func<string, string?> get)
    {
        ArgumentNullException.ThrowIfNull(get);
        var o = new MailOptions();
        string? Get(string name) => Normalize(get($"{Section}__{name}"));

        if (Get(nameof(Mode)) is { } mode)
        {
            if (Enum.TryParse<MailMode>(mode, ignoreCase: true, out var m) && Enum.IsDefined(m) && !int.TryParse(mode, out _)) o.Mode = m;
            else o._parseErrors.Add(new(Key(nameof(Mode)), $"'{mode}' is not a mail mode; use Outbox (write .eml files) or Graph (send through Microsoft Graph)."));
        }
        o.Sender = Get(nameof(Sender));
        o.SenderName = Get(nameof(SenderName));
        o.TenantId = Get(nameof(TenantId));
        o.ClientId = Get(nameof(ClientId));
        o.ClientSecret = Get(nameof(ClientSecret));
        o.UseManagedIdentity = ParseBool(o, nameof(UseManagedIdentity), Get(nameof(UseManagedIdentity)), false);
        o.SaveToSentItems = ParseBool(o, nameof(SaveToSentItems), Get(nameof(SaveToSentItems)), true);
        if (Get(nameof(GraphBaseUrl)) is { } url)
        {
            if (Uri.TryCreate(url.TrimEnd('/'), UriKind.Absolute, out var u)) o.GraphBaseUrl = u;
            else o._parseErrors.Add(new(Key(nameof(GraphBaseUrl)), $"'{url}' is not an absolute URL (expected https://graph.microsoft.com/v1.0)."));
        }
        if (Get(nameof(OutboxDirectory)) is { } dir) o.OutboxDirectory = dir;
        if (Get(nameof(InlineAttachmentLimitBytes)) is { } limit)
        {
            if (long.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out var l)) o.InlineAttachmentLimitBytes = l;
            else o._parseErrors.Add(new(Key(nameof(InlineAttachmentLimitBytes)), $"'{limit}' is not a whole number of bytes."));
        }
        return o;
    }

    /// <summary>Every bad or missing setting, by key. Empty means the options can be used.</summary>
    public IReadOnlyList<MailSettingError> Validate()
    {
        var errors = new List<MailSettingError>(_parseErrors);
        if (Sender is not null && !ParsedAddress.IsValidAddress(Sender))
            errors.Add(new(Key(nameof(Sender)), "Sender must be a single mailbox address such as laporan@dppkb.banjarmasinkota.go.id."));

        if (Mode == MailMode.Graph)
        {
            if (Sender is null)
                errors.Add(new(Key(nameof(Sender)), "Graph mode needs the mailbox to send as (Mail__Sender)."));
            if (!UseManagedIdentity)
            {
                if (string.IsNullOrWhiteSpace(TenantId))
                    errors.Add(new(Key(nameof(TenantId)), "Graph mode with a client secret needs the Entra tenant id (GUID or domain)."));
                if (string.IsNullOrWhiteSpace(ClientId))
                    errors.Add(new(Key(nameof(ClientId)), "Graph mode with a client secret needs the app registration's client id."));
                if (string.IsNullOrWhiteSpace(ClientSecret))
                    errors.Add(new(Key(nameof(ClientSecret)), "Set a client secret, or set Mail__UseManagedIdentity=true to use the app's managed identity."));
            }
            else if (!string.IsNullOrWhiteSpace(ClientSecret))
            {
                errors.Add(new(Key(nameof(ClientSecret)), "Remove the client secret when Mail__UseManagedIdentity=true: only one credential may be configured."));
            }
            if (!GraphBaseUrl.IsAbsoluteUri || !(GraphBaseUrl.Scheme == Uri.UriSchemeHttps || (GraphBaseUrl.Scheme == Uri.UriSchemeHttp && GraphBaseUrl.IsLoopback)))
                errors.Add(new(Key(nameof(GraphBaseUrl)), "The Graph URL must use https (plain http only for a local test listener)."));
            if (InlineAttachmentLimitBytes < 0 || InlineAttachmentLimitBytes > 3 * 1024 * 1024)
                errors.Add(new(Key(nameof(InlineAttachmentLimitBytes)), "The inline attachment limit must be between 0 and 3 MB (Graph refuses larger sendMail requests)."));
        }
        else if (string.IsNullOrWhiteSpace(OutboxDirectory) || OutboxDirectory.IndexOfAny(Path.GetInvalidPathChars()) >= 0)
        {
            errors.Add(new(Key(nameof(OutboxDirectory)), "Outbox mode needs a folder to write .eml files to."));
        }
        return errors;
    }

    public static string Key(string property) => $"{Section}__{property}";

    private static string? Normalize(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static bool ParseBool(MailOptions o, string name, string? value, bool fallback)
    {
        if (value is null) return fallback;
        if (bool.TryParse(value, out var b)) return b;
        if (value is "1" or "yes" or "ya") return true;
        if (value is "0" or "no" or "tidak") return false;
        o._parseErrors.Add(new(Key(name), $"'{value}' is not true or false."));
        return fallback;
    }
}

/// <summary>Thrown at start-up when mail settings are unusable; lists every bad key so one deploy fixes them all.</summary>
internal sealed class MailConfigurationException(IReadOnlyList<MailSettingError> errors)
    : InvalidOperationException("Invalid mail settings: " + string.Join("; ", errors.Select(e => $"{e.Key}: {e.Message}")))
{
    public IReadOnlyList<MailSettingError> Errors { get; } = errors;
}

/// <summary>The one front door: builds the configured <see cref="IMailSender"/> after validating the options.</summary>
public static class MailSenderFactory
{
    /// <exception cref="MailConfigurationException">When <see cref="MailOptions.Validate"/> reports anything.</exception>
    public static IMailSender Create(MailOptions options, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        if (errors.Count > 0) throw new MailConfigurationException(errors);
        return options.Mode switch
        {
            MailMode.Graph => new GraphMailSender(options),
            _ => new OutboxMailSender(options, time),
        };
    }
}
