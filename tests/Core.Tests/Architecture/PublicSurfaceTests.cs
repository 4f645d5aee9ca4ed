using Mono.Cecil;

namespace KampungKB.Core.Tests.Architecture;

/// <summary>
/// Core's public surface is its modules' front doors (docs/architecture.md, "Visibility"): every type of the
/// compiled KampungKB.Core.dll that is visible outside the assembly must be listed in
/// <c>tests/Core.Tests/Architecture/PublicSurface.txt</c>, and every listed type must still be public there.
/// </summary>
public class PublicSurfaceTests
{
    private static string ListPath => Path.Combine(Repo.Root, "tests", "Core.Tests", "Architecture", "PublicSurface.txt");

    private static string CorePath => typeof(KampungKB.Core.Model.AreaCode).Assembly.Location;

    [Fact]
    public void EveryPublicCoreType_IsListedAsAFrontDoor()
    {
        var extra = Check(PublicTypes(CorePath), ReadList(File.ReadAllLines(ListPath))).Unlisted;
        Assert.True(extra.Count == 0,
            "public in KampungKB.Core but not in PublicSurface.txt (make it internal, or list it as a front door):\n  " + string.Join("\n  ", extra));
    }

    [Fact]
    public void EveryListedType_IsStillPublicInCore()
    {
        var stale = Check(PublicTypes(CorePath), ReadList(File.ReadAllLines(ListPath))).Stale;
        Assert.True(stale.Count == 0, "listed in PublicSurface.txt but not public in KampungKB.Core (remove the line):\n  " + string.Join("\n  ", stale));
    }

    [Fact]
    public void TheCheck_NamesATypeMissingFromTheList_AndAListedTypeThatIsGone()
    {
        var actual = PublicTypes(CorePath);
        // The dll is read for real: the front doors are there and an internal part is not.
        Assert.Contains("KampungKB.Core.Ingestion.Intake.IngestionEngine", actual);
        Assert.Contains("KampungKB.Core.Jobs.Recaps.RecapCatalogue/Indicator", actual);
        Assert.DoesNotContain("KampungKB.Core.Dashboard.MonthOverview", actual);

        var listed = ReadList(File.ReadAllLines(ListPath)).Where(t => t != "KampungKB.Core.Uploads.UploadProcessor").Append("KampungKB.Core.Uploads.Gone").ToList();
        var result = Check(actual, listed);
        Assert.Equal(["KampungKB.Core.Uploads.UploadProcessor"], result.Unlisted);
        Assert.Equal(["KampungKB.Core.Uploads.Gone"], result.Stale);

        Assert.Equal(["A.B", "A.C/D"], ReadList(["# comment", "", "## Module: heading", "A.B   # F", "  A.C/D"]));
    }

    /// <summary>Full names (nested as <c>Outer/Inner</c>) of the types visible outside the assembly: public, and every declaring type public.</summary>
    internal static IReadOnlyList<string> PublicTypes(string assemblyPath)
    {
        using var assembly = AssemblyDefinition.ReadAssembly(assemblyPath);
        return assembly.MainModule.GetTypes().Where(Visible).Select(t => t.FullName).OrderBy(n => n, StringComparer.Ordinal).ToList();

        static bool Visible(TypeDefinition t) =>
            t.DeclaringType is null ? t.IsPublic : t.IsNestedPublic && Visible(t.DeclaringType);
    }

    /// <summary>The type names of the list: one per line, '#' to the end of the line is a comment.</summary>
    internal static IReadOnlyList<string> ReadList(IEnumerable<string> lines) =>
        lines.Select(l => (l.IndexOf('#') is var i and >= 0 ? l[..i] : l).Trim()).Where(l => l.Length > 0).ToList();

    internal static (IReadOnlyList<string> Unlisted, IReadOnlyList<string> Stale) Check(IReadOnlyList<string> actual, IReadOnlyList<string> listed) =>
        (actual.Except(listed, StringComparer.Ordinal).ToList(), listed.Except(actual, StringComparer.Ordinal).ToList());
}
