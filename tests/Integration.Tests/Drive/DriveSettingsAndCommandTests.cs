using KampungKB.Cli.Commands;
using KampungKB.Core.Uploads.Drive;
using KampungKB.Functions;
using Microsoft.Extensions.Configuration;
using KampungKB.Core.Ingestion.Normalisation;

namespace KampungKB.Integration.Tests.Drive;

/// <summary>The Drive settings checked at start-up, and <c>kkb drive link/list</c> over Azurite.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class DriveSettingsAndCommandTests(AzuriteFixture azurite)
{
    private static (AppSettings Settings, IReadOnlyList<string> Errors) Load(Dictionary<string, string?> values)
    {
        values.TryAdd("AzureWebJobsStorage", "UseDevelopmentStorage=true");
        values.TryAdd("KKB_TEMPLATES", Path.GetTempPath());
        var settings = AppSettings.Load(new ConfigurationBuilder().AddInMemoryCollection(values).Build(), out var errors);
        return (settings, errors);
    }

    [Fact]
    public void BadDriveSettings_RefuseToStart_NamingEachKey()
    {
        var (_, errors) = Load(new()
        {
            ["Drive:ServiceAccountKey"] = "{\"type\": \"authorized_user\", \"client_id\": \"x\"}",
            ["Drive:BaseUrl"] = "googleapis",
            ["Drive:MaxRetryAfter"] = "1 jam",
            ["Schedules:SyncDriveFolders"] = "setiap jam",
        });

        Assert.Contains(errors, e => e.StartsWith("Drive__ServiceAccountKey: the JSON is not a service-account key", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Drive__BaseUrl:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Drive__MaxRetryAfter:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Schedules__SyncDriveFolders:", StringComparison.Ordinal));
        Assert.DoesNotContain(errors, e => e.Contains("PRIVATE KEY", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DriveSettings_KeySet_ChannelOn_WithDefaults_AbsentKeyLeavesItOff()
    {
        await using var drive = FakeDrive.Start();
        var (on, errors) = Load(new() { ["Drive__ServiceAccountKey"] = drive.ServiceAccountKey() });
        Assert.DoesNotContain(errors, e => e.StartsWith("Drive__", StringComparison.Ordinal) || e.StartsWith("Schedules__", StringComparison.Ordinal));
        Assert.True(on.Drive.Enabled);
        Assert.Equal((DriveOptions.DefaultBaseUrl, TimeSpan.FromSeconds(60), "0 */30 * * * *"), (on.Drive.BaseUrl, on.Drive.MaxRetryAfter, on.Schedules["Schedules__SyncDriveFolders"]));

        var (off, _) = Load(new());
        Assert.False(off.Drive.Enabled);
        Assert.Contains("Drive__ServiceAccountKey", AppSettings.Keys);
    }

    [SkippableFact]
    public async Task RegistryImport_DriveFolderColumn_LinksTheKampung_ReimportKeepsItsState()
    {
        var h = new PipelineHarness(azurite);
        await KampungKB.Core.Store.StorageBootstrap.EnsureAsync(h.Blobs, h.Tables, h.Names);
        var importer = TestStores.RegistryImporter(PipelineHarness.Engine, h.Tables, h.Names, h.Time,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<KampungKB.Core.Registry.RegistryImporter>.Instance);
        var csv = System.Text.Encoding.UTF8.GetBytes("Kode Wilayah,Nama Kampung KB,Email Pokja,Folder Google Drive\n" +
            "63.71.04.1005,Kampung KB Pelambuan,pokja@contoh.id,https://drive.google.com/drive/folders/1PelambuanFolder_abcdefghijklmnop?usp=sharing\n" +
            "63.71.04.1006,Kampung KB Telaga Biru,pokja2@contoh.id,\n");

        Assert.True((await importer.ImportAsync("daftar.csv", csv)).Accepted);
        var store = TestStores.For(h.Tables, h.Names).Drive;
        var link = Assert.Single(await store.ListAsync("63.71"));
        Assert.Equal(("63.71.04.1005", "1PelambuanFolder_abcdefghijklmnop", DriveFolderStates.Active), (link.AreaCode, link.FolderId, link.State));

        // The folder's pass state survives a re-import of the same registry.
        await store.SaveFolderAsync(link with { State = DriveFolderStates.Unreachable, Failures = 2 }, default);
        h.Time.Now += TimeSpan.FromDays(1);
        Assert.True((await importer.ImportAsync("daftar.csv", csv)).Accepted);
        Assert.Equal((DriveFolderStates.Unreachable, 2), (await store.ListAsync("63.71")).Single() is var again ? (again.State, again.Failures) : default);
    }

    [SkippableFact]
    public async Task DriveLink_RegisteredKampung_Listed_UnknownKampungRefused()
    {
        var h = new PipelineHarness(azurite);
        await h.InitAsync();
        AreaCode.TryParse("63.71.04.1005", out var pelambuan);
        AreaCode.TryParse("63.71.99.9999", out var unknown);
        Assert.True(DriveFolderUrl.TryParse("https://drive.google.com/drive/u/0/folders/1PelambuanFolder_abcdefghijklmnop?usp=sharing", out var id, out _));
        var (output, error) = (new StringWriter(), new StringWriter());

        Assert.Equal(CommandLine.Ok, await DriveCommand.LinkAsync(h.Tables, h.Names, pelambuan, id, "kkb@dinas.iam.gserviceaccount.com", h.Time, output, error));
        Assert.Equal(CommandLine.Rejected, await DriveCommand.LinkAsync(h.Tables, h.Names, unknown, id, null, h.Time, output, error));

        Assert.Contains("https://drive.google.com/drive/folders/1PelambuanFolder_abcdefghijklmnop ditautkan ke 63.71.04.1005", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("kkb@dinas.iam.gserviceaccount.com", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("63.71.99.9999 tidak ada di daftar Kampung KB", error.ToString(), StringComparison.Ordinal);
        var list = new StringWriter();
        Assert.Equal(CommandLine.Ok, await DriveCommand.ListAsync(TestStores.For(h.Tables, h.Names).Drive, "63.71", null, json: false, list));
        Assert.Contains("1 folder Google Drive ditautkan (63.71)", list.ToString(), StringComparison.Ordinal);
        Assert.Contains("63.71.04.1005  aktif  0 berkas disalin", list.ToString(), StringComparison.Ordinal);
    }
}
