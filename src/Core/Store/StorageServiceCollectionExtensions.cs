using Azure.Core;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace KampungKB.Core.Store;

/// <summary>
/// Registers the Azure SDK storage clients once per process (conventions 9): <see cref="BlobServiceClient"/>,
/// <see cref="QueueServiceClient"/> and <see cref="TableServiceClient"/> as singletons through
/// Microsoft.Extensions.Azure, plus the <see cref="StorageConnection"/> they were built from.
/// </summary>
public static class StorageServiceCollectionExtensions
{
    /// <summary>The setting the Functions host reads for its own storage, and so do we.</summary>
    public const string ConnectionName = "AzureWebJobsStorage";

    /// <summary>
    /// Reads <c>AzureWebJobsStorage</c> (a connection string) or the identity-based
    /// <c>AzureWebJobsStorage__*</c> settings from <paramref name="configuration"/> and registers the clients.
    /// A second call is a no-op, so the composition root and a caller's own wiring never build two sets.
    /// </summary>
    /// <exception cref="InvalidOperationException">Storage settings are missing or bad; the message names the key.</exception>
    public static IServiceCollection AddKampungKBStorage(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (services.Any(d => d.ServiceType == typeof(StorageConnection))) return services;
        var connection = StorageConnection.FromConfiguration(
            key => configuration[key.Replace("__", ":", StringComparison.Ordinal)] ?? configuration[key], ConnectionName);
        return services.AddKampungKBStorage(connection);
    }

    /// <summary>
    /// Registers the clients for an already-read <paramref name="connection"/> (a second call is a no-op).
    /// <paramref name="configureRetry"/> adjusts the retry policy shared by all three (tests shorten it).
    /// </summary>
    public static IServiceCollection AddKampungKBStorage(this IServiceCollection services, StorageConnection connection, Action<RetryOptions>? configureRetry = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(connection);
        if (services.Any(d => d.ServiceType == typeof(StorageConnection))) return services;
        services.AddSingleton(connection);
        services.AddKampungKBStores();
        services.AddAzureClients(builder =>
        {
            if (connection.ConnectionString is { } cs)
            {
                builder.AddBlobServiceClient(cs);
                builder.AddQueueServiceClient(cs).ConfigureOptions(HostQueueEncoding);
                builder.AddTableServiceClient(cs);
            }
            else
            {
                builder.AddBlobServiceClient(connection.BlobServiceUri);
                builder.AddQueueServiceClient(connection.QueueServiceUri).ConfigureOptions(HostQueueEncoding);
                builder.AddTableServiceClient(connection.TableServiceUri);
                builder.UseCredential(connection.Credential!);
            }
            if (configureRetry is not null) builder.ConfigureDefaults(o => configureRetry(o.Retry));
        });
        return services;
    }

    /// <summary>
    /// Registers <see cref="Stores"/> and each of its repositories (<see cref="RegistryStore"/>, <see cref="ReportStore"/>,
    /// <see cref="UploadLog"/>, <see cref="DriveStore"/>, <see cref="ClaimLedger"/>, <see cref="LinkKeyStore"/>) as
    /// singletons over the registered <see cref="TableServiceClient"/>, <see cref="StorageNames"/> (default
    /// <see cref="StorageNames.Default"/>) and <see cref="TimeProvider"/> (default the system clock), resolved when
    /// first used. <see cref="AddKampungKBStorage(IServiceCollection, StorageConnection, Action{RetryOptions}?)"/> calls it;
    /// a second call is a no-op.
    /// </summary>
    public static IServiceCollection AddKampungKBStores(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Any(d => d.ServiceType == typeof(Stores))) return services;
        services.TryAddSingleton(StorageNames.Default);
        services.AddSingleton(sp => new Stores(sp.GetRequiredService<TableServiceClient>(), sp.GetRequiredService<StorageNames>(),
            sp.GetService<TimeProvider>() ?? TimeProvider.System));
        services.AddSingleton(sp => sp.GetRequiredService<Stores>().Registry);
        services.AddSingleton(sp => sp.GetRequiredService<Stores>().Reports);
        services.AddSingleton(sp => sp.GetRequiredService<Stores>().Uploads);
        services.AddSingleton(sp => sp.GetRequiredService<Stores>().Drive);
        services.AddSingleton(sp => sp.GetRequiredService<Stores>().Claims);
        services.AddSingleton(sp => sp.GetRequiredService<Stores>().LinkKeys);
        return services;
    }

    /// <summary>
    /// Queue messages are base64, as the Functions host writes and reads them (its storage queues default),
    /// so a message on <c>webjobs-blobtrigger-poison</c> reads the same whoever wrote it.
    /// </summary>
    private static void HostQueueEncoding(QueueClientOptions options) => options.MessageEncoding = QueueMessageEncoding.Base64;

    /// <summary>
    /// The three clients for one connection without a container (CLI tools, benchmarks and tests that are
    /// not a host): the same registration as <see cref="AddKampungKBStorage(IServiceCollection, StorageConnection, Action{RetryOptions}?)"/>.
    /// </summary>
    public static StorageClients CreateClients(StorageConnection connection, Action<RetryOptions>? configureRetry = null)
    {
        var provider = new ServiceCollection().AddKampungKBStorage(connection, configureRetry).BuildServiceProvider();
        return new StorageClients(connection,
            provider.GetRequiredService<BlobServiceClient>(),
            provider.GetRequiredService<QueueServiceClient>(),
            provider.GetRequiredService<TableServiceClient>());
    }
}

/// <summary>The SDK clients of one storage account, as registered by <see cref="StorageServiceCollectionExtensions"/>.</summary>
public sealed record StorageClients(StorageConnection Connection, BlobServiceClient Blobs, QueueServiceClient Queues, TableServiceClient Tables);
