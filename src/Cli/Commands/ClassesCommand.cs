using System.Globalization;
using System.Text.Json;
using KampungKB.Cli.Dev;
using KampungKB.Core.Jobs.Classes;
using KampungKB.Core.Model;
using KampungKB.Core.Registry;
using KampungKB.Core.Store;

namespace KampungKB.Cli.Commands;

/// <summary>
/// <c>kkb classes --regency CODE --period YYYY-MM [--json]</c>: the computed class of every registered kampung
/// (docs/classification.md) with its 12 scores, 3 indices, the registry's official class and what is missing.
/// <c>--json</c> prints <c>{"regency","period","kampung":[{"areaCode","name","scores":{…12…},"indices":{"input","proses","output"},
/// "class","officialClass","missing":[…],"populationAsOf","kkbpkAsOf","refused":[{"period","uploadId","problems":[codes]}],
/// "checkedClass","checkedReason"}],"distribution":{class: count}}</c>, classes spelled dasar, berkembang, mandiri, berkelanjutan.
/// <c>class</c> is the BKKBN website's class from everything the cadre reported (refused uploads included, listed in
/// <c>refused</c>); <c>checkedClass</c> (null when the same) is the class from data that passed our validation only.
/// </summary>
internal static class ClassesCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var catalogue = ClassCatalogue.Load(TemplatesDirectory());
        var options = CommandOptions.Parse("classes", args, new HashSet<string> { "--regency", "--period" }, new HashSet<string> { "--json" }, Console.Error);
        if (options is null || !options.TryRegency(Console.Error, true, out var code) || !options.TryPeriod(Console.Error, true, out var p) || p is not { } period)
            return CommandLine.Usage;
        await using var env = await LocalEnvironment.OpenAsync();
        await StorageBootstrap.EnsureAsync(env.Blobs, env.Tables, StorageNames.Default);
        if (!await StorageCommands.RegistryHasEntriesAsync(env.Tables, StorageNames.Default, Console.Error)) return CommandLine.Rejected;
        var reader = new ClassReader(env.Stores.Registry, env.Stores.Reports, new KampungClassifier(catalogue));
        var report = await reader.ReadAsync(code!, period);
        if (report.IsEmpty)
        {
            // Like recap and reports: an unknown kabupaten/kota is an error that names the known ones.
            var known = (await env.Stores.Registry.ListAsync()).Select(e => e.RegencyCode).Distinct().Order(StringComparer.Ordinal);
            Console.Error.WriteLine(CliTexts.Default.T("error.regency_unknown", ("command", "classes"), ("value", code!), ("known", string.Join(", ", known))));
            return CommandLine.Rejected;
        }

        if (options.Has("--json")) Console.WriteLine(Json(report, catalogue));
        else Console.Write(Human(report, catalogue, TopClassLabel(code!)));
        return CommandLine.Ok;
    }

    /// <summary>The JSON shape given in docs/classification.md, exactly (<see cref="ClassListing.JsonShape"/>).</summary>
    internal static string Json(ClassReport report, ClassCatalogue catalogue) => JsonSerializer.Serialize(ClassListing.JsonShape(report, catalogue), CommandLine.Json);

    /// <summary>
    /// The regency's word for the top class (<c>Regencies__{PPKK}__TopClassLabel</c>: Paripurna or Berkelanjutan),
    /// as the recap uses it; null when the regency has no settings here (the catalogue's own label then).
    /// </summary>
    internal static string? TopClassLabel(string regencyCode)
    {
        var vars = Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .Select(e => new KeyValuePair<string, string?>((string)e.Key, e.Value as string));
        return RegencySettings.Load(vars, out _).FirstOrDefault(r => r.Code == regencyCode)?.TopClassLabel;
    }

    internal static string Human(ClassReport report, ClassCatalogue catalogue, string? topClassLabel = null) => ClassListing.Human(report, catalogue, topClassLabel);

    private static string TemplatesDirectory()
    {
        var dir = Path.Combine(AppContext.BaseDirectory, "templates");
        if (!Directory.Exists(Path.Combine(dir, "classes")) && Environment.GetEnvironmentVariable("KKB_ROOT") is { Length: > 0 } root)
            dir = Path.Combine(root, "templates");
        return dir;
    }
}
