using System.Globalization;
using KampungKB.Core.Jobs.Recaps;
using KampungKB.Core.Model;
using KampungKB.Core.Outbox.Notifications;

namespace KampungKB.Core.Jobs.Reminders;

/// <summary>One stage of the reminder schedule for one period: the stage, its offset from the deadline in days, the local day it is due, and who reads it.</summary>
internal sealed record ReminderStageDay(ReminderStage Stage, int Offset, DateOnly Day, string RecipientRole)
{
    /// <summary>The stored key (<see cref="ReminderStageKeys.Key"/>): the <c>Stage</c> column and the row key's suffix.</summary>
    public string Key => Stage.Key();
}

/// <summary>
/// The schedule of the four <see cref="ReminderStage"/>s (domain.md): before the deadline (D−3), after it (D+1),
/// escalation to the PKB/PLKB (D+3), the dinas (D+7); offsets come from <see cref="RegencySettings.ReminderOffsets"/>.
/// </summary>
public static class ReminderStages
{
    /// <summary>The stages of <paramref name="period"/>, in order, with their local days.</summary>
    internal static IReadOnlyList<ReminderStageDay> For(RegencySettings regency, ReportingPeriod period)
    {
        var due = regency.DueDate(period);
        var o = regency.ReminderOffsets;
        return
        [
            new(ReminderStage.BeforeDeadline, o[0], due.AddDays(o[0]), RecipientRoles.Pokja),
            new(ReminderStage.AfterDeadline, o[1], due.AddDays(o[1]), RecipientRoles.Pokja),
            new(ReminderStage.Escalation, o[2], due.AddDays(o[2]), RecipientRoles.Pkb),
            new(ReminderStage.Dinas, o[3], due.AddDays(o[3]), RecipientRoles.Dinas),
        ];
    }

    /// <summary>The position of a stored stage key (0–3), or −1 for anything else (null, a feedback row's upload status).</summary>
    public static int Order(string? key) => ReminderStageKeys.TryParse(key, out var stage) ? (int)stage : -1;

    /// <summary>
    /// "Pengingat H-3", "Pengingat H+1", "Eskalasi PKB/PLKB H+3", "Laporan ke dinas H+7": the stage's label of
    /// <c>reminderStages</c> in templates/messages/indicator-labels.json (<paramref name="labels"/>) with its offset.
    /// </summary>
    public static string Label(ReminderStage stage, RegencySettings regency, RecapCatalogue labels)
    {
        var offset = regency.ReminderOffsets[(int)stage];
        return labels.ReminderStageLabel(stage.Key(), offset < 0 ? offset.ToString(CultureInfo.InvariantCulture) : "+" + offset.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>The label of a stored stage key (a reminder the dinas asked for: "Pengingat dari dinas"); any other text is returned as it is.</summary>
    public static string Label(string? key, RegencySettings regency, RecapCatalogue labels) =>
        ReminderStageKeys.TryParse(key, out var stage) ? Label(stage, regency, labels)
        : key is not null && key.StartsWith(ReminderRunner.OnRequestPrefix, StringComparison.Ordinal) ? labels.ReminderStageLabel(RecapCatalogue.OnRequestStage)
        : key ?? "";
}
