using System.Diagnostics;
using System.Reflection;
using KampungKB.Cli.Dev;
using KampungKB.Functions;

namespace KampungKB.Cli.Commands;

/// <summary>
/// <c>kkb bench-start --app DLL --blob NAME</c> (used by <c>kkb bench</c> only): the local runner starts
/// the function app in DLL (KampungKB.Functions, or the empty app of the same shape), invokes its
/// IngestUpload for <c>uploads/NAME</c> once, prints the milliseconds since process start and exits.
/// The benchmark times this process from <c>Process.Start</c> to exit.
/// </summary>
internal static class BenchStartCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        const string Name = "bench-start";
        var t = CliTexts.Default;
        var options = CommandOptions.Parse(Name, args, new HashSet<string> { "--app", "--blob" }, new HashSet<string>(), Console.Error);
        if (options is null || !options.NoPositional(Console.Error) || !options.TryRequired(Console.Error, "--app", out var app) || !options.TryRequired(Console.Error, "--blob", out var blob))
            return CommandLine.Usage;
        if (!File.Exists(app)) return CommandLine.UsageError(Name, t.T("error.file_missing", ("command", Name), ("file", app)));
        var assembly = Path.GetFileName(app) == Path.GetFileName(typeof(AppComposition).Assembly.Location)
            ? typeof(AppComposition).Assembly
            : Assembly.LoadFrom(Path.GetFullPath(app));
        await using var env = await LocalEnvironment.OpenAsync();
        var functions = await env.StartFunctionsAsync(app: assembly);
        var dispatch = await env.Runner(functions).RunBlobAsync("IngestUpload", blob);
        if (dispatch is not { Succeeded: true })
        {
            Console.Error.WriteLine(t.T("bench_start.failed", ("error", dispatch?.Error ?? t.T("bench_start.no_blob"))));
            return CommandLine.Failed;
        }
        Console.WriteLine((DateTime.Now - Process.GetCurrentProcess().StartTime).TotalMilliseconds.ToString("0", System.Globalization.CultureInfo.InvariantCulture));
        return CommandLine.Ok;
    }
}
