using KampungKB.Core.Uploads.Links;
using KampungKB.Core.Uploads;
using Azure.Data.Tables;
using KampungKB.Core.Outbox.Mail;
using KampungKB.Core.Model;
using KampungKB.Core.Outbox.Notifications;
using KampungKB.Core.Outbox.WhatsApp;
using KampungKB.Core.Jobs.Recaps;
using KampungKB.Core.Store;
using KampungKB.Core.Rendering.Templating;
using Microsoft.Extensions.Logging;
using KampungKB.Core.Registry;

namespace KampungKB.Core.Jobs.Reminders;

/// <summary>What a run did (or, in a dry run, would do) about one kampung, period and stage.</summary>
public static class ReminderActions
{
    public const string Sent = "sent";
    public const string Skipped = "skipped";
    public const string Failed = "failed";
    /// <summary>Already handled by an earlier or concurrent run: nothing done.</summary>
    public const string Already = "already";
    public const string WouldSend = "would-send";
    public const string WouldSkip = "would-skip";
}

public sealed record ReminderItem(
    string RegencyCode, ReportingPeriod Period, string AreaCode, string KampungName, string Stage, DateOnly StageDay,
    string RecipientRole, string Action, string? Reason, bool FileRejected = false, string Channel = ReminderChannels.Email);

/// <summary>How a reminder went out (docs/channels.md): mail, or a WhatsApp template message to an opted-in Pokja.</summary>
public static class ReminderChannels
{
    public const string Email = "email";
    public const string WhatsApp = "whatsapp";
}

public sealed record ReminderRunResult(string RegencyCode, DateOnly Today, bool DryRun, IReadOnlyList<ReminderItem> Items)
{
    public int Sent => Items.Count(i => i.Action == ReminderActions.Sent);
    public int Skipped => Items.Count(i => i.Action == ReminderActions.Skipped);
    public int Failed => Items.Count(i => i.Action == ReminderActions.Failed);
}

/// <summary>
/// Sends the reminders due on a (local) day for one kabupaten/kota, exactly once each: for every period
/// whose stages are current, every registered kampung without a report, every stage whose day has come.
/// Each message is claimed in the <c>Notifications</c> table (PK <c>{regency}_{period}</c>, RK
/// <c>{area}_{stage}</c>) before sending, so repeated, late or concurrent timer runs send it once. A run
/// after an outage catches up on every stage still missing, except "before the deadline" ones once the
/// deadline has passed and stages older than <see cref="CatchUpDays"/> days (recorded as skipped).
/// A kampung whose latest upload for the period was rejected is told that its file arrived and what to
/// fix (<see cref="ReminderView.Rejected"/>); every Pokja and PKB/PLKB reminder carries the kampung's own
/// upload link when <paramref name="links"/> is given.
/// </summary>
public sealed class ReminderRunner(TableServiceClient tables, StorageNames names, EmailTemplates templates, RecapCatalogue catalogue,
    IMailSender mail, TimeProvider time, ILogger<ReminderRunner> logger, UploadLinks? links = null, WhatsAppChannel? whatsApp = null)
{
    /// <summary>Opted in to WhatsApp, but the registry holds no usable number: recorded once per stage so the dinas sees it.</summary>
    public const string NoWhatsAppNumber = "no-whatsapp-number";

    /// <summary>How many of a rejected file's problems a reminder quotes.</summary>
    public const int TopProblems = 3;

    /// <summary>A stage whose day is more than this many days past is not sent any more (recorded as expired).</summary>
    public const int CatchUpDays = 10;

    private readonly RegistryStore _registry = new(tables, names);
    private readonly ReportStore _reports = new(tables, names);
    private readonly NotificationLedger _ledger = new(tables, names, time);
    private readonly UploadLog _uploads = new(tables, names);

    /// <param name="today">The local day to act for; default today in the regency's time zone.</param>
    public async Task<ReminderRunResult> RunAsync(RegencySettings regency, DateOnly? today = null, bool dryRun = false, CancellationToken ct = default)
    {
        var day = today ?? regency.TimeZone.Today(time);
        var items = new List<ReminderItem>();
        IReadOnlyList<RegistryEntry>? kampung = null;
        for (var (period, i) = (ReportingPeriod.Of(day).Previous, 0); i < 3; period = period.Previous, i++)
        {
            var stages = ReminderStages.For(regency, period);
            if (day < stages[0].Day || day > stages[^1].Day.AddDays(CatchUpDays)) continue;
            if (kampung is null)
            {
                kampung = (await _registry.ListAsync(regency.Code, ct).ConfigureAwait(false)).OrderBy(k => k.AreaCode, StringComparer.Ordinal).ToList();
                regency = regency.WithRegistry(kampung);
            }
            var reported = (await _reports.ListAsync(regency.Code, period, ct).ConfigureAwait(false)).Select(r => r.AreaCode).ToHashSet(StringComparer.Ordinal);
            var partition = NotificationKeys.Partition(regency.Code, period);
            var log = (await _ledger.ListAsync(partition, ct).ConfigureAwait(false))
                .ToDictionary(r => r.RowKey, StringComparer.Ordinal);
            var due = regency.DueDate(period);
            var uploads = await _uploads.ListForPeriodAsync(regency.Code, period, ct).ConfigureAwait(false);
            // As of the run's day: a dry run for an earlier date does not quote a file that arrived later.
            var asOf = RecapCompiler.EndOfDay(day, regency.TimeZone);
            var rejected = LatestRejected(uploads.Where(u => u.ReceivedAt < asOf).ToList(), period, regency);

            var missing = kampung.Where(k => !reported.Contains(k.AreaCode)).ToList();
            // Whether a reminder really reached someone (mail or WhatsApp), earlier or in this run: a later mail says
            // "Pokja sudah diingatkan" only then, else why not and whom to call.
            bool Reminded(string area, string role) =>
                log.Values.Any(r => r.AreaCode == area && r.RecipientRole == role && r.State == NotificationState.Sent)
                || items.Any(i => i.AreaCode == area && i.Period == period && i.RecipientRole == role && i.Action == ReminderActions.Sent);
            foreach (var k in missing)
            foreach (var stage in stages.Where(s => s.Day <= day && s.Stage != ReminderStage.Dinas))
            {
                var rowKey = NotificationKeys.ReminderRow(k.AreaCode, stage.Key);
                var to = Recipients(stage, k, regency);
                string? skip = stage.Stage == ReminderStage.BeforeDeadline && day > due ? ReminderSkipReasons.StaleBeforeDeadline
                    : day.DayNumber - stage.Day.DayNumber > CatchUpDays ? ReminderSkipReasons.Expired
                    : to.Count == 0 ? stage.Stage switch
                    {
                        ReminderStage.Escalation => ReminderSkipReasons.NoPkbEmail,
                        ReminderStage.Dinas => ReminderSkipReasons.NoDinasRecipients,
                        _ => ReminderSkipReasons.NoPokjaEmail,
                    }
                    : null;
                var fileRejected = rejected.GetValueOrDefault(k.AreaCode);
                if (whatsApp is { Enabled: true } && skip is not (ReminderSkipReasons.StaleBeforeDeadline or ReminderSkipReasons.Expired)
                    && stage.Stage is ReminderStage.BeforeDeadline or ReminderStage.AfterDeadline
                    && await WhatsAppReminderAsync(whatsApp, regency, period, k, stage, log, dryRun, ct).ConfigureAwait(false) is { } wa)
                    items.Add(wa);
                ReminderItem Item(string action, string? reason) =>
                    new(regency.Code, period, k.AreaCode, k.Name, stage.Key, stage.Day, stage.RecipientRole, action, reason, fileRejected is not null);

                if (log.TryGetValue(rowKey, out var existing) && !Retryable(existing))
                {
                    items.Add(Item(ReminderActions.Already, existing.State));
                    continue;
                }
                if (dryRun)
                {
                    items.Add(Item(skip is null ? ReminderActions.WouldSend : ReminderActions.WouldSkip, skip));
                    continue;
                }
                var info = Info(regency, period, k.AreaCode, stage);
                if (skip is not null)
                {
                    var recorded = await _ledger.RecordSkipAsync(partition, rowKey, info, skip, ct).ConfigureAwait(false);
                    items.Add(Item(recorded ? ReminderActions.Skipped : ReminderActions.Already, skip));
                    continue;
                }
                var previous = log.Values
                    .Where(r => r.AreaCode == k.AreaCode && r.State == NotificationState.Sent && r.CompletedAt is not null)
                    .OrderBy(r => r.CompletedAt).ThenBy(r => ReminderStages.Order(r.Stage))
                    .Select(r => new PreviousReminderRow(DateOnly.FromDateTime(regency.TimeZone.ToLocal(r.CompletedAt!.Value)), ReminderStages.Label(r.Stage, regency), r.RecipientRole ?? ""))
                    .ToList();
                var link = links is not null && stage.Stage != ReminderStage.Dinas
                    ? (await links.IssueAsync(k, cancellationToken: ct).ConfigureAwait(false)).Url : null;
                var rendered = templates.RenderReminder(View(regency, period, k, stage, day, previous, link, fileRejected) with
                {
                    PokjaReminded = Reminded(k.AreaCode, ReminderStages.RolePokja),
                    PkbReminded = Reminded(k.AreaCode, ReminderStages.RolePkb),
                    HasPokjaEmail = !string.IsNullOrWhiteSpace(k.PokjaEmail),
                    PokjaPhone = k.PokjaPhone,
                });
                var message = new MailMessage(to, [], rendered.Subject, rendered.Html, rendered.Text, [], regency.DinasName);
                var claim = await _ledger.TryClaimAsync(partition, rowKey, info, ct, message).ConfigureAwait(false);
                if (claim is null) { items.Add(Item(ReminderActions.Already, null)); continue; }
                var result = await _ledger.SendAsync(claim, mail, message, ct).ConfigureAwait(false);
                items.Add(result.Succeeded ? Item(ReminderActions.Sent, null) : Item(ReminderActions.Failed, result.ErrorCode));
            }
            if (stages.Single(s => s.Stage == ReminderStage.Dinas) is { } dinas && dinas.Day <= day && missing.Count > 0)
                items.Add(await DinasListAsync(regency, period, dinas, day, missing.Select(k => new DinasListRow(k.Name, k.AreaCode, k.Village, k.District, k.PkbName,
                    rejected.GetValueOrDefault(k.AreaCode), Reminded(k.AreaCode, ReminderStages.RolePokja), Reminded(k.AreaCode, ReminderStages.RolePkb),
                    !string.IsNullOrWhiteSpace(k.PokjaEmail), !string.IsNullOrWhiteSpace(k.PkbEmail), k.PokjaPhone)).ToList(), log, dryRun, ct).ConfigureAwait(false));
        }
        var outcome = new ReminderRunResult(regency.Code, day, dryRun, items);
        logger.LogInformation(NotificationEvents.RemindersRun,
            "Reminders {Regency} for {Day}: {Sent} sent, {Skipped} skipped, {Failed} failed, {Already} already handled{DryRun}",
            regency.Code, day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), outcome.Sent, outcome.Skipped, outcome.Failed,
            items.Count(i => i.Action == ReminderActions.Already), dryRun ? " (dry run)" : "");
        return outcome;
    }

    /// <summary>
    /// A reminder the dinas asked for from the dashboard (docs/dashboard.md): one mail to the kampung's Pokja for
    /// <paramref name="period"/>, with its upload link and, when its latest file was rejected, what to fix. Claimed in the
    /// <c>Notifications</c> table under <c>{area}_permintaan-dinas-{yyyyMMdd}</c> (the regency's local day), so a double tap,
    /// a reload or two staff at once send it once a day; the item's action says <c>sent</c>, <c>already</c>, <c>skipped</c>
    /// (no Pokja e-mail, recorded) or <c>failed</c>. Null when the kampung is not an active kampung of the regency.
    /// </summary>
    public async Task<ReminderItem?> SendOnRequestAsync(RegencySettings regency, ReportingPeriod period, string areaCode, CancellationToken ct = default)
    {
        var kampung = (await _registry.ListAsync(regency.Code, ct).ConfigureAwait(false)).ToList();
        var k = kampung.FirstOrDefault(e => e.AreaCode == areaCode);
        if (k is null) return null;
        regency = regency.WithRegistry(kampung);
        var day = regency.TimeZone.Today(time);
        var due = regency.DueDate(period);
        var key = OnRequestPrefix + day.ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture);
        var stage = new ReminderStageDay(day > due ? ReminderStage.AfterDeadline : ReminderStage.BeforeDeadline, key, day.DayNumber - due.DayNumber, day, ReminderStages.RolePokja);
        var partition = NotificationKeys.Partition(regency.Code, period);
        var rowKey = NotificationKeys.ReminderRow(k.AreaCode, key);
        ReminderItem Item(string action, string? reason) =>
            new(regency.Code, period, k.AreaCode, k.Name, key, day, ReminderStages.RolePokja, action, reason);
        var log = (await _ledger.ListAsync(partition, ct).ConfigureAwait(false)).ToDictionary(r => r.RowKey, StringComparer.Ordinal);
        if (log.TryGetValue(rowKey, out var existing) && !Retryable(existing)) return Item(ReminderActions.Already, existing.State);
        var info = Info(regency, period, k.AreaCode, stage);
        if (string.IsNullOrWhiteSpace(k.PokjaEmail))
            return Item(await _ledger.RecordSkipAsync(partition, rowKey, info, ReminderSkipReasons.NoPokjaEmail, ct).ConfigureAwait(false)
                ? ReminderActions.Skipped : ReminderActions.Already, ReminderSkipReasons.NoPokjaEmail);
        var uploads = await _uploads.ListForPeriodAsync(regency.Code, period, ct).ConfigureAwait(false);
        var fileRejected = LatestRejected(uploads, period, regency).GetValueOrDefault(k.AreaCode);
        var previous = log.Values
            .Where(r => r.AreaCode == k.AreaCode && r.State == NotificationState.Sent && r.CompletedAt is not null)
            .OrderBy(r => r.CompletedAt)
            .Select(r => new PreviousReminderRow(DateOnly.FromDateTime(regency.TimeZone.ToLocal(r.CompletedAt!.Value)), ReminderStages.Label(r.Stage, regency), r.RecipientRole ?? ""))
            .ToList();
        var link = links is null ? null : (await links.IssueAsync(k, cancellationToken: ct).ConfigureAwait(false)).Url;
        var rendered = templates.RenderReminder(View(regency, period, k, stage, day, previous, link, fileRejected) with
        {
            HasPokjaEmail = true,
            PokjaPhone = k.PokjaPhone,
        });
        var message = new MailMessage([k.PokjaEmail.Trim()], [], rendered.Subject, rendered.Html, rendered.Text, [], regency.DinasName);
        var claim = await _ledger.TryClaimAsync(partition, rowKey, info, ct, message).ConfigureAwait(false);
        if (claim is null) return Item(ReminderActions.Already, null);
        var result = await _ledger.SendAsync(claim, mail, message, ct).ConfigureAwait(false);
        return result.Succeeded ? Item(ReminderActions.Sent, null) : Item(ReminderActions.Failed, result.ErrorCode);
    }

    /// <summary>The stage key prefix of reminders the dinas asked for (<see cref="SendOnRequestAsync"/>).</summary>
    public const string OnRequestPrefix = "permintaan-dinas-";

    /// <summary>
    /// The dinas stage: one mail listing every kampung still without an accepted report, each with its status (sent
    /// nothing, or sent a file that was rejected, and why) and who was really reminded; claimed once per
    /// period under row <see cref="NotificationKeys.DinasListRow"/>. The item's area code is <c>*</c>.
    /// </summary>
    private async Task<ReminderItem> DinasListAsync(RegencySettings regency, ReportingPeriod period, ReminderStageDay stage, DateOnly day,
        IReadOnlyList<DinasListRow> missing, IReadOnlyDictionary<string, NotificationRecord> log, bool dryRun, CancellationToken ct)
    {
        var partition = NotificationKeys.Partition(regency.Code, period);
        var rowKey = NotificationKeys.DinasListRow;
        string? skip = day.DayNumber - stage.Day.DayNumber > CatchUpDays ? ReminderSkipReasons.Expired
            : regency.Recipients.Count == 0 ? ReminderSkipReasons.NoDinasRecipients : null;
        ReminderItem Item(string action, string? reason) =>
            new(regency.Code, period, "*", $"{missing.Count} kampung", stage.Key, stage.Day, stage.RecipientRole, action, reason);

        if (log.TryGetValue(rowKey, out var existing) && !Retryable(existing)) return Item(ReminderActions.Already, existing.State);
        if (dryRun) return Item(skip is null ? ReminderActions.WouldSend : ReminderActions.WouldSkip, skip);
        var info = Info(regency, period, null, stage);
        info["KampungCount"] = missing.Count;
        if (skip is not null)
            return Item(await _ledger.RecordSkipAsync(partition, rowKey, info, skip, ct).ConfigureAwait(false) ? ReminderActions.Skipped : ReminderActions.Already, skip);
        var month = IndonesianFormat.Month(period.ToString());
        var due = regency.DueDate(period);
        var rendered = templates.RenderDinasReminder(new DinasReminderView(regency.DinasName, period.ToString(), due, day.DayNumber - due.DayNumber,
            missing,
            catalogue.ReminderMissing.Select(m => m.Replace("{month}", month, StringComparison.Ordinal)).ToList(), HelpContact: null));
        var message = new MailMessage(regency.Recipients, [], rendered.Subject, rendered.Html, rendered.Text, [], regency.DinasName);
        var claim = await _ledger.TryClaimAsync(partition, rowKey, info, ct, message).ConfigureAwait(false);
        if (claim is null) return Item(ReminderActions.Already, null);
        var result = await _ledger.SendAsync(claim, mail, message, ct).ConfigureAwait(false);
        return result.Succeeded ? Item(ReminderActions.Sent, null) : Item(ReminderActions.Failed, result.ErrorCode);
    }

    /// <summary>
    /// The WhatsApp twin of a Pokja reminder (docs/channels.md): only for a kampung that opted in, under its own row
    /// <c>{area}_{stage}_wa</c> so mail and WhatsApp each go exactly once. Null when the kampung did not opt in.
    /// The number never leaves the message row (it is not logged, nor put in the item).
    /// </summary>
    private async Task<ReminderItem?> WhatsAppReminderAsync(WhatsAppChannel channel, RegencySettings regency, ReportingPeriod period, RegistryEntry k,
        ReminderStageDay stage, IReadOnlyDictionary<string, NotificationRecord> log, bool dryRun, CancellationToken ct)
    {
        if (channel.NumberFor(k) is not { } number) return null;
        var partition = NotificationKeys.Partition(regency.Code, period);
        var rowKey = NotificationKeys.ReminderRow(k.AreaCode, stage.Key) + NotificationKeys.WhatsAppSuffix;
        ReminderItem Item(string action, string? reason) =>
            new(regency.Code, period, k.AreaCode, k.Name, stage.Key, stage.Day, stage.RecipientRole, action, reason, Channel: ReminderChannels.WhatsApp);
        if (log.TryGetValue(rowKey, out var existing) && !Retryable(existing)) return Item(ReminderActions.Already, existing.State);
        var skip = number.Length == 0 ? NoWhatsAppNumber : null;
        if (dryRun) return Item(skip is null ? ReminderActions.WouldSend : ReminderActions.WouldSkip, skip);
        var info = Info(regency, period, k.AreaCode, stage);
        info["Channel"] = ReminderChannels.WhatsApp;
        if (skip is not null)
            return Item(await _ledger.RecordSkipAsync(partition, rowKey, info, skip, ct).ConfigureAwait(false) ? ReminderActions.Skipped : ReminderActions.Already, skip);
        var link = links is null ? null : (await links.IssueAsync(k, cancellationToken: ct).ConfigureAwait(false)).Url;
        var message = channel.Reminder(number, regency.DinasName, k, period, regency.DueDate(period), link);
        var claim = await _ledger.TryClaimAsync(partition, rowKey, info, message, ct).ConfigureAwait(false);
        if (claim is null) return Item(ReminderActions.Already, null);
        var result = await _ledger.SendAsync(claim, channel.Sender!, message, ct).ConfigureAwait(false);
        return result.Succeeded ? Item(ReminderActions.Sent, null) : Item(ReminderActions.Failed, result.ErrorCode);
    }

    /// <summary>A claimed row whose lease ran out, or a transient failure: a run may take it over (once, by ETag).</summary>
    private bool Retryable(NotificationRecord r) =>
        r.Attempt < NotificationLedger.MaxAttempts &&
        (r.State == NotificationState.Failed && r.Transient ||
         r.State == NotificationState.Claimed && r.ClaimedAt + NotificationLedger.Lease <= time.GetUtcNow());

    private static IReadOnlyList<string> Recipients(ReminderStageDay stage, RegistryEntry k, RegencySettings regency) => stage.Stage switch
    {
        ReminderStage.Escalation => string.IsNullOrWhiteSpace(k.PkbEmail) ? [] : [k.PkbEmail.Trim()],
        ReminderStage.Dinas => regency.Recipients,
        _ => string.IsNullOrWhiteSpace(k.PokjaEmail) ? [] : [k.PokjaEmail.Trim()],
    };

    private static Dictionary<string, object?> Info(RegencySettings regency, ReportingPeriod period, string? area, ReminderStageDay stage) => new()
    {
        ["Kind"] = NotificationKinds.Reminder,
        ["Regency"] = regency.Code,
        ["Period"] = period.ToString(),
        ["AreaCode"] = area,
        ["Stage"] = stage.Key,
        ["DueOn"] = stage.Day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        ["RecipientRole"] = stage.RecipientRole,
    };

    /// <summary>Per kampung, its latest upload for <paramref name="period"/> when that upload was rejected (uploads are newest first).</summary>
    private static Dictionary<string, RejectedUploadView> LatestRejected(IReadOnlyList<UploadRecord> uploads, ReportingPeriod period, RegencySettings regency)
    {
        var map = new Dictionary<string, RejectedUploadView>(StringComparer.Ordinal);
        foreach (var latest in uploads.Where(u => u.AreaCode is not null && u.Period == period).GroupBy(u => u.AreaCode!).Select(g => g.First()))
        {
            if (latest.Status != UploadStatus.Rejected) continue;
            var errors = latest.Problems.Where(p => p.Severity == Severity.Error).ToList();
            map[latest.AreaCode!] = new RejectedUploadView(
                latest.FileName, DateOnly.FromDateTime(regency.TimeZone.ToLocal(latest.ReceivedAt)), Math.Max(latest.ErrorCount, errors.Count),
                errors.Take(TopProblems).Select(p => ProblemRow.Of(p.Sheet, p.Row, p.Column, p.Text, p.Message)).ToList());
        }
        return map;
    }

    private ReminderView View(RegencySettings regency, ReportingPeriod period, RegistryEntry k, ReminderStageDay stage, DateOnly today,
        IReadOnlyList<PreviousReminderRow> previous, string? uploadLink, RejectedUploadView? rejected)
    {
        var month = IndonesianFormat.Month(period.ToString());
        var due = regency.DueDate(period);
        return new ReminderView(
            stage.Stage,
            stage.Stage switch
            {
                ReminderStage.Escalation => k.PkbName ?? "Bapak/Ibu PKB/PLKB",
                ReminderStage.Dinas => regency.DinasName,
                _ => "Pokja " + k.Name,
            },
            k.Name, k.AreaCode, k.Village, k.District, period.ToString(), due, today.DayNumber - due.DayNumber,
            catalogue.ReminderMissing.Select(m => m.Replace("{month}", month, StringComparison.Ordinal)).ToList(),
            uploadLink, UploadEmail: null, regency.DinasName,
            HelpContact: stage.Stage is ReminderStage.BeforeDeadline or ReminderStage.AfterDeadline ? Uploads.Feedback.TemplateFeedbackRenderer.HelpContactOf(k) : null,
            k.PkbName, previous, rejected);
    }
}
