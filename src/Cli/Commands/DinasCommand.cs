using System.Text.Json;
using KampungKB.Cli.Dev;
using KampungKB.Core.Dashboard;
using KampungKB.Core.Store;
using KampungKB.Core.Uploads.Links;

namespace KampungKB.Cli.Commands;

/// <summary>
/// <c>kkb dinas</c> (docs/dashboard.md): the dashboard's allowlist. <c>add EMAIL --regency 63.71[,63.72]</c> or
/// <c>add EMAIL --province 63</c> lists an address (again: replaces its role and scope); <c>list [--json]</c> shows every
/// address with its role and scope; <c>remove EMAIL</c> takes it off and ends its sessions at once; <c>link EMAIL</c>
/// prints a single-use sign-in link for a listed address (for an address whose mail does not arrive, and locally). Exit codes: 0 done,
/// 1 refused (remove of an address not listed), 2 usage, 3 failure.
/// </summary>
internal static class DinasCommand
{
    private const string Name = "dinas";

    public static async Task<int> RunAsync(string[] args)
    {
        var t = CliTexts.Default;
        var sub = args.FirstOrDefault();
        if (sub is not ("add" or "list" or "remove" or "link"))
            return CommandLine.UsageError(Name, t.T("error.unknown_option", ("command", Name), ("option", sub ?? "")));
        var options = CommandOptions.Parse(Name, args[1..], new HashSet<string> { "--regency", "--province" }, new HashSet<string> { "--json" }, Console.Error);
        if (options is null) return CommandLine.Usage;
        (DashboardRole Role, IReadOnlyList<string> Scope)? grant = null;
        if (sub is "add" or "remove" or "link")
        {
            if (options.Positional.Count != 1 || !LooksLikeAddress(options.Positional[0]))
                return CommandLine.UsageError(Name, t.T("dinas.email_invalid", ("value", options.Positional.FirstOrDefault() ?? "")));
        }
        if (sub == "add")
        {
            grant = Grant(options.Value("--regency"), options.Value("--province"));
            if (grant is null) return CommandLine.UsageError(Name, t.T("dinas.scope_invalid"));
        }
        await using var env = await LocalEnvironment.OpenAsync();
        await StorageBootstrap.EnsureAsync(env.Blobs, env.Tables, StorageNames.Default);
        var store = Store(env);
        return sub switch
        {
            "add" => await AddAsync(store, options.Positional[0], grant!.Value.Role, grant.Value.Scope, TimeProvider.System, Console.Out),
            "remove" => await RemoveAsync(store, options.Positional[0], Console.Out, Console.Error),
            "link" => await LinkAsync(store, options.Positional[0], TimeProvider.System, Console.Out, Console.Error),
            _ => await ListAsync(store, options.Has("--json"), Console.Out),
        };
    }

    /// <summary>The role and scope of <c>--regency A,B</c> or <c>--province P</c> (exactly one of them, every code well formed); else null.</summary>
    internal static (DashboardRole Role, IReadOnlyList<string> Scope)? Grant(string? regency, string? province)
    {
        if ((regency is null) == (province is null)) return null;
        var codes = (regency ?? province)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal).ToList();
        if (codes.Count == 0) return null;
        if (regency is not null) return codes.All(DashboardSession.IsRegencyCode) ? (DashboardRole.Regency, codes) : null;
        return codes.All(DashboardSession.IsProvinceCode) ? (DashboardRole.Province, codes) : null;
    }

    internal static bool LooksLikeAddress(string text) =>
        text.Length <= 254 && System.Net.Mail.MailAddress.TryCreate(text.Trim(), out var a) && a.Address == text.Trim() && a.Host.Contains('.', StringComparison.Ordinal);

    internal static async Task<int> AddAsync(DashboardStore store, string email, DashboardRole role, IReadOnlyList<string> scope, TimeProvider time, TextWriter output)
    {
        var user = await store.AddUserAsync(email, role, scope, time.GetUtcNow());
        output.WriteLine(CliTexts.Default.T(role == DashboardRole.Province ? "dinas.added_province" : "dinas.added_regency",
            ("email", user.Email), ("scope", string.Join(", ", scope))));
        return CommandLine.Ok;
    }

    internal static async Task<int> RemoveAsync(DashboardStore store, string email, TextWriter output, TextWriter error)
    {
        if (!await store.RemoveUserAsync(email))
        {
            error.WriteLine(CliTexts.Default.T("dinas.not_listed", ("email", DashboardStore.Normalize(email))));
            return CommandLine.Rejected;
        }
        output.WriteLine(CliTexts.Default.T("dinas.removed", ("email", DashboardStore.Normalize(email))));
        return CommandLine.Ok;
    }

    /// <summary>
    /// A sign-in link for a listed address, printed instead of mailed (the operator already holds the storage, so this
    /// opens nothing they could not): single use, <see cref="DashboardOptions.LinkLifetime"/> long, like a mailed one.
    /// </summary>
    internal static async Task<int> LinkAsync(DashboardStore store, string email, TimeProvider time, TextWriter output, TextWriter error)
    {
        if (await store.FindUserAsync(email) is not { } user)
        {
            error.WriteLine(CliTexts.Default.T("dinas.not_listed", ("email", DashboardStore.Normalize(email))));
            return CommandLine.Rejected;
        }
        var token = await store.IssueTokenAsync(user.UserId, time.GetUtcNow());
        output.WriteLine(CliTexts.Default.T("dinas.link", ("email", user.Email), ("url", store.SignInUrl(token)),
            ("minutes", ((int)store.Options.LinkLifetime.TotalMinutes).ToString(System.Globalization.CultureInfo.InvariantCulture))));
        return CommandLine.Ok;
    }

    /// <summary>Every listed address; <c>--json</c>: <c>[{email, role, scope:[…], addedAt}]</c>.</summary>
    internal static async Task<int> ListAsync(DashboardStore store, bool json, TextWriter output)
    {
        var t = CliTexts.Default;
        var users = await store.ListUsersAsync();
        if (json)
        {
            output.WriteLine(JsonSerializer.Serialize(users.Select(u => new
            {
                email = u.Email, role = u.Role == DashboardRole.Province ? "province" : "regency", scope = u.Scope, addedAt = u.AddedAt,
            }), CommandLine.Json));
            return CommandLine.Ok;
        }
        if (users.Count == 0) { output.WriteLine(t.T("dinas.none")); return CommandLine.Ok; }
        foreach (var u in users)
            output.WriteLine($"{u.Email}  {t.T(u.Role == DashboardRole.Province ? "dinas.role_province" : "dinas.role_regency")} {string.Join(", ", u.Scope)}");
        return CommandLine.Ok;
    }

    /// <summary>The dashboard's store with the key the app derives (from the same <c>Links__SigningKey</c>).</summary>
    internal static DashboardStore Store(LocalEnvironment env)
    {
        LinkOptions.TryParseKey(LocalLinkKey.Resolve(env.Root), out var key, out var error);
        if (key.Length == 0) throw new InvalidOperationException("Links__SigningKey " + error);
        LinkOptions.TryParseBaseUrl(Environment.GetEnvironmentVariable("Links__BaseUrl"), out var baseUrl);
        return new DashboardStore(env.Tables, StorageNames.Default, DashboardOptions.From(key, baseUrl));
    }
}
