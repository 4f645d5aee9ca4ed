using Azure.Data.Tables;
using KampungKB.Core.Outbox.Mail;
using KampungKB.Core.Outbox.Notifications;
using KampungKB.Core.Outbox.WhatsApp;
using KampungKB.Core.Model;
using KampungKB.Core.Store;
using Microsoft.Extensions.Logging;

namespace KampungKB.Core.Uploads.Feedback;

/// <summary>
/// Mails the feedback page to the kampung's Pokja (the email in the registry) once per upload: a
/// <c>Notifications</c> row (PK <c>{regency}_feedback</c>, RK <c>{uploadId}</c>) is inserted before
/// sending. Uploads without a known kampung or without a Pokja email are recorded as skipped. Every mail, accepted or
/// rejected, carries the kampung's own upload link (as reminders do, when <paramref name="links"/> is given) and its
/// PKB/PLKB from the registry as the contact for help.
/// </summary>
internal sealed class MailFeedbackNotifier(TemplateFeedbackRenderer renderer, IMailSender mail, TableServiceClient tables, StorageNames names,
    TimeProvider time, IReadOnlyList<RegencySettings> regencies, ILogger<MailFeedbackNotifier> logger,
    WhatsAppChannel? whatsApp = null, Links.UploadLinks? links = null) : IFeedbackNotifier
{
    public const string NoKampung = "no-kampung";
    private readonly NotificationLedger _ledger = new(tables, names, time);

    public async Task NotifyAsync(FeedbackDocument feedback, CancellationToken cancellationToken = default)
    {
        var regency = feedback.Kampung?.RegencyCode ?? StorageNames.UnknownRegency;
        var request = new NotificationRequest(NotificationKeys.FeedbackPartition(regency), feedback.UploadId, NotificationKinds.Feedback, regency)
        {
            Period = feedback.Period?.ToString(), AreaCode = feedback.Kampung?.AreaCode, Stage = feedback.Status, RecipientRole = RecipientRoles.Pokja,
        };
        // A kampung that opted in also gets the summary on WhatsApp, under its own row (exactly once each).
        if (whatsApp is { Enabled: true } && feedback.Kampung is { } opted && whatsApp.NumberFor(opted) is { Length: > 0 } number)
            await WhatsAppAsync(whatsApp, feedback, opted, number, request, cancellationToken).ConfigureAwait(false);
        var to = feedback.Kampung?.PokjaEmail?.Trim();
        if (feedback.Kampung is null || string.IsNullOrEmpty(to))
        {
            var reason = feedback.Kampung is null ? NoKampung : ReminderSkipReasons.NoPokjaEmail;
            await _ledger.SkipOnceAsync(request, reason, cancellationToken).ConfigureAwait(false);
            logger.LogInformation(NotificationEvents.FeedbackNotMailed, "Feedback for upload {UploadId} not mailed: {Reason}", feedback.UploadId, reason);
            return;
        }
        var settings = (regencies.FirstOrDefault(r => r.Code == regency) ?? RegencySettings.Default(regency)).WithRegistry([feedback.Kampung]);
        var link = links is null || feedback.Kampung.IsRetired ? null : (await links.IssueAsync(feedback.Kampung, cancellationToken: cancellationToken).ConfigureAwait(false)).Url;
        var rendered = renderer.Render(feedback, settings.DinasName, link);
        var message = new MailMessage([to], [], rendered.Subject, rendered.Html, rendered.Text, [], settings.DinasName);
        var outcome = await _ledger.SendOnceAsync(request, message, mail, cancellationToken).ConfigureAwait(false);
        if (outcome.Result is not { } result) return;
        if (result.Succeeded)
            logger.LogInformation(NotificationEvents.FeedbackMailed, "Feedback for upload {UploadId} mailed ({Status})", feedback.UploadId, feedback.Status);
        else
            logger.LogWarning(NotificationEvents.FeedbackNotMailed, "Feedback for upload {UploadId} not mailed: {ErrorCode} (transient {Transient}; the outbox sweeper retries)",
                feedback.UploadId, result.ErrorCode, result.IsTransient);
    }

    private async Task WhatsAppAsync(WhatsAppChannel channel, FeedbackDocument feedback, RegistryEntry kampung, string number,
        NotificationRequest mail, CancellationToken ct)
    {
        var link = links is null ? null : (await links.IssueAsync(kampung, cancellationToken: ct).ConfigureAwait(false)).Url;
        var message = channel.Feedback(number, feedback, link);
        var outcome = await _ledger.SendOnceAsync(mail with { RowKey = mail.RowKey + NotificationKeys.WhatsAppSuffix }, message, channel.Sender!, ct).ConfigureAwait(false);
        if (outcome.Result is { Succeeded: false } result)
            logger.LogWarning(NotificationEvents.FeedbackNotMailed, "WhatsApp feedback for upload {UploadId} not sent: {ErrorCode} (transient {Transient})",
                feedback.UploadId, result.ErrorCode, result.IsTransient);
    }
}
