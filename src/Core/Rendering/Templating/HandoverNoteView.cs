namespace KampungKB.Core.Rendering.Templating;

/// <summary>
/// The recap mail's line about the second attachment (<c>templates/email/partials/handover.hbs</c>): the workbook's
/// file name and how many kampung are ready to type into the BKKBN website, need fixing first, or have no figures.
/// </summary>
internal sealed record HandoverNoteView(string AttachmentName, int Ready, int Failing, int NoFigures);
