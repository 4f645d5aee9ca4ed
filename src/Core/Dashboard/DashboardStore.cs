using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using KampungKB.Core.Store;

namespace KampungKB.Core.Dashboard;

/// <summary>One allowlisted dinas user: the address (kept only here, never logged), role and scope.</summary>
public sealed record DashboardUser(string UserId, string Email, DashboardRole Role, IReadOnlyList<string> Scope, DateTimeOffset AddedAt);

/// <summary>
/// The dashboard's four tables (docs/storage.md): the allowlist (<c>DashboardUsers</c>), single-use sign-in tokens
/// (<c>DashboardTokens</c>), sessions (<c>DashboardSessions</c>) and the sign-in rate limit (<c>DashboardThrottle</c>).
/// Tokens and session cookies are stored only as SHA-256 hashes; a row is "used" by deleting it with its ETag, so of two
/// concurrent uses exactly one wins.
/// </summary>
public sealed class DashboardStore(TableServiceClient tables, StorageNames names, DashboardOptions options)
{
    private const string UserPartition = "user";

    /// <summary>The settings this store was made with (lifetimes, base URL).</summary>
    public DashboardOptions Options => options;

    /// <summary>The address of a sign-in link: the page <c>/api/dashboard/masuk</c> with the token in the fragment (never sent to a server).</summary>
    public string SignInUrl(string token) => options.Url(DashboardRoutes.SignInPath()) + "#" + token;
    private const string TokenPartition = "token";
    private const string SessionPartition = "session";
    private readonly TableClient _users = tables.GetTableClient(names.DashboardUsersTable);
    private readonly TableClient _tokens = tables.GetTableClient(names.DashboardTokensTable);
    private readonly TableClient _sessions = tables.GetTableClient(names.DashboardSessionsTable);
    private readonly TableClient _throttle = tables.GetTableClient(names.DashboardThrottleTable);

    /// <summary>The opaque id of an address: HMAC-SHA256 of the trimmed, lower-cased address under the dashboard key, 32 hex digits.</summary>
    public string UserIdOf(string email) => Keyed("u:" + Normalize(email));

    /// <summary>The trimmed, lower-cased form an address is compared in.</summary>
    public static string Normalize(string email) => email.Trim().ToLowerInvariant();

    private string Keyed(string text) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(options.Key, Encoding.UTF8.GetBytes(text)))[..32];

    private static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    /// <summary>A new random secret: 32 bytes, base64url (43 characters).</summary>
    public static string NewSecret() => Base64Url(RandomNumberGenerator.GetBytes(32));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    // ---- allowlist ----

    /// <summary>Adds or replaces the user of <paramref name="email"/> (role and scope as given).</summary>
    public async Task<DashboardUser> AddUserAsync(string email, DashboardRole role, IReadOnlyList<string> scope, DateTimeOffset now, CancellationToken ct = default)
    {
        var user = new DashboardUser(UserIdOf(email), Normalize(email), role, scope, now);
        await _users.UpsertEntityAsync(new TableEntity(UserPartition, user.UserId)
        {
            ["Email"] = user.Email,
            ["Role"] = role == DashboardRole.Province ? "province" : "regency",
            ["Scope"] = string.Join(",", scope),
            ["AddedAt"] = now,
        }, TableUpdateMode.Replace, ct).ConfigureAwait(false);
        return user;
    }

    /// <summary>The user of an address, or null when it is not on the list.</summary>
    public Task<DashboardUser?> FindUserAsync(string email, CancellationToken ct = default) => GetUserAsync(UserIdOf(email), ct);

    /// <summary>The user of an id, or null when it is (no longer) on the list.</summary>
    public async Task<DashboardUser?> GetUserAsync(string userId, CancellationToken ct = default)
    {
        var e = await _users.GetEntityIfExistsAsync<TableEntity>(UserPartition, userId, cancellationToken: ct).ConfigureAwait(false);
        return e.HasValue && e.Value is { } v ? ToUser(v) : null;
    }

    /// <summary>Every allowlisted user, by address.</summary>
    public async Task<IReadOnlyList<DashboardUser>> ListUsersAsync(CancellationToken ct = default)
    {
        var list = new List<DashboardUser>();
        await foreach (var e in _users.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {UserPartition}"), cancellationToken: ct).ConfigureAwait(false))
            list.Add(ToUser(e));
        return list.OrderBy(u => u.Email, StringComparer.Ordinal).ToList();
    }

    /// <summary>Removes an address from the list and ends its sessions; false when it was not listed.</summary>
    public async Task<bool> RemoveUserAsync(string email, CancellationToken ct = default)
    {
        var id = UserIdOf(email);
        var removed = false;
        try { await _users.DeleteEntityAsync(UserPartition, id, ETag.All, ct).ConfigureAwait(false); removed = true; }
        catch (RequestFailedException e) when (e.Status == 404) { }
        // Sessions are few (one per sign-in, 12 h): one filtered query of their partition.
        await foreach (var s in _sessions.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {SessionPartition} and UserId eq {id}"), cancellationToken: ct).ConfigureAwait(false))
        {
            try { await _sessions.DeleteEntityAsync(s.PartitionKey, s.RowKey, ETag.All, ct).ConfigureAwait(false); }
            catch (RequestFailedException e) when (e.Status == 404) { }
        }
        return removed;
    }

    private static DashboardUser ToUser(TableEntity e) => new(
        e.RowKey, e.GetString("Email") ?? "", e.GetString("Role") == "province" ? DashboardRole.Province : DashboardRole.Regency,
        (e.GetString("Scope") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
        e.GetDateTimeOffset("AddedAt") ?? DateTimeOffset.MinValue);

    // ---- sign-in tokens ----

    /// <summary>Stores a new single-use token for <paramref name="userId"/> and returns it (the row keeps only its hash).</summary>
    public async Task<string> IssueTokenAsync(string userId, DateTimeOffset now, CancellationToken ct = default)
    {
        var token = NewSecret();
        await _tokens.AddEntityAsync(new TableEntity(TokenPartition, Hash(token))
        {
            ["UserId"] = userId,
            ["IssuedAt"] = now,
            ["ExpiresAt"] = now + options.LinkLifetime,
        }, ct).ConfigureAwait(false);
        return token;
    }

    /// <summary>
    /// Uses a token: the user id when it exists, has not expired and this call deleted it (by ETag, so only one use
    /// ever succeeds); null for an unknown, used, expired or malformed token. An expired row is deleted too.
    /// </summary>
    public async Task<string?> ConsumeTokenAsync(string? token, DateTimeOffset now, CancellationToken ct = default)
    {
        if (token is null || token.Length is < 20 or > 100 || !token.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')) return null;
        var found = await _tokens.GetEntityIfExistsAsync<TableEntity>(TokenPartition, Hash(token), cancellationToken: ct).ConfigureAwait(false);
        if (!found.HasValue || found.Value is not { } row) return null;
        try { await _tokens.DeleteEntityAsync(row.PartitionKey, row.RowKey, row.ETag, ct).ConfigureAwait(false); }
        catch (RequestFailedException e) when (e.Status is 404 or 412) { return null; }
        return row.GetDateTimeOffset("ExpiresAt") is { } expires && expires > now ? row.GetString("UserId") : null;
    }

    // ---- sessions ----

    /// <summary>A stored session: its user, the CSRF token of its forms and when it ends.</summary>
    internal sealed record StoredSession(string SessionId, string UserId, string Csrf, DateTimeOffset ExpiresAt);

    /// <summary>Starts a session; returns the cookie value (the row keeps only its hash) and the stored session.</summary>
    internal async Task<(string Cookie, StoredSession Session)> StartSessionAsync(string userId, DateTimeOffset now, CancellationToken ct = default)
    {
        var cookie = NewSecret();
        var session = new StoredSession(Hash(cookie)[..32], userId, NewSecret(), now + options.SessionLifetime);
        await _sessions.AddEntityAsync(new TableEntity(SessionPartition, Hash(cookie))
        {
            ["UserId"] = userId,
            ["Csrf"] = session.Csrf,
            ["StartedAt"] = now,
            ["ExpiresAt"] = session.ExpiresAt,
        }, ct).ConfigureAwait(false);
        return (cookie, session);
    }

    /// <summary>The live session of a cookie value, or null (unknown, revoked, expired or malformed).</summary>
    internal async Task<StoredSession?> GetSessionAsync(string? cookie, DateTimeOffset now, CancellationToken ct = default)
    {
        if (cookie is null || cookie.Length is < 20 or > 100 || !cookie.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')) return null;
        var hash = Hash(cookie);
        var found = await _sessions.GetEntityIfExistsAsync<TableEntity>(SessionPartition, hash, cancellationToken: ct).ConfigureAwait(false);
        if (!found.HasValue || found.Value is not { } row) return null;
        var expires = row.GetDateTimeOffset("ExpiresAt") ?? DateTimeOffset.MinValue;
        if (expires <= now) return null;
        return new StoredSession(hash[..32], row.GetString("UserId") ?? "", row.GetString("Csrf") ?? "", expires);
    }

    /// <summary>Ends the session of a cookie value (sign-out); nothing when there is none.</summary>
    public async Task EndSessionAsync(string? cookie, CancellationToken ct = default)
    {
        if (string.IsNullOrEmpty(cookie) || cookie.Length > 100) return;
        try { await _sessions.DeleteEntityAsync(SessionPartition, Hash(cookie), ETag.All, ct).ConfigureAwait(false); }
        catch (RequestFailedException e) when (e.Status == 404) { }
    }

    // ---- rate limit ----

    /// <summary>
    /// Counts one sign-in request against <paramref name="subject"/> (e.g. <c>a:{address}</c> or <c>i:{ip}</c>, hashed under
    /// the dashboard key) in the current window; false once <paramref name="limit"/> requests were counted there.
    /// Increments by ETag (retried on a conflict), so concurrent requests are each counted.
    /// </summary>
    public async Task<bool> CountAsync(string subject, int limit, DateTimeOffset now, CancellationToken ct = default)
    {
        var window = options.ThrottleWindow.Ticks;
        var start = new DateTimeOffset(now.UtcTicks - now.UtcTicks % window, TimeSpan.Zero);
        var pk = Keyed("t:" + subject);
        var rk = start.UtcTicks.ToString("D19", System.Globalization.CultureInfo.InvariantCulture);
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var found = await _throttle.GetEntityIfExistsAsync<TableEntity>(pk, rk, cancellationToken: ct).ConfigureAwait(false);
            try
            {
                if (!found.HasValue || found.Value is null)
                {
                    await _throttle.AddEntityAsync(new TableEntity(pk, rk) { ["Count"] = 1, ["WindowEnds"] = start + options.ThrottleWindow }, ct).ConfigureAwait(false);
                    return limit >= 1;
                }
                var count = found.Value.GetInt32("Count") ?? 0;
                if (count >= limit) return false;
                found.Value["Count"] = count + 1;
                await _throttle.UpdateEntityAsync(found.Value, found.Value.ETag, TableUpdateMode.Replace, ct).ConfigureAwait(false);
                return true;
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412) { }
        }
        return false;
    }
}
