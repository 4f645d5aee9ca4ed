using System.IO.Compression;

namespace KampungKB.Integration.Tests.Deploy;

/// <summary>The run's one publish (<see cref="PublishedPackage"/>), awaited before the class's first test.</summary>
public sealed class PublishedPackageFixture : IAsyncLifetime
{
    private PublishedPackage _package = null!;

    public async Task InitializeAsync() => _package = await PublishedPackage.SharedAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    public string ZipPath => _package.ZipPath;
    public string Output => _package.Output;
    public int ExitCode => _package.ExitCode;

    public ZipArchive Open()
    {
        Assert.True(_package.Succeeded, $"publish.sh failed (exit {ExitCode}):\n{Output}");
        return ZipFile.OpenRead(ZipPath);
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
        Assert.Equal(["ApplyRetention", "CompileRecap",
            "DashboardHandover", "DashboardHome", "DashboardKampung", "DashboardKampungAction", "DashboardKampungExport", "DashboardKampungOriginal", "DashboardOverview",
            "DashboardOverviewExport", "DashboardOverviewPeriod", "DashboardRemind", "DashboardRequestLink", "DashboardSignIn", "DashboardSignOut", "DashboardTrends",
            "ImportRegistry", "IngestUpload", "ReadMailIn", "SendReminders", "SweepOutbox", "SyncDriveFolders", "UploadPage", "UploadPageOpen", "UploadPageResult"],
            functions.Select(f => f.Name));
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
