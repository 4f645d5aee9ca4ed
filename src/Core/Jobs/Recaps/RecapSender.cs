using Azure.Data.Tables;
using KampungKB.Core.Outbox.Mail;
using KampungKB.Core.Model;
using KampungKB.Core.Outbox.Notifications;
using KampungKB.Core.Jobs.Reminders;
using KampungKB.Core.Store;
using Microsoft.Extensions.Logging;

namespace KampungKB.Core.Jobs.Recaps;

/// <summary>What happened to one (regency, period) recap: <c>sent</c>, <c>skipped</c>, <c>failed</c> or <c>already</c> (an earlier or concurrent run owns it).</summary>
public sealed record RecapSendOutcome(string RegencyCode, ReportingPeriod Period, string Action, string? Reason, string? Location);

/// <summary>
/// Mails the recap to the dinas once per (regency, period): a <c>Notifications</c> row (PK
/// <c>{regency}_{period}</c>, RK <c>recap</c>) is inserted before compiling and sending, so repeated or
/// concurrent timer runs send it once. The timer sends the recap of a period from the day after its
/// deadline (local time), catching up for up to <see cref="CatchUpDays"/> days after an outage.
/// </summary>
public sealed class RecapSender(RecapCompiler compiler, IMailSender mail, TableServiceClient tables, StorageNames names, TimeProvider time, ILogger<RecapSender> logger)
{
    public const int CatchUpDays = 31;
    private readonly NotificationLedger _ledger = new(tables, names, time);

    /// <summary>The periods whose recap is due on <paramref name="today"/> (local): the deadline has passed, by at most <see cref="CatchUpDays"/> days.</summary>
    public static IReadOnlyList<ReportingPeriod> DuePeriods(RegencySettings regency, DateOnly today)
    {
        var list = new List<ReportingPeriod>();
        for (var (p, i) = (ReportingPeriod.Of(today).Previous, 0); i < 3; p = p.Previous, i++)
        {
            var due = regency.DueDate(p);
            if (today > due && today.DayNumber - due.DayNumber <= CatchUpDays) list.Add(p);
        }
        return list;
    }

    /// <summary>The timer's work for one regency: every due recap not yet sent.</summary>
    public async Task<IReadOnlyList<RecapSendOutcome>> RunDueAsync(RegencySettings regency, DateOnly? today = null, CancellationToken ct = default)
    {
        var list = new List<RecapSendOutcome>();
        foreach (var period in DuePeriods(regency, today ?? regency.TimeZone.Today(time)))
            list.Add(await SendAsync(regency, period, ct).ConfigureAwait(false));
        return list;
    }

    /// <summary>Compiles and mails the recap of one period to the regency's recipients, unless it was already sent.</summary>
    public async Task<RecapSendOutcome> SendAsync(RegencySettings regency, ReportingPeriod period, CancellationToken ct = default)
    {
        var request = new NotificationRequest(NotificationKeys.Partition(regency.Code, period), NotificationKeys.RecapRow, NotificationKinds.Recap, regency.Code)
        {
            Period = period.ToString(), RecipientRole = RecipientRoles.Dinas, DueOn = regency.DueDate(period).AddDays(1),
        };
        if (regency.Recipients.Count == 0)
        {
            var skipped = await _ledger.SkipOnceAsync(request, ReminderSkipReasons.NoDinasRecipients, ct).ConfigureAwait(false);
            logger.LogWarning(NotificationEvents.RecapSkipped, "Recap {Regency} {Period} not sent: no recipients configured", regency.Code, period.ToString());
            return new RecapSendOutcome(regency.Code, period, skipped.Action, ReminderSkipReasons.NoDinasRecipients, null);
        }
        Recap? recap = null;
        var outcome = await _ledger.SendOnceAsync(request, async c =>
        {
            recap = await compiler.CompileAsync(regency, period, c).ConfigureAwait(false);
            return ToMessage(recap, regency.Recipients) with { SenderName = recap.View.DinasName };
        }, mail, ct).ConfigureAwait(false);
        if (outcome.Result is not { } result) return new RecapSendOutcome(regency.Code, period, NotificationActions.Already, null, null);
        if (result.Succeeded)
        {
            logger.LogInformation(NotificationEvents.RecapSent, "Recap {Regency} {Period} sent: {Reported}/{Expected} reported",
                regency.Code, period.ToString(), recap!.View.Completeness.Reported, recap.View.Completeness.Expected);
            return new RecapSendOutcome(regency.Code, period, NotificationActions.Sent, null, result.Location);
        }
        logger.LogWarning(NotificationEvents.RecapSkipped, "Recap {Regency} {Period} not sent: {ErrorCode} (transient {Transient})",
            regency.Code, period.ToString(), result.ErrorCode, result.IsTransient);
        return new RecapSendOutcome(regency.Code, period, NotificationActions.Failed, result.ErrorCode, null);
    }

    /// <summary>The recap as a mail: HTML body, plain-text alternative, the .xlsx attachment and, when built, the handover workbook as the second.</summary>
    public static MailMessage ToMessage(Recap recap, IReadOnlyList<string> recipients) =>
        new(recipients, [], recap.Email.Subject, recap.Email.Html, recap.Email.Text,
            [
                new MailAttachment(recap.AttachmentName, MailAttachment.XlsxContentType, recap.Xlsx),
                .. recap.Handover is { } h ? [new MailAttachment(h.Plan.AttachmentName, MailAttachment.XlsxContentType, h.Xlsx)] : Array.Empty<MailAttachment>(),
            ]);
}
