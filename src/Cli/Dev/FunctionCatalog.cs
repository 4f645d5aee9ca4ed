using System.Reflection;
using System.Text.Json;
using KampungKB.Functions;
using Microsoft.Azure.Functions.Worker;

namespace KampungKB.Cli.Dev;

/// <summary>
/// One function as its attributes declare it, in the terms of the build's <c>functions.metadata</c>:
/// trigger type (<c>blobTrigger</c>, <c>timerTrigger</c>, <c>httpTrigger</c>), blob path and source,
/// timer schedule (unresolved, e.g. <c>%Schedules:CompileRecap%</c>), HTTP route and methods (lower case).
/// </summary>
internal sealed record FunctionDescriptor(string Name, string TriggerType, MethodInfo Method, ParameterInfo Trigger,
    string? Path = null, string? Source = null, string? Schedule = null, string? Route = null, IReadOnlyList<string>? Methods = null)
{
    /// <summary>The container a blob trigger watches (the path's first segment), before any test prefix.</summary>
    public string? Container => Path?.Split('/')[0];
}

/// <summary>
/// Discovers the functions of <c>KampungKB.Functions</c> from their <c>[Function]</c> and trigger
/// attributes, as the Worker SDK's generator does at build time, so the local runner serves exactly
/// what the Functions host would index (a test compares the two).
/// </summary>
internal static class FunctionCatalog
{
    public static IReadOnlyList<FunctionDescriptor> Discover(Assembly? assembly = null)
    {
        assembly ??= typeof(AppComposition).Assembly;
        var list = new List<FunctionDescriptor>();
        foreach (var type in assembly.GetTypes().Where(t => t.IsClass && t.IsPublic).OrderBy(t => t.FullName, StringComparer.Ordinal))
        foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly).OrderBy(m => m.MetadataToken))
        {
            if (method.GetCustomAttribute<FunctionAttribute>() is not { } function) continue;
            foreach (var p in method.GetParameters())
            {
                if (p.GetCustomAttribute<BlobTriggerAttribute>() is { } blob)
                    list.Add(new(function.Name, "blobTrigger", method, p, Path: blob.BlobPath, Source: blob.Source.ToString()));
                else if (p.GetCustomAttribute<TimerTriggerAttribute>() is { } timer)
                    list.Add(new(function.Name, "timerTrigger", method, p, Schedule: timer.Schedule));
                else if (p.GetCustomAttribute<HttpTriggerAttribute>() is { } http)
                    list.Add(new(function.Name, "httpTrigger", method, p, Route: http.Route ?? function.Name,
                        Methods: (http.Methods ?? ["get", "post"]).Select(m => m.ToLowerInvariant()).ToList()));
            }
        }
        return list;
    }
}

/// <summary>What the local runner takes from <c>host.json</c>, as the host does: the HTTP route prefix and the poison threshold.</summary>
internal sealed record HostOptions(string RoutePrefix, int PoisonBlobThreshold)
{
    /// <summary>The host's defaults: <c>api</c> and 5.</summary>
    public static readonly HostOptions Default = new("api", 5);

    public static HostOptions Load(string hostJsonPath)
    {
        if (!File.Exists(hostJsonPath)) return Default;
        using var doc = JsonDocument.Parse(File.ReadAllText(hostJsonPath));
        var prefix = Default.RoutePrefix;
        var threshold = Default.PoisonBlobThreshold;
        if (doc.RootElement.TryGetProperty("extensions", out var ext))
        {
            if (ext.TryGetProperty("http", out var http) && http.TryGetProperty("routePrefix", out var rp) && rp.ValueKind == JsonValueKind.String)
                prefix = rp.GetString()!.Trim('/');
            if (ext.TryGetProperty("blobs", out var blobs) && blobs.TryGetProperty("poisonBlobThreshold", out var pt) && pt.TryGetInt32(out var n) && n > 0)
                threshold = n;
        }
        return new HostOptions(prefix, threshold);
    }
}
