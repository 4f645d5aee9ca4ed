using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using KampungKB.Core.Store;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace KampungKB.Core.Tests.Storage;

/// <summary>
/// The settings the Functions host understands for <c>AzureWebJobsStorage</c>, turned into SDK clients aimed
/// at the right endpoints. No request is sent: there is no real Azure here.
/// </summary>
public sealed class StorageConnectionTests
{
    private static ServiceProvider Provider(Dictionary<string, string?> settings) =>
        new ServiceCollection()
            .AddKampungKBStorage(new ConfigurationBuilder().AddInMemoryCollection(settings).Build())
            .BuildServiceProvider();

    [Fact]
    public void IdentityBased_ServiceUris_ClientsAimAtThem_WithManagedIdentity()
    {
        var settings = new Dictionary<string, string?>
        {
            // As environment variables reach IConfiguration: '__' becomes ':'.
            ["AzureWebJobsStorage:blobServiceUri"] = "https://kkbprod.blob.core.windows.net",
            ["AzureWebJobsStorage:queueServiceUri"] = "https://kkbprod.queue.core.windows.net",
            ["AzureWebJobsStorage:tableServiceUri"] = "https://kkbprod.table.core.windows.net",
            ["AzureWebJobsStorage:credential"] = "managedidentity",
            ["AzureWebJobsStorage:clientId"] = "00000000-0000-0000-0000-000000000001",
        };
        using var sp = Provider(settings);
        Assert.Equal("https://kkbprod.blob.core.windows.net/", sp.GetRequiredService<BlobServiceClient>().Uri.AbsoluteUri);
        Assert.Equal("https://kkbprod.queue.core.windows.net/", sp.GetRequiredService<QueueServiceClient>().Uri.AbsoluteUri);
        Assert.Equal("https://kkbprod.table.core.windows.net/", sp.GetRequiredService<TableServiceClient>().Uri.AbsoluteUri);
        Assert.Equal("kkbprod", sp.GetRequiredService<BlobServiceClient>().AccountName);
        Assert.IsType<ManagedIdentityCredential>(sp.GetRequiredService<StorageConnection>().Credential);
        Assert.Null(sp.GetRequiredService<StorageConnection>().ConnectionString);
    }

    [Fact]
    public void IdentityBased_AccountNameOnly_DerivesAllThreeEndpoints_DefaultCredential()
    {
        using var sp = Provider(new() { ["AzureWebJobsStorage__accountName"] = "kkbstore" });
        Assert.Equal("https://kkbstore.blob.core.windows.net/", sp.GetRequiredService<BlobServiceClient>().Uri.AbsoluteUri);
        Assert.Equal("https://kkbstore.queue.core.windows.net/", sp.GetRequiredService<QueueServiceClient>().Uri.AbsoluteUri);
        Assert.Equal("https://kkbstore.table.core.windows.net/", sp.GetRequiredService<TableServiceClient>().Uri.AbsoluteUri);
        Assert.IsType<DefaultAzureCredential>(sp.GetRequiredService<StorageConnection>().Credential);
    }

    [Fact]
    public void ConnectionString_Development_PathStyleAzuriteEndpoints()
    {
        using var sp = Provider(new() { ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true" });
        Assert.Equal("http://127.0.0.1:10000/devstoreaccount1", sp.GetRequiredService<BlobServiceClient>().Uri.AbsoluteUri.TrimEnd('/'));
        Assert.Equal("http://127.0.0.1:10001/devstoreaccount1", sp.GetRequiredService<QueueServiceClient>().Uri.AbsoluteUri.TrimEnd('/'));
        Assert.Equal("http://127.0.0.1:10002/devstoreaccount1", sp.GetRequiredService<TableServiceClient>().Uri.AbsoluteUri.TrimEnd('/'));
        Assert.True(sp.GetRequiredService<StorageConnection>().IsLoopback);
    }

    [Fact]
    public void ConnectionString_ExplicitEndpoints_Win()
    {
        var c = StorageConnection.Parse("DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" + StorageConnection.DevelopmentAccountKey +
            ";BlobEndpoint=http://127.0.0.1:5001/devstoreaccount1;QueueEndpoint=http://127.0.0.1:5002/devstoreaccount1;TableEndpoint=http://127.0.0.1:5003/devstoreaccount1;");
        Assert.Equal("http://127.0.0.1:5001/devstoreaccount1", c.BlobServiceUri.AbsoluteUri.TrimEnd('/'));
        Assert.Equal("http://127.0.0.1:5002/devstoreaccount1", c.QueueServiceUri.AbsoluteUri.TrimEnd('/'));
        Assert.Equal("http://127.0.0.1:5003/devstoreaccount1", c.TableServiceUri.AbsoluteUri.TrimEnd('/'));
    }

    [Fact]
    public void AddedTwice_OneSetOfClients()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true" }).Build();
        var services = new ServiceCollection().AddKampungKBStorage(configuration).AddKampungKBStorage(configuration);
        Assert.Single(services, d => d.ServiceType == typeof(StorageConnection));
        using var sp = services.BuildServiceProvider();
        Assert.Same(sp.GetRequiredService<TableServiceClient>(), sp.GetRequiredService<TableServiceClient>());
        Assert.Single(sp.GetServices<BlobServiceClient>());
    }

    [Theory]
    [InlineData("AccountKey=abc")]
    [InlineData("AccountName=a;AccountKey=not base64!")]
    [InlineData("not a connection string")]
    public void BadConnectionString_NamesTheSetting(string value)
    {
        var ex = Assert.Throws<InvalidOperationException>(() =>
            StorageConnection.FromConfiguration(n => n == "AzureWebJobsStorage" ? value : null));
        Assert.Contains("'AzureWebJobsStorage'", ex.Message);
    }

    [Fact]
    public void StandardBlobEndpointAlone_DerivesQueueAndTableEndpoints()
    {
        var connection = StorageConnection.FromConfiguration(n => n == "AzureWebJobsStorage__blobServiceUri" ? "https://kkbprod.blob.core.windows.net" : null);
        var clients = StorageServiceCollectionExtensions.CreateClients(connection);
        Assert.Equal(("https://kkbprod.queue.core.windows.net/", "https://kkbprod.table.core.windows.net/"),
            (clients.Queues.Uri.ToString(), clients.Tables.Uri.ToString()));
    }

    [Fact]
    public void Missing_Or_BadCredential_NamesTheKey()
    {
        var missing = Assert.Throws<InvalidOperationException>(() => StorageConnection.FromConfiguration(_ => null));
        Assert.Contains("AzureWebJobsStorage__blobServiceUri", missing.Message);

        // A blob endpoint that is not of the standard form names nothing else: the queue endpoint must be set.
        var noTable = Assert.Throws<InvalidOperationException>(() => StorageConnection.FromConfiguration(
            n => n == "AzureWebJobsStorage__blobServiceUri" ? "https://storage.example.id/kkb" : null));
        Assert.Contains("AzureWebJobsStorage__queueServiceUri", noTable.Message);

        var settings = new Dictionary<string, string>
        {
            ["AzureWebJobsStorage__accountName"] = "kkb",
            ["AzureWebJobsStorage__credential"] = "clientsecret",
        };
        var bad = Assert.Throws<InvalidOperationException>(() => StorageConnection.FromConfiguration(n => settings.GetValueOrDefault(n)));
        Assert.Contains("AzureWebJobsStorage__credential", bad.Message);

        var notUrl = Assert.Throws<InvalidOperationException>(() => StorageConnection.FromConfiguration(
            n => n == "AzureWebJobsStorage__accountName" ? "kkb" : n == "AzureWebJobsStorage__tableServiceUri" ? "table.example" : null));
        Assert.Contains("AzureWebJobsStorage__tableServiceUri", notUrl.Message);
    }
}
