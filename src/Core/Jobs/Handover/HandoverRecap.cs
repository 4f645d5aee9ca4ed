using KampungKB.Core.Rendering.Templating;

namespace KampungKB.Core.Jobs.Handover;

/// <summary>The handover workbook as the recap mail mentions it.</summary>
internal static class HandoverRecap
{
    /// <summary>The mail's line for <paramref name="plan"/>: attachment name and the ready / failing / no-figures counts.</summary>
    public static HandoverNoteView Note(HandoverPlan plan) => new(plan.AttachmentName, plan.Ready, plan.Failing, plan.NoFigures.Count);
}
