namespace KampungKB.Core.Tests.Architecture;

/// <summary>
/// Core is nine modules along the data's path (docs/architecture.md): a module may use only the modules
/// before it, so there is no cycle. Checked on the compiled assembly, not on the sources.
/// </summary>
public class ArchitectureTests
{
    /// <summary>First to last, as in docs/architecture.md.</summary>
    public static readonly string[] Order = ["Model", "Ingestion", "Store", "Registry", "Rendering", "Outbox", "Uploads", "Jobs", "Dashboard"];

    private static ModuleGraph Core() =>
        ModuleGraph.Read(typeof(KampungKB.Core.Model.AreaCode).Assembly.Location, "KampungKB.Core");

    [Fact]
    public void EveryModuleUsesOnlyModulesBeforeIt_AndNoCycleExists()
    {
        var graph = Core();
        Assert.Empty(graph.Violations(Order));
    }

    [Fact]
    public void EveryCoreTypeBelongsToOneOfTheNineModules()
    {
        var graph = Core();
        var modules = graph.Uses.SelectMany(u => new[] { u.FromModule, u.ToModule }).Distinct().ToList();
        Assert.Empty(graph.Homeless);
        Assert.All(modules, m => Assert.Contains(m, Order));
        // The graph is not empty: the checker does see the uses between modules.
        Assert.Contains(graph.Uses, u => u.FromModule == "Uploads" && u.ToModule == "Ingestion");
    }

    [Fact]
    public void TheSameAssemblyInReverseOrder_NamesTheOffendingTypes()
    {
        var violations = Core().Violations(Order.Reverse().ToArray());
        Assert.NotEmpty(violations);
        // Upload processing reads files through the ingestion engine: with Ingestion after Uploads this must be named.
        Assert.Contains(violations, v => v.Contains("KampungKB.Core.Uploads.UploadProcessor (Uploads) uses KampungKB.Core.Ingestion.Intake.", StringComparison.Ordinal));
    }

    [Fact]
    public void SyntheticGraph_BackwardUseAndCycleAreReportedWithTheirTypePairs()
    {
        ModuleGraph.Use U(string from, string to) => new(from.Split('.')[0], from, to.Split('.')[0], to);
        var uses = new[] { U("A.Reader", "B.Store"), U("B.Store", "A.Row"), U("C.Job", "A.Row") };

        var violations = ModuleGraph.Check(uses, [], ["A", "B", "C"]);

        Assert.Contains("A.Reader (A) uses B.Store (B), which comes after it", violations);
        Assert.Contains(violations, v => v.StartsWith("cycle A → B → A: A.Reader → B.Store; B.Store → A.Row", StringComparison.Ordinal));
        Assert.DoesNotContain(violations, v => v.Contains("C.Job", StringComparison.Ordinal));
        Assert.Contains("D.X: module D is not in the order", ModuleGraph.Check([U("D.X", "A.Row")], [], ["A"]));
        Assert.Empty(ModuleGraph.Check([U("B.Store", "A.Row"), U("C.Job", "B.Store")], [], ["A", "B", "C"]));
    }
}
