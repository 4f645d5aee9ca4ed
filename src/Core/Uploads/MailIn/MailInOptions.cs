using KampungKB.Core.Model;
using KampungKB.Core.Outbox.Mail;

namespace KampungKB.Core.Uploads.MailIn;

/// <summary>
/// Email in (app settings <c>MailIn__*</c>, docs/channels.md): the dinas' reporting mailbox whose Inbox the
/// <c>ReadMailIn</c> timer reads through Microsoft Graph. Off (<see cref="Enabled"/> false) while
/// <c>MailIn__Mailbox</c> is unset. Reading uses the Graph credential of <c>Mail__*</c>, so email in needs
/// <c>Mail__Mode=Graph</c>; <see cref="Validate"/> names every bad key.
/// </summary>
public sealed class MailInOptions
{
    public const string Section = "MailIn";
    public const string DefaultProcessedFolder = "Laporan Diproses";

    /// <summary>The reporting mailbox, e.g. <c>laporan.kkb@dppkb.banjarmasinkota.go.id</c>; null turns email in off.</summary>
    public string? Mailbox { get; set; }

    /// <summary>Top-level mail folder handled messages are moved to (created when absent).</summary>
    public string ProcessedFolder { get; set; } = DefaultProcessedFolder;

    /// <summary>At most this many messages per timer run (the rest wait for the next run, five minutes later).</summary>
    public int MaxMessagesPerRun { get; set; } = 50;

    public bool Enabled => Mailbox is not null;

    /// <summary>Reads <c>MailIn__Mailbox</c>, <c>MailIn__ProcessedFolder</c>, <c>MailIn__MaxMessagesPerRun</c> through <paramref name="settings"/>,
    /// which is told each bad value and each rule of <see cref="Validate"/> broken (email in reads with the credential of <paramref name="mail"/>).</summary>
    public static MailInOptions FromSettings(SettingsReader settings, MailOptions mail)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var o = new MailInOptions { Mailbox = settings.Text(Key(nameof(Mailbox))) };
        if (settings.Text(Key(nameof(ProcessedFolder))) is { } folder) o.ProcessedFolder = folder;
        o.MaxMessagesPerRun = (int)settings.Whole(Key(nameof(MaxMessagesPerRun)), o.MaxMessagesPerRun, 0, int.MaxValue, "a whole number of messages");
        settings.Report(o.Validate(mail));
        return o;
    }

    /// <summary>Every bad setting by key; empty when email in is off or usable with <paramref name="mail"/>.</summary>
    public IReadOnlyList<SettingError> Validate(MailOptions mail)
    {
        ArgumentNullException.ThrowIfNull(mail);
        var errors = new List<SettingError>();
        if (!Enabled) return errors;
        if (!ParsedAddress.IsValidAddress(Mailbox))
            errors.Add(new(Key(nameof(Mailbox)), "The reporting mailbox must be one address such as laporan.kkb@dppkb.example.go.id."));
        if (mail.Mode != MailMode.Graph)
            errors.Add(new(Key(nameof(Mailbox)), "Email in reads the mailbox through Microsoft Graph: set Mail__Mode=Graph and its credential (docs/channels.md)."));
        if (ProcessedFolder.Length > 255 || ProcessedFolder.Any(char.IsControl) || ProcessedFolder.Contains('/') || ProcessedFolder.Contains('\\'))
            errors.Add(new(Key(nameof(ProcessedFolder)), "The processed folder must be one folder name (no slashes or control characters, at most 255 characters)."));
        if (MaxMessagesPerRun is < 1 or > 1000)
            errors.Add(new(Key(nameof(MaxMessagesPerRun)), "Between 1 and 1000 messages per run."));
        return errors;
    }

    public static string Key(string property) => $"{Section}__{property}";

    /// <summary>The settings read here, for <c>AppSettings.Keys</c>.</summary>
    public static readonly IReadOnlyList<string> Keys = [Key(nameof(Mailbox)), Key(nameof(ProcessedFolder)), Key(nameof(MaxMessagesPerRun))];
}
