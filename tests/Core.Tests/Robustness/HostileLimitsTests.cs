using System.IO.Compression;
using KampungKB.Cli.Dev;
using KampungKB.Core.Ingestion.Intake;

namespace KampungKB.Core.Tests.Robustness;

/// <summary>
/// Crafted hostile workbooks (docs/robustness.md, "Limits enforced while reading"), generated here: each is
/// answered with its own problem code, without an exception, and with the memory this thread allocated
/// bounded (ExcelDataReader and our readers run on the calling thread). No wall-clock assertions: the
/// deadline itself is tested with a sheet hook that outlasts it.
/// </summary>
public class HostileLimitsTests
{
    private const string Ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    private static readonly string Templates = Path.Combine(AzuriteProcess.FindRepositoryRoot()!, "templates");
    private static readonly Lazy<IngestionEngine> s_engine = new(() => IngestionEngine.Load(Templates));

    private const string Laughs =
        "<!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">" +
        "<!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\"><!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">" +
        "<!ENTITY lol9 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">]>";

    /// <summary>Ingests, asserting the report is rejected with <paramref name="code"/> and that less than <paramref name="maxMib"/> MiB were allocated.</summary>
    private static IngestionReport Refused(byte[] file, string name, string code, long maxMib, IngestionEngine? engine = null, IngestionContext? context = null)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        var report = (engine ?? s_engine.Value).Ingest(new MemoryStream(file, writable: false), context ?? new IngestionContext(name));
        var allocated = (GC.GetAllocatedBytesForCurrentThread() - before) / 1024 / 1024;
        Assert.Equal(ReportStatus.Rejected, report.Status);
        Assert.True(report.Errors.Any(p => p.Code == code), $"expected {code}, got {string.Join(", ", report.Problems.Select(p => p.Code))}");
        Assert.All(report.Problems, p => Assert.False(string.IsNullOrWhiteSpace(p.Message)));
        Assert.DoesNotContain(report.Problems, p => p.Message.Contains('{'));
        Assert.Empty(report.Activities);
        Assert.True(allocated < maxMib, $"{name}: {allocated} MiB allocated (cap {maxMib} MiB)");
        return report;
    }

    [Fact]
    public void SharedStringsBomb_OneLongStringInEveryCell_RefusedAsTooMuchText_BeforeItIsProcessed()
    {
        // As POI's poc-shared-strings.xlsx: a few hundred KB that expand, cell by cell, into gigabytes of text.
        var file = HostileFiles.Xlsx(
            w => { for (var r = 1; r <= 100_000; r++) w.Write($"<row r=\"{r}\"><c r=\"A{r}\" t=\"s\"><v>0</v></c></row>"); },
            w => w.Write($"<si><t>{new string(' ', 30_000)}</t></si>"), CompressionLevel.SmallestSize);
        Assert.True(file.Length < 2 * 1024 * 1024, $"{file.Length} bytes");
        var report = Refused(file, "laporan.xlsx", ProblemCodes.TooManyStrings, maxMib: 400);
        Assert.Contains("Hapus lembar", report.Errors.First(p => p.Code == ProblemCodes.TooManyStrings).Message);
    }

    [Fact]
    public void SharedStringLongerThanExcelAllows_RefusedAsCellTextTooLong()
    {
        var file = HostileFiles.Xlsx(w => w.Write("<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c></row>"),
            w => w.Write($"<si><t>{new string('x', 900_000)}</t></si>"));
        Refused(file, "laporan.xlsx", ProblemCodes.CellTextTooLong, maxMib: 64);
    }

    [Fact]
    public void TooManySharedStrings_RefusedWhilePreScanning()
    {
        var engine = IngestionEngine.Create(new IngestionOptions { TemplatesDirectory = Templates, MaxSharedStrings = 1000 });
        var file = HostileFiles.Xlsx(w => w.Write("<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c></row>"),
            w => { for (var i = 0; i < 1500; i++) w.Write($"<si><t>teks {i}</t></si>"); });
        Refused(file, "laporan.xlsx", ProblemCodes.TooManyStrings, maxMib: 64, engine);
    }

    [Fact]
    public void MillionEmptyStyledRows_StopAtTheRowLimit_WithBoundedMemory()
    {
        var file = HostileFiles.Xlsx(w =>
        {
            w.Write("<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>Tanggal</t></is></c></row>");
            for (var r = 2; r <= 1_048_576; r++) w.Write($"<row r=\"{r}\" s=\"1\" customFormat=\"1\"/>");
        }, level: CompressionLevel.SmallestSize);
        Refused(file, "laporan.xlsx", ProblemCodes.TooManyRows, maxMib: 1024);
    }

    [Fact]
    public void WideRowsTimesManyRows_RefusedByTheAreaLimit()
    {
        // Every row as wide as its widest cell (column XFD): ExcelDataReader builds each row 16,384 wide.
        var engine = IngestionEngine.Create(new IngestionOptions { TemplatesDirectory = Templates, MaxRowColumnProduct = 1_000_000 });
        var file = HostileFiles.Xlsx(w =>
        {
            w.Write("<row r=\"1\"><c r=\"XFD1\"><v>1</v></c></row>");
            for (var r = 2; r <= 2000; r++) w.Write($"<row r=\"{r}\"><c r=\"A{r}\"><v>{r}</v></c></row>");
        });
        Refused(file, "laporan.xlsx", ProblemCodes.TooManyCells, maxMib: 512, engine);
    }

    [Fact]
    public void PartThatLiesAboutItsSize_RefusedAtTheByteItOutgrowsItsHeader()
    {
        // 200 MB of shared strings in about a megabyte, the headers claiming 50 KB.
        var honest = HostileFiles.Xlsx(w => w.Write("<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c></row>"),
            w => { for (var i = 0; i < 7000; i++) w.Write($"<si><t>{new string('A', 30_000)}</t></si>"); }, CompressionLevel.SmallestSize);
        var liar = HostileFiles.LieAboutSizes(honest, 50_000);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var report = s_engine.Value.Ingest(new MemoryStream(liar, writable: false), "laporan.xlsx");
        Assert.Equal(ReportStatus.Rejected, report.Status);
        Assert.Contains(report.Errors, p => p.Code is ProblemCodes.SuspiciousArchive or ProblemCodes.UnreadableFile);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 64L * 1024 * 1024, "the part was inflated");
    }

    [Fact]
    public void DeeplyNestedSharedString_RefusedAsSuspiciousXml()
    {
        var file = HostileFiles.Xlsx(w => w.Write("<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c></row>"),
            w => { w.Write("<si>"); HostileFiles.Repeat(w, "<r>", 100_000); HostileFiles.Repeat(w, "</r>", 100_000); w.Write("</si>"); });
        Refused(file, "laporan.xlsx", ProblemCodes.SuspiciousXml, maxMib: 64);
    }

    public static TheoryData<string> PartNames => new()
    {
        "[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/worksheets/sheet1.xml", "xl/sharedStrings.xml", "xl/styles.xml",
    };

    [Theory]
    [MemberData(nameof(PartNames))]
    public void BillionLaughs_InAnyPart_RefusedAsSuspiciousXml_NothingExpanded(string part)
    {
        var file = HostileFiles.Xlsx(w => w.Write("<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c></row>"), w => w.Write("<si><t>a</t></si>"));
        file = WithPart(file, part, xml => xml.Contains("?>", StringComparison.Ordinal)
            ? xml.Insert(xml.IndexOf("?>", StringComparison.Ordinal) + 2, Laughs).Replace("<t>a</t>", "<t>&lol9;</t>")
            : "<?xml version=\"1.0\"?>" + Laughs + $"<styleSheet xmlns=\"{Ns}\"><cellXfs count=\"1\"><xf/></cellXfs></styleSheet>");
        Refused(file, "laporan.xlsx", ProblemCodes.SuspiciousXml, maxMib: 64);
    }

    [Fact]
    public void BillionLaughs_InOdsContent_RefusedAsSuspiciousXml()
    {
        var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        {
            Write(zip, "mimetype", "application/vnd.oasis.opendocument.spreadsheet");
            Write(zip, "content.xml", "<?xml version=\"1.0\"?>" + Laughs +
                "<office:document-content xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\">" +
                "<office:body><office:spreadsheet><table:table table:name=\"A\"><table:table-row><table:table-cell office:value-type=\"string\"><text:p>&lol9;</text:p></table:table-cell></table:table-row></table:table></office:spreadsheet></office:body></office:document-content>");
        }
        Refused(ms.ToArray(), "laporan.ods", ProblemCodes.SuspiciousXml, maxMib: 64);
    }

    [Fact]
    public void BillionLaughs_InSpreadsheetMl2003_RefusedAsSuspiciousXml()
    {
        var xml = "<?xml version=\"1.0\"?>" + Laughs + "<Workbook xmlns=\"urn:schemas-microsoft-com:office:spreadsheet\" xmlns:ss=\"urn:schemas-microsoft-com:office:spreadsheet\">" +
                  "<Worksheet ss:Name=\"A\"><Table><Row><Cell><Data ss:Type=\"String\">&lol9;</Data></Cell></Row></Table></Worksheet></Workbook>";
        Refused(Encoding.UTF8.GetBytes(xml), "laporan.xls", ProblemCodes.SuspiciousXml, maxMib: 64);
    }

    [Fact]
    public void TooManyStyles_RefusedWhilePreScanning()
    {
        var engine = IngestionEngine.Create(new IngestionOptions { TemplatesDirectory = Templates, MaxStyles = 1000 });
        var file = HostileFiles.Xlsx(w => w.Write("<row r=\"1\"><c r=\"A1\"><v>1</v></c></row>"));
        file = WithPart(file, "xl/styles.xml", _ =>
            $"<?xml version=\"1.0\"?><styleSheet xmlns=\"{Ns}\"><cellXfs count=\"2000\">{string.Concat(Enumerable.Repeat("<xf numFmtId=\"0\"/>", 2000))}</cellXfs></styleSheet>");
        Refused(file, "laporan.xlsx", ProblemCodes.TooManyStyles, maxMib: 64, engine);
    }

    [Fact]
    public void CsvOfOneFiftyMegabyteLine_AnsweredWithBoundedMemory()
    {
        var line = Encoding.ASCII.GetBytes(new string('x', 50 * 1024 * 1024));
        var report = Refused(line, "kegiatan.csv", ProblemCodes.EmptyReport, maxMib: 400,
            context: new IngestionContext("kegiatan.csv") { MaxFileBytes = 60L * 1024 * 1024 });
        Assert.Single(report.Errors);
    }

    [Fact]
    public void DeadlinePassed_RefusedAsProcessingTimeout_NotAnException()
    {
        var engine = IngestionEngine.Create(new IngestionOptions { TemplatesDirectory = Templates, Deadline = TimeSpan.FromSeconds(1) });
        // The sheet outlasts the deadline before its rows are read. It waits for the deadline's own timer rather than a fixed
        // time: on a busy thread pool the timer's callback can run late, and the rows would be read before it fires.
        engine.BeforeSheet = OutlastDeadline;
        var rows = Enumerable.Range(1, 3000).Select(i => $"Rapat {i}").ToArray();
        var report = Refused(HostileFiles.ActivityCsv(rows), "kegiatan oktober 2025.csv", ProblemCodes.ProcessingTimeout, maxMib: 64, engine);
        Assert.Contains("1 detik", report.Errors.First(p => p.Code == ProblemCodes.ProcessingTimeout).Message);

        // The caller's own cancellation (the host shutting down) is not a timeout: it propagates.
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => engine.Ingest(new MemoryStream(HostileFiles.ActivityCsv(rows)), "kegiatan.csv", cts.Token));
    }

    [Fact]
    public void PerCallDeadline_FromTheContext_OverridesTheOption()
    {
        var engine = IngestionEngine.Create(new IngestionOptions { TemplatesDirectory = Templates, Deadline = TimeSpan.FromSeconds(60) });
        engine.BeforeSheet = OutlastDeadline;
        var rows = Enumerable.Range(1, 3000).Select(i => $"Rapat {i}").ToArray();
        Refused(HostileFiles.ActivityCsv(rows), "kegiatan.csv", ProblemCodes.ProcessingTimeout, maxMib: 64, engine,
            new IngestionContext("kegiatan.csv") { Deadline = TimeSpan.FromSeconds(1) });
    }

    private static void OutlastDeadline(string sheet, CancellationToken deadline) =>
        Assert.True(deadline.WaitHandle.WaitOne(TimeSpan.FromSeconds(60)), "the deadline never fired");

    /// <summary>The package with <paramref name="name"/> rewritten by <paramref name="edit"/> (added when missing; "" in).</summary>
    private static byte[] WithPart(byte[] xlsx, string name, Func<string, string> edit)
    {
        var output = new MemoryStream();
        using (var source = new ZipArchive(new MemoryStream(xlsx)))
        using (var target = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            var found = false;
            foreach (var e in source.Entries)
            {
                var text = new StreamReader(e.Open()).ReadToEnd();
                if (e.FullName == name) { text = edit(text); found = true; }
                Write(target, e.FullName, text);
            }
            if (!found) Write(target, name, edit(""));
        }
        return output.ToArray();
    }

    private static void Write(ZipArchive zip, string name, string text)
    {
        using var w = new StreamWriter(zip.CreateEntry(name).Open(), new UTF8Encoding(false));
        w.Write(text);
    }
}
