using Azure;
using Azure.Data.Tables;
using KampungKB.Core.Model;
using KampungKB.Core.Store;

namespace KampungKB.Core.Outbox.Notifications;

/// <summary>States of a row in the <c>Notifications</c> table.</summary>
internal static class NotificationState
{
    /// <summary>Claimed by a run that has not (yet) recorded the outcome: in progress, or that run crashed.</summary>
    public const string Claimed = "claimed";
    public const string Sent = "sent";
    /// <summary>Decided not to send (no address, stale stage, report arrived): recorded so it is never reconsidered and the dinas sees why.</summary>
    public const string Skipped = "skipped";
    /// <summary>The mail sender refused it; <see cref="NotificationRecord.Transient"/> says whether a later run retries.</summary>
    public const string Failed = "failed";
}

/// <summary>What a row of the <c>Notifications</c> table is about.</summary>
internal static class NotificationKinds
{
    public const string Reminder = "reminder";
    public const string Recap = "recap";
    public const string Feedback = "feedback";
}

/// <summary>One row of the notification log: what was (or was not) sent, to whom by role, and when.</summary>
public sealed record NotificationRecord(
    string PartitionKey,
    string RowKey,
    string Kind,
    string RegencyCode,
    string? Period,
    string? AreaCode,
    string? Stage,
    string State,
    string? Reason,
    string? RecipientRole,
    DateOnly? DueOn,
    DateTimeOffset ClaimedAt,
    DateTimeOffset? CompletedAt,
    int Attempt,
    bool Transient,
    string? ErrorCode,
    string? MessageId);

/// <summary>
/// One message to people, as its row of the <c>Notifications</c> table records it (docs/storage.md): the row's keys and
/// what it is about. Property names in the row: <c>Kind</c>, <c>Regency</c>, <c>Period</c> (<c>YYYY-MM</c>),
/// <c>AreaCode</c>, <c>Stage</c> (a reminder stage key, or the upload's status for feedback), <c>DueOn</c>
/// (<c>yyyy-MM-dd</c>), <c>RecipientRole</c>, <c>Channel</c> (absent: mail), <c>KampungCount</c> (the dinas list);
/// absent values are not written.
/// </summary>
/// <param name="PartitionKey">E.g. <see cref="NotificationKeys.Partition"/> or <see cref="NotificationKeys.FeedbackPartition"/>.</param>
/// <param name="RowKey">Deterministic per message (conventions 8): reminder <c>{area}_{stage}</c>, feedback <c>{uploadId}</c>, recap <c>recap</c>.</param>
/// <param name="Kind">One of <see cref="NotificationKinds"/>, or a channel's own kind (<c>drive</c>, <c>mailin-no-spreadsheet</c>).</param>
/// <param name="RegencyCode">The kabupaten/kota (<c>63.71</c>), or <see cref="StorageNames.UnknownRegency"/>.</param>
internal sealed record NotificationRequest(string PartitionKey, string RowKey, string Kind, string RegencyCode)
{
    public string? Period { get; init; }
    public string? AreaCode { get; init; }
    public string? Stage { get; init; }
    public DateOnly? DueOn { get; init; }
    public string? RecipientRole { get; init; }
    /// <summary>How it goes out when not plain mail: <c>whatsapp</c> (set by the WhatsApp send itself) or <c>email-reply</c>.</summary>
    public string? Channel { get; init; }
    /// <summary>How many kampung a list message names (the dinas stage).</summary>
    public int? KampungCount { get; init; }

    internal TableEntity ToEntity()
    {
        var e = new TableEntity(PartitionKey, RowKey) { ["Kind"] = Kind, ["Regency"] = RegencyCode };
        if (Period is not null) e["Period"] = Period;
        if (AreaCode is not null) e["AreaCode"] = AreaCode;
        if (Stage is not null) e["Stage"] = Stage;
        if (DueOn is { } due) e["DueOn"] = due.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        if (RecipientRole is not null) e["RecipientRole"] = RecipientRole;
        if (Channel is not null) e["Channel"] = Channel;
        if (KampungCount is { } count) e["KampungCount"] = count;
        return e;
    }
}

/// <summary>What <see cref="NotificationLedger"/> did with one message (the same words as the reminder and recap outcomes).</summary>
internal static class NotificationActions
{
    public const string Sent = "sent";
    /// <summary>Recorded as not sent, with a reason (<see cref="NotificationState.Skipped"/>).</summary>
    public const string Skipped = "skipped";
    /// <summary>The sender refused it; when transient the outbox sweeper sends it again later.</summary>
    public const string Failed = "failed";
    /// <summary>An earlier or concurrent run owns or settled the row: nothing done.</summary>
    public const string Already = "already";
}

/// <summary>
/// The outcome of <see cref="NotificationLedger.SendOnceAsync(NotificationRequest, Mail.MailMessage, Mail.IMailSender, CancellationToken)"/>
/// and its siblings: <see cref="Action"/> is one of <see cref="NotificationActions"/>; <see cref="Result"/> is the sender's answer
/// when this call sent (or tried to), else null.
/// </summary>
internal sealed record NotificationOutcome(string Action, Mail.MailSendResult? Result = null)
{
    public static readonly NotificationOutcome Already = new(NotificationActions.Already);
    public static readonly NotificationOutcome Skipped = new(NotificationActions.Skipped);
    public bool Succeeded => Action == NotificationActions.Sent;
    /// <summary>The sender's error code when it refused the message, else null.</summary>
    public string? ErrorCode => Result is { Succeeded: false } r ? r.ErrorCode : null;
}

/// <summary>
/// The one way a message to people goes out exactly once (conventions 8), through the <c>Notifications</c> table.
/// <see cref="SendOnceAsync(NotificationRequest, Mail.MailMessage, Mail.IMailSender, CancellationToken)"/> first inserts
/// the row (state <see cref="NotificationState.Claimed"/>, the message kept in it for the sweeper), then sends, then records
/// the outcome; an insert conflict means another run owns it (<see cref="NotificationActions.Already"/>). A row left
/// <c>claimed</c> longer than <see cref="Lease"/> (the run crashed or the sender threw between claim and mark) or failed
/// transiently is taken over by exactly one later run through an ETag-conditional update, up to <see cref="MaxAttempts"/>
/// attempts with <see cref="Backoff"/> (the <see cref="OutboxSweeper"/> does this on its timer). The crash window (sent,
/// then crashed before the mark) therefore yields at most one repeat per crash. <see cref="SkipOnceAsync"/> records a
/// decision not to send, once.
/// </summary>
internal sealed class NotificationLedger(TableServiceClient tables, StorageNames names, TimeProvider time)
{
    private readonly TableClient _table = tables.GetTableClient(names.NotificationsTable);

    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(10);
    /// <summary>Attempts before a message is given up (state stays <c>failed</c>, visible in the log): with <see cref="Backoff"/> about 13 hours of outage.</summary>
    public const int MaxAttempts = 12;

    /// <summary>Wait before attempt <paramref name="attempt"/>+1: 1, 2, 4 … minutes, at most 2 hours.</summary>
    public static TimeSpan Backoff(int attempt) => TimeSpan.FromMinutes(Math.Min(120, Math.Pow(2, Math.Max(0, attempt - 1))));

    internal sealed record Claim(string PartitionKey, string RowKey, ETag ETag, int Attempt);

    public string Table => names.NotificationsTable;

    /// <summary>Sends <paramref name="message"/> once by mail: claim, send, record the outcome.</summary>
    /// <exception cref="RequestFailedException">Storage faults; the sender's own exceptions pass through and leave the row claimed, so the sweeper resends it after <see cref="Lease"/>.</exception>
    public async Task<NotificationOutcome> SendOnceAsync(NotificationRequest request, Mail.MailMessage message, Mail.IMailSender mail, CancellationToken ct) =>
        await TryClaimAsync(request, row => OutboxPayload.Write(row, message), ct).ConfigureAwait(false) is { } claim
            ? await SendClaimedAsync(claim, message, mail.SendAsync, ct).ConfigureAwait(false)
            : NotificationOutcome.Already;

    /// <summary>Sends a WhatsApp message once (row <c>Channel=whatsapp</c>): 429/5xx transient with <c>NextAttemptAt</c>, other 4xx permanent, exactly as for mail.</summary>
    public async Task<NotificationOutcome> SendOnceAsync(NotificationRequest request, WhatsApp.WhatsAppMessage message, WhatsApp.IWhatsAppSender whatsApp, CancellationToken ct) =>
        await TryClaimAsync(request with { Channel = OutboxPayload.WhatsAppChannel }, row => OutboxPayload.Write(row, message), ct).ConfigureAwait(false) is { } claim
            ? await SendClaimedAsync(claim, message, whatsApp.SendAsync, ct).ConfigureAwait(false)
            : NotificationOutcome.Already;

    /// <summary>
    /// Claims first and only then composes the mail (<paramref name="compose"/> runs only in the run that owns the row:
    /// the recap is compiled once); the composed message is kept in the row for the sweeper before it is sent.
    /// </summary>
    public async Task<NotificationOutcome> SendOnceAsync(NotificationRequest request, Func<CancellationToken, Task<Mail.MailMessage>> compose, Mail.IMailSender mail,
        CancellationToken ct)
    {
        if (await TryClaimAsync(request, null, ct).ConfigureAwait(false) is not { } claim) return NotificationOutcome.Already;
        var message = await compose(ct).ConfigureAwait(false);
        await KeepPayloadAsync(claim, message, ct).ConfigureAwait(false);
        return await SendClaimedAsync(claim, message, mail.SendAsync, ct).ConfigureAwait(false);
    }

    /// <summary>Sends a claimed message and records the outcome; a transient failure gets <c>NextAttemptAt</c> (<see cref="Backoff"/>) for the sweeper.</summary>
    internal async Task<NotificationOutcome> SendClaimedAsync<T>(Claim claim, T message, Func<T, CancellationToken, Task<Mail.MailSendResult>> send, CancellationToken ct)
    {
        var result = await send(message, ct).ConfigureAwait(false);
        if (result.Succeeded)
            await CompleteAsync(claim, NotificationState.Sent, messageId: result.MessageId, ct: ct).ConfigureAwait(false);
        else
            await CompleteAsync(claim, NotificationState.Failed, result.ErrorCode?.StartsWith("whatsapp-", StringComparison.Ordinal) == true ? "whatsapp-refused" : "mail-refused", result.ErrorCode, result.IsTransient, ct: ct,
                nextAttemptAt: result.IsTransient && claim.Attempt < MaxAttempts ? time.GetUtcNow() + Backoff(claim.Attempt) : null).ConfigureAwait(false);
        return new NotificationOutcome(result.Succeeded ? NotificationActions.Sent : NotificationActions.Failed, result);
    }

    /// <summary>Claims the row; null when another run owns it or it is already settled. <paramref name="payload"/> keeps the message in the row.</summary>
    internal async Task<Claim?> TryClaimAsync(NotificationRequest request, Action<IDictionary<string, object?>>? payload, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var entity = request.ToEntity();
        payload?.Invoke(entity);
        entity["State"] = NotificationState.Claimed;
        entity["ClaimedAt"] = now;
        entity["Attempt"] = 1;
        entity["Owner"] = Guid.NewGuid().ToString("N");
        if (await _table.TryAddEntityAsync(entity, ct).ConfigureAwait(false))
        {
            var added = await _table.GetEntityOrDefaultAsync(request.PartitionKey, request.RowKey, ct).ConfigureAwait(false);
            return new Claim(request.PartitionKey, request.RowKey, added?.ETag ?? default, 1);
        }

        var existing = await _table.GetEntityOrDefaultAsync(request.PartitionKey, request.RowKey, ct).ConfigureAwait(false);
        if (existing is null || !CanTakeOver(existing, now)) return null;
        return await TakeOverAsync(existing, now, payload, ct).ConfigureAwait(false);
    }

    /// <summary>Takes over a stale claim or a transient failure by ETag: exactly one contender wins.</summary>
    internal async Task<Claim?> TakeOverAsync(TableEntity existing, DateTimeOffset now, Action<IDictionary<string, object?>>? payload, CancellationToken ct)
    {
        var (partitionKey, rowKey) = (existing.PartitionKey, existing.RowKey);
        var attempt = (existing.GetInt32("Attempt") ?? 1) + 1;
        var takeOver = new TableEntity(partitionKey, rowKey)
        {
            ["State"] = NotificationState.Claimed,
            ["ClaimedAt"] = now,
            ["Attempt"] = attempt,
            ["Owner"] = Guid.NewGuid().ToString("N"),
        };
        if (payload is not null && existing.GetInt32("PayloadBytes") is null) payload(takeOver);
        try
        {
            var response = await _table.UpdateEntityAsync(takeOver, existing.ETag, TableUpdateMode.Merge, ct).ConfigureAwait(false);
            return new Claim(partitionKey, rowKey, response.Headers.ETag ?? default, attempt);
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412 or 404)
        {
            return null; // another run took it over first
        }
    }

    internal static bool CanTakeOver(TableEntity e, DateTimeOffset now)
    {
        var attempt = e.GetInt32("Attempt") ?? 1;
        if (attempt >= MaxAttempts) return false;
        return e.GetString("State") switch
        {
            NotificationState.Claimed => (e.GetDateTimeOffset("ClaimedAt") ?? now) + Lease <= now,
            NotificationState.Failed => e.GetBoolean("Transient") == true && (e.GetDateTimeOffset("NextAttemptAt") ?? now) <= now,
            _ => false,
        };
    }

    /// <summary>
    /// Whether a logged row is still open to a run (a claim whose lease ran out, or a transient failure, under
    /// <see cref="MaxAttempts"/>); a run then tries <see cref="SendOnceAsync(NotificationRequest, Mail.MailMessage, Mail.IMailSender, CancellationToken)"/>,
    /// which takes it over by ETag once its <c>NextAttemptAt</c> has come. Any other row is settled.
    /// </summary>
    public static bool IsOpen(NotificationRecord r, DateTimeOffset now) =>
        r.Attempt < MaxAttempts &&
        (r.State == NotificationState.Failed && r.Transient ||
         r.State == NotificationState.Claimed && r.ClaimedAt + Lease <= now);

    /// <summary>Adds the message to a claimed row (when it was composed only after the claim, as the recap is).</summary>
    private async Task KeepPayloadAsync(Claim claim, Mail.MailMessage message, CancellationToken ct)
    {
        var row = new TableEntity(claim.PartitionKey, claim.RowKey);
        OutboxPayload.Write(row, message);
        if (row.Count > 2) await _table.UpsertEntityAsync(row, TableUpdateMode.Merge, ct).ConfigureAwait(false);
    }

    /// <summary>Records the outcome of a claimed row (merge: the claim's own properties stay).</summary>
    private async Task CompleteAsync(Claim claim, string state, string? reason = null, string? errorCode = null, bool transient = false,
        string? messageId = null, CancellationToken ct = default, DateTimeOffset? nextAttemptAt = null)
    {
        var done = new TableEntity(claim.PartitionKey, claim.RowKey)
        {
            ["State"] = state,
            ["CompletedAt"] = time.GetUtcNow(),
            ["Transient"] = transient,
        };
        if (reason is not null) done["Reason"] = reason;
        if (errorCode is not null) done["ErrorCode"] = errorCode;
        if (messageId is not null) done["MessageId"] = messageId;
        if (nextAttemptAt is not null) done["NextAttemptAt"] = nextAttemptAt;
        await _table.UpsertEntityAsync(done, TableUpdateMode.Merge, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Records a decision not to send (<paramref name="reason"/>, e.g. one of <see cref="ReminderSkipReasons"/>), once:
    /// <see cref="NotificationActions.Skipped"/>, or <see cref="NotificationActions.Already"/> when the row already exists
    /// (sent, skipped or in progress).
    /// </summary>
    public async Task<NotificationOutcome> SkipOnceAsync(NotificationRequest request, string reason, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var entity = request.ToEntity();
        entity["State"] = NotificationState.Skipped;
        entity["Reason"] = reason;
        entity["ClaimedAt"] = now;
        entity["CompletedAt"] = now;
        entity["Attempt"] = 1;
        return await _table.TryAddEntityAsync(entity, ct).ConfigureAwait(false) ? NotificationOutcome.Skipped : NotificationOutcome.Already;
    }

    /// <summary>Every row of one partition.</summary>
    public async Task<IReadOnlyList<NotificationRecord>> ListAsync(string partitionKey, CancellationToken ct)
    {
        var list = new List<NotificationRecord>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partitionKey}");
        await foreach (var e in _table.QueryAsync<TableEntity>(filter, cancellationToken: ct).ConfigureAwait(false))
            list.Add(From(e));
        return list;
    }

    internal static NotificationRecord From(TableEntity e) => new(
        e.PartitionKey, e.RowKey,
        e.GetString("Kind") ?? "", e.GetString("Regency") ?? "", e.GetString("Period"), e.GetString("AreaCode"), e.GetString("Stage"),
        e.GetString("State") ?? "", e.GetString("Reason"), e.GetString("RecipientRole"),
        DateOnly.TryParseExact(e.GetString("DueOn"), "yyyy-MM-dd", out var d) ? d : null,
        e.GetDateTimeOffset("ClaimedAt") ?? default, e.GetDateTimeOffset("CompletedAt"),
        e.GetInt32("Attempt") ?? 1, e.GetBoolean("Transient") ?? false, e.GetString("ErrorCode"), e.GetString("MessageId"));
}

/// <summary>Reads the notification log: the evidence of which reminders, recaps and feedback mails went out.</summary>
public sealed class NotificationLog(TableServiceClient tables, StorageNames names)
{
    private readonly NotificationLedger _ledger = new(tables, names, TimeProvider.System);

    /// <summary>Every row for one kabupaten/kota and period (reminders and the recap), ordered by kampung and stage.</summary>
    public async Task<IReadOnlyList<NotificationRecord>> ListAsync(string regencyCode, Model.ReportingPeriod period, CancellationToken ct = default) =>
        (await _ledger.ListAsync(StorageNames.RegencyPeriodKey(regencyCode, period), ct).ConfigureAwait(false))
        .OrderBy(r => r.RowKey, StringComparer.Ordinal).ToList();

    /// <summary>One row of the log, or null: a point read (e.g. the feedback mail of one upload, <see cref="NotificationKeys.FeedbackPartition"/>).</summary>
    public async Task<NotificationRecord?> GetAsync(string partitionKey, string rowKey, CancellationToken ct = default)
    {
        var e = await tables.GetTableClient(names.NotificationsTable).GetEntityOrDefaultAsync(partitionKey, rowKey, ct).ConfigureAwait(false);
        return e is null ? null : NotificationLedger.From(e);
    }

    /// <summary>Feedback mails of one kabupaten/kota (or <see cref="StorageNames.UnknownRegency"/>).</summary>
    public async Task<IReadOnlyList<NotificationRecord>> ListFeedbackAsync(string regencyCode, CancellationToken ct = default) =>
        await _ledger.ListAsync(NotificationKeys.FeedbackPartition(regencyCode), ct).ConfigureAwait(false);
}

/// <summary>Keys of the <c>Notifications</c> table (docs/recaps-and-reminders.md).</summary>
internal static class NotificationKeys
{
    public const string RecapRow = "recap";
    /// <summary>The dinas stage's single list of missing kampung for one period (docs/recaps-and-reminders.md).</summary>
    public const string DinasListRow = "dinas-list";
    public static string Partition(string regencyCode, Model.ReportingPeriod period) => StorageNames.RegencyPeriodKey(regencyCode, period);
    public static string ReminderRow(string areaCode, ReminderStage stage) => $"{areaCode}_{stage.Key()}";
    public static string FeedbackPartition(string regencyCode) => $"{regencyCode}_feedback";
    /// <summary>Suffix of the row of a message's WhatsApp twin (reminder <c>{area}_{stage}_wa</c>, feedback <c>{uploadId}_wa</c>).</summary>
    public const string WhatsAppSuffix = "_wa";
}

/// <summary>The kabupaten/kota a timer run covers: every configured one, plus every one in the registry (with the defaults of domain.md).</summary>
public static class RegencyScope
{
    public static async Task<IReadOnlyList<RegencySettings>> ResolveAsync(IReadOnlyList<RegencySettings> configured,
        TableServiceClient tables, StorageNames names, CancellationToken ct = default)
    {
        var list = configured.ToDictionary(r => r.Code, StringComparer.Ordinal);
        await foreach (var e in tables.GetTableClient(names.RegistryTable).QueryAsync<TableEntity>(select: ["PartitionKey", "RowKey"], cancellationToken: ct).ConfigureAwait(false))
            if (!list.ContainsKey(e.PartitionKey)) list[e.PartitionKey] = RegencySettings.Default(e.PartitionKey);
        return list.Values.OrderBy(r => r.Code, StringComparer.Ordinal).ToList();
    }
}
