using KampungKB.Core.Ingestion.Intake;
using Microsoft.Extensions.DependencyInjection;

namespace KampungKB.Core.Ingestion;

/// <summary>Registers the Ingestion module (docs/architecture.md, "The nine modules"): its front door, <see cref="IngestionEngine"/>.</summary>
public static class IngestionServiceCollectionExtensions
{
    /// <summary>
    /// Registers one <see cref="IngestionEngine"/> (a singleton: it holds the loaded layouts and messages) built from
    /// <paramref name="options"/> when first resolved; the composition passes the pipeline's cap and deadline
    /// (<c>Pipeline__MaxUploadBytes</c>, <c>Ingestion__DeadlineSeconds</c>) so each is one setting.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    public static IServiceCollection AddKampungKBIngestion(this IServiceCollection services, IngestionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        services.AddSingleton(_ => IngestionEngine.Create(options));
        return services;
    }
}
