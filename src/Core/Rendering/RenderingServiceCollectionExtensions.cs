using KampungKB.Core.Rendering.Templating;
using Microsoft.Extensions.DependencyInjection;

namespace KampungKB.Core.Rendering;

/// <summary>Registers the Rendering module: the mail and page templates loaded from the templates folder.</summary>
public static class RenderingServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="EmailTemplates"/> (from <c>{templatesDirectory}/email</c>) and <see cref="PageTemplates"/>
    /// (from <c>{templatesDirectory}/page</c>) as singletons, loaded when first resolved.
    /// </summary>
    public static IServiceCollection AddKampungKBRendering(this IServiceCollection services, string templatesDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(templatesDirectory);
        services.AddSingleton(_ => EmailTemplates.Load(Path.Combine(templatesDirectory, "email")));
        services.AddSingleton(_ => PageTemplates.Load(Path.Combine(templatesDirectory, "page")));
        return services;
    }
}
