using Azure.Data.Tables;
using KampungKB.Core.Outbox.Mail;
using KampungKB.Core.Store;
using Microsoft.Extensions.Logging;
using KampungKB.Core.Model;

namespace KampungKB.Core.Outbox.Notifications;

/// <summary>What one sweep did: messages sent, still failing (retried later), and rows it could not resend (no kept message).</summary>
public sealed record OutboxSweepResult(int Sent, int Failed, int WithoutPayload);

/// <summary>
/// The outbox sweep (docs/mail.md): every <c>Notifications</c> row — feedback, reminder, recap — that
/// was claimed and then interrupted (lease <see cref="NotificationLedger.Lease"/> ran out) or failed
/// transiently and whose <c>NextAttemptAt</c> has come is taken over by ETag (one contender wins) and its
/// kept message sent again, up to <see cref="NotificationLedger.MaxAttempts"/> attempts with
/// <see cref="NotificationLedger.Backoff"/>. Together with the insert-once claim every message goes out
/// exactly once eventually; only a crash after Graph accepted it and before the row was marked can repeat it
/// (once). A timer calls <see cref="SweepAsync"/> every few minutes.
/// </summary>
public sealed class OutboxSweeper(TableServiceClient tables, StorageNames names, IMailSender mail, TimeProvider time, ILogger<OutboxSweeper> logger,
    WhatsApp.WhatsAppChannel? whatsApp = null)
{
    private readonly NotificationLedger _ledger = new(tables, names, time);
    private readonly TableClient _table = tables.GetTableClient(names.NotificationsTable);

    public async Task<OutboxSweepResult> SweepAsync(CancellationToken ct = default)
    {
        var (sent, failed, without) = (0, 0, 0);
        var filter = TableClient.CreateQueryFilter($"State eq {NotificationState.Claimed} or State eq {NotificationState.Failed}");
        await foreach (var row in _table.QueryAsync<TableEntity>(filter, cancellationToken: ct).ConfigureAwait(false))
        {
            var now = time.GetUtcNow();
            if (!NotificationLedger.CanTakeOver(row, now)) continue;
            NotificationOutcome result;
            if (OutboxPayload.IsWhatsApp(row))
            {
                // WhatsApp rows wait while WhatsApp is switched off (no sender); they are sent once it is on again.
                if (whatsApp?.Sender is not { } sender || OutboxPayload.Read<WhatsApp.WhatsAppMessage>(row) is not { } wa) { without++; continue; }
                var waClaim = await _ledger.TakeOverAsync(row, now, null, ct).ConfigureAwait(false);
                if (waClaim is null) continue;
                result = await _ledger.SendClaimedAsync(waClaim, wa, sender.SendAsync, ct).ConfigureAwait(false);
                if (result.Succeeded) sent++; else failed++;
                continue;
            }
            if (OutboxPayload.Read(row) is not { } message) { without++; continue; }
            var claim = await _ledger.TakeOverAsync(row, now, null, ct).ConfigureAwait(false);
            if (claim is null) continue;
            result = await _ledger.SendClaimedAsync(claim, message, mail.SendAsync, ct).ConfigureAwait(false);
            if (result.Succeeded) sent++; else failed++;
        }
        logger.LogInformation(NotificationEvents.OutboxSwept, "Outbox sweep: {Sent} sent, {Failed} failed, {WithoutPayload} left to their producer",
            sent, failed, without);
        return new OutboxSweepResult(sent, failed, without);
    }
}
