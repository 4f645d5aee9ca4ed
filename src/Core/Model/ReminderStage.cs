namespace KampungKB.Core.Model;

/// <summary>
/// The four reminder stages of a missing report (domain.md, reminders and escalation): before the deadline (D−3),
/// after it (D+1), escalation to the PKB/PLKB (D+3), the list to the dinas (D+7); the offsets are
/// <see cref="RegencySettings.ReminderOffsets"/>, in this order. The one vocabulary of stages: code uses the enum,
/// the <c>Notifications</c> table, the CLI's JSON and the mail template names use <see cref="ReminderStageKeys.Key"/>.
/// </summary>
public enum ReminderStage { BeforeDeadline, AfterDeadline, Escalation, Dinas }

/// <summary>
/// The stored form of <see cref="ReminderStage"/>: <c>before-deadline</c>, <c>after-deadline</c>, <c>escalation</c>,
/// <c>dinas</c>, as every row already in the <c>Notifications</c> table holds it (column <c>Stage</c>, and the row key
/// <c>{area}_{key}</c>); these strings never change (docs/storage.md).
/// </summary>
public static class ReminderStageKeys
{
    private static readonly string[] Keys = ["before-deadline", "after-deadline", "escalation", "dinas"];

    /// <summary>The stage's stored key, e.g. <c>after-deadline</c>.</summary>
    public static string Key(this ReminderStage stage) => Keys[(int)stage];

    /// <summary>The stage a stored key names; false for anything else (a feedback row's <c>Stage</c> holds the upload status).</summary>
    public static bool TryParse(string? key, out ReminderStage stage)
    {
        var i = key is null ? -1 : Array.IndexOf(Keys, key);
        stage = i < 0 ? default : (ReminderStage)i;
        return i >= 0;
    }
}
