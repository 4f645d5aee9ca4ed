using System.Text.Json;
using Azure.Data.Tables;
using KampungKB.Cli.Dev;
using KampungKB.Core.Uploads.Drive;
using KampungKB.Core.Model;
using KampungKB.Core.Registry;
using KampungKB.Core.Store;
using KampungKB.Core.Rendering.Templating;
using Microsoft.Extensions.DependencyInjection;
using KampungKB.Core.Ingestion.Normalisation;

namespace KampungKB.Cli.Commands;

/// <summary>
/// <c>kkb drive</c> (docs/channels.md): <c>link AREA URL</c> links a registered kampung to its Pokja's
/// Google Drive folder (the folder URL forms people paste; anything else refused with how to copy the right
/// link); <c>unlink AREA</c>; <c>list [--regency] [--json]</c> the links and their state; <c>sync [--kampung]
/// [--json]</c> runs one <see cref="DriveSync"/> pass now with the app's own wiring (needs
/// <c>Drive__ServiceAccountKey</c>). Exit codes: 0 done, 1 refused (unknown kampung, not linked, channel off,
/// a folder unreachable), 2 usage, 3 failure.
/// </summary>
internal static class DriveCommand
{
    private const string Name = "drive";

    public static async Task<int> RunAsync(string[] args)
    {
        var t = CliTexts.Default;
        var sub = args.FirstOrDefault();
        if (sub is not ("link" or "unlink" or "list" or "sync"))
            return CommandLine.UsageError(Name, t.T("error.unknown_option", ("command", Name), ("option", sub ?? "")));
        var options = CommandOptions.Parse(Name, args[1..], new HashSet<string> { "--regency", "--kampung" }, new HashSet<string> { "--json" }, Console.Error);
        if (options is null) return CommandLine.Usage;
        if (sub is "link" or "unlink")
        {
            var expected = sub == "link" ? 2 : 1;
            if (options.Positional.Count != expected || !AreaCode.TryParse(options.Positional[0], out var area))
                return CommandLine.UsageError(Name, t.T("error.area", ("command", "drive " + sub), ("value", options.Positional.FirstOrDefault() ?? "")));
            string? folderId = null;
            if (sub == "link" && !TryFolder(options.Positional[1], Console.Error, out folderId)) return CommandLine.Usage;
            await using var env = await LocalEnvironment.OpenAsync();
            await StorageBootstrap.EnsureAsync(env.Blobs, env.Tables, StorageNames.Default);
            return sub == "link"
                ? await LinkAsync(env.Tables, StorageNames.Default, area, folderId!, Account(), TimeProvider.System, Console.Out, Console.Error)
                : await UnlinkAsync(env.Tables, StorageNames.Default, area, Console.Out, Console.Error);
        }
        if (sub == "list")
        {
            if (!options.TryRegency(Console.Error, false, out var regency)) return CommandLine.Usage;
            await using var env = await LocalEnvironment.OpenAsync();
            await StorageBootstrap.EnsureAsync(env.Blobs, env.Tables, StorageNames.Default);
            return await ListAsync(env.Stores.Drive, regency, Account(), options.Has("--json"), Console.Out);
        }

        string? kampung = null;
        if (options.Value("--kampung") is { } k)
        {
            if (!AreaCode.TryParse(k, out var a)) return CommandLine.UsageError(Name, t.T("error.area", ("command", "drive sync"), ("value", k)));
            kampung = a.Value;
        }
        await using (var env = await LocalEnvironment.OpenAsync())
        {
            await StorageBootstrap.EnsureAsync(env.Blobs, env.Tables, StorageNames.Default);
            var functions = await env.StartFunctionsAsync();
            var drive = functions.Services.GetRequiredService<DriveSync>();
            if (!drive.Enabled)
            {
                Console.Error.WriteLine(t.T("drive.off"));
                return CommandLine.Rejected;
            }
            if (kampung is not null && (await drive.Store.ListAsync(areaCode: kampung)).Count == 0)
            {
                Console.Error.WriteLine(t.T("drive.not_linked", ("area", kampung)));
                return CommandLine.Rejected;
            }
            var result = await drive.RunAsync(kampung);
            return PrintSync(result, env.Source, options.Has("--json"), Console.Out);
        }
    }

    /// <summary>The folder id of a pasted address; false after writing the Indonesian reason and usage.</summary>
    internal static bool TryFolder(string text, TextWriter error, out string folderId)
    {
        if (DriveFolderUrl.TryParse(text, out folderId, out var refusal)) return true;
        CommandLine.UsageError(Name, CliTexts.Default.T("drive.url." + refusal, ("value", text)), error);
        return false;
    }

    /// <summary>The service account's address from <c>Drive__ServiceAccountKey</c>, when set and readable.</summary>
    private static string? Account()
    {
        var key = Environment.GetEnvironmentVariable("Drive__ServiceAccountKey");
        if (string.IsNullOrWhiteSpace(key)) return null;
        try { return ServiceAccountAccessToken.FromKey(key).Account; }
        catch (InvalidOperationException) { return null; }
    }

    /// <summary>Links a registered kampung; an area code not in the registry links nothing.</summary>
    internal static async Task<int> LinkAsync(TableServiceClient tables, StorageNames names, AreaCode area, string folderId, string? account, TimeProvider time,
        TextWriter output, TextWriter error)
    {
        var t = CliTexts.Default;
        var stores = new Stores(tables, names);
        if (await stores.Registry.GetAsync(area.Value) is not { } kampung)
        {
            error.WriteLine(t.T("drive.area_unknown", ("value", area.Value)));
            return CommandLine.Rejected;
        }
        var link = await stores.Drive.LinkAsync(area, folderId, time.GetUtcNow());
        output.WriteLine(t.T("drive.linked", ("url", link.Url), ("area", area.Value), ("name", kampung.Name), ("account", account ?? t.T("drive.account_unknown"))));
        return CommandLine.Ok;
    }

    internal static async Task<int> UnlinkAsync(TableServiceClient tables, StorageNames names, AreaCode area, TextWriter output, TextWriter error)
    {
        var t = CliTexts.Default;
        if (!await new Stores(tables, names).Drive.UnlinkAsync(area))
        {
            error.WriteLine(t.T("drive.not_linked", ("area", area.Value)));
            return CommandLine.Rejected;
        }
        output.WriteLine(t.T("drive.unlinked", ("area", area.Value)));
        return CommandLine.Ok;
    }

    /// <summary>Every link with its state; <c>--json</c>: <c>[{areaCode, folderId, url, state, failures, lastError, lastPassAt, copied}]</c>.</summary>
    internal static async Task<int> ListAsync(DriveStore store, string? regency, string? account, bool json, TextWriter output)
    {
        var t = CliTexts.Default;
        var links = await store.ListAsync(regency);
        if (json)
        {
            output.WriteLine(JsonSerializer.Serialize(links.Select(l => new
            {
                areaCode = l.AreaCode, folderId = l.FolderId, url = l.Url, state = l.State, failures = l.Failures, lastError = l.LastError,
                lastPassAt = l.LastPassAt, copied = l.CopiedTotal,
            }), CommandLine.Json));
            return CommandLine.Ok;
        }
        var scope = regency is null ? "" : " (" + regency + ")";
        if (links.Count == 0)
        {
            output.WriteLine(t.T("drive.list.none", ("scope", scope)));
            return CommandLine.Ok;
        }
        output.WriteLine(t.T("drive.list.title", ("count", links.Count), ("scope", scope), ("account", account ?? t.T("drive.account_unknown"))));
        foreach (var l in links)
            output.WriteLine(t.T("drive.list.item", ("area", l.AreaCode), ("state", t.T("drive.state." + l.State, ("error", l.LastError ?? ""))),
                ("copied", l.CopiedTotal), ("url", l.Url),
                ("last", l.LastPassAt is { } at ? t.T("drive.list.last", ("at", IndonesianFormat.Date(at.UtcDateTime))) : "")));
        return CommandLine.Ok;
    }

    /// <summary>Prints one pass (text or JSON: <c>{copied, requests, folders:[{areaCode, outcome, error, copied[], unchanged, ignored[], removed[], tooLarge[], failed[]}]}</c>); exit 1 when a folder could not be read.</summary>
    internal static int PrintSync(DriveSyncResult result, string source, bool json, TextWriter output)
    {
        var t = CliTexts.Default;
        if (json)
            output.WriteLine(JsonSerializer.Serialize(new
            {
                copied = result.Copied, requests = result.Requests,
                folders = result.Folders.Select(f => new
                {
                    areaCode = f.AreaCode, outcome = f.Outcome, error = f.Error, copied = f.Copied, unchanged = f.Unchanged,
                    ignored = f.Ignored, removed = f.Removed, tooLarge = f.TooLarge, failed = f.Failed,
                }),
            }, CommandLine.Json));
        else
        {
            output.WriteLine(t.T("drive.sync.title", ("source", source), ("folders", result.Folders.Count), ("copied", result.Copied), ("requests", result.Requests)));
            foreach (var f in result.Folders)
            {
                output.WriteLine(t.T("drive.sync.folder", ("area", f.AreaCode), ("outcome", t.T("drive.outcome." + f.Outcome, ("error", f.Error ?? "")))));
                foreach (var c in f.Copied) output.WriteLine(t.T("drive.sync.copied", ("file", c)));
                if (f.Unchanged > 0) output.WriteLine(t.T("drive.sync.unchanged", ("count", f.Unchanged)));
                foreach (var c in f.Ignored) output.WriteLine(t.T("drive.sync.ignored", ("file", c)));
                foreach (var c in f.Removed) output.WriteLine(t.T("drive.sync.removed", ("file", c)));
                foreach (var c in f.TooLarge) output.WriteLine(t.T("drive.sync.too_large", ("file", c)));
                foreach (var c in f.Failed) output.WriteLine(t.T("drive.sync.failed", ("file", c)));
            }
        }
        return result.Folders.Any(f => f.Outcome is DriveFolderOutcomes.Unreachable or DriveFolderOutcomes.GivenUp) ? CommandLine.Rejected : CommandLine.Ok;
    }
}
