using System.Text.Json;

namespace KampungKB.Integration.Tests.Deploy;

/// <summary>Paths of the checkout the tests run from, and what its functions/ folder declares.</summary>
internal static class RepositoryFiles
{
    public static string Root { get; } = FindRoot();

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    /// <summary>Each functions/&lt;Name&gt;/function.json: the folder name and its parsed bindings.</summary>
    public static IReadOnlyList<(string Name, JsonElement[] Bindings)> Functions() =>
        Directory.GetDirectories(Path("functions"))
            .Where(d => File.Exists(System.IO.Path.Combine(d, "function.json")))
            .Order(StringComparer.Ordinal)
            .Select(d =>
            {
                using var doc = JsonDocument.Parse(File.ReadAllText(System.IO.Path.Combine(d, "function.json")));
                return (System.IO.Path.GetFileName(d), doc.RootElement.GetProperty("bindings").EnumerateArray().Select(b => b.Clone()).ToArray());
            })
            .ToList();

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
