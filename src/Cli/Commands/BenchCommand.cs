using System.Diagnostics;
using KampungKB.Cli.Dev;

namespace KampungKB.Cli.Commands;

/// <summary>
/// <c>kkb bench [--quick] [--json] [--scale]</c> (<c>--scale</c>: only the national-scale reads, ScaleBench): builds src/Bench and the empty function app of the same shape
/// (src/Bench/EmptyApp), starts a throw-away in-memory Azurite and runs the benchmarks
/// (docs/performance.md). Progress goes to stderr with --json.
/// </summary>
internal static class BenchCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var options = CommandOptions.Parse("bench", args, new HashSet<string>(), new HashSet<string> { "--quick", "--json", "--scale" }, Console.Error);
        if (options is null || !options.NoPositional(Console.Error)) return CommandLine.Usage;
        var root = LocalEnvironment.RepositoryRoot;
        var output = Path.Combine(root, ".build", "bench");
        var progress = options.Has("--json") ? Console.Error : Console.Out;

        progress.WriteLine(CliTexts.Default.T("bench.building"));
        if (!await DotnetAsync(root, progress, "build", "src/Bench/KampungKB.Bench.csproj", "-c", "Release", "-o", Path.Combine(output, "tool"))) return 2;
        if (!await DotnetAsync(root, progress, "build", "src/Bench/EmptyApp/KampungKB.Bench.EmptyApp.csproj", "-c", "Release", "-o", Path.Combine(output, "empty"))) return 2;

        await using var env = await LocalEnvironment.OpenAsync(ephemeral: true);
        var psi = new ProcessStartInfo("dotnet", [Path.Combine(output, "tool", "kkb-bench.dll"), .. args]) { UseShellExecute = false };
        psi.Environment["KKB_ROOT"] = root;
        psi.Environment["KKB_BENCH_STORAGE"] = env.ConnectionString;
        // The start figure: this very kkb (the local runner) hosting the real app vs the empty app of the same shape.
        psi.Environment["KKB_BENCH_RUNNER"] = Path.Combine(AppContext.BaseDirectory, "kkb.dll");
        psi.Environment["KKB_BENCH_APP"] = Path.Combine(AppContext.BaseDirectory, "KampungKB.Functions.dll");
        psi.Environment["KKB_BENCH_EMPTY"] = Path.Combine(output, "empty", "kkb-empty-app.dll");
        using var bench = Process.Start(psi)!;
        await bench.WaitForExitAsync();
        return bench.ExitCode;
    }

    private static async Task<bool> DotnetAsync(string root, TextWriter progress, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet", [.. args, "--nologo", "-v", "quiet", "-p:UseSharedCompilation=false"])
        { WorkingDirectory = root, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        if (p.ExitCode == 0) return true;
        progress.WriteLine(CliTexts.Default.T("bench.dotnet_failed", ("command", string.Join(' ', args.Take(2)))));
        progress.WriteLine(await stdout);
        progress.WriteLine(await stderr);
        return false;
    }
}
