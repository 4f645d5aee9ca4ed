
namespace KampungKB.Integration.Tests.Deploy;

/// <summary>Paths of the checkout the tests run from, and the functions its build declares.</summary>
internal static class RepositoryFiles
{
    public static string Root { get; } = FindRoot();

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    /// <summary>
    /// The <c>functions.metadata</c> the Worker SDK generated for the last build of src/Functions (the file
    /// the Functions host indexes): the newest under <c>src/Functions/bin/*/net10.0/</c>.
    /// </summary>
    public static string BuildMetadataPath()
    {
        var bin = Path("src", "Functions", "bin");
        var newest = Directory.Exists(bin)
            ? Directory.GetFiles(bin, "functions.metadata", SearchOption.AllDirectories).OrderByDescending(File.GetLastWriteTimeUtc).FirstOrDefault()
            : null;
        return newest ?? throw new InvalidOperationException("src/Functions has not been built: no functions.metadata under " + bin);
    }

    /// <summary>Each function of a <c>functions.metadata</c> document: its name and its bindings.</summary>
    public static IReadOnlyList<(string Name, JsonElement[] Bindings)> Functions(string? metadataJson = null)
    {
        using var doc = JsonDocument.Parse(metadataJson ?? File.ReadAllText(BuildMetadataPath()));
        return doc.RootElement.EnumerateArray()
            .Select(f => (f.GetProperty("name").GetString()!, f.GetProperty("bindings").EnumerateArray().Select(b => b.Clone()).ToArray()))
            .OrderBy(f => f.Item1, StringComparer.Ordinal)
            .ToList();
    }

    public static bool IsBlobTrigger(JsonElement binding) =>
        binding.TryGetProperty("type", out var t) && string.Equals(t.GetString(), "blobTrigger", StringComparison.OrdinalIgnoreCase);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "host.json")) && File.Exists(System.IO.Path.Combine(dir.FullName, "KampungKB.Functions.sln")))
                return dir.FullName;
        throw new InvalidOperationException("Repository root (host.json beside KampungKB.Functions.sln) not found above " + AppContext.BaseDirectory);
    }
}
