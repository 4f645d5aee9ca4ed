using System.Diagnostics;
using System.IO.Compression;
using System.Text.Json;

namespace KampungKB.Integration.Tests.Deploy;

/// <summary>Runs <c>scripts/publish.sh --out &lt;temp&gt;</c> once for the class (a publish takes a minute).</summary>
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
        foreach (var a in new[] { RepositoryFiles.Path("scripts", "publish.sh"), "--out", OutDir }) psi.ArgumentList.Add(a);
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
    [Fact]
    public void Publish_Succeeds_PrintsZipPathAndSize()
    {
        Assert.True(package.ExitCode == 0, package.Output);
        Assert.Contains(package.ZipPath, package.Output, StringComparison.Ordinal);
        Assert.Matches(@"\d+(\.\d)? MB", package.Output);
    }

    [Fact]
    public void Package_Root_HoldsIsolatedWorkerHostJson()
    {
        using var zip = package.Open();
        using var doc = JsonDocument.Parse(zip.GetEntry("host.json")!.Open());
        Assert.Equal("2.0", doc.RootElement.GetProperty("version").GetString());
        Assert.False(doc.RootElement.TryGetProperty("customHandler", out _), "host.json still configures a custom handler");
        Assert.False(doc.RootElement.TryGetProperty("extensionBundle", out _), "an isolated .NET worker brings its extensions in .azurefunctions/, not a bundle");
        Assert.Equal(5, doc.RootElement.GetProperty("extensions").GetProperty("blobs").GetProperty("poisonBlobThreshold").GetInt32());
    }

    [Fact]
    public void Package_HoldsWorkerConfig_NamingTheWorkerAssembly()
    {
        using var zip = package.Open();
        using var doc = JsonDocument.Parse(zip.GetEntry("worker.config.json")!.Open());
        var description = doc.RootElement.GetProperty("description");
        Assert.Equal("dotnet-isolated", description.GetProperty("language").GetString());
        var worker = description.GetProperty("defaultWorkerPath").GetString()!;
        Assert.NotNull(zip.GetEntry(worker));
    }

    [Fact]
    public void Package_HoldsHostSideBlobExtension()
    {
        using var zip = package.Open();
        Assert.Contains(zip.Entries, e => e.FullName.StartsWith(".azurefunctions/", StringComparison.Ordinal)
            && e.Name == "Microsoft.Azure.WebJobs.Extensions.Storage.Blobs.dll");
    }

    [Fact]
    public void Package_FunctionsMetadata_ListsEveryFunction_BlobTriggersOnEventGrid()
    {
        using var zip = package.Open();
        using var reader = new StreamReader(zip.GetEntry("functions.metadata")!.Open());
        var functions = RepositoryFiles.Functions(reader.ReadToEnd());
        Assert.Equal(["ApplyRetention", "CompileRecap", "ImportRegistry", "IngestUpload", "ReadMailIn", "SendReminders", "SweepOutbox", "SyncDriveFolders", "UploadPage", "UploadPageOpen", "UploadPageResult"], functions.Select(f => f.Name));
        string Trigger(string name) => functions.Single(f => f.Name == name).Bindings.Single(b => b.GetProperty("type").GetString()!.EndsWith("Trigger", StringComparison.Ordinal)).GetProperty("type").GetString()!;
        Assert.Equal(["blobTrigger", "blobTrigger", "timerTrigger", "timerTrigger", "httpTrigger", "httpTrigger", "httpTrigger"],
            new[] { "IngestUpload", "ImportRegistry", "CompileRecap", "SendReminders", "UploadPage", "UploadPageResult", "UploadPageOpen" }.Select(Trigger));
        foreach (var (name, bindings) in functions.Where(f => f.Bindings.Any(RepositoryFiles.IsBlobTrigger)))
            Assert.True(bindings.Single(RepositoryFiles.IsBlobTrigger).TryGetProperty("source", out var s) && s.GetString() == "EventGrid",
                $"{name}: a blobTrigger without \"source\": \"EventGrid\" never fires on Flex Consumption");
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
