using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using KampungKB.Core.Model;
using KampungKB.Core.Rendering.Templating;

namespace KampungKB.Core.Outbox.WhatsApp;

/// <summary>
/// WhatsApp as a second channel beside mail (docs/channels.md): opt-in per kampung (registry columns
/// "Setuju Pesan WhatsApp" and "Nomor WhatsApp Pokja", else "No. HP Ketua Pokja"); reminders and feedback
/// summaries as the approved template messages named in <c>templates/whatsapp/templates.json</c> (names,
/// language, body parameters in order; the Indonesian texts registered at Meta are kept there too and checked at
/// start-up to use exactly <c>{{1}}…{{n}}</c>). Sending goes through the notification outbox, one row per message.
/// </summary>
public sealed partial class WhatsAppChannel
{
    /// <summary>Parameters of the reminder template, in order: dinas, kampung, month, deadline, upload link.</summary>
    public const int ReminderParameters = 5;
    /// <summary>Parameters of the feedback template, in order: kampung, month, status, number of errors, link.</summary>
    public const int FeedbackParameters = 5;

    private readonly Templates? _templates;

    private WhatsAppChannel(IWhatsAppSender? sender, Templates? templates)
    {
        Sender = sender;
        _templates = templates;
    }

    /// <summary>WhatsApp switched off: nothing is ever sent or recorded.</summary>
    public static WhatsAppChannel Off { get; } = new(null, null);

    /// <summary>The sender, null when off.</summary>
    public IWhatsAppSender? Sender { get; }
    public bool Enabled => Sender is not null && _templates is not null;

    /// <summary>Loads and checks <c>templates/whatsapp/templates.json</c>; <see cref="Off"/> when <paramref name="sender"/> is null.</summary>
    /// <exception cref="InvalidDataException">The file is missing or a template is incomplete (all problems named).</exception>
    public static WhatsAppChannel Load(string templatesDirectory, IWhatsAppSender? sender)
    {
        var file = Path.Combine(templatesDirectory, "whatsapp", "templates.json");
        if (!File.Exists(file)) throw new InvalidDataException($"missing {file}");
        Templates? t;
        try { t = JsonSerializer.Deserialize<Templates>(File.ReadAllText(file, Encoding.UTF8), new JsonSerializerOptions(JsonSerializerDefaults.Web)); }
        catch (JsonException e) { throw new InvalidDataException($"{file}: {e.Message}", e); }
        var problems = new List<string>();
        if (t is null || string.IsNullOrWhiteSpace(t.Language)) problems.Add("language");
        Check(t?.Reminder, "reminder", ReminderParameters, problems);
        Check(t?.Feedback, "feedback", FeedbackParameters, problems);
        foreach (var status in new[] { UploadStatus.Accepted, UploadStatus.Rejected, UploadStatus.Unchanged, UploadStatus.Superseded })
            if (t?.Status is null || !t.Status.TryGetValue(status, out var s) || string.IsNullOrWhiteSpace(s)) problems.Add($"status.{status}");
        if (string.IsNullOrWhiteSpace(t?.NoLink)) problems.Add("noLink");
        if (problems.Count > 0) throw new InvalidDataException($"{file}: missing or wrong {string.Join(", ", problems)}");
        return sender is null ? Off : new WhatsAppChannel(sender, t);
    }

    private static void Check(Template? template, string name, int parameters, List<string> problems)
    {
        if (template is null || string.IsNullOrWhiteSpace(template.Name) || !TemplateName().IsMatch(template.Name)) { problems.Add($"{name}.name"); return; }
        var used = Placeholder().Matches(template.Text ?? "").Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).Distinct().Order().ToList();
        if (!used.SequenceEqual(Enumerable.Range(1, parameters))) problems.Add($"{name}.text (needs {{{{1}}}}…{{{{{parameters}}}}})");
    }

    /// <summary>The number to message for <paramref name="kampung"/>: null when it did not opt in; <see cref="NoNumber"/> when it did but no usable number is registered.</summary>
    public string? NumberFor(RegistryEntry kampung)
    {
        if (!Enabled || !kampung.WhatsAppOptIn) return null;
        return PhoneNumber.ToWhatsApp(kampung.WhatsAppNumber ?? kampung.PokjaPhone) ?? NoNumber;
    }

    /// <summary>Marker of <see cref="NumberFor"/>: opted in, but the registry's number is missing or not a mobile number.</summary>
    public const string NoNumber = "";

    /// <summary>The reminder template message for a kampung that has not reported.</summary>
    public WhatsAppMessage Reminder(string to, string dinasName, RegistryEntry kampung, ReportingPeriod period, DateOnly deadline, string? uploadLink)
    {
        var t = _templates ?? throw new InvalidOperationException("WhatsApp is off.");
        return new(to, t.Reminder!.Name!, t.Language!,
            [dinasName, kampung.Name, IndonesianFormat.Month(period.ToString()), IndonesianFormat.Date(deadline), uploadLink ?? t.NoLink!]);
    }

    /// <summary>The feedback summary template message of one upload.</summary>
    internal WhatsAppMessage Feedback(string to, FeedbackDocument feedback, string? link)
    {
        var t = _templates ?? throw new InvalidOperationException("WhatsApp is off.");
        return new(to, t.Feedback!.Name!, t.Language!,
        [
            feedback.Kampung?.Name ?? "-",
            feedback.Period is { } p ? IndonesianFormat.Month(p.ToString()) : "-",
            t.Status!.GetValueOrDefault(feedback.Status) ?? feedback.Status,
            feedback.ErrorTotal.ToString(System.Globalization.CultureInfo.GetCultureInfo("id-ID")),
            link ?? t.NoLink!,
        ]);
    }

    private sealed record Template(string? Name, IReadOnlyList<string>? Parameters, string? Text);
    private sealed record Templates(string? Language, Template? Reminder, Template? Feedback, Dictionary<string, string>? Status, string? NoLink);

    [GeneratedRegex(@"\{\{(\d+)\}\}")]
    private static partial Regex Placeholder();

    [GeneratedRegex("^[a-z0-9_]{1,512}$")]
    private static partial Regex TemplateName();
}
