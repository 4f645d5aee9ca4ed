using Microsoft.Extensions.Logging;

namespace KampungKB.Core.Model;

/// <summary>Stable event ids for notification logs (ids and counts only, never names or addresses).</summary>
internal static class NotificationEvents
{
    public static readonly EventId RemindersRun = new(4001, nameof(RemindersRun));
    public static readonly EventId RecapSent = new(4002, nameof(RecapSent));
    public static readonly EventId RecapSkipped = new(4003, nameof(RecapSkipped));
    public static readonly EventId FeedbackMailed = new(4004, nameof(FeedbackMailed));
    public static readonly EventId FeedbackNotMailed = new(4005, nameof(FeedbackNotMailed));
    public static readonly EventId OutboxSwept = new(4006, nameof(OutboxSwept));
    /// <summary>A timer run failed after its in-run retries; recorded so the next run catches up.</summary>
    public static readonly EventId TimerRunMissed = new(4007, nameof(TimerRunMissed));
}
