using System.Diagnostics;
using System.IO.Compression;
using System.Text.Json;

namespace KampungKB.Integration.Tests.Deploy;

/// <summary>Runs <c>scripts/publish.sh --out &lt;temp&gt;</c> once for the class (a self-contained publish takes a minute).</summary>
public sealed class PublishedPackageFixture : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(5);

    public PublishedPackageFixture()
    {
        OutDir = Directory.CreateTempSubdirectory("kkb-publish-").FullName;
        var psi = new ProcessStartInfo("bash")
        {
            WorkingDirectory = RepositoryFiles.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var a in new[] { RepositoryFiles.Path("scripts", "publish.sh"), "--out", OutDir, "--plan", "flex" }) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Limit))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"scripts/publish.sh did not finish within {Limit}.");
        }
        Output = stdout.Result + stderr.Result;
        ExitCode = process.ExitCode;
        ZipPath = Path.Combine(OutDir, "functionapp.zip");
    }

    public string OutDir { get; }
    public string ZipPath { get; }
    public string Output { get; }
    public int ExitCode { get; }

    public ZipArchive Open()
    {
        Assert.True(ExitCode == 0 && File.Exists(ZipPath), $"publish.sh failed (exit {ExitCode}):\n{Output}");
        return ZipFile.OpenRead(ZipPath);
    }

    public void Dispose()
    {
        try { Directory.Delete(OutDir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

public sealed class PackageLayoutTests(PublishedPackageFixture package) : IClassFixture<PublishedPackageFixture>
{
    private const int UnixExecuteBits = 0b001_001_001;   // --x--x--x
    private const int UnixFileTypeMask = 0xF000, UnixRegularFile = 0x8000;

    [Fact]
    public void Publish_Succeeds_PrintsZipPathAndSize()
    {
        Assert.True(package.ExitCode == 0, package.Output);
        Assert.Contains(package.ZipPath, package.Output, StringComparison.Ordinal);
        Assert.Matches(@"\d+(\.\d)? MB", package.Output);
    }

    [Fact]
    public void Package_Root_HoldsHostJson()
    {
        using var zip = package.Open();
        var entry = zip.GetEntry("host.json");
        Assert.NotNull(entry);
        using var doc = JsonDocument.Parse(entry.Open());
        Assert.Equal("2.0", doc.RootElement.GetProperty("version").GetString());
    }

    [Fact]
    public void Package_EachFunctionFolder_HasValidFunctionJson()
    {
        using var zip = package.Open();
        var functions = RepositoryFiles.Functions();
        Assert.NotEmpty(functions);
        foreach (var (name, _) in functions)
        {
            var entry = zip.GetEntry($"{name}/function.json");
            Assert.True(entry is not null, $"{name}/function.json is missing from the package");
            using var doc = JsonDocument.Parse(entry.Open());
            var bindings = doc.RootElement.GetProperty("bindings");
            Assert.True(bindings.GetArrayLength() > 0, $"{name}: no bindings");
            Assert.Contains(bindings.EnumerateArray(), b => b.GetProperty("type").GetString()!.EndsWith("Trigger", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Package_FlexPlan_BlobTriggersUseEventGridSource()
    {
        using var zip = package.Open();
        var blobFunctions = RepositoryFiles.Functions().Where(f => f.Bindings.Any(RepositoryFiles.IsBlobTrigger)).ToList();
        Assert.NotEmpty(blobFunctions);
        foreach (var (name, _) in blobFunctions)
        {
            using var doc = JsonDocument.Parse(zip.GetEntry($"{name}/function.json")!.Open());
            foreach (var binding in doc.RootElement.GetProperty("bindings").EnumerateArray().Where(RepositoryFiles.IsBlobTrigger))
                Assert.True(binding.TryGetProperty("source", out var s) && s.GetString() == "EventGrid",
                    $"{name}: a blobTrigger without \"source\": \"EventGrid\" never fires on Flex Consumption");
        }
    }

    [Fact]
    public void Package_HandlerNamedByHostJson_IsExecutableRegularFile()
    {
        using var zip = package.Open();
        using var host = JsonDocument.Parse(zip.GetEntry("host.json")!.Open());
        var exe = host.RootElement.GetProperty("customHandler").GetProperty("description").GetProperty("defaultExecutablePath").GetString()!;
        var entry = zip.GetEntry(exe);
        Assert.True(entry is not null, $"'{exe}' (host.json defaultExecutablePath) is not at the package root");
        var mode = (entry.ExternalAttributes >> 16) & 0xFFFF;
        Assert.True((mode & UnixFileTypeMask) is UnixRegularFile or 0, $"'{exe}' is not a regular file (mode {Convert.ToString(mode, 8)})");
        Assert.True((mode & UnixExecuteBits) == UnixExecuteBits, $"'{exe}' lacks execute permission in the zip (mode {Convert.ToString(mode, 8)}); the host could not start it");
        Assert.True(entry.Length > 10_000, $"'{exe}' is suspiciously small ({entry.Length} bytes)");
    }

    [Fact]
    public void Package_Handler_IsSelfContainedLinuxX64()
    {
        using var zip = package.Open();
        Assert.NotNull(zip.GetEntry("libcoreclr.so"));
        using var config = JsonDocument.Parse(zip.GetEntry("KampungKB.Functions.runtimeconfig.json")!.Open());
        Assert.True(config.RootElement.GetProperty("runtimeOptions").TryGetProperty("includedFrameworks", out _),
            "runtimeconfig.json names no includedFrameworks: the handler was published framework-dependent");
    }

    [Fact]
    public void Package_Templates_HoldEveryRepositoryTemplate()
    {
        using var zip = package.Open();
        var templates = RepositoryFiles.Path("templates");
        var expected = Directory.GetFiles(templates, "*", SearchOption.AllDirectories)
            .Select(f => "templates/" + Path.GetRelativePath(templates, f).Replace('\\', '/')).ToList();
        Assert.NotEmpty(expected);
        var names = zip.Entries.Select(e => e.FullName).ToHashSet(StringComparer.Ordinal);
        Assert.All(expected, e => Assert.Contains(e, names));
    }
}
