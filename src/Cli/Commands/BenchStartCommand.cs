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
        var app = Value(args, "--app");
        var blob = Value(args, "--blob");
        if (app is null || blob is null || !File.Exists(app))
        {
            Console.Error.WriteLine("kkb bench-start: pakai --app DLL --blob NAMA (dipakai oleh ./kkb bench)");
            return CommandLine.Usage;
        }
        var assembly = Path.GetFileName(app) == Path.GetFileName(typeof(AppComposition).Assembly.Location)
            ? typeof(AppComposition).Assembly
            : Assembly.LoadFrom(Path.GetFullPath(app));
        await using var env = await LocalEnvironment.OpenAsync();
        var functions = await env.StartFunctionsAsync(app: assembly);
        var dispatch = await env.Runner(functions).RunBlobAsync("IngestUpload", blob);
        if (dispatch is not { Succeeded: true })
        {
            Console.Error.WriteLine($"kkb bench-start: IngestUpload tidak berhasil ({dispatch?.Error ?? "blob tidak ada"})");
            return CommandLine.Failed;
        }
        Console.WriteLine((DateTime.Now - Process.GetCurrentProcess().StartTime).TotalMilliseconds.ToString("0", System.Globalization.CultureInfo.InvariantCulture));
        return CommandLine.Ok;
    }

    private static string? Value(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
