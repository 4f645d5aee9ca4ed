using Azure.Data.Tables;
using System.Globalization;
using System.Text.Json;
using KampungKB.Cli.Dev;
using KampungKB.Core.Links;
using KampungKB.Core.Model;
using KampungKB.Core.Templating;
using KampungKB.Core.Storage;
using KampungKB.Core.Registry;
using KampungKB.Core.Feedback;
using KampungKB.Core.Uploads;
using KampungKB.Core.Reports;

namespace KampungKB.Cli.Commands;

/// <summary>
/// <c>kkb links [--regency CODE] [--expires DAYS] [--json]</c>: one personal upload link per kampung in
/// the registry; <c>kkb links revoke AREA</c>: every link of that kampung stops working.
/// </summary>
internal static class LinksCommand
{
    private const string Name = "links";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static async Task<int> RunAsync(string[] args)
    {
        var t = CliTexts.Default;
        var revoke = args.FirstOrDefault() == "revoke";
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
        var registry = new RegistryStore(tables, names);
        var kampung = (await registry.ListAsync(regency)).OrderBy(k => k.AreaCode, StringComparer.Ordinal).ToList();
        if (kampung.Count == 0)
        {
            var known = (await registry.ListAsync()).Select(k => k.RegencyCode).Distinct().Order(StringComparer.Ordinal);
            error.WriteLine(t.T("registry.empty_regency", ("regency", regency), ("known", string.Join(", ", known))));
            return CommandLine.Rejected;
        }
        var issued = new List<IssuedLink>();
        foreach (var k in kampung) issued.Add(await links.IssueAsync(k, lifetime));

        if (json)
        {
            output.WriteLine(JsonSerializer.Serialize(issued.Select(l => new { areaCode = l.AreaCode, kampung = l.Kampung, url = l.Url }), Json));
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
        if (await new RegistryStore(tables, names).GetAsync(area) is not { } kampung)
        {
            error.WriteLine(t.T("error.area_unknown", ("command", "links revoke"), ("value", area)));
            return CommandLine.Rejected;
        }
        await links.EnsureAsync();
        await links.RevokeAsync(area);
        output.WriteLine(t.T("links.revoked", ("area", area), ("name", kampung.Name), ("regency", kampung.RegencyCode)));
        return CommandLine.Ok;
    }

    internal static UploadLinks Create(LocalEnvironment env)
    {
        LinkOptions.TryParseKey(LocalLinkKey.Resolve(env.Root), out var key, out var error);
        if (key.Length == 0) throw new InvalidOperationException("Links__SigningKey " + error);
        LinkOptions.TryParseBaseUrl(Environment.GetEnvironmentVariable("Links__BaseUrl"), out var baseUrl);
        return new UploadLinks(new LinkOptions { SigningKey = key, BaseUrl = baseUrl }, env.Tables, StorageNames.Default, TimeProvider.System);
    }

}
