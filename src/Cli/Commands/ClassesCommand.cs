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
        if (report.Kampung.Count == 0)
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

    /// <summary>The JSON shape given in docs/classification.md, exactly.</summary>
    internal static string Json(ClassReport report, ClassCatalogue catalogue) => JsonSerializer.Serialize(new
    {
        regency = report.RegencyCode,
        period = report.Period.ToString(),
        kampung = report.Kampung.Select(k => new
        {
            areaCode = k.Kampung.AreaCode,
            name = k.Kampung.Name,
            scores = k.Now.Scores.ToDictionary(s => s.Code, s => s.Score),
            indices = k.Now.Indices.ToDictionary(i => i.Code, i => i.Mean),
            @class = Spell(k.Now.Class),
            officialClass = k.Kampung.Class is { } c ? Spell(c) : null,
            missing = k.Now.Missing,
            populationAsOf = k.PopulationAsOf?.ToString(),
            kkbpkAsOf = k.KkbpkAsOf?.ToString(),
            refused = k.Refused.Select(r => new { period = r.Period.ToString(), uploadId = r.UploadId, problems = r.ProblemCodes }),
            checkedClass = k.Checked is { } ch ? Spell(ch.Class) : null,
            checkedReason = k.Checked is null ? null : ClassReader.CheckedReason(k, catalogue),
        }),
        distribution = report.Distribution.ToDictionary(d => Spell(d.Key), d => d.Value),
        retired = report.Retired.Select(k => new { areaCode = k.AreaCode, name = k.Name, retiredAt = k.RetiredAt }),
    }, CommandLine.Json);

    internal static string Spell(KampungClass c) => c.ToString().ToLowerInvariant();

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

    internal static string Human(ClassReport report, ClassCatalogue catalogue, string? topClassLabel = null)
    {
        var w = new StringWriter(CultureInfo.InvariantCulture);
        w.WriteLine(catalogue.Text("cliHeader", ("regency", report.RegencyCode), ("period", report.Period)));
        if (report.Kampung.Count == 0) { w.WriteLine(catalogue.Text("cliNone", ("regency", report.RegencyCode))); return w.ToString(); }
        foreach (var k in report.Kampung)
        {
            w.WriteLine();
            w.WriteLine(catalogue.Text("cliKampung", ("name", k.Kampung.Name), ("areaCode", k.Kampung.AreaCode), ("class", catalogue.ClassLabel(k.Now.Class, topClassLabel)),
                ("input", Mean(k.Now.Index("input"))), ("proses", Mean(k.Now.Index("proses"))), ("output", Mean(k.Now.Index("output"))),
                ("official", k.Kampung.ClassLabel ?? catalogue.Texts["unclassified"])));
            w.WriteLine(catalogue.Text("cliScores", ("scores", string.Join(" · ", k.Now.Scores.Select(s => $"{catalogue.Indicator(s.Code).Label} {s.Score}")))));
            if (k.FiguresAsOf is not null)
                w.WriteLine(catalogue.Text("cliFigures", ("population", k.PopulationAsOf?.ToString() ?? "-"), ("kkbpk", k.KkbpkAsOf?.ToString() ?? "-")));
            if (k.Refused.Count > 0) w.WriteLine(catalogue.Text("cliProblems", ("problems", ClassReader.Describe(k.Refused, catalogue))));
            if (k.Checked is { } ch) w.WriteLine(catalogue.Text("cliChecked", ("class", catalogue.ClassLabel(ch.Class, topClassLabel)), ("reason", ClassReader.CheckedReason(k, catalogue))));
            if (k.Now.Missing.Count > 0) w.WriteLine(catalogue.Text("cliMissing", ("missing", string.Join("; ", k.Now.Missing.Select(catalogue.MissingLabel)))));
            if (k.Lifts.Count > 0) w.WriteLine(catalogue.Text("cliLift", ("lifts", string.Join("; ", k.Lifts.Take(3).Select(catalogue.LiftText)))));
        }
        w.WriteLine();
        w.WriteLine(catalogue.Text("cliDistribution", ("distribution", string.Join(", ", report.Distribution.Select(d => $"{catalogue.ClassLabel(d.Key, topClassLabel)} {d.Value}")))));
        if (report.Retired.Count > 0)
            w.WriteLine(catalogue.Text("cliRetired", ("kampung", string.Join("; ", report.Retired.Select(k =>
                catalogue.Text("cliRetiredKampung", ("name", k.Name), ("areaCode", k.AreaCode),
                    ("date", IndonesianFormat.Date(LocalTime.ForProvince(k.AreaCode).ToLocal(k.RetiredAt!.Value)))))))));
        return w.ToString();
    }

    private static string Mean(IndexScore i) => i.Mean.ToString("0.00", CultureInfo.GetCultureInfo("id-ID"));

    private static string TemplatesDirectory()
    {
        var dir = Path.Combine(AppContext.BaseDirectory, "templates");
        if (!Directory.Exists(Path.Combine(dir, "classes")) && Environment.GetEnvironmentVariable("KKB_ROOT") is { Length: > 0 } root)
            dir = Path.Combine(root, "templates");
        return dir;
    }
}
