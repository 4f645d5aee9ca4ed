using System.Text.Json;
using Azure.Data.Tables;
using KampungKB.Cli.Dev;
using KampungKB.Core.Jobs.Handover;
using KampungKB.Core.Uploads.Links;
using KampungKB.Core.Model;
using KampungKB.Core.Outbox.Notifications;
using KampungKB.Core.Store;
using KampungKB.Core.Rendering.Templating;

namespace KampungKB.Cli.Commands;

/// <summary>
/// <c>kkb handover --regency CODE --period YYYY-MM [--out DIR] [--json]</c>: writes the month's figures ready to
/// type into the BKKBN Kampung KB website (docs/handover.md) to <c>DIR/ketik-situs-kampung-kb-{CODE}-{YYYY-MM}.xlsx</c>
/// (default <c>.kkb/recaps</c>) and prints how many kampung are ready, failing the website's rules (named, with
/// the first failure) or without figures. <c>--json</c>: <c>{regency, period, xlsx, ready, failing, noFigures,
/// kampung:[{areaCode, name, ready, failures:[{form, field, value, rule, message}], link}], missing:[{areaCode, name, reported, lastFigures, link}]}</c>.
/// </summary>
internal static class HandoverCommand
{
    private const string Name = "handover";

    public static async Task<int> RunAsync(string[] args)
    {
        var options = CommandOptions.Parse(Name, args, new HashSet<string> { "--regency", "--period", "--out" }, new HashSet<string> { "--json" }, Console.Error);
        if (options is null || !options.TryRegency(Console.Error, true, out var code) || !options.TryPeriod(Console.Error, true, out var period))
            return CommandLine.Usage;
        var outDir = options.Value("--out") ?? Path.Combine(LocalEnvironment.RepositoryRoot, ".kkb", "recaps");
        if (!Notifications.TryLoadSettings(out var regencies, out _)) return CommandLine.Usage;
        await using var env = await LocalEnvironment.OpenAsync();
        await StorageBootstrap.EnsureAsync(env.Blobs, env.Tables, StorageNames.Default);
        var links = LinksCommand.Create(env);
        await links.EnsureAsync();
        return await ExecuteAsync(env.Tables, StorageNames.Default, regencies, links, code!, period!.Value, outDir, options.Has("--json"), Console.Out, Console.Error);
    }

    internal static async Task<int> ExecuteAsync(TableServiceClient tables, StorageNames names, IReadOnlyList<RegencySettings> regencies, UploadLinks? links,
        string code, ReportingPeriod period, string outDir, bool json, TextWriter output, TextWriter error)
    {
        if (!await StorageCommands.RegistryHasEntriesAsync(tables, names, error)) return CommandLine.Rejected;
        var scope = await RegencyScope.ResolveAsync(regencies, tables, names);
        if (scope.FirstOrDefault(r => r.Code == code) is not { } regency) return StorageCommands.UnknownRegency(Name, code, scope, error);
        var catalogue = HandoverCatalogue.Load(LocalEnvironment.TemplatesDirectory);
        var stores = new Stores(tables, names);
        var result = await new HandoverRun(stores.Registry, stores.Reports, catalogue, links).RunAsync(regency, period);
        Directory.CreateDirectory(outDir);
        var path = Path.Combine(outDir, result.Plan.AttachmentName);
        await File.WriteAllBytesAsync(path, result.Xlsx);
        var plan = result.Plan;
        if (json) output.WriteLine(Json(plan, path));
        else
            foreach (var line in HandoverListing.Lines(plan, catalogue, path)) output.WriteLine(line);
        return CommandLine.Ok;
    }

    internal static string Json(HandoverPlan plan, string path) => JsonSerializer.Serialize(HandoverListing.JsonShape(plan, path), CommandLine.Json);
}
