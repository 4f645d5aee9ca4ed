using System.IO.Compression;
using KampungKB.Core.Ingestion.Intake;
using KampungKB.Core.Uploads;

namespace KampungKB.Core.Tests.Robustness;

/// <summary>A zip of reports (docs/channels.md) as pure Core: told apart from workbooks (which are zips too), limits checked from the directory, paths made safe.</summary>
public class ZipFolderTests
{
    private static string Example(string prefix) => Directory.GetFiles(Repo.Examples, prefix + "*").Single();

    private static byte[] Zip(params (string Name, byte[] Content)[] entries)
    {
        using var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
            foreach (var (name, content) in entries)
                using (var s = zip.CreateEntry(name).Open()) s.Write(content);
        return ms.ToArray();
    }

    private static FileFormat Sniff(byte[] bytes) => FileSniffer.Sniff(new MemoryStream(bytes));

    [Fact]
    public void ZippedFolder_IsAnArchive_WhileWorkbooksStayWorkbooks()
    {
        var xlsx = File.ReadAllBytes(Example("E01"));
        var ods = TestFiles.Ods("Kegiatan", new object[] { new object?[] { "Tanggal", "Nama Kegiatan" } });

        Assert.Equal(FileFormat.Archive, Sniff(Zip(("Laporan/E01.xlsx", xlsx), ("Laporan/E03.csv", File.ReadAllBytes(Example("E03"))))));
        Assert.Equal(FileFormat.Archive, Sniff(Zip(("E01.xlsx", xlsx))));
        Assert.Equal(FileFormat.Xlsx, Sniff(xlsx));
        Assert.Equal(FileFormat.Ods, Sniff(ods));
        Assert.Equal(FileFormat.Unsupported, Sniff(Zip(("[Content_Types].xml", "<Types/>"u8.ToArray()), ("ppt/presentation.xml", "<p/>"u8.ToArray()))));
    }

    [Fact]
    public void ZipOfFiles_ReadAsOneSpreadsheet_IsRefusedSayingHowToSendIt()
    {
        var report = Engines.Bytes(Zip(("Laporan/E01.xlsx", File.ReadAllBytes(Example("E01")))), "folder.zip");

        Assert.Equal(ProblemCodes.ZipOfFiles, Assert.Single(report.Errors).Code);
        Assert.Contains("halaman unggah", report.Errors.Single().Message);
    }

    [Theory]
    [InlineData("../../../etc/laporan.csv", "etc/laporan.csv")]
    [InlineData("a\\b\\..\\c.xlsx", "a/b/c.xlsx")]
    [InlineData("C:/Users/pokja/laporan.xlsx", "Users/pokja/laporan.xlsx")]
    [InlineData("./laporan?#1.csv", "laporan__1.csv")]
    [InlineData("../..", "berkas")]
    [InlineData("1/2/3/4/5/6/7/8/9/10/laporan.csv", "4/5/6/7/8/9/10/laporan.csv")]
    public void SafePath_DropsTraversalDrivesAndUrlCharacters(string raw, string safe) =>
        Assert.Equal(safe, ArchiveReader.SafePath(raw.Replace('\\', '/').Split('/')));

    [Fact]
    public void ZipBomb_RefusedFromItsDirectory_WithoutInflating()
    {
        byte[] bomb;
        using (var ms = new MemoryStream())
        {
            using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
            using (var s = zip.CreateEntry("laporan.csv", CompressionLevel.Fastest).Open())
            {
                var chunk = new byte[1 << 20];
                for (var i = 0; i < 256; i++) s.Write(chunk);
            }
            bomb = ms.ToArray();
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        var (reader, refusal) = ArchiveReader.Open(bomb, new ArchiveOptions(), 20L * 1024 * 1024);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Null(reader);
        Assert.Equal(ProblemCodes.ArchiveSuspicious, refusal!.Code);
        Assert.True(allocated < 8L * 1024 * 1024, $"allocated {allocated} bytes to refuse a 256 MiB bomb");
    }

    [Fact]
    public void HighRatioAlone_RefusesTheZip_EvenUnderTheTotal()
    {
        var zeros = new byte[4 * 1024 * 1024];
        var (_, refusal) = ArchiveReader.Open(Zip(("laporan.csv", zeros)), new ArchiveOptions(), 20L * 1024 * 1024);

        Assert.Equal(ProblemCodes.ArchiveSuspicious, refusal!.Code);
    }

    [Fact]
    public void TooManyEntries_RefusesTheZip_NamingCountAndLimit()
    {
        var entries = Enumerable.Range(0, 12).Select(i => ($"f{i}.csv", "a"u8.ToArray())).ToArray();
        var (_, refusal) = ArchiveReader.Open(Zip(entries), new ArchiveOptions { MaxEntries = 10 }, 1024);

        Assert.Equal((ProblemCodes.ArchiveTooManyFiles, "12", "10"), (refusal!.Code, refusal.Args["count"], refusal.Args["max"]));
    }

    [Fact]
    public void Entries_SortedIntoSpreadsheetsAndSkipped_TextOnlyUnderASpreadsheetName()
    {
        var (reader, _) = ArchiveReader.Open(Zip(
            ("b/catatan.txt", "Bulan: Oktober"u8.ToArray()),
            ("b/kegiatan.csv", File.ReadAllBytes(Example("E03"))),
            ("a/E05.xls", File.ReadAllBytes(Example("E05"))),
            ("a/foto.jpg", [0xFF, 0xD8, 0xFF, 0xE0, 0, 0]),
            ("a/salah nama.pdf.xlsx", "%PDF-1.4"u8.ToArray()),
            ("__MACOSX/a/._E05.xls", [0, 5, 22, 7]),
            ("a/b/", [])), new ArchiveOptions(), 1024 * 1024);
        using (reader)
        {
            var read = reader!.Items.Select(reader.ReadItem).ToList();
            Assert.Equal(1, reader.SystemFiles);
            Assert.Equal(
                new List<(string, string?)> { ("a/E05.xls", null), ("a/foto.jpg", ProblemCodes.ArchiveEntryNotSpreadsheet), ("a/salah nama.pdf.xlsx", ProblemCodes.ArchiveEntryNotSpreadsheet),
                 ("b/catatan.txt", ProblemCodes.ArchiveEntryNotSpreadsheet), ("b/kegiatan.csv", null) },
                read.Select(r => (r.Path, r.SkipCode)).ToList());
        }
    }

    [Fact]
    public void OverTheOneFileCap_SkippedUnread()
    {
        var (reader, _) = ArchiveReader.Open(Zip(("besar.csv", Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("Tanggal;Kegiatan;1\n", 200))))), new ArchiveOptions(), 1024);
        using (reader) Assert.Equal(ProblemCodes.ArchiveEntryTooLarge, reader!.ReadItem(reader.Items.Single()).SkipCode);
    }
}
