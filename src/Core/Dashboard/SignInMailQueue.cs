using System.Threading.Channels;
using KampungKB.Core.Model;
using KampungKB.Core.Outbox.Mail;
using KampungKB.Core.Rendering.Templating;
using Microsoft.Extensions.Logging;

namespace KampungKB.Core.Dashboard;

/// <summary>
/// The sign-in mails, sent after the answer (docs/dashboard.md, "Sign-in"): <see cref="DashboardDesk.RequestLinkAsync"/> hands
/// every well-formed, not rate-limited request to this in-process queue, listed address or not, and answers at once; the
/// allowlist lookup, the token and the mail happen here. So the answer's time and content are the same for a listed and an
/// unlisted address (issue's rule: nothing tells an outsider whether an address is on the list). The app's hosted service
/// runs <see cref="RunAsync"/> for the worker's lifetime and, on shutdown, <see cref="Complete"/> then waits for what is
/// queued. A send that fails, or an exception, is logged as our error (event 5010, with the opaque user id only); the
/// person asks again, as for a mail that never arrives.
/// </summary>
public sealed class SignInMailQueue(DashboardStore store, DashboardOptions options, EmailTemplates email, IMailSender mail,
    IReadOnlyList<RegencySettings> regencies, DashboardTemplates templates, ILogger<SignInMailQueue> logger)
{
    /// <summary>Requests held before <see cref="DashboardDesk.RequestLinkAsync"/> waits for room (both kinds of address wait alike).</summary>
    public const int Capacity = 256;

    private readonly Channel<(string Address, DateTimeOffset At)> _queue = Channel.CreateBounded<(string, DateTimeOffset)>(
        new BoundedChannelOptions(Capacity) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true });
    private int _pending;

    /// <summary>Requests queued or being handled (tests wait for 0).</summary>
    internal int Pending => Volatile.Read(ref _pending);

    /// <summary>Queues one sign-in request made at <paramref name="at"/> (the link's 15 minutes count from then).</summary>
    internal async ValueTask EnqueueAsync(string address, DateTimeOffset at, CancellationToken ct)
    {
        Interlocked.Increment(ref _pending);
        try { await _queue.Writer.WriteAsync((address, at), ct).ConfigureAwait(false); }
        catch
        {
            Interlocked.Decrement(ref _pending);
            throw;
        }
    }

    /// <summary>No more requests: <see cref="RunAsync"/> ends once the queued ones are handled.</summary>
    public void Complete() => _queue.Writer.TryComplete();

    /// <summary>
    /// Handles queued requests one at a time until <see cref="Complete"/> and the queue is empty. <paramref name="abandon"/>
    /// cancels a send in flight (the host's shutdown gave up waiting); what is still queued then is logged as not sent.
    /// </summary>
    public async Task RunAsync(CancellationToken abandon)
    {
        try
        {
            await foreach (var (address, at) in _queue.Reader.ReadAllAsync(abandon).ConfigureAwait(false))
            {
                try { await SendAsync(address, at, abandon).ConfigureAwait(false); }
                catch (Exception e) when (!abandon.IsCancellationRequested)
                {
                    logger.LogError(DashboardEvents.LinkMailFailed, e, "Dashboard sign-in request for user {UserId} failed: internal-error", store.UserIdOf(address));
                }
                finally { Interlocked.Decrement(ref _pending); }
            }
        }
        catch (OperationCanceledException) when (abandon.IsCancellationRequested)
        {
            if (Pending > 0)
                logger.LogError(DashboardEvents.LinkMailFailed, "Dashboard sign-in requests not handled at shutdown: {Count} (internal-error; each person asks again)", Pending);
        }
    }

    private async Task SendAsync(string address, DateTimeOffset now, CancellationToken ct)
    {
        var user = await store.FindUserAsync(address, ct).ConfigureAwait(false);
        if (user is null)
        {
            logger.LogInformation(DashboardEvents.LinkRefused, "Dashboard sign-in link asked for an address not on the list (user {UserId})", store.UserIdOf(address));
            return;
        }
        var token = await store.IssueTokenAsync(user.UserId, now, ct).ConfigureAwait(false);
        var zone = user.Scope.Count > 0 ? LocalTime.ForProvince(user.Scope[0]) : LocalTime.Wib;
        var rendered = email.Render(EmailTemplates.DashboardSignIn, new
        {
            DinasName = DinasName(user),
            Link = store.SignInUrl(token),
            Minutes = DashboardDesk.Minutes(options.LinkLifetime),
            ValidUntil = IndonesianFormat.Time(zone.ToLocal(now + options.LinkLifetime)),
            TimeZone = zone.Label,
        });
        var result = await mail.SendAsync(new MailMessage([user.Email], [], rendered.Subject, rendered.Html, rendered.Text, [], templates.Text("app")), ct).ConfigureAwait(false);
        if (result.Succeeded)
            logger.LogInformation(DashboardEvents.LinkRequested, "Dashboard sign-in link for user {UserId}: {Status}", user.UserId, result.Status);
        else
            logger.LogError(DashboardEvents.LinkMailFailed, "Dashboard sign-in mail for user {UserId} not sent: {Status} {Code} (HTTP {HttpStatus})",
                user.UserId, result.Status, result.ErrorCode, result.HttpStatus);
    }

    private string DinasName(DashboardUser user) =>
        user.Role == DashboardRole.Regency && user.Scope.Count == 1
            ? (regencies.FirstOrDefault(r => r.Code == user.Scope[0]) ?? RegencySettings.Default(user.Scope[0])).DinasName
            : RegencySettings.DefaultDinasName;
}
