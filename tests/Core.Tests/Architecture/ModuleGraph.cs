using Mono.Cecil;
using Mono.Cecil.Cil;

namespace KampungKB.Core.Tests.Architecture;

/// <summary>
/// Reads a compiled assembly with Mono.Cecil and lists, for every type in a namespace under
/// <c>root</c>, the types of the same assembly it uses: base type and interfaces, fields, properties,
/// events, method signatures (return, parameters, generic constraints), locals, catch clauses, every
/// type, method or field an instruction names, and attributes (their type and any type argument).
/// Each type belongs to the module named by the first namespace segment after <c>root</c>
/// (<c>KampungKB.Core.Store.Tables</c> → <c>Store</c>); nested and compiler-generated types belong to
/// their outermost declaring type.
/// </summary>
public sealed class ModuleGraph
{
    /// <summary>One use: <paramref name="From"/> names <paramref name="To"/> (full type names).</summary>
    public sealed record Use(string FromModule, string FromType, string ToModule, string ToType);

    private readonly List<Use> uses = [];

    /// <summary>Every cross-module use, one per (from type, to type) pair.</summary>
    public IReadOnlyList<Use> Uses => uses;

    /// <summary>Types under <c>root</c> whose namespace names no module (e.g. the root namespace itself).</summary>
    public IReadOnlyList<string> Homeless { get; }

    private ModuleGraph(List<Use> uses, List<string> homeless) { this.uses = uses; Homeless = homeless; }

    /// <summary>Builds the graph from the assembly file at <paramref name="path"/>.</summary>
    public static ModuleGraph Read(string path, string root)
    {
        using var assembly = AssemblyDefinition.ReadAssembly(path);
        var seen = new HashSet<(string, string)>();
        var uses = new List<Use>();
        var homeless = new List<string>();
        foreach (var type in assembly.MainModule.Types)
        {
            var from = ModuleOf(type, root);
            if (from is null)
            {
                if (type.Namespace == root) homeless.Add(type.FullName);
                continue;
            }
            var found = new HashSet<TypeReference>(new ByName());
            foreach (var t in Flatten(type)) Collect(t, found);
            foreach (var target in found)
            {
                var owner = Outermost(target);
                if (owner.Scope is not ModuleDefinition) continue;     // another assembly
                var to = ModuleOf(owner, root);
                if (to is null || to == from) continue;
                if (seen.Add((type.FullName, owner.FullName))) uses.Add(new Use(from, type.FullName, to, owner.FullName));
            }
        }
        return new ModuleGraph(uses, homeless);
    }

    /// <summary>
    /// The uses that break <paramref name="order"/> (first to last: a module may use only modules
    /// before it), uses of or by a module not in the order, and every cycle between modules, each as
    /// one line naming the offending type pair. Empty when the assembly keeps the order.
    /// </summary>
    public IReadOnlyList<string> Violations(IReadOnlyList<string> order) => Check(uses, Homeless, order);

    /// <summary>The check itself over any list of uses, so it can be tested on a synthetic graph.</summary>
    public static IReadOnlyList<string> Check(IEnumerable<Use> uses, IEnumerable<string> homeless, IReadOnlyList<string> order)
    {
        var list = uses.ToList();
        var rank = order.Select((m, i) => (m, i)).ToDictionary(p => p.m, p => p.i);
        var problems = new List<string>();
        problems.AddRange(homeless.Select(t => $"{t} is in no module (namespace must be {{root}}.<Module>)"));
        foreach (var u in list.OrderBy(u => u.FromType, StringComparer.Ordinal).ThenBy(u => u.ToType, StringComparer.Ordinal))
        {
            if (!rank.TryGetValue(u.FromModule, out var a))
                problems.Add($"{u.FromType}: module {u.FromModule} is not in the order");
            else if (!rank.TryGetValue(u.ToModule, out var b))
                problems.Add($"{u.FromType} uses {u.ToType}: module {u.ToModule} is not in the order");
            else if (b > a)
                problems.Add($"{u.FromType} ({u.FromModule}) uses {u.ToType} ({u.ToModule}), which comes after it");
        }
        foreach (var cycle in Cycles(list))
        {
            var pairs = cycle.Select((m, i) => (m, next: cycle[(i + 1) % cycle.Count]))
                .Select(p => list.Where(u => u.FromModule == p.m && u.ToModule == p.next)
                    .OrderBy(u => u.FromType, StringComparer.Ordinal).First())
                .Select(u => $"{u.FromType} → {u.ToType}");
            problems.Add($"cycle {string.Join(" → ", cycle)} → {cycle[0]}: {string.Join("; ", pairs)}");
        }
        return problems.Distinct().ToList();
    }

    /// <summary>Strongly connected components of more than one module (Tarjan), each ordered from its
    /// smallest name along a path of the cycle.</summary>
    private static List<List<string>> Cycles(List<Use> uses)
    {
        var edges = uses.GroupBy(u => u.FromModule)
            .ToDictionary(g => g.Key, g => g.Select(u => u.ToModule).Distinct().OrderBy(x => x, StringComparer.Ordinal).ToList());
        var nodes = uses.SelectMany(u => new[] { u.FromModule, u.ToModule }).Distinct().OrderBy(x => x, StringComparer.Ordinal).ToList();
        var index = new Dictionary<string, int>(); var low = new Dictionary<string, int>();
        var stack = new Stack<string>(); var onStack = new HashSet<string>(); var result = new List<List<string>>();
        var counter = 0;
        void Visit(string v)
        {
            index[v] = low[v] = counter++; stack.Push(v); onStack.Add(v);
            foreach (var w in edges.GetValueOrDefault(v, []))
            {
                if (!index.ContainsKey(w)) { Visit(w); low[v] = Math.Min(low[v], low[w]); }
                else if (onStack.Contains(w)) low[v] = Math.Min(low[v], index[w]);
            }
            if (low[v] != index[v]) return;
            var scc = new HashSet<string>();
            string x;
            do { x = stack.Pop(); onStack.Remove(x); scc.Add(x); } while (x != v);
            if (scc.Count > 1) result.Add(PathThrough(scc, edges));
        }
        foreach (var n in nodes) if (!index.ContainsKey(n)) Visit(n);
        return result;
    }

    /// <summary>A cycle inside <paramref name="scc"/> from its smallest member back to it (BFS).</summary>
    private static List<string> PathThrough(HashSet<string> scc, Dictionary<string, List<string>> edges)
    {
        var start = scc.OrderBy(x => x, StringComparer.Ordinal).First();
        var previous = new Dictionary<string, string>();
        var queue = new Queue<string>([start]);
        while (queue.Count > 0)
        {
            var v = queue.Dequeue();
            foreach (var w in edges.GetValueOrDefault(v, []).Where(scc.Contains))
            {
                if (w == start)
                {
                    var path = new List<string> { v };
                    while (path[^1] != start) path.Add(previous[path[^1]]);
                    path.Reverse();
                    return path;
                }
                if (previous.ContainsKey(w)) continue;
                previous[w] = v; queue.Enqueue(w);
            }
        }
        return [start];
    }

    private static string? ModuleOf(TypeReference type, string root)
    {
        var ns = Outermost(type).Namespace;
        if (!ns.StartsWith(root + ".", StringComparison.Ordinal)) return null;
        return ns[(root.Length + 1)..].Split('.')[0];
    }

    private static TypeReference Outermost(TypeReference type)
    {
        while (type.DeclaringType is not null) type = type.DeclaringType;
        return type;
    }

    private static IEnumerable<TypeDefinition> Flatten(TypeDefinition type) =>
        new[] { type }.Concat(type.NestedTypes.SelectMany(Flatten));

    private static void Collect(TypeDefinition type, HashSet<TypeReference> found)
    {
        Add(type.BaseType, found);
        foreach (var i in type.Interfaces) { Add(i.InterfaceType, found); Attributes(i.CustomAttributes, found); }
        Attributes(type.CustomAttributes, found);
        foreach (var g in type.GenericParameters) Generic(g, found);
        foreach (var f in type.Fields) { Add(f.FieldType, found); Attributes(f.CustomAttributes, found); }
        foreach (var p in type.Properties) { Add(p.PropertyType, found); Attributes(p.CustomAttributes, found); }
        foreach (var e in type.Events) { Add(e.EventType, found); Attributes(e.CustomAttributes, found); }
        foreach (var m in type.Methods)
        {
            Signature(m, found);
            Attributes(m.CustomAttributes, found);
            Attributes(m.MethodReturnType.CustomAttributes, found);
            foreach (var p in m.Parameters) Attributes(p.CustomAttributes, found);
            if (!m.HasBody) continue;
            foreach (var v in m.Body.Variables) Add(v.VariableType, found);
            foreach (var h in m.Body.ExceptionHandlers) Add(h.CatchType, found);
            foreach (var instruction in m.Body.Instructions)
            {
                switch (instruction.Operand)
                {
                    case TypeReference t: Add(t, found); break;
                    case MethodReference r: Signature(r, found); break;
                    case FieldReference f: Add(f.DeclaringType, found); Add(f.FieldType, found); break;
                }
            }
        }
    }

    private static void Signature(MethodReference m, HashSet<TypeReference> found)
    {
        Add(m.DeclaringType, found);
        Add(m.ReturnType, found);
        foreach (var p in m.Parameters) Add(p.ParameterType, found);
        if (m is GenericInstanceMethod gm) foreach (var a in gm.GenericArguments) Add(a, found);
        foreach (var g in m.GenericParameters) Generic(g, found);
    }

    private static void Generic(GenericParameter g, HashSet<TypeReference> found)
    {
        foreach (var c in g.Constraints) Add(c.ConstraintType, found);
    }

    private static void Attributes(IEnumerable<CustomAttribute> attributes, HashSet<TypeReference> found)
    {
        foreach (var a in attributes)
        {
            Add(a.AttributeType, found);
            foreach (var arg in a.ConstructorArguments.Concat(a.Properties.Select(p => p.Argument)).Concat(a.Fields.Select(f => f.Argument)))
            {
                Add(arg.Type, found);
                if (arg.Value is TypeReference t) Add(t, found);
            }
        }
    }

    private static void Add(TypeReference? type, HashSet<TypeReference> found)
    {
        switch (type)
        {
            case null: return;
            case GenericParameter: return;
            case GenericInstanceType g:
                Add(g.ElementType, found);
                foreach (var a in g.GenericArguments) Add(a, found);
                return;
            case IModifierType m:
                Add(m.ModifierType, found); Add(((TypeSpecification)type).ElementType, found);
                return;
            case FunctionPointerType fp:
                Add(fp.ReturnType, found);
                foreach (var p in fp.Parameters) Add(p.ParameterType, found);
                return;
            case TypeSpecification s:   // array, by-ref, pointer, pinned, sentinel
                Add(s.ElementType, found);
                return;
            default:
                found.Add(type);
                return;
        }
    }

    private sealed class ByName : IEqualityComparer<TypeReference>
    {
        public bool Equals(TypeReference? x, TypeReference? y) => x?.FullName == y?.FullName && x?.Scope?.Name == y?.Scope?.Name;
        public int GetHashCode(TypeReference obj) => obj.FullName.GetHashCode();
    }
}
