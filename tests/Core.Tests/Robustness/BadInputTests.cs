using System.Diagnostics;
using System.IO.Compression;
using KampungKB.Cli.Dev;
using KampungKB.Core.Rendering.Exports;
using KampungKB.Core.Ingestion.Intake;

namespace KampungKB.Core.Tests.Robustness;

/// <summary>
/// The bad-input corpus (docs/robustness.md): every case is refused or accepted with a stable problem code,
/// within a time bound, with memory bounded by the configured limits, and without an exception.
/// </summary>
public class BadInputTests
{
    private static readonly Lazy<IngestionEngine> s_engine = new(() =>
        IngestionEngine.Load(Path.Combine(AzuriteProcess.FindRepositoryRoot()!, "templates")));

    private static IngestionEngine Engine => s_engine.Value;

    /// <summary>Ingests with a wall-clock bound and returns the report; a hang or an exception fails the test.</summary>
    private static IngestionReport Ingest(Stream content, string fileName, double maxSeconds = 20)
    {
        var sw = Stopwatch.StartNew();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(maxSeconds * 3));
        var report = Engine.Ingest(content, fileName, cts.Token);
        Assert.True(sw.Elapsed.TotalSeconds < maxSeconds, $"{fileName} took {sw.Elapsed.TotalSeconds:0.0} s (bound {maxSeconds} s)");
        Assert.All(report.Problems, p => Assert.False(string.IsNullOrWhiteSpace(p.Message), $"problem {p.Code} has no message"));
        return report;
    }

    private static IngestionReport Ingest(byte[] content, string fileName, double maxSeconds = 20) =>
        Ingest(new MemoryStream(content, writable: false), fileName, maxSeconds);

    private static void AssertRefused(IngestionReport report, string code)
    {
        Assert.Equal(ReportStatus.Rejected, report.Status);
        Assert.Contains(report.Errors, p => p.Code == code);
        Assert.Empty(report.Activities);
    }

    [Fact]
    public void ZeroByteFile_RefusedAsEmpty() => AssertRefused(Ingest([], "laporan.xlsx"), ProblemCodes.EmptyFile);

    [Fact]
    public void RandomBytesNamedXlsx_RefusedAsUnsupported()
    {
        var bytes = new byte[64 * 1024];
        new Random(6).NextBytes(bytes);
        AssertRefused(Ingest(bytes, "laporan.xlsx"), ProblemCodes.UnsupportedFormat);
    }

    [Fact]
    public void TruncatedZip_RefusedAsUnreadable()
    {
        var whole = HostileFiles.Xlsx(w => { for (var r = 1; r <= 2000; r++) w.Write($"<row r=\"{r}\"><c r=\"A{r}\" t=\"inlineStr\"><is><t>baris {r}</t></is></c></row>"); });
        AssertRefused(Ingest(whole[..(whole.Length / 2)], "laporan.xlsx"), ProblemCodes.UnreadableFile);
    }

    [Theory]
    [InlineData("%PDF-1.7\n%\u00e2\u00e3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n", "laporan.xlsx", ProblemCodes.PdfFile)]
    [InlineData("\u0089PNG\r\n\u001a\n\0\0\0\rIHDR\0\0\0\u0010", "laporan.xlsx", ProblemCodes.ImageFile)]
    [InlineData("\u00ff\u00d8\u00ff\u00e0\0\u0010JFIF\0\u0001", "foto kegiatan.csv", ProblemCodes.ImageFile)]
    public void PdfOrImageWithSpreadsheetName_RefusedNamingWhatItIs(string head, string name, string code)
    {
        var bytes = Encoding.Latin1.GetBytes(head).Concat(new byte[4096]).ToArray();
        AssertRefused(Ingest(bytes, name), code);
    }

    [Fact]
    public void ZipBomb_HonestHeaders_RefusedBeforeInflating()
    {
        // 1 GiB of sheet XML that deflates to about a megabyte.
        var bomb = HostileFiles.Xlsx(w =>
        {
            w.Write("<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>");
            HostileFiles.Repeat(w, new string('A', 64 * 1024), 16 * 1024);
            w.Write("</t></is></c></row>");
        }, level: CompressionLevel.SmallestSize);
        Assert.True(bomb.Length < 4 * 1024 * 1024, $"bomb is {bomb.Length} bytes");
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        AssertRefused(Ingest(bomb, "laporan.xlsx", maxSeconds: 5), ProblemCodes.SuspiciousArchive);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - allocated < 64L * 1024 * 1024, "the bomb was inflated");
    }

    [Fact]
    public void ZipBomb_LyingHeaders_RefusedWithinBounds()
    {
        var honest = HostileFiles.Xlsx(w =>
        {
            w.Write("<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>");
            HostileFiles.Repeat(w, new string('A', 64 * 1024), 16 * 1024);
            w.Write("</t></is></c></row>");
        }, level: CompressionLevel.SmallestSize);
        var liar = HostileFiles.LieAboutSizes(honest, 50_000);
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var report = Ingest(liar, "laporan.xlsx", maxSeconds: 20);
        Assert.Equal(ReportStatus.Rejected, report.Status);
        Assert.Contains(report.Errors, p => p.Code == ProblemCodes.UnreadableFile);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - allocated < 512L * 1024 * 1024, "the lying bomb was inflated into memory");
    }

    [Fact]
    public void MillionRowCsv_StreamedLazily_RefusedAtRowLimit()
    {
        var line = Encoding.ASCII.GetBytes("Rapat,1\n");
        var block = Enumerable.Range(0, 8192).SelectMany(_ => line).ToArray();
        var stream = new GeneratedStream(1_000_000L * line.Length, _ => block);
        var report = Ingest(stream, "kegiatan.csv", maxSeconds: 30);
        AssertRefused(report, ProblemCodes.TooManyRows);
    }

    [Fact]
    public void FiftyMebibyteUpload_RefusedBeforeReadingPastTheCap()
    {
        var block = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("01/10/2025,Rapat Pokja,1,2\r\n", 4096)));
        var stream = new GeneratedStream(50L * 1024 * 1024, _ => block);
        AssertRefused(Ingest(stream, "kegiatan.csv", maxSeconds: 10), ProblemCodes.FileTooLarge);
        Assert.True(stream.Produced <= Engine.Options.MaxFileBytes + 1024 * 1024, $"read {stream.Produced} bytes past the cap");
    }

    [Fact]
    public void SixteenThousandColumns_ReadWithinColumnCap()
    {
        var bytes = HostileFiles.Xlsx(w =>
        {
            for (var r = 1; r <= 20; r++)
            {
                w.Write($"<row r=\"{r}\">");
                for (var c = 0; c < 16_384; c++) w.Write($"<c r=\"{HostileFiles.Column(c)}{r}\"><v>{c}</v></c>");
                w.Write("</row>");
            }
        });
        var report = Ingest(bytes, "laporan.xlsx");
        AssertRefused(report, ProblemCodes.EmptyReport);
    }

    [Fact]
    public void HugeSharedStrings_ReadWithinBounds()
    {
        const int count = 200_000;
        var bytes = HostileFiles.Xlsx(
            w => { for (var r = 1; r <= 50; r++) w.Write($"<row r=\"{r}\"><c r=\"A{r}\" t=\"s\"><v>{r * 3000}</v></c></row>"); },
            w => { for (var i = 0; i < count; i++) w.Write($"<si><t>teks bersama nomor {i} {Guid.NewGuid():N}</t></si>"); });
        var report = Ingest(bytes, "laporan.xlsx");
        AssertRefused(report, ProblemCodes.EmptyReport);
    }

    [Fact]
    public void DeeplyNestedXml_ReadWithinBounds()
    {
        var bytes = HostileFiles.Xlsx(w =>
        {
            w.Write("<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is>");
            HostileFiles.Repeat(w, "<r>", 200_000);
            HostileFiles.Repeat(w, "</r>", 200_000);
            w.Write("</is></c></row>");
        });
        var report = Ingest(bytes, "laporan.xlsx");
        Assert.Equal(ReportStatus.Rejected, report.Status);
        Assert.Contains(report.Errors, p => p.Code is ProblemCodes.EmptyReport or ProblemCodes.UnreadableFile);
    }

    [Fact]
    public void Utf16CsvWithBom_ReadAsText()
    {
        var text = Encoding.UTF8.GetString(HostileFiles.ActivityCsv("Penyuluhan KB Pria", "Kelas Ibu Balita"));
        var bytes = Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes(text)).ToArray();
        var report = Ingest(bytes, "kegiatan oktober 2025.csv");
        Assert.True(report.IsAccepted, string.Join(", ", report.Problems.Select(p => p.Code)));
        Assert.Equal(["Penyuluhan KB Pria", "Kelas Ibu Balita"], report.Activities.Select(a => a.Title));
    }

    [Fact]
    public void Utf16CsvWithoutBom_RefusedAsUnsupported()
    {
        var text = Encoding.UTF8.GetString(HostileFiles.ActivityCsv("Penyuluhan KB Pria"));
        AssertRefused(Ingest(Encoding.Unicode.GetBytes(text), "kegiatan.csv"), ProblemCodes.UnsupportedFormat);
    }

    [Fact]
    public void OddCellText_ControlEmojiRtlAndHugeStrings_AcceptedAndBounded()
    {
        var huge = new string('x', 40_000);
        var report = Ingest(HostileFiles.ActivityCsv("Rapat\u0001\u0007 Pokja\u200b", "Senam 💃🏽 lansia 👵", "اجتماع שלום", huge), "kegiatan oktober 2025.csv");
        Assert.True(report.IsAccepted, string.Join(", ", report.Problems.Select(p => p.Code)));
        Assert.Equal(4, report.Activities.Count);
        Assert.Contains("💃🏽", report.Activities[1].Title);
        Assert.Contains("שלום", report.Activities[2].Title);
        Assert.True(report.Activities[3].Title.Length <= 32_768, "a cell is capped when read");
        foreach (var a in report.Activities)
        {
            var cell = ExportSanitizer.Cell(a.Title);
            Assert.DoesNotContain(cell, ch => char.IsControl(ch) && ch is not '\n' and not '\r' and not '\t');
        }
    }

    public static TheoryData<string> FormulaTexts => new() { "=HYPERLINK(\"http://x.test\",\"klik\")", "+1+1", "-2+3", "@SUM(A1:A2)", "=cmd|' /C calc'!A0", "\t=1+1", "\r=1+1" };

    [Theory]
    [MemberData(nameof(FormulaTexts))]
    public void FormulaLikeText_ComesOutInertInEveryExport(string text)
    {
        var report = Ingest(HostileFiles.ActivityCsv(text), "kegiatan oktober 2025.csv");
        var title = Assert.Single(report.Activities).Title;

        // The recap xlsx: the cell text starts with the inert prefix (or with no formula character at all), and no cell is a formula.
        var xlsx = XlsxWorkbookWriter.ToBytes([new XlsxSheet("Rekap", [new XlsxColumn("Kegiatan")], [[XlsxCell.Text(title)]])]);
        using (var zip = new ZipArchive(new MemoryStream(xlsx)))
        {
            var xml = string.Concat(zip.Entries.Where(e => e.FullName.StartsWith("xl/", StringComparison.Ordinal))
                .Select(e => new StreamReader(e.Open()).ReadToEnd()));
            Assert.DoesNotContain("<x:f>", xml);
            Assert.DoesNotContain("<f>", xml);
        }
        var cell = ExportSanitizer.Cell(title);
        Assert.True(cell.Length == 0 || "=+-@\t\r".IndexOf(cell[0]) < 0 || cell[0] == ExportSanitizer.InertPrefix,
            $"'{cell}' would be evaluated");
        Assert.False("=+-@\t\r".IndexOf(cell.TrimStart(ExportSanitizer.InertPrefix).FirstOrDefault()) >= 0 && cell[0] != ExportSanitizer.InertPrefix);

        // The feedback HTML: no raw '=' (so no attribute or formula can be formed) and no raw angle brackets from the text.
        var html = ExportSanitizer.Html(title);
        Assert.DoesNotContain("=", html);
        Assert.DoesNotContain("<", html);
    }

    [Fact]
    public void EngineStaysUsable_AfterTheWholeCorpus()
    {
        RandomBytesNamedXlsx_RefusedAsUnsupported();
        TruncatedZip_RefusedAsUnreadable();
        var report = Ingest(HostileFiles.ActivityCsv("Rapat Pokja"), "kegiatan oktober 2025.csv");
        Assert.True(report.IsAccepted);
    }
}
