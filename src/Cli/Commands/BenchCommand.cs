using System.Diagnostics;
using KampungKB.Cli.Dev;

namespace KampungKB.Cli.Commands;

/// <summary>
/// <c>kkb bench [--quick] [--json]</c>: builds src/Bench, publishes the handler (plain and, when the
/// registry has the crossgen pack, ReadyToRun) and an empty minimal API, starts a throw-away in-memory
/// Azurite and runs the benchmarks (docs/performance.md). Progress goes to stderr with --json.
/// </summary>
internal static class BenchCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (!CommandLine.Parse(args, new HashSet<string> { "--quick", "--json" }, out var flags, out var positional, out var error) || positional.Count > 0)
        {
            Console.Error.WriteLine("kkb bench: " + (error ?? "tidak menerima argumen") + ". Pakai: kkb bench [--quick] [--json]");
            return CommandLine.Usage;
        }
        var root = LocalEnvironment.RepositoryRoot;
        var output = Path.Combine(root, ".build", "bench");
        var progress = flags.Contains("--json") ? Console.Error : Console.Out;

        progress.WriteLine("bench: membangun alat ukur, handler dan API kosong...");
        if (!await DotnetAsync(root, progress, "build", "src/Bench/KampungKB.Bench.csproj", "-c", "Release", "-o", Path.Combine(output, "tool"))) return 2;
        if (!await DotnetAsync(root, progress, "publish", "src/Functions/KampungKB.Functions.csproj", "-c", "Release", "-o", Path.Combine(output, "handler"))) return 2;
        if (!await DotnetAsync(root, progress, "publish", "src/Bench/EmptyApi/KampungKB.Bench.EmptyApi.csproj", "-c", "Release", "-o", Path.Combine(output, "empty"))) return 2;
        string? r2rReason = null;
        // ReadyToRun needs the runtime-specific crossgen2 pack; where the registry lacks it, the gap is reported.
        // A runtime-specific restore rewrites the committed lock files with a runtime section: put them back.
        var locks = new[] { "src/Core/packages.lock.json", "src/Functions/packages.lock.json" }.Select(f => Path.Combine(root, f)).Where(File.Exists)
            .ToDictionary(f => f, File.ReadAllBytes);
        try
        {
            if (!await DotnetAsync(root, TextWriter.Null, "publish", "src/Functions/KampungKB.Functions.csproj", "-c", "Release", "-r", "linux-x64",
                    "--self-contained", "false", "-p:PublishReadyToRun=true", "-o", Path.Combine(output, "handler-r2r")))
                r2rReason = "ReadyToRun publish failed (crossgen2 pack not restorable from this registry)";
        }
        finally
        {
            foreach (var (file, bytes) in locks) File.WriteAllBytes(file, bytes);
        }

        await using var env = await LocalEnvironment.OpenAsync(ephemeral: true);
        var psi = new ProcessStartInfo("dotnet", [Path.Combine(output, "tool", "kkb-bench.dll"), .. args]) { UseShellExecute = false };
        psi.Environment["KKB_ROOT"] = root;
        psi.Environment["KKB_BENCH_STORAGE"] = env.ConnectionString;
        psi.Environment["KKB_BENCH_HANDLER"] = Path.Combine(output, "handler", "KampungKB.Functions.dll");
        psi.Environment["KKB_BENCH_EMPTY"] = Path.Combine(output, "empty", "kkb-empty-api.dll");
        if (r2rReason is null) psi.Environment["KKB_BENCH_HANDLER_R2R"] = Path.Combine(output, "handler-r2r", "KampungKB.Functions.dll");
        else psi.Environment["KKB_BENCH_R2R_REASON"] = r2rReason;
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
        progress.WriteLine($"bench: dotnet {string.Join(' ', args.Take(2))} gagal:");
        progress.WriteLine(await stdout);
        progress.WriteLine(await stderr);
        return false;
    }
}
