namespace KampungKB.Core.Model;

/// <summary>
/// A clock that starts at a chosen instant and then runs at real speed: the demo's one timeline, so the
/// sample uploads arrive, and reminders and the recap run, on the same simulated calendar (a real-dated
/// upload would be a year late for the sample period). Only <c>./kkb demo</c> uses it (app setting
/// <c>Demo__SimulatedNow</c>); deployed handlers run on <see cref="TimeProvider.System"/>.
/// </summary>
public sealed class SimulatedClock(DateTimeOffset start) : TimeProvider
{
    private readonly DateTimeOffset _realStart = System.GetUtcNow();

    /// <summary>The simulated instant now: <c>start</c> plus the real time elapsed since the clock was made.</summary>
    public override DateTimeOffset GetUtcNow() => start + (System.GetUtcNow() - _realStart);

    /// <summary>A real instant (a blob's Last-Modified) on the simulated timeline.</summary>
    public DateTimeOffset FromReal(DateTimeOffset real) => start + (real - _realStart);

    /// <summary>Maps a real instant through <paramref name="time"/> when it is simulated; otherwise returns it unchanged.</summary>
    public static DateTimeOffset Map(TimeProvider time, DateTimeOffset real) => time is SimulatedClock s ? s.FromReal(real) : real;
}
