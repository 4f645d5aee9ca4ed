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
    public const string Sent = NotificationActions.Sent;
    public const string Skipped = NotificationActions.Skipped;
    public const string Failed = NotificationActions.Failed;
    /// <summary>Already handled by an earlier or concurrent run: nothing done.</summary>
    public const string Already = NotificationActions.Already;
    public const string WouldSend = "would-send";
    public const string WouldSkip = "would-skip";
}

/// <summary>One line of a reminder run: <see cref="Stage"/> of one kampung (area <c>*</c>: the dinas list), what was done (<see cref="ReminderActions"/>) and why.</summary>
public sealed record ReminderItem(
    string RegencyCode, ReportingPeriod Period, string AreaCode, string KampungName, ReminderStage Stage, DateOnly StageDay,
    string RecipientRole, string Action, string? Reason, bool FileRejected = false, string Channel = ReminderChannels.Email);

/// <summary>How a reminder went out (docs/channels.md): mail, or a WhatsApp template message to an opted-in Pokja.</summary>
internal static class ReminderChannels
{
    public const string Email = "email";
    public const string WhatsApp = "whatsapp";
}

/// <summary>One reminder run for a regency on <see cref="Today"/>: every kampung's item with its action (sent, skipped, failed, already sent; would-send or would-skip in a dry run).</summary>
public sealed record ReminderRunResult(string RegencyCode, DateOnly Today, bool DryRun, IReadOnlyList<ReminderItem> Items)
{
    public int Sent => Items.Count(i => i.Action == ReminderActions.Sent);
    public int Skipped => Items.Count(i => i.Action == ReminderActions.Skipped);
    public int Failed => Items.Count(i => i.Action == ReminderActions.Failed);
}

/// <summary>
/// Sends the reminders due on a (local) day for one kabupaten/kota, exactly once each: <see cref="ReminderPlan"/> decides
/// from what this run reads which kampung get which stage (and why a due stage is not sent); this class reads, renders and
/// sends each message through <see cref="NotificationLedger.SendOnceAsync(NotificationRequest, MailMessage, IMailSender, CancellationToken)"/>
/// (PK <c>{regency}_{period}</c>, RK <c>{area}_{stage}</c>), so repeated, late or concurrent timer runs send it once.
/// A kampung whose latest upload for the period was rejected is told that its file arrived and what to
/// fix (<see cref="ReminderView.Rejected"/>); every Pokja and PKB/PLKB reminder carries the kampung's own
/// upload link when <paramref name="links"/> is given.
/// </summary>
/// <param name="registry">The registry it reads the kampung from (registered by <see cref="StorageServiceCollectionExtensions.AddKampungKBStores"/>).</param>
/// <param name="reports">Reports, for who has reported.</param>
/// <param name="uploads">The upload log, for a kampung's latest rejected file.</param>
/// <param name="tables">The table client the notification ledger keeps its rows in (<paramref name="names"/>' Notifications table).</param>
public sealed class ReminderRunner(RegistryStore registry, ReportStore reports, UploadLog uploads, TableServiceClient tables, StorageNames names,
    EmailTemplates templates, RecapCatalogue catalogue, IMailSender mail, TimeProvider time, ILogger<ReminderRunner> logger,
    UploadLinks? links = null, WhatsAppChannel? whatsApp = null)
{
    /// <summary>Opted in to WhatsApp, but the registry holds no usable number: recorded once per stage so the dinas sees it.</summary>
    public const string NoWhatsAppNumber = ReminderPlan.NoWhatsAppNumber;

    /// <summary>How many of a rejected file's problems a reminder quotes.</summary>
    public const int TopProblems = ReminderPlan.TopProblems;

    /// <summary>A stage whose day is more than this many days past is not sent any more (recorded as expired).</summary>
    public const int CatchUpDays = ReminderPlan.CatchUpDays;

    private readonly RegistryStore _registry = registry;
    private readonly ReportStore _reports = reports;
    private readonly NotificationLedger _ledger = new(tables, names, time);
    private readonly UploadLog _uploads = uploads;

    /// <param name="today">The local day to act for; default today in the regency's time zone.</param>
    public async Task<ReminderRunResult> RunAsync(RegencySettings regency, DateOnly? today = null, bool dryRun = false, CancellationToken ct = default)
    {
        var day = today ?? regency.TimeZone.Today(time);
        var items = new List<ReminderItem>();
        IReadOnlyList<RegistryEntry>? kampung = null;
        foreach (var period in ReminderPlan.Periods(regency, day))
        {
            if (kampung is null)
            {
                kampung = (await _registry.ListAsync(regency.Code, ct).ConfigureAwait(false)).OrderBy(k => k.AreaCode, StringComparer.Ordinal).ToList();
                regency = regency.WithRegistry(kampung);
            }
            var partition = NotificationKeys.Partition(regency.Code, period);
            var facts = new ReminderFacts(
                (await _reports.ListAsync(regency.Code, period, ct).ConfigureAwait(false)).Select(r => r.AreaCode).ToHashSet(StringComparer.Ordinal),
                (await _ledger.ListAsync(partition, ct).ConfigureAwait(false)).ToDictionary(r => r.RowKey, StringComparer.Ordinal),
                await _uploads.ListForPeriodAsync(regency.Code, period, ct).ConfigureAwait(false));
            var plan = ReminderPlan.Decide(regency, day, period, kampung, facts, time.GetUtcNow(), whatsApp is { Enabled: true } wa ? wa.NumberFor : null);

            // Whether a reminder really reached someone (mail or WhatsApp), earlier or in this run: a later mail says
            // "Pokja sudah diingatkan" only then, else why not and whom to call.
            bool Reminded(string area, string role) =>
                facts.Log.Values.Any(r => r.AreaCode == area && r.RecipientRole == role && r.State == NotificationState.Sent)
                || items.Any(i => i.AreaCode == area && i.Period == period && i.RecipientRole == role && i.Action == ReminderActions.Sent);
            foreach (var decision in plan.Decisions)
            {
                var k = decision.Kampung;
                var (action, reason) = decision switch
                {
                    { IsSettled: true } => (ReminderActions.Already, decision.Settled),
                    _ when dryRun => (decision.Skip is null ? ReminderActions.WouldSend : ReminderActions.WouldSkip, decision.Skip),
                    _ => await ActAsync(regency, decision, partition, plan, facts, Reminded, day, ct).ConfigureAwait(false),
                };
                items.Add(new ReminderItem(regency.Code, period, k?.AreaCode ?? "*", k?.Name ?? catalogue.ReminderText(RecapCatalogue.DinasListName, ("count", plan.Missing.Count.ToString(System.Globalization.CultureInfo.InvariantCulture))), decision.Stage.Stage,
                    decision.Stage.Day, decision.Stage.RecipientRole, action, reason, decision.Rejected is not null, decision.Channel));
            }
        }
        var outcome = new ReminderRunResult(regency.Code, day, dryRun, items);
        logger.LogInformation(NotificationEvents.RemindersRun,
            "Reminders {Regency} for {Day}: {Sent} sent, {Skipped} skipped, {Failed} failed, {Already} already handled{DryRun}",
            regency.Code, day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), outcome.Sent, outcome.Skipped, outcome.Failed,
            items.Count(i => i.Action == ReminderActions.Already), dryRun ? " (dry run)" : "");
        return outcome;
    }

    /// <summary>Records a planned skip, or renders and sends the message, once; the item's action and reason.</summary>
    private async Task<(string Action, string? Reason)> ActAsync(RegencySettings regency, ReminderDecision decision, string partition, ReminderPeriodPlan plan,
        ReminderFacts facts, Func<string, string, bool> reminded, DateOnly day, CancellationToken ct)
    {
        var (period, stage, k) = (decision.Period, decision.Stage, decision.Kampung);
        var request = new NotificationRequest(partition, decision.RowKey, NotificationKinds.Reminder, regency.Code)
        {
            Period = period.ToString(), AreaCode = k?.AreaCode, Stage = stage.Key, DueOn = stage.Day, RecipientRole = stage.RecipientRole,
            Channel = decision.Channel == ReminderChannels.WhatsApp ? ReminderChannels.WhatsApp : null,
            KampungCount = k is null ? plan.Missing.Count : null,
        };
        if (decision.Skip is { } skip) return ((await _ledger.SkipOnceAsync(request, skip, ct).ConfigureAwait(false)).Action, skip);

        NotificationOutcome sent;
        if (k is null)
            sent = await _ledger.SendOnceAsync(request, DinasList(regency, period, day, plan, reminded), mail, ct).ConfigureAwait(false);
        else if (decision.Channel == ReminderChannels.WhatsApp)
        {
            // The WhatsApp twin of a Pokja reminder (docs/channels.md), under its own row; the number never leaves the message row.
            var waLink = links is null ? null : (await links.IssueAsync(k, cancellationToken: ct).ConfigureAwait(false)).Url;
            var wa = whatsApp!.Reminder(decision.To[0], regency.DinasName, k, period, regency.DueDate(period), waLink);
            sent = await _ledger.SendOnceAsync(request, wa, whatsApp.Sender!, ct).ConfigureAwait(false);
        }
        else
        {
            var previous = facts.Log.Values
                .Where(r => r.AreaCode == k.AreaCode && r.State == NotificationState.Sent && r.CompletedAt is not null)
                .OrderBy(r => r.CompletedAt).ThenBy(r => ReminderStages.Order(r.Stage))
                .Select(r => new PreviousReminderRow(DateOnly.FromDateTime(regency.TimeZone.ToLocal(r.CompletedAt!.Value)), ReminderStages.Label(r.Stage, regency, catalogue), r.RecipientRole ?? ""))
                .ToList();
            var link = links is null ? null : (await links.IssueAsync(k, cancellationToken: ct).ConfigureAwait(false)).Url;
            var rendered = templates.RenderReminder(View(regency, period, k, stage, day, previous, link, decision.Rejected) with
            {
                PokjaReminded = reminded(k.AreaCode, RecipientRoles.Pokja),
                PkbReminded = reminded(k.AreaCode, RecipientRoles.Pkb),
                HasPokjaEmail = !string.IsNullOrWhiteSpace(k.PokjaEmail),
                PokjaPhone = k.PokjaPhone,
            });
            sent = await _ledger.SendOnceAsync(request, new MailMessage(decision.To, [], rendered.Subject, rendered.Html, rendered.Text, [], regency.DinasName), mail, ct)
                .ConfigureAwait(false);
        }
        return (sent.Action, sent.ErrorCode);
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
        var stage = new ReminderStageDay(day > due ? ReminderStage.AfterDeadline : ReminderStage.BeforeDeadline, day.DayNumber - due.DayNumber, day, RecipientRoles.Pokja);
        var partition = NotificationKeys.Partition(regency.Code, period);
        // Its own row per local day (not a stage's row): the timer's stages still go out as planned.
        var request = new NotificationRequest(partition, $"{k.AreaCode}_{key}", NotificationKinds.Reminder, regency.Code)
        {
            Period = period.ToString(), AreaCode = k.AreaCode, Stage = key, DueOn = day, RecipientRole = RecipientRoles.Pokja,
        };
        ReminderItem Item(string action, string? reason) =>
            new(regency.Code, period, k.AreaCode, k.Name, stage.Stage, day, RecipientRoles.Pokja, action, reason);
        if (string.IsNullOrWhiteSpace(k.PokjaEmail))
            return Item((await _ledger.SkipOnceAsync(request, ReminderSkipReasons.NoPokjaEmail, ct).ConfigureAwait(false)).Action, ReminderSkipReasons.NoPokjaEmail);
        var log = await _ledger.ListAsync(partition, ct).ConfigureAwait(false);
        var uploads = await _uploads.ListForPeriodAsync(regency.Code, period, ct).ConfigureAwait(false);
        var fileRejected = ReminderPlan.LatestRejected(uploads, period, regency).GetValueOrDefault(k.AreaCode);
        var previous = log
            .Where(r => r.AreaCode == k.AreaCode && r.State == NotificationState.Sent && r.CompletedAt is not null)
            .OrderBy(r => r.CompletedAt)
            .Select(r => new PreviousReminderRow(DateOnly.FromDateTime(regency.TimeZone.ToLocal(r.CompletedAt!.Value)), ReminderStages.Label(r.Stage, regency, catalogue), r.RecipientRole ?? ""))
            .ToList();
        // Composed only by the run that owns the row: a double tap issues no second upload link.
        var sent = await _ledger.SendOnceAsync(request, async token =>
        {
            var link = links is null ? null : (await links.IssueAsync(k, cancellationToken: token).ConfigureAwait(false)).Url;
            var rendered = templates.RenderReminder(View(regency, period, k, stage, day, previous, link, fileRejected) with
            {
                HasPokjaEmail = true,
                PokjaPhone = k.PokjaPhone,
            });
            return new MailMessage([k.PokjaEmail!.Trim()], [], rendered.Subject, rendered.Html, rendered.Text, [], regency.DinasName);
        }, mail, ct).ConfigureAwait(false);
        return Item(sent.Action, sent.ErrorCode);
    }

    /// <summary>The stage key prefix of reminders the dinas asked for (<see cref="SendOnRequestAsync"/>).</summary>
    public const string OnRequestPrefix = "permintaan-dinas-";

    /// <summary>
    /// The dinas stage: one mail listing every kampung still without an accepted report, each with its status (sent
    /// nothing, or sent a file that was rejected, and why) and who was really reminded; claimed once per
    /// period under row <see cref="NotificationKeys.DinasListRow"/>.
    /// </summary>
    private MailMessage DinasList(RegencySettings regency, ReportingPeriod period, DateOnly day, ReminderPeriodPlan plan, Func<string, string, bool> reminded)
    {
        var month = IndonesianFormat.Month(period.ToString());
        var due = regency.DueDate(period);
        var rows = plan.Missing.Select(k => new DinasListRow(k.Name, k.AreaCode, k.Village, k.District, k.PkbName,
            plan.Rejected.GetValueOrDefault(k.AreaCode), reminded(k.AreaCode, RecipientRoles.Pokja), reminded(k.AreaCode, RecipientRoles.Pkb),
            !string.IsNullOrWhiteSpace(k.PokjaEmail), !string.IsNullOrWhiteSpace(k.PkbEmail), k.PokjaPhone)).ToList();
        var rendered = templates.RenderDinasReminder(new DinasReminderView(regency.DinasName, period.ToString(), due, day.DayNumber - due.DayNumber,
            rows, catalogue.ReminderMissing.Select(m => m.Replace("{month}", month, StringComparison.Ordinal)).ToList(), HelpContact: null));
        return new MailMessage(regency.Recipients, [], rendered.Subject, rendered.Html, rendered.Text, [], regency.DinasName);
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
                ReminderStage.Escalation => k.PkbName ?? catalogue.ReminderText(RecapCatalogue.GreetingPkb),
                ReminderStage.Dinas => regency.DinasName,
                _ => catalogue.ReminderText(RecapCatalogue.GreetingPokja, ("name", k.Name)),
            },
            k.Name, k.AreaCode, k.Village, k.District, period.ToString(), due, today.DayNumber - due.DayNumber,
            catalogue.ReminderMissing.Select(m => m.Replace("{month}", month, StringComparison.Ordinal)).ToList(),
            uploadLink, UploadEmail: null, regency.DinasName,
            HelpContact: stage.Stage is ReminderStage.BeforeDeadline or ReminderStage.AfterDeadline ? Uploads.Feedback.TemplateFeedbackRenderer.HelpContactOf(k) : null,
            k.PkbName, previous, rejected);
    }
}
