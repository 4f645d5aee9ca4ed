using Microsoft.Extensions.Logging;

namespace KampungKB.Core.Model;

/// <summary>Stable event ids for the dashboard's logs: opaque user ids, regency codes and counts, never an address or a name.</summary>
internal static class DashboardEvents
{
    public static readonly EventId LinkRequested = new(5001, nameof(LinkRequested));
    public static readonly EventId LinkRefused = new(5002, nameof(LinkRefused));
    public static readonly EventId SignedIn = new(5003, nameof(SignedIn));
    public static readonly EventId SignInRefused = new(5004, nameof(SignInRefused));
    public static readonly EventId SignedOut = new(5005, nameof(SignedOut));
    public static readonly EventId AccessRefused = new(5006, nameof(AccessRefused));
    public static readonly EventId RateLimited = new(5007, nameof(RateLimited));
    public static readonly EventId ReminderRequested = new(5008, nameof(ReminderRequested));
    public static readonly EventId CsrfRefused = new(5009, nameof(CsrfRefused));
    /// <summary>A queued sign-in mail not sent (the mail service refused it, or our own fault): an error of ours, not the person's.</summary>
    public static readonly EventId LinkMailFailed = new(5010, nameof(LinkMailFailed));
}
