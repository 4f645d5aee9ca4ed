using KampungKB.Core.Model;

namespace KampungKB.Core.Uploads.Feedback;

/// <summary>
/// Tells the uploader what became of an upload (the same content as the feedback page), exactly once per
/// upload id. The pipeline knows only this port; the mail implementation is MailFeedbackNotifier.
/// Implementations must not throw on user data or mail refusals; storage faults may propagate (the host retries).
/// </summary>
internal interface IFeedbackNotifier
{
    Task NotifyAsync(FeedbackDocument feedback, CancellationToken cancellationToken = default);
}
