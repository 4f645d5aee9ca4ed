using Microsoft.Extensions.DependencyInjection;

namespace KampungKB.Core.Registry;

/// <summary>Registers the Registry module: its front door, <see cref="RegistryImporter"/> (a singleton over the Store's repositories).</summary>
public static class RegistryServiceCollectionExtensions
{
    /// <summary>Registers <see cref="RegistryImporter"/>; it needs the Ingestion engine and the repositories of <c>AddKampungKBStorage</c>.</summary>
    public static IServiceCollection AddKampungKBRegistry(this IServiceCollection services)
    {
        services.AddSingleton<RegistryImporter>();
        return services;
    }
}
