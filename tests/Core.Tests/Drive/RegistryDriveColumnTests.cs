
namespace KampungKB.Core.Tests.Drive;

/// <summary>A dinas links folders through a "Folder Google Drive" column of its registry.</summary>
public sealed class RegistryDriveColumnTests
{
    private const string Id = "1AbCdEfGhIjKlMnOpQrStUvWxYz012345";

    private static RegistryImport Csv(string text) =>
        Engines.Default.ReadRegistry(new MemoryStream(new UTF8Encoding(false).GetBytes(text)), "daftar.csv");

    [Fact]
    public void RegistryDriveColumn_FolderLinksRead_FileLinkWarned_BlankLeft()
    {
        var r = Csv("Kode Wilayah,Nama Kampung KB,Email Pokja,Link Google Drive\n" +
            $"63.71.04.1005,Kampung KB Pelambuan,pokja@contoh.id,https://drive.google.com/drive/u/0/folders/{Id}?usp=sharing\n" +
            $"63.71.04.1006,Kampung KB Telaga Biru,pokja2@contoh.id,https://docs.google.com/spreadsheets/d/{Id}/edit\n" +
            "63.71.04.1007,Kampung KB Basirih,pokja3@contoh.id,\n");

        Assert.True(r.IsAccepted, string.Join(" | ", r.Problems.Select(p => p.Code)));
        Assert.Equal([Id, null, null], r.Entries.Select(e => e.DriveFolderId));
        var warning = Assert.Single(r.Problems, p => p.Code == ProblemCodes.InvalidDriveFolder);
        Assert.Equal((Severity.Warning, 3), (warning.Severity, warning.Row));
    }
}
