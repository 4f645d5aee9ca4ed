using KampungKB.Core.Uploads.MailIn;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace KampungKB.Functions.Functions;

/// <summary>
/// Email in (docs/channels.md): every 5 minutes reads the reporting mailbox (<c>MailIn__Mailbox</c>) through
/// Graph and turns each emailed spreadsheet into an upload answered by a reply. Off, and returning at once,
/// while the mailbox is not configured. A fixed schedule, not a setting. Graph or storage faults throw: the
/// next run resumes, the per-message claims keep it exactly once.
/// </summary>
public sealed class MailInFunctions(MailInProcessor mailIn, ILogger<MailInFunctions> logger)
{
    [Function(nameof(ReadMailIn))]
    public async Task<MailInRunResult> ReadMailIn([TimerTrigger("0 */5 * * * *")] TimerInfo timer, CancellationToken cancellationToken)
    {
        var result = await mailIn.RunAsync(cancellationToken);
        if (result.Enabled)
            logger.LogInformation(FunctionEvents.TimerRan, "mail in: {Messages} messages, {Uploads} uploads", result.Messages.Count, result.Uploads);
        return result;
    }
}
