using Azure.Data.Tables;
using KampungKB.Core.Jobs.Reminders;
using KampungKB.Core.Model;
using KampungKB.Core.Outbox.Mail;
using KampungKB.Core.Outbox.Notifications;
using KampungKB.Core.Rendering.Templating;
using KampungKB.Core.Store;
using KampungKB.Core.Uploads.Feedback;
using KampungKB.Core.Uploads.Links;

namespace KampungKB.Core.Dashboard;

/// <summary>What one dashboard action did.</summary>
internal enum KampungActionResult
{
    /// <summary>Handed to the mail sender (Graph or the .eml outbox) just now.</summary>
    Sent,
    /// <summary>This very tap (its action id) was already handled: nothing sent again.</summary>
    Already,
    /// <summary>Not sent and recorded why (no Pokja e-mail, retired kampung).</summary>
    Skipped,
    /// <summary>The sender refused or failed; the ledger row says so and the outbox sweeper retries a transient failure.</summary>
    Failed,
    /// <summary>Not an action the page offers, or a malformed action id: nothing done.</summary>
    Refused,
}

/// <summary>
/// The kampung page's two actions, sent through the outbox exactly once (conventions 8). "Kirim pengingat" is the overview's
/// reminder on request (<see cref="ReminderRunner.SendOnRequestAsync"/>: one a day per kampung and month, whichever page asked).
/// "Kirim ulang tautan unggah" mails a new signed upload link (templates/email/upload-link.hbs): each rendered page carries a
/// fresh random action id per button, and the insert-once row <c>{area}_{id}</c> in the month's notification partition makes a
/// double tap, a resent form or two tabs posting the same page one mail, while a later visit may send it again.
/// </summary>
internal sealed class KampungActions(TableServiceClient tables, StorageNames names, EmailTemplates templates, ReminderRunner reminders,
    IMailSender mail, TimeProvider time, UploadLinks? links)
{
    /// <summary>Form value of "kirim ulang tautan unggah".</summary>
    public const string Link = "tautan";
    /// <summary>Form value of "kirim pengingat".</summary>
    public const string Reminder = "pengingat";
    /// <summary>The notification row's stage of an upload link sent from the dashboard.</summary>
    public const string ManualStage = "dashboard";
    /// <summary>The notification row's kind of an upload link sent again.</summary>
    public const string LinkKind = "upload-link";

    private readonly NotificationLedger _ledger = new(tables, names, time);

    /// <summary>A new action id for one button of one rendered page: 32 hex characters, random.</summary>
    public static string NewActionSeed() => Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));

    /// <summary>True for an id the page could have rendered (<see cref="NewActionSeed"/> + "-" + action): safe as part of a table key.</summary>
    public static bool IsActionId(string? id, string action) =>
        id is not null && id.Length == 33 + action.Length && id[32] == '-' && id.AsSpan(33).SequenceEqual(action)
        && id.AsSpan(0, 32).IndexOfAnyExcept("0123456789abcdef") < 0;

    /// <summary>
    /// Does <paramref name="action"/> for <paramref name="kampung"/> and <paramref name="period"/> once per <paramref name="actionId"/>.
    /// The recipient is the Pokja's e-mail from the registry; it is never logged.
    /// </summary>
    internal async Task<KampungActionResult> RunAsync(RegencySettings regency, RegistryEntry kampung, ReportingPeriod period, string? action, string? actionId,
        CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(regency);
        ArgumentNullException.ThrowIfNull(kampung);
        if (action is not (Link or Reminder) || !IsActionId(actionId, action)) return KampungActionResult.Refused;
        if (action == Reminder)
        {
            if (kampung.IsRetired) return KampungActionResult.Refused;
            var item = await reminders.SendOnRequestAsync(regency, period, kampung.AreaCode, ct).ConfigureAwait(false);
            return item?.Action switch
            {
                ReminderActions.Sent => KampungActionResult.Sent,
                ReminderActions.Already => KampungActionResult.Already,
                ReminderActions.Skipped => KampungActionResult.Skipped,
                null => KampungActionResult.Refused,
                _ => KampungActionResult.Failed,
            };
        }
        var partition = NotificationKeys.Partition(regency.Code, period);
        var rowKey = $"{kampung.AreaCode}_{actionId}";
        var request = new NotificationRequest(partition, rowKey, LinkKind, regency.Code)
        {
            Period = period.ToString(), AreaCode = kampung.AreaCode, Stage = ManualStage, RecipientRole = RecipientRoles.Pokja,
        };
        if (kampung.IsRetired || string.IsNullOrWhiteSpace(kampung.PokjaEmail))
            return Result(await _ledger.SkipOnceAsync(request, kampung.IsRetired ? "retired" : ReminderSkipReasons.NoPokjaEmail, ct).ConfigureAwait(false));
        if (links is null) return KampungActionResult.Refused;
        // Composed only by the run that owns the row: a double tap issues no second link.
        return Result(await _ledger.SendOnceAsync(request, async token =>
        {
            var link = await links.IssueAsync(kampung, cancellationToken: token).ConfigureAwait(false);
            var rendered = templates.RenderUploadLink(new UploadLinkView(kampung.Name, kampung.AreaCode, kampung.Village, kampung.District, link.Url,
                DateOnly.FromDateTime(regency.TimeZone.ToLocal(link.ExpiresAt)), regency.DinasName, TemplateFeedbackRenderer.HelpContactOf(kampung)));
            return new MailMessage([kampung.PokjaEmail!.Trim()], [], rendered.Subject, rendered.Html, rendered.Text, [], regency.DinasName);
        }, mail, ct).ConfigureAwait(false));

        static KampungActionResult Result(NotificationOutcome o) => o.Action switch
        {
            NotificationActions.Sent => KampungActionResult.Sent,
            NotificationActions.Skipped => KampungActionResult.Skipped,
            NotificationActions.Already => KampungActionResult.Already,
            _ => KampungActionResult.Failed,
        };
    }
}
