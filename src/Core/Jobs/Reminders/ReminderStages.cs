using KampungKB.Core.Model;
using KampungKB.Core.Rendering.Templating;
using KampungKB.Core.Outbox.Notifications;

namespace KampungKB.Core.Jobs.Reminders;

/// <summary>One stage of the reminder schedule for one period: its key, the local day it is due, and who reads it.</summary>
public sealed record ReminderStageDay(ReminderStage Stage, string Key, int Offset, DateOnly Day, string RecipientRole);

/// <summary>
/// The four reminder stages (domain.md): before the deadline (D−3), after it (D+1), escalation to the
/// PKB/PLKB (D+3), the dinas (D+7); offsets come from <see cref="RegencySettings.ReminderOffsets"/>.
/// </summary>
public static class ReminderStages
{
    public const string BeforeDeadline = "before-deadline";
    public const string AfterDeadline = "after-deadline";
    public const string Escalation = "escalation";
    public const string Dinas = "dinas";
    public const string RolePokja = RecipientRoles.Pokja;
    public const string RolePkb = RecipientRoles.Pkb;
    public const string RoleDinas = RecipientRoles.Dinas;

    public static readonly IReadOnlyList<string> Keys = [BeforeDeadline, AfterDeadline, Escalation, Dinas];

    public static IReadOnlyList<ReminderStageDay> For(RegencySettings regency, ReportingPeriod period)
    {
        var due = regency.DueDate(period);
        var o = regency.ReminderOffsets;
        return
        [
            new(ReminderStage.BeforeDeadline, BeforeDeadline, o[0], due.AddDays(o[0]), RolePokja),
            new(ReminderStage.AfterDeadline, AfterDeadline, o[1], due.AddDays(o[1]), RolePokja),
            new(ReminderStage.Escalation, Escalation, o[2], due.AddDays(o[2]), RolePkb),
            new(ReminderStage.Dinas, Dinas, o[3], due.AddDays(o[3]), RoleDinas),
        ];
    }

    public static int Order(string? key) => key is null ? -1 : Keys.ToList().IndexOf(key);

    /// <summary>"Pengingat H-3", "Pengingat H+1", "Eskalasi PKB/PLKB H+3", "Laporan ke dinas H+7".</summary>
    public static string Label(string? key, RegencySettings regency)
    {
        var i = Order(key);
        if (key is not null && key.StartsWith(ReminderRunner.OnRequestPrefix, StringComparison.Ordinal)) return "Pengingat dari dinas";
        if (i < 0) return key ?? "";
        var offset = regency.ReminderOffsets[i];
        var h = offset < 0 ? $"H{offset}" : $"H+{offset}";
        return key switch
        {
            Escalation => $"Eskalasi PKB/PLKB {h}",
            Dinas => $"Laporan ke dinas {h}",
            _ => $"Pengingat {h}",
        };
    }
}
