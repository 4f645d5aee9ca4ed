using System.Diagnostics;

namespace KampungKB.Integration.Tests.Deploy;

/// <summary>
/// The app as <c>./kkb publish</c> builds it (scripts/publish.sh), built once per test run and shared by every
/// test that needs the package (the package layout tests, the real Functions host tests). The publish is
/// awaited however long it takes: a build on a loaded 2-core machine may take several minutes, and a fixed
/// limit failed tests that pass on an idle one. Its folder is deleted when the test process exits.
/// </summary>
public sealed class PublishedPackage
{
    private static readonly Lazy<Task<PublishedPackage>> s_shared = new(PublishAsync);

    private PublishedPackage(string outDir, string output, int exitCode)
    {
        OutDir = outDir;
        Output = output;
        ExitCode = exitCode;
    }

    /// <summary>The run's one publish (started by the first caller).</summary>
    public static Task<PublishedPackage> SharedAsync() => s_shared.Value;

    /// <summary>The <c>--out</c> folder: <c>functionapp/</c> and <c>functionapp.zip</c>.</summary>
    public string OutDir { get; }
    public string ZipPath => Path.Combine(OutDir, "functionapp.zip");
    /// <summary>The unzipped app (what the host's <c>AzureWebJobsScriptRoot</c> points at).</summary>
    public string AppDir => Path.Combine(OutDir, "functionapp");
    /// <summary>What publish.sh printed (stdout then stderr).</summary>
    public string Output { get; }
    public int ExitCode { get; }
    public bool Succeeded => ExitCode == 0 && File.Exists(ZipPath);

    private static async Task<PublishedPackage> PublishAsync()
    {
        var outDir = Directory.CreateTempSubdirectory("kkb-publish-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { Directory.Delete(outDir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        };
        var psi = new ProcessStartInfo("bash")
        {
            WorkingDirectory = RepositoryFiles.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var a in new[] { RepositoryFiles.Path("scripts", "publish.sh"), "--out", outDir }) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return new PublishedPackage(outDir, await stdout + await stderr, process.ExitCode);
    }
}
