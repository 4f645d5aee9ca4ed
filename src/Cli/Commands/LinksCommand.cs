using Azure.Data.Tables;
using System.Globalization;
using System.Text.Json;
using KampungKB.Cli.Dev;
using KampungKB.Core.Uploads.Links;
using KampungKB.Core.Model;
using KampungKB.Core.Rendering.Templating;
using KampungKB.Core.Store;
using KampungKB.Core.Registry;
using KampungKB.Core.Uploads.Feedback;
using KampungKB.Core.Uploads;

namespace KampungKB.Cli.Commands;

/// <summary>
/// <c>kkb links [--regency CODE] [--expires DAYS] [--json]</c>: one personal upload link per kampung in
/// the registry; <c>kkb links revoke AREA</c>: every link of that kampung stops working;
/// <c>kkb links rotate [--overlap DAYS] [--json]</c>: a new signing key for new links, older keys retired
/// after the overlap; <c>kkb links keys [--json]</c>: the signing keys and until when each verifies.
/// </summary>
internal static class LinksCommand
{
    private const string Name = "links";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static async Task<int> RunAsync(string[] args)
    {
        var t = CliTexts.Default;
        var revoke = args.FirstOrDefault() == "revoke";
        if (args.FirstOrDefault() is "rotate" or "keys") return await KeysCommandAsync(args[0], args[1..]);
        var options = CommandOptions.Parse(Name, revoke ? args[1..] : args, new HashSet<string> { "--regency", "--expires" }, new HashSet<string> { "--json" }, Console.Error);
        if (options is null) return CommandLine.Usage;
        if (revoke)
        {
            if (options.Positional.Count != 1 || !AreaCode.TryParse(options.Positional[0], out var area))
                return CommandLine.UsageError(Name, t.T("error.area", ("command", "links revoke"), ("value", options.Positional.FirstOrDefault() ?? "")));
            await using var renv = await LocalEnvironment.OpenAsync();
            await StorageBootstrap.EnsureAsync(renv.Blobs, renv.Tables, StorageNames.Default);
            return await RevokeAsync(Create(renv), renv.Tables, StorageNames.Default, area.Value, Console.Out, Console.Error);
        }
        if (!options.TryRegency(Console.Error, false, out var regency)) return CommandLine.Usage;
        var days = 90;
        if (options.Value("--expires") is { } e && (!int.TryParse(e, NumberStyles.None, CultureInfo.InvariantCulture, out days) || days is < 1 or > 3660))
            return CommandLine.UsageError(Name, t.T("error.expires", ("value", e)));

        await using var env = await LocalEnvironment.OpenAsync();
        await StorageBootstrap.EnsureAsync(env.Blobs, env.Tables, StorageNames.Default);
        var links = Create(env);
        await links.EnsureAsync();
        return await IssueAsync(links, env.Tables, StorageNames.Default, regency, TimeSpan.FromDays(days), options.Has("--json"), Console.Out, Console.Error);
    }

    /// <summary>One link per kampung (of one kabupaten/kota); an empty registry or a kabupaten/kota without kampung is an error, not an empty list.</summary>
    internal static async Task<int> IssueAsync(UploadLinks links, TableServiceClient tables, StorageNames names, string? regency, TimeSpan lifetime, bool json,
        TextWriter output, TextWriter error)
    {
        var t = CliTexts.Default;
        if (!await StorageCommands.RegistryHasEntriesAsync(tables, names, error)) return CommandLine.Rejected;
        var registry = new Stores(tables, names).Registry;
        var kampung = (await registry.ListAsync(regency)).OrderBy(k => k.AreaCode, StringComparer.Ordinal).ToList();
        if (kampung.Count == 0)
        {
            var known = (await registry.ListAsync()).Select(k => k.RegencyCode).Distinct().Order(StringComparer.Ordinal);
            error.WriteLine(t.T("registry.empty_regency", ("regency", regency), ("known", string.Join(", ", known))));
            return CommandLine.Rejected;
        }
        var issued = new List<IssuedLink>();
        try
        {
            foreach (var k in kampung) issued.Add(await links.IssueAsync(k, lifetime));
        }
        catch (InvalidOperationException)
        {
            error.WriteLine(t.T("links.all_retired"));
            return CommandLine.Rejected;
        }

        if (json)
        {
            output.WriteLine(JsonSerializer.Serialize(issued.Select(l => new { areaCode = l.AreaCode, kampung = l.Kampung, url = l.Url, keyId = l.KeyId, expiresAt = l.ExpiresAt }), Json));
            return CommandLine.Ok;
        }
        output.WriteLine(t.T("links.title", ("count", issued.Count), ("until", IndonesianFormat.Date(issued[0].ExpiresAt.UtcDateTime))));
        foreach (var l in issued) output.WriteLine($"{l.AreaCode}  {l.Kampung}\n    {l.Url}");
        return CommandLine.Ok;
    }

    /// <summary>Revokes every link of a registered kampung; an area code not in the registry is an error and revokes nothing.</summary>
    internal static async Task<int> RevokeAsync(UploadLinks links, TableServiceClient tables, StorageNames names, string area, TextWriter output, TextWriter error)
    {
        var t = CliTexts.Default;
        if (await new Stores(tables, names).Registry.GetAsync(area) is not { } kampung)
        {
            error.WriteLine(t.T("error.area_unknown", ("command", "links revoke"), ("value", area)));
            return CommandLine.Rejected;
        }
        await links.EnsureAsync();
        await links.RevokeAsync(area);
        output.WriteLine(t.T("links.revoked", ("area", area), ("name", kampung.Name), ("regency", kampung.RegencyCode)));
        return CommandLine.Ok;
    }

    private static async Task<int> KeysCommandAsync(string verb, string[] args)
    {
        var t = CliTexts.Default;
        var options = CommandOptions.Parse(Name, args, verb == "rotate" ? new HashSet<string> { "--overlap" } : new HashSet<string>(), new HashSet<string> { "--json" }, Console.Error);
        if (options is null) return CommandLine.Usage;
        if (options.Positional.Count > 0) return CommandLine.UsageError(Name, t.T("error.unexpected", ("command", "links " + verb), ("value", options.Positional[0])));
        var days = 30;
        if (options.Value("--overlap") is { } o && (!int.TryParse(o, NumberStyles.None, CultureInfo.InvariantCulture, out days) || days > 365))
            return CommandLine.UsageError(Name, t.T("error.overlap", ("value", o)));
        await using var env = await LocalEnvironment.OpenAsync();
        await StorageBootstrap.EnsureAsync(env.Blobs, env.Tables, StorageNames.Default);
        var links = Create(env);
        await links.EnsureAsync();
        return verb == "rotate"
            ? await RotateAsync(links, TimeSpan.FromDays(days), options.Has("--json"), Console.Out)
            : await ListKeysAsync(links, TimeProvider.System.GetUtcNow(), options.Has("--json"), Console.Out);
    }

    /// <summary>
    /// <c>kkb links rotate</c>: a new signing key for every link issued from now on; links signed with older keys keep
    /// working for <paramref name="overlap"/> (0: they stop at once, for a leaked key), then are refused.
    /// </summary>
    internal static async Task<int> RotateAsync(UploadLinks links, TimeSpan overlap, bool json, TextWriter output)
    {
        var t = CliTexts.Default;
        var rotation = await links.RotateAsync(overlap);
        if (json)
        {
            output.WriteLine(JsonSerializer.Serialize(new
            {
                keyId = rotation.Added.Id,
                createdAt = rotation.Added.CreatedAt,
                retiring = rotation.Retiring.Select(k => new { keyId = k.Id, retiresAt = k.RetiresAt }),
            }, Json));
            return CommandLine.Ok;
        }
        output.WriteLine(t.T("links.rotated", ("id", rotation.Added.Id)));
        foreach (var k in rotation.Retiring)
            output.WriteLine(t.T(overlap == TimeSpan.Zero ? "links.retired_now" : "links.retiring", ("id", k.Id), ("until", When(k.RetiresAt!.Value))));
        output.WriteLine(t.T("links.rotate_next"));
        return CommandLine.Ok;
    }

    /// <summary><c>kkb links keys</c>: every signing key, which one signs new links, and until when each verifies.</summary>
    internal static async Task<int> ListKeysAsync(UploadLinks links, DateTimeOffset now, bool json, TextWriter output)
    {
        var t = CliTexts.Default;
        var keys = await links.ListKeysAsync();
        var signing = new LinkKeyRing(keys).Signing(now);
        if (json)
        {
            output.WriteLine(JsonSerializer.Serialize(keys.Select(k => new
            {
                keyId = k.Id,
                createdAt = k.Id == LinkKeyRing.SettingKeyId ? (DateTimeOffset?)null : k.CreatedAt,
                retiresAt = k.RetiresAt,
                verifies = k.VerifiesAt(now),
                signsNewLinks = k.Id == signing?.Id,
            }), Json));
            return CommandLine.Ok;
        }
        foreach (var k in keys)
        {
            var state = k.Id == signing?.Id ? t.T("links.key_signing")
                : !k.VerifiesAt(now) ? t.T("links.key_retired", ("until", When(k.RetiresAt!.Value)))
                : k.RetiresAt is { } end ? t.T("links.key_until", ("until", When(end)))
                : t.T("links.key_valid");
            var origin = k.Id == LinkKeyRing.SettingKeyId ? t.T("links.key_setting") : IndonesianFormat.Date(k.CreatedAt.UtcDateTime);
            output.WriteLine($"{k.Id,-10} {origin,-22} {state}");
        }
        return CommandLine.Ok;
    }

    private static string When(DateTimeOffset at) => IndonesianFormat.Date(at.UtcDateTime) + " " + IndonesianFormat.Time(at.UtcDateTime) + " UTC";

    internal static UploadLinks Create(LocalEnvironment env)
    {
        LinkOptions.TryParseKey(LocalLinkKey.Resolve(env.Root), out var key, out var error);
        if (key.Length == 0) throw new InvalidOperationException("Links__SigningKey " + error);
        LinkOptions.TryParseBaseUrl(Environment.GetEnvironmentVariable("Links__BaseUrl"), out var baseUrl);
        return new UploadLinks(new LinkOptions { SigningKey = key, BaseUrl = baseUrl }, env.Stores.LinkKeys, TimeProvider.System);
    }

}
