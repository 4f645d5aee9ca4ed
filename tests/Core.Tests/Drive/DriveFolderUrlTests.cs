using KampungKB.Cli.Commands;
using KampungKB.Core.Uploads.Drive;
using KampungKB.Core.Ingestion.Normalisation;

namespace KampungKB.Core.Tests.Drive;

/// <summary>The folder addresses a dinas pastes into <c>kkb drive link</c>.</summary>
public sealed class DriveFolderUrlTests
{
    private const string Id = "1AbCdEfGhIjKlMnOpQrStUvWxYz012345";

    [Theory]
    [InlineData("https://drive.google.com/drive/folders/" + Id + "?usp=sharing")]
    [InlineData("https://drive.google.com/drive/folders/" + Id)]
    [InlineData("https://drive.google.com/drive/u/0/folders/" + Id)]
    [InlineData("https://drive.google.com/drive/u/1/folders/" + Id + "?usp=drive_link")]
    [InlineData("https://drive.google.com/open?id=" + Id)]
    [InlineData("drive.google.com/drive/folders/" + Id)]
    [InlineData("  https://drive.google.com/drive/folders/" + Id + "  ")]
    [InlineData(Id)]
    public void TryParse_FolderAddressForms_GiveTheFolderId(string text)
    {
        Assert.True(DriveFolderUrl.TryParse(text, out var id, out var refusal), refusal);
        Assert.Equal(Id, id);
    }

    [Theory]
    [InlineData("", DriveFolderUrl.Refusals.Empty)]
    [InlineData("https://docs.google.com/spreadsheets/d/" + Id + "/edit", DriveFolderUrl.Refusals.FileLink)]
    [InlineData("https://drive.google.com/file/d/" + Id + "/view?usp=sharing", DriveFolderUrl.Refusals.FileLink)]
    [InlineData("https://www.dropbox.com/drive/folders/" + Id, DriveFolderUrl.Refusals.NotDrive)]
    [InlineData("https://drive.google.com/drive/my-drive", DriveFolderUrl.Refusals.NoFolderId)]
    [InlineData("https://drive.google.com/drive/folders/abc", DriveFolderUrl.Refusals.NoFolderId)]
    [InlineData("folder laporan", DriveFolderUrl.Refusals.NotDrive)]
    public void TryParse_OtherAddresses_RefusedWithReason(string text, string expected)
    {
        Assert.False(DriveFolderUrl.TryParse(text, out _, out var refusal));
        Assert.Equal(expected, refusal);
    }

    [Fact]
    public void DriveLink_FileAddress_RefusedWithIndonesianHowTo()
    {
        var error = new StringWriter();
        Assert.False(DriveCommand.TryFolder("https://docs.google.com/spreadsheets/d/" + Id + "/edit", error, out _));
        Assert.Contains("alamat satu berkas, bukan folder", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("kkb drive link KODE_WILAYAH ALAMAT_FOLDER", error.ToString(), StringComparison.Ordinal);
    }
}
