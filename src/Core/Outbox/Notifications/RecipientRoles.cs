namespace KampungKB.Core.Outbox.Notifications;

/// <summary>
/// Who a notification row is addressed to (its <c>RecipientRole</c>): the Pokja of the kampung, its PKB/PLKB,
/// or the dinas (domain.md, reminders and escalation). The one vocabulary of every outbox row: reminders, feedback
/// mail, mail-in replies, the dashboard's reminders, the recap and the Drive folder alert; stored as written here
/// (Table Storage compares case-sensitively, so a row is found by exactly these values).
/// </summary>
internal static class RecipientRoles
{
    public const string Pokja = "Pokja";
    public const string Pkb = "PKB/PLKB";
    public const string Dinas = "Dinas";
}

/// <summary>Why a due stage was not sent.</summary>
public static class ReminderSkipReasons
{
    /// <summary>A "before the deadline" reminder found due only after the deadline (catch-up after an outage): never sent late.</summary>
    public const string StaleBeforeDeadline = "stale-before-deadline";
    /// <summary>The stage day is more than <c>ReminderRunner.CatchUpDays</c> days ago.</summary>
    public const string Expired = "expired";
    public const string NoPokjaEmail = "no-pokja-email";
    public const string NoPkbEmail = "no-pkb-email";
    public const string NoDinasRecipients = "no-dinas-recipients";
    public const string MailRefused = "mail-refused";
}
