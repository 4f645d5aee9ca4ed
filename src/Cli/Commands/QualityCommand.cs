using System.Globalization;
using System.Text.Json;
using Azure.Data.Tables;
using KampungKB.Cli.Dev;
using KampungKB.Core.Model;
using KampungKB.Core.Outbox.Notifications;
using KampungKB.Core.Jobs.Quality;
using KampungKB.Core.Jobs.Recaps;
using KampungKB.Core.Store;
using KampungKB.Core.Rendering.Templating;

namespace KampungKB.Cli.Commands;

/// <summary>
/// <c>kkb quality --regency CODE --period YYYY-MM [--json]</c>: the month's data-quality review (docs/quality.md):
/// kampung ranked to call first with every flag. <c>--json</c>: <c>{regency, period, checked, flags:[{kind, areaCode,
/// kampung, district, period, figure, label, value, expectedLow, expectedHigh, why}], ranking:[{rank, areaCode, name, district, score, flags}]}</c>.
/// </summary>
internal static class QualityCommand
{
    private const string Name = "quality";

    public static async Task<int> RunAsync(string[] args)
    {
        var options = CommandOptions.Parse(Name, args, new HashSet<string> { "--regency", "--period" }, new HashSet<string> { "--json" }, Console.Error);
        if (options is null || !options.TryRegency(Console.Error, true, out var code) || !options.TryPeriod(Console.Error, true, out var period))
            return CommandLine.Usage;
        if (!Notifications.TryLoadSettings(out var regencies, out _)) return CommandLine.Usage;
        await using var env = await LocalEnvironment.OpenAsync();
        await StorageBootstrap.EnsureAsync(env.Blobs, env.Tables, StorageNames.Default);
        return await ExecuteAsync(env.Tables, StorageNames.Default, regencies, code!, period!.Value, options.Has("--json"), Console.Out, Console.Error);
    }

    internal static async Task<int> ExecuteAsync(TableServiceClient tables, StorageNames names, IReadOnlyList<RegencySettings> regencies,
        string code, ReportingPeriod period, bool json, TextWriter output, TextWriter error)
    {
        if (!await StorageCommands.RegistryHasEntriesAsync(tables, names, error)) return CommandLine.Rejected;
        var scope = await RegencyScope.ResolveAsync(regencies, tables, names);
        if (scope.FirstOrDefault(r => r.Code == code) is not { } regency) return StorageCommands.UnknownRegency(Name, code, scope, error);
        var recap = RecapCatalogue.Load(LocalEnvironment.TemplatesDirectory);
        var stores = new Stores(tables, names);
        var report = await new QualityRun(stores.Registry, stores.Reports, new QualityReview(recap.Quality, recap.LabelOf)).RunAsync(regency.Code, period);
        output.Write(json ? Json(report) + Environment.NewLine : Human(report, recap.Quality, regency.Name));
        return CommandLine.Ok;
    }

    internal static string Json(QualityReport report) => JsonSerializer.Serialize(QualityListing.JsonShape(report), CommandLine.Json);

    internal static string Human(QualityReport report, QualityCatalogue catalogue, string regionName) => QualityListing.Human(report, catalogue, regionName);
}
