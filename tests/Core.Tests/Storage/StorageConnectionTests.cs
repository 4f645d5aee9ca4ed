using Azure.Identity;
using KampungKB.Core.Storage;

namespace KampungKB.Core.Tests.Storage;

public sealed class StorageConnectionTests
{
    [Fact]
    public void Parse_UseDevelopmentStorage_PathStyleAzuriteDefaults()
    {
        var c = StorageConnection.Parse("UseDevelopmentStorage=true");
        Assert.Equal("http://127.0.0.1:10000/devstoreaccount1/", c.BlobServiceUri.AbsoluteUri);
        Assert.Equal("http://127.0.0.1:10002/devstoreaccount1/", c.TableServiceUri.AbsoluteUri);
        Assert.Equal("devstoreaccount1", c.SharedKey!.AccountName);
        Assert.Null(c.TokenCredential);
    }

    [Fact]
    public void Parse_FullConnectionString_BuildsEndpointsFromSuffix()
    {
        var c = StorageConnection.Parse("DefaultEndpointsProtocol=https;AccountName=kkbprod;AccountKey=" + StorageConnection.DevelopmentAccountKey + ";EndpointSuffix=core.windows.net");
        Assert.Equal("https://kkbprod.blob.core.windows.net/", c.BlobServiceUri.AbsoluteUri);
        Assert.Equal("https://kkbprod.table.core.windows.net/", c.TableServiceUri.AbsoluteUri);
        Assert.Equal("kkbprod", c.AccountName);
    }

    [Fact]
    public void Parse_ExplicitEndpoints_Win()
    {
        var c = StorageConnection.Parse("DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" + StorageConnection.DevelopmentAccountKey +
            ";BlobEndpoint=http://127.0.0.1:5001/devstoreaccount1;TableEndpoint=http://127.0.0.1:5003/devstoreaccount1;");
        Assert.Equal("http://127.0.0.1:5001/devstoreaccount1/", c.BlobServiceUri.AbsoluteUri);
        Assert.Equal("http://127.0.0.1:5003/devstoreaccount1/", c.TableServiceUri.AbsoluteUri);
    }

    [Theory]
    [InlineData("AccountKey=abc", "AccountName")]
    [InlineData("AccountName=a", "AccountKey")]
    [InlineData("AccountName=a;AccountKey=not base64!", "AccountKey")]
    [InlineData("AccountName=a;AccountKey=AAAA;BlobEndpoint=relative/path", "BlobEndpoint")]
    [InlineData("AccountName=a;AccountKey=AAAA;DefaultEndpointsProtocol=ftp", "DefaultEndpointsProtocol")]
    [InlineData("UseDevelopmentStorage=false", "UseDevelopmentStorage")]
    public void FromConfiguration_BadConnectionString_NamesSettingAndKey(string value, string key)
    {
        var ex = Assert.Throws<InvalidOperationException>(() =>
            StorageConnection.FromConfiguration(n => n == "AzureWebJobsStorage" ? value : null));
        Assert.Contains("'AzureWebJobsStorage'", ex.Message);
        Assert.Contains(key, ex.Message);
    }

    [Fact]
    public void FromConfiguration_IdentityBased_ManagedIdentityWithClientId()
    {
        var settings = new Dictionary<string, string>
        {
            ["AzureWebJobsStorage__blobServiceUri"] = "https://kkb.blob.core.windows.net",
            ["AzureWebJobsStorage__tableServiceUri"] = "https://kkb.table.core.windows.net",
            ["AzureWebJobsStorage__credential"] = "managedidentity",
            ["AzureWebJobsStorage__clientId"] = "00000000-0000-0000-0000-000000000001",
        };
        var c = StorageConnection.FromConfiguration(n => settings.GetValueOrDefault(n));
        Assert.IsType<ManagedIdentityCredential>(c.TokenCredential);
        Assert.Null(c.SharedKey);
        Assert.Equal("kkb", c.AccountName);
        Assert.Equal("https://kkb.table.core.windows.net/", c.TableServiceUri.AbsoluteUri);
    }

    [Fact]
    public void FromConfiguration_AccountNameOnly_DerivesUris_DefaultCredential()
    {
        var c = StorageConnection.FromConfiguration(n => n == "Storage__accountName" ? "kkb" : null, "Storage");
        Assert.Equal("https://kkb.blob.core.windows.net/", c.BlobServiceUri.AbsoluteUri);
        Assert.IsType<DefaultAzureCredential>(c.TokenCredential);
    }

    [Fact]
    public void FromConfiguration_Missing_Or_BadCredential_NamesTheKey()
    {
        var missing = Assert.Throws<InvalidOperationException>(() => StorageConnection.FromConfiguration(_ => null));
        Assert.Contains("AzureWebJobsStorage__blobServiceUri", missing.Message);

        var noTable = Assert.Throws<InvalidOperationException>(() => StorageConnection.FromConfiguration(
            n => n == "AzureWebJobsStorage__blobServiceUri" ? "https://kkb.blob.core.windows.net" : null));
        Assert.Contains("AzureWebJobsStorage__tableServiceUri", noTable.Message);

        var settings = new Dictionary<string, string>
        {
            ["AzureWebJobsStorage__accountName"] = "kkb",
            ["AzureWebJobsStorage__credential"] = "clientsecret",
        };
        var bad = Assert.Throws<InvalidOperationException>(() => StorageConnection.FromConfiguration(n => settings.GetValueOrDefault(n)));
        Assert.Contains("AzureWebJobsStorage__credential", bad.Message);
    }
}
