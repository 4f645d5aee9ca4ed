namespace KampungKB.Core.Handover;

/// <summary>The recap mail's line about the second attachment (<c>templates/email/partials/handover.hbs</c>).</summary>
public sealed record HandoverNoteView(string AttachmentName, int Ready, int Failing, int NoFigures)
{
    public static HandoverNoteView Of(HandoverPlan plan) => new(plan.AttachmentName, plan.Ready, plan.Failing, plan.NoFigures.Count);
}
