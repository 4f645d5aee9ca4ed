using Azure;
using Azure.Data.Tables;
using KampungKB.Core.Model;
using KampungKB.Core.Store;

namespace KampungKB.Core.Outbox.Notifications;

/// <summary>States of a row in the <c>Notifications</c> table.</summary>
public static class NotificationState
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
public static class NotificationKinds
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
/// The insert-once ledger for messages to people (conventions 8), in the <c>Notifications</c> table.
/// A run first inserts the row (state <see cref="NotificationState.Claimed"/>), then sends, then marks the
/// row sent. Insert conflicts mean another run owns it. A row left <c>claimed</c> longer than
/// <see cref="Lease"/> (the run crashed between claim and mark) or failed transiently is taken over by
/// exactly one later run through an ETag-conditional update, up to <see cref="MaxAttempts"/> attempts.
/// The crash window (sent, then crashed before the mark) therefore yields at most one repeat per crash.
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

    /// <summary>Claims the row; null when another run owns it or it is already settled.</summary>
    /// <param name="message">The message, kept in the row (<see cref="OutboxPayload"/>) so the sweeper can resend it after a crash or outage.</param>
    public Task<Claim?> TryClaimAsync(string partitionKey, string rowKey, IReadOnlyDictionary<string, object?> info, CancellationToken ct,
        Mail.MailMessage? message = null) =>
        TryClaimCoreAsync(partitionKey, rowKey, info, ct, message is null ? null : row => OutboxPayload.Write(row, message));

    /// <summary>Claims the row of a WhatsApp message (<c>Channel=whatsapp</c>, the message kept for the sweeper).</summary>
    public Task<Claim?> TryClaimAsync(string partitionKey, string rowKey, IReadOnlyDictionary<string, object?> info, WhatsApp.WhatsAppMessage message, CancellationToken ct) =>
        TryClaimCoreAsync(partitionKey, rowKey, info, ct, row => OutboxPayload.Write(row, message));

    private async Task<Claim?> TryClaimCoreAsync(string partitionKey, string rowKey, IReadOnlyDictionary<string, object?> info, CancellationToken ct,
        Action<IDictionary<string, object?>>? payload)
    {
        var now = time.GetUtcNow();
        var entity = new TableEntity(partitionKey, rowKey);
        foreach (var (k, v) in info) if (v is not null) entity[k] = v;
        payload?.Invoke(entity);
        entity["State"] = NotificationState.Claimed;
        entity["ClaimedAt"] = now;
        entity["Attempt"] = 1;
        entity["Owner"] = Guid.NewGuid().ToString("N");
        if (await _table.TryAddEntityAsync(entity, ct).ConfigureAwait(false))
        {
            var added = await _table.GetEntityOrDefaultAsync(partitionKey, rowKey, ct).ConfigureAwait(false);
            return new Claim(partitionKey, rowKey, added?.ETag ?? default, 1);
        }

        var existing = await _table.GetEntityOrDefaultAsync(partitionKey, rowKey, ct).ConfigureAwait(false);
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

    /// <summary>Sends a claimed message and records the outcome; a transient failure gets <c>NextAttemptAt</c> (<see cref="Backoff"/>) for the sweeper.</summary>
    public async Task<Mail.MailSendResult> SendAsync(Claim claim, Mail.IMailSender mail, Mail.MailMessage message, CancellationToken ct) =>
        await RecordAsync(claim, await mail.SendAsync(message, ct).ConfigureAwait(false), ct).ConfigureAwait(false);

    /// <summary>Sends a claimed WhatsApp message and records the outcome exactly as for mail (429/5xx transient with <c>NextAttemptAt</c>, other 4xx permanent).</summary>
    public async Task<Mail.MailSendResult> SendAsync(Claim claim, WhatsApp.IWhatsAppSender whatsApp, WhatsApp.WhatsAppMessage message, CancellationToken ct) =>
        await RecordAsync(claim, await whatsApp.SendAsync(message, ct).ConfigureAwait(false), ct).ConfigureAwait(false);

    private async Task<Mail.MailSendResult> RecordAsync(Claim claim, Mail.MailSendResult result, CancellationToken ct)
    {
        if (result.Succeeded)
            await CompleteAsync(claim, NotificationState.Sent, messageId: result.MessageId, ct: ct).ConfigureAwait(false);
        else
            await CompleteAsync(claim, NotificationState.Failed, result.ErrorCode?.StartsWith("whatsapp-", StringComparison.Ordinal) == true ? "whatsapp-refused" : "mail-refused", result.ErrorCode, result.IsTransient, ct: ct,
                nextAttemptAt: result.IsTransient && claim.Attempt < MaxAttempts ? time.GetUtcNow() + Backoff(claim.Attempt) : null).ConfigureAwait(false);
        return result;
    }

    /// <summary>Adds the message to a claimed row (when it was composed only after the claim, as the recap is).</summary>
    public async Task KeepPayloadAsync(Claim claim, Mail.MailMessage message, CancellationToken ct)
    {
        var row = new TableEntity(claim.PartitionKey, claim.RowKey);
        OutboxPayload.Write(row, message);
        if (row.Count > 2) await _table.UpsertEntityAsync(row, TableUpdateMode.Merge, ct).ConfigureAwait(false);
    }

    /// <summary>Records the outcome of a claimed row (merge: the claim's own properties stay).</summary>
    public async Task CompleteAsync(Claim claim, string state, string? reason = null, string? errorCode = null, bool transient = false,
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

    /// <summary>Records a decision not to send, once; false when the row already exists (sent, skipped or in progress).</summary>
    public async Task<bool> RecordSkipAsync(string partitionKey, string rowKey, IReadOnlyDictionary<string, object?> info, string reason, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var entity = new TableEntity(partitionKey, rowKey);
        foreach (var (k, v) in info) if (v is not null) entity[k] = v;
        entity["State"] = NotificationState.Skipped;
        entity["Reason"] = reason;
        entity["ClaimedAt"] = now;
        entity["CompletedAt"] = now;
        entity["Attempt"] = 1;
        return await _table.TryAddEntityAsync(entity, ct).ConfigureAwait(false);
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
public static class NotificationKeys
{
    public const string RecapRow = "recap";
    /// <summary>The dinas stage's single list of missing kampung for one period (docs/recaps-and-reminders.md).</summary>
    public const string DinasListRow = "dinas-list";
    public static string Partition(string regencyCode, Model.ReportingPeriod period) => StorageNames.RegencyPeriodKey(regencyCode, period);
    public static string ReminderRow(string areaCode, string stageKey) => $"{areaCode}_{stageKey}";
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
