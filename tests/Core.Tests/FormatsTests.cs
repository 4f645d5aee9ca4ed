using System.IO.Compression;
using static KampungKB.Core.Tests.TestFiles;

namespace KampungKB.Core.Tests;

/// <summary>The formats cadres receive from web systems and send as they are, written by the tests.</summary>
public class FormatsTests
{
    private static readonly object?[][] Report =
    [
        ["LAPORAN KEGIATAN KAMPUNG KB MAWAR"],
        ["DESA MAWAR KEC. KARANG TENGAH"],
        ["BULAN OKTOBER 2025"],
        [],
        ["No", "Tanggal", "Nama Kegiatan", "Peserta L", "Peserta P"],
        [1.0, new DateTime(2025, 10, 3), "Rapat Pokja", 6.0, 10.0],
        [2.0, new DateTime(2025, 10, 8), "Penyuluhan KB Pria", 22.0, 0.0],
        [3.0, new DateTime(2025, 10, 15), "Kelas BKB “Ceria” – Sesi 2", 0.0, 27.0],
    ];

    private static byte[] Xlsx()
    {
        var b = new XlsxBuilder();
        var s = b.Sheet("Oktober");
        foreach (var row in Report) s.Row(row);
        return b.Build();
    }

    public static TheoryData<string, byte[]> ReadableFiles() => new()
    {
        { "laporan.xlsx", Xlsx() },
        { "export_sistem.xls", SpreadsheetMl("Oktober", Report.Cast<object>().ToArray()) },
        { "export_sistem.xlsx", Html(Report.Cast<object>().ToArray()) },
        { "laporan.ods", Ods("Oktober", Report.Cast<object>().ToArray()) },
        { "strict.xlsx", ToStrict(Xlsx()) },
        { "backslash.xlsx", RenameEntries(Xlsx(), n => n.Replace('/', '\\')) },
        { "casing.xlsx", RenameEntries(Xlsx(), n => n == "xl/workbook.xml" ? "xl/WorkBook.xml" : n) },
    };

    [Theory]
    [MemberData(nameof(ReadableFiles))]
    public void EveryFormat_YieldsTheSameReport(string name, byte[] bytes)
    {
        var r = Engines.Bytes(bytes, name);

        Assert.True(r.IsAccepted, name + ": " + string.Join("\n", r.Problems.Select(p => p.Code + " " + p.Message)));
        Assert.Equal("2025-10", r.Period?.ToString());
        Assert.Equal(["Rapat Pokja", "Penyuluhan KB Pria", "Kelas BKB “Ceria” – Sesi 2"], r.Activities.Select(a => a.Title));
        Assert.Equal(65, r.Activities.Sum(a => a.Participants));
        Assert.Equal(new DateOnly(2025, 10, 15), r.Activities[2].Date);
    }

    [Fact]
    public void Csv_WithStrayNuls_ReadAsText()
    {
        var text = "Kampung KB Mawar, Desa Mawar\nBulan: Oktober 2025\n\nTanggal,Kegiatan,L,P\n03/10/2025,Rapat\0,1,2\n\0\0\n";
        var r = Engines.Bytes(Encoding.UTF8.GetBytes(text), "laporan.csv");

        Assert.True(r.IsAccepted, string.Join("\n", r.Problems.Select(p => p.Message)));
        Assert.Equal("Rapat", Assert.Single(r.Activities).Title);
    }

    [Fact]
    public void Xlsb_ToldSoAndAskedForXlsx()
    {
        var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        {
            zip.CreateEntry("[Content_Types].xml");
            zip.CreateEntry("xl/workbook.bin");
            zip.CreateEntry("xl/worksheets/sheet1.bin");
        }
        var r = Engines.Bytes(ms.ToArray(), "laporan.xlsb");

        var p = Assert.Single(r.Problems);
        Assert.Equal(ProblemCodes.XlsbFile, p.Code);
        Assert.Contains(".xlsx", p.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WordDocumentNamedXlsx_NamedAsWord()
    {
        var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true)) zip.CreateEntry("word/document.xml");
        Assert.Equal(ProblemCodes.WordFile, Assert.Single(Engines.Bytes(ms.ToArray(), "laporan.xlsx").Problems).Code);
    }

    [Fact]
    public void Ods_RepeatedBlankRowsAndColumns_CostNothing()
    {
        var ods = Ods("Oktober", Report.Cast<object>().ToArray());
        var ms = new MemoryStream();
        using (var src = new ZipArchive(new MemoryStream(ods)))
        using (var dst = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
            foreach (var e in src.Entries)
            {
                var text = new StreamReader(e.Open()).ReadToEnd();
                if (e.FullName == "content.xml")
                    text = text.Replace("</table:table>", "<table:table-row table:number-rows-repeated=\"1048000\"><table:table-cell table:number-columns-repeated=\"16000\"/></table:table-row></table:table>");
                using var w = new StreamWriter(dst.CreateEntry(e.FullName).Open());
                w.Write(text);
            }

        var r = Engines.Bytes(ms.ToArray(), "laporan.ods");

        Assert.True(r.IsAccepted);
        Assert.Equal(3, r.Activities.Count);
    }
}
