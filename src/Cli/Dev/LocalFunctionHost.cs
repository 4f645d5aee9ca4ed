using System.Reflection;
using Azure.Storage.Blobs;
using KampungKB.Functions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KampungKB.Cli.Dev;

/// <summary>
/// Plays the Functions host's part locally (Core Tools cannot be installed here): the app is wired by
/// the same <see cref="AppComposition.AddKampungKB"/> as under the host; each invocation gets its own DI
/// scope and a fresh instance of the function class, with the trigger's value bound as the worker would
/// (a <see cref="BlobClient"/> and <c>{name}</c> for blobs, <see cref="TimerInfo"/>, <see cref="HttpRequest"/>
/// and route values for HTTP). HTTP functions are served on Kestrel under the host's route prefix.
/// </summary>
internal sealed class LocalFunctionHost : IAsyncDisposable
{
    public const int DevPort = 7071;
    private readonly WebApplication _app;

    private readonly BlobServiceClient _blobs;

    private LocalFunctionHost(WebApplication app, IReadOnlyList<FunctionDescriptor> functions, HostOptions host, BlobServiceClient blobs)
    {
        _app = app;
        _blobs = blobs;
        Functions = functions;
        Host = host;
    }

    public IReadOnlyList<FunctionDescriptor> Functions { get; }
    public HostOptions Host { get; }
    public IServiceProvider Services => _app.Services;
    /// <summary>Where HTTP functions answer, e.g. <c>http://127.0.0.1:7071/</c>.</summary>
    public Uri Address => new(_app.Urls.First().TrimEnd('/') + "/");

    /// <summary>
    /// Builds and starts the app. <paramref name="settings"/> are app settings over the environment's;
    /// <paramref name="port"/> 0 picks a free port; <paramref name="overrideServices"/> runs after the
    /// composition (tests give storage names a prefix or inject faults).
    /// </summary>
    /// <param name="app">The function app's assembly (default KampungKB.Functions); its public static
    /// <c>AddKampungKB(IServiceCollection, IConfiguration)</c> wires it, as its Program.cs does.</param>
    /// <exception cref="InvalidSettingsException">Bad settings, each key named.</exception>
    public static async Task<LocalFunctionHost> StartAsync(IReadOnlyDictionary<string, string?> settings, HostOptions host, int port = 0,
        Action<IServiceCollection>? overrideServices = null, Assembly? app = null, CancellationToken cancellationToken = default)
    {
        app ??= typeof(AppComposition).Assembly;
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "None",
            // The SDK logs expected answers (409 on create-if-not-exists, insert-once claims) as warnings.
            ["Logging:LogLevel:Azure.Core"] = "Error",
        });
        // App settings reach the host's configuration as environment variables: A__B is the key A:B.
        builder.Configuration.AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key.Replace("__", ":", StringComparison.Ordinal), s.Value)));
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        Compose(app, builder.Services, builder.Configuration);
        builder.Services.AddMvcCore(); // executes the functions' IActionResult, as the worker's ASP.NET Core integration does
        overrideServices?.Invoke(builder.Services);
        var web = builder.Build();
        var functions = FunctionCatalog.Discover(app);
        foreach (var f in functions.Where(f => f.TriggerType == "httpTrigger"))
        {
            var pattern = "/" + (host.RoutePrefix.Length == 0 ? "" : host.RoutePrefix + "/") + f.Route;
            web.MapMethods(pattern, f.Methods!.Select(m => m.ToUpperInvariant()), (HttpContext context) => ServeAsync(context, f));
        }
        // The bare address is no function: a short Indonesian page saying where the upload pages are (not a blank 404).
        web.MapGet("/", () =>
        {
            var t = KampungKB.Cli.Commands.CliTexts.Default;
            var html = $"<!doctype html><html lang=\"id\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
                + $"<title>{KampungKB.Core.Rendering.Exports.ExportSanitizer.Html(t.T("dev.root_title"))}</title></head>"
                + "<body style=\"font:17px/1.45 system-ui,sans-serif;max-width:560px;margin:0 auto;padding:16px;color:#1b1f23\">"
                + $"<h1 style=\"font-size:1.3em;color:#0b6e4f\">{KampungKB.Core.Rendering.Exports.ExportSanitizer.Html(t.T("dev.root_title"))}</h1>"
                + $"<p>{KampungKB.Core.Rendering.Exports.ExportSanitizer.Html(t.T("dev.root_text"))}</p>"
                + $"<p><code>./kkb links</code></p><p>{KampungKB.Core.Rendering.Exports.ExportSanitizer.Html(t.T("dev.root_more"))}</p>"
                // A command wraps only between its words, never after the dashes of an option.
                + "<p><code>" + string.Join(" ", t.T("dev.root_recap").Split(' ').Select(w => $"<span style=\"white-space:nowrap\">{KampungKB.Core.Rendering.Exports.ExportSanitizer.Html(w)}</span>"))
                + "</code></p></body></html>";
            return Results.Content(html, "text/html; charset=utf-8");
        });
        await web.StartAsync(cancellationToken);
        // Like the worker's blob extension, the runner builds its own client from AzureWebJobsStorage.
        var blobs = settings.GetValueOrDefault("AzureWebJobsStorage") is { Length: > 0 } cs ? new BlobServiceClient(cs)
            : web.Services.GetService<BlobServiceClient>() ?? throw new InvalidOperationException("AzureWebJobsStorage is not set: the runner cannot reach the blobs.");
        return new LocalFunctionHost(web, functions, host, blobs);
    }

    /// <summary>Calls the app's composition method: <c>AddKampungKB(IServiceCollection, IConfiguration)</c>, found by name in <paramref name="app"/>.</summary>
    private static void Compose(Assembly app, IServiceCollection services, IConfiguration configuration)
    {
        var method = app.GetTypes().Where(t => t.IsPublic && t.IsAbstract && t.IsSealed)
            .Select(t => t.GetMethod("AddKampungKB", BindingFlags.Public | BindingFlags.Static, [typeof(IServiceCollection), typeof(IConfiguration)]))
            .SingleOrDefault(m => m is not null)
            ?? throw new InvalidOperationException($"{app.GetName().Name} has no public static AddKampungKB(IServiceCollection, IConfiguration).");
        try { method.Invoke(null, [services, configuration]); }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerException);
        }
    }

    /// <summary>Invokes a blob-triggered function for <paramref name="container"/>/<paramref name="blobName"/>; exceptions propagate (the caller retries).</summary>
    public Task<object?> InvokeBlobAsync(FunctionDescriptor function, string container, string blobName, CancellationToken cancellationToken)
    {
        var client = _blobs.GetBlobContainerClient(container).GetBlobClient(blobName);
        var pattern = function.Path!.Split('/', 2)[1];
        var data = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
        if (pattern.StartsWith('{') && pattern.EndsWith('}')) data[pattern[1..^1]] = blobName; // path tokens are greedy: {name} is the whole name
        return InvokeAsync(function, client, data, null, cancellationToken);
    }

    /// <summary>Invokes a timer-triggered function now.</summary>
    public Task<object?> InvokeTimerAsync(FunctionDescriptor function, bool pastDue, CancellationToken cancellationToken) =>
        InvokeAsync(function, new TimerInfo { IsPastDue = pastDue }, new Dictionary<string, object?>(), null, cancellationToken);

    private static async Task ServeAsync(HttpContext context, FunctionDescriptor function)
    {
        var data = context.GetRouteData().Values.ToDictionary(v => v.Key, v => (object?)v.Value?.ToString(), StringComparer.OrdinalIgnoreCase);
        var result = await InvokeCoreAsync(function, context.Request, data, context.RequestServices, context.RequestServices, context.RequestAborted);
        if (result is IActionResult action)
            await action.ExecuteResultAsync(new ActionContext(context, context.GetRouteData(), new ActionDescriptor()));
        else context.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    private Task<object?> InvokeAsync(FunctionDescriptor function, object trigger, IReadOnlyDictionary<string, object?> data, IServiceProvider? requestServices,
        CancellationToken cancellationToken) => InvokeCoreAsync(function, trigger, data, requestServices, Services, cancellationToken);

    /// <summary>
    /// One invocation: a new DI scope (or the HTTP request's own), a new instance of the function class,
    /// parameters bound by position (trigger), type (<see cref="CancellationToken"/>), name (binding data)
    /// or else from services; a <c>Task&lt;T&gt;</c>'s result is returned.
    /// </summary>
    private static async Task<object?> InvokeCoreAsync(FunctionDescriptor function, object trigger, IReadOnlyDictionary<string, object?> data,
        IServiceProvider? requestServices, IServiceProvider root, CancellationToken cancellationToken)
    {
        await using var scope = root.CreateAsyncScope();
        var services = requestServices ?? scope.ServiceProvider;
        var method = function.Method;
        var target = method.IsStatic ? null : ActivatorUtilities.CreateInstance(services, method.DeclaringType!);
        var args = method.GetParameters().Select(p =>
            p.Position == function.Trigger.Position ? trigger
            : p.ParameterType == typeof(CancellationToken) ? cancellationToken
            : data.TryGetValue(p.Name!, out var value) ? value
            : services.GetService(p.ParameterType)).ToArray();
        object? returned;
        try { returned = method.Invoke(target, args); }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerException);
            throw;
        }
        if (returned is not Task task) return returned;
        await task;
        return method.ReturnType.IsGenericType ? method.ReturnType.GetProperty("Result")!.GetValue(task) : null;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
