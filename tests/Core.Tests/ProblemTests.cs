using System.IO.Compression;

namespace KampungKB.Core.Tests;

public class ActivityProblemTests
{
    private const string Head = "Kampung KB Mawar, Desa Mawar\nBulan,Oktober 2025\n\nTanggal,Kegiatan,L,P,Jumlah\n";

    private static Problem Only(IngestionReport r, string code)
    {
        Assert.False(r.IsAccepted);
        return Assert.Single(r.Problems, p => p.Code == code);
    }

    [Fact]
    public void BadDate_IsInvalidDate_WithRowColumnAndText()
    {
        var p = Only(Engines.Csv(Head + "31/11/2025,Posyandu,1,2,3\n"), "invalid-date");
        Assert.Equal((5, "A", "31/11/2025", Severity.Error), (p.Row, p.Column, p.Text, p.Severity));
    }

    [Fact]
    public void WordInCount_IsNotANumber()
    {
        var p = Only(Engines.Csv(Head + "06/10/2025,Posyandu,banyak,2,\n"), "not-a-number");
        Assert.Equal((5, "C", "banyak"), (p.Row, p.Column, p.Text));
    }

    [Fact]
    public void DecimalCount_IsNotWholeNumber()
    {
        var p = Only(Engines.Csv(Head + "06/10/2025,Posyandu,1,12.5,\n"), "not-whole-number");
        Assert.Equal((5, "D", "12.5"), (p.Row, p.Column, p.Text));
    }

    [Fact]
    public void DecimalCommaCount_SaysTheCommaWasReadAsDecimalMark()
    {
        var p = Only(Engines.Csv(Head + "06/10/2025,Posyandu,1,\"12,5\",\n"), "decimal-comma-count");
        Assert.Equal((5, "D", "12,5"), (p.Row, p.Column, p.Text));
        Assert.Contains("desimal", p.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NegativeCount_IsNegativeCount()
    {
        var p = Only(Engines.Csv(Head + "06/10/2025,Posyandu,-4,2,\n"), "negative-count");
        Assert.Equal((5, "C"), (p.Row, p.Column));
    }

    [Fact]
    public void TotalDisagreesWithLAndP_IsTotalMismatch()
    {
        var p = Only(Engines.Csv(Head + "06/10/2025,Posyandu,3,4,8\n"), "total-mismatch");
        Assert.Equal((5, "E", "8"), (p.Row, p.Column, p.Text));
    }

    [Fact]
    public void OnlyTotalGiven_IsUsedAsParticipants()
    {
        var r = Engines.Csv(Head + "06/10/2025,Posyandu,,,8\n");
        Assert.True(r.IsAccepted);
        Assert.Equal(8, r.Activities[0].Participants);
    }

    [Fact]
    public void MissingTitleOrDate_IsMissingRequired()
    {
        var r = Engines.Csv(Head + "06/10/2025,,1,2,3\n,Posyandu,1,2,3\n");
        Assert.Equal([(5, "B"), (6, "A")], r.Problems.Where(p => p.Code == "missing-required").Select(p => (p.Row!.Value, p.Column!)));
    }

    [Fact]
    public void DateInAnotherMonth_IsDateOutsidePeriod()
    {
        var p = Only(Engines.Csv(Head + "06/10/2025,Posyandu,1,2,3\n01/09/2025,Rapat,1,1,2\n"), "date-outside-period");
        Assert.Equal((6, "A", "01/09/2025"), (p.Row, p.Column, p.Text));
    }

    [Fact]
    public void NoStatedPeriod_UsesMonthOfMostDates()
    {
        var r = Engines.Csv("Tanggal;Kegiatan\n06/10/2025;A\n07/10/2025;B\n", "x.csv");
        Assert.True(r.IsAccepted);
        Assert.Equal("2025-10", r.Period.ToString());
    }

    [Fact]
    public void ExpectedPeriod_DiffersFromStated_IsPeriodMismatch()
    {
        var r = Engines.Default.Ingest(new MemoryStream(Encoding.UTF8.GetBytes(Head + "06/10/2025,Posyandu,1,2,3\n")), "a.csv", new ReportingPeriod(2025, 11));
        Assert.Contains("period-mismatch", r.Codes());
        Assert.Equal(new ReportingPeriod(2025, 11), r.Period);
    }

    [Fact]
    public void IndicatorsWithoutAnyPeriod_IsPeriodUnknown()
    {
        var r = Engines.Csv("Jumlah PUS;100\nPA;50\n", "data.csv");
        Assert.Equal(["period-unknown"], r.Codes());
    }

    [Fact]
    public void NothingRecognised_IsEmptyReport()
    {
        Assert.Equal(["empty-report"], Engines.Csv("halo,dunia\n1,2\n").Codes());
    }

    [Fact]
    public void TenThousandBadDates_AreReportedWithoutThrowing_AndCapped()
    {
        var sb = new StringBuilder(Head);
        for (var i = 0; i < 10_000; i++) sb.Append("99/99/2025,Posyandu,1,2,3\n");
        var r = Engines.Csv(sb.ToString());
        Assert.False(r.IsAccepted);
        Assert.Equal(ProblemSinkCap, r.Problems.Count(p => p.Code == "invalid-date"));
    }

    private const int ProblemSinkCap = 200;
}

public class IndicatorProblemTests
{
    private static IngestionReport Data(params (string Label, string Value)[] rows) =>
        Engines.Csv("Bulan;Oktober 2025\n" + string.Join("\n", rows.Select(r => $"{r.Label};{r.Value}")), "capaian.csv");

    private static Problem Error(IngestionReport r, string code)
    {
        Assert.False(r.IsAccepted);
        var p = Assert.Single(r.Problems, p => p.Code == code);
        Assert.Equal(Severity.Error, p.Severity);
        return p;
    }

    [Fact]
    public void ActiveAbovePus_IsKbActiveExceedsPus()
    {
        var p = Error(Data(("PUS", "100"), ("Peserta KB Aktif", "120")), "kb-active-exceeds-pus");
        Assert.Equal((3, "B"), (p.Row, p.Column));
    }

    [Fact]
    public void MethodsNotSummingToActive_IsMethodSumMismatch()
    {
        Error(Data(("PUS", "100"), ("PA", "60"), ("- IUD", "10"), ("- Pil", "20")), "method-sum-mismatch");
    }

    [Fact]
    public void ActivePlusReasonsNotPus_IsPusSumMismatch()
    {
        Error(Data(("PUS", "100"), ("PA", "60"), ("Hamil", "5"), ("IAS", "5"), ("IAT", "10"), ("TIAL", "10")), "pus-sum-mismatch");
        Assert.True(Data(("PUS", "100"), ("PA", "60"), ("Hamil", "5"), ("IAS", "5"), ("IAT", "15"), ("TIAL", "15")).IsAccepted);
    }

    [Fact]
    public void MembersAboveTarget_IsMembersExceedTarget()
    {
        var p = Error(Data(("Keluarga Balita", "50"), ("Anggota BKB", "60")), "members-exceed-target");
        Assert.Equal(3, p.Row);
    }

    [Fact]
    public void CprOutsideRange_WarnsCprImplausible()
    {
        var r = Data(("PUS", "100"), ("PA", "10"));
        Assert.True(r.IsAccepted);
        Assert.Equal(["cpr-implausible"], r.Codes());
    }

    [Fact]
    public void UnmetNeedAboveQuarter_WarnsUnmetNeedHigh()
    {
        var r = Data(("PUS", "100"), ("PA", "60"), ("Unmet Need", "30"));
        Assert.True(r.IsAccepted);
        Assert.Equal(["unmet-need-high"], r.Codes());
    }

    [Fact]
    public void UnmetNeedNotIatPlusTial_WarnsUnmetNeedMismatch()
    {
        var r = Data(("PUS", "100"), ("PA", "60"), ("Unmet Need", "10"), ("IAT", "3"), ("TIAL", "3"));
        Assert.Contains("unmet-need-mismatch", r.Codes());
    }

    [Fact]
    public void SameLabelTwice_WarnsDuplicateIndicator_KeepsFirst()
    {
        var r = Data(("PUS", "100"), ("PA", "60"), ("Jumlah PUS", "101"));
        Assert.True(r.IsAccepted);
        Assert.Equal(100m, r.Indicators["pus"]);
        Assert.Equal(4, Assert.Single(r.Problems, p => p.Code == "duplicate-indicator").Row);
    }

    [Fact]
    public void WordAsValue_IsNotANumber()
    {
        var p = Error(Data(("PUS", "banyak")), "not-a-number");
        Assert.Equal((2, "B", "banyak"), (p.Row, p.Column, p.Text));
    }

    [Fact]
    public void PreviousMonth_BigChangeAndIdenticalFigures_Warn()
    {
        var bytes = Encoding.UTF8.GetBytes("Bulan;Oktober 2025\nPUS;100\nPA;60\n");
        var changed = Engines.Default.Ingest(new MemoryStream(bytes), new Ingestion.Intake.IngestionContext("a.csv") { PreviousIndicators = new Dictionary<string, decimal> { ["pus"] = 200, ["kb_active"] = 60 } });
        var same = Engines.Default.Ingest(new MemoryStream(bytes), new Ingestion.Intake.IngestionContext("a.csv") { PreviousIndicators = new Dictionary<string, decimal> { ["pus"] = 100, ["kb_active"] = 60 } });
        Assert.Equal(["stock-change-large"], changed.Codes());
        Assert.Equal(["figures-unchanged"], same.Codes());
        Assert.True(changed.IsAccepted && same.IsAccepted);
    }

    [Fact]
    public async Task PreviousMonthLookedUpAfterReading_AsksForTheFilesMonth_SameReportAsGivenUpFront()
    {
        var bytes = Encoding.UTF8.GetBytes("Bulan;Oktober 2025\nPUS;100\nPA;60\n");
        var previous = new Dictionary<string, decimal> { ["pus"] = 200, ["kb_active"] = 60 };
        var asked = new List<ReportingPeriod>();

        var looked = await Engines.Default.IngestAsync(new MemoryStream(bytes), new Ingestion.Intake.IngestionContext("a.csv"),
            (period, _) => { asked.Add(period); return Task.FromResult<IReadOnlyDictionary<string, decimal>?>(previous); });
        var given = Engines.Default.Ingest(new MemoryStream(bytes), new Ingestion.Intake.IngestionContext("a.csv") { PreviousIndicators = previous });

        Assert.Equal([new ReportingPeriod(2025, 10)], asked);
        Assert.Equal(["stock-change-large"], looked.Codes());
        Assert.Equal(given.Problems.Select(p => (p.Code, p.Message, p.Row)), looked.Problems.Select(p => (p.Code, p.Message, p.Row)));
        Assert.Equal(given.Indicators, looked.Indicators);
    }

    [Fact]
    public async Task FileWithoutFigures_PreviousMonthNotAskedFor()
    {
        var bytes = Encoding.UTF8.GetBytes("Bulan: Oktober 2025\nTanggal,Nama Kegiatan,Peserta L,Peserta P\n02/10/2025,Rapat Pokja,5,7\n");
        var asked = 0;

        var report = await Engines.Default.IngestAsync(new MemoryStream(bytes), new Ingestion.Intake.IngestionContext("a.csv"),
            (_, _) => { asked++; return Task.FromResult<IReadOnlyDictionary<string, decimal>?>(null); });

        Assert.Equal(0, asked);
        Assert.Single(report.Activities);
    }
}

public class FileProblemTests
{
    private static byte[] ValidXlsx()
    {
        var b = new XlsxBuilder();
        b.Sheet("S").Row("Bulan Oktober 2025").Row("Tanggal", "Kegiatan").Row("06/10/2025", "Posyandu");
        return b.Build();
    }

    private static string OnlyCode(IngestionReport r)
    {
        Assert.False(r.IsAccepted);
        return Assert.Single(r.Problems).Code;
    }

    [Fact]
    public void EmptyFile_IsEmptyFile() => Assert.Equal("empty-file", OnlyCode(Engines.Bytes([], "a.xlsx")));

    [Fact]
    public void TruncatedXlsx_IsUnreadableFile()
    {
        var bytes = ValidXlsx();
        Assert.Equal("unreadable-file", OnlyCode(Engines.Bytes(bytes[..(bytes.Length / 2)], "a.xlsx")));
    }

    [Fact]
    public void RandomBytes_IsUnsupportedFormat()
    {
        var bytes = new byte[4096];
        new Random(7).NextBytes(bytes);
        bytes[10] = 0;
        Assert.Equal("unsupported-format", OnlyCode(Engines.Bytes(bytes, "a.xlsx")));
    }

    [Fact]
    public void CorruptXls_IsUnreadableFile()
    {
        var bytes = File.ReadAllBytes(Path.Combine(Repo.Fixtures, "legacy_banua_anyar.xls"));
        Array.Fill(bytes, (byte)0xFF, 512, bytes.Length - 512);
        Assert.Equal("unreadable-file", OnlyCode(Engines.Bytes(bytes, "a.xls")));
    }

    [Fact]
    public void HtmlSavedAsXls_NothingRecognised_IsHtmlTableFile() =>
        Assert.Equal("html-table-file", OnlyCode(Engines.Bytes(Encoding.UTF8.GetBytes("<html><body><table><tr><td>Tanggal</td></tr></table></body></html>"), "export.xls")));

    [Fact]
    public void OdsWithUndeclaredNamespace_IsUnreadableFile()
    {
        var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        {
            using (var w = new StreamWriter(zip.CreateEntry("mimetype", CompressionLevel.NoCompression).Open())) w.Write("application/vnd.oasis.opendocument.spreadsheet");
            using (var w = new StreamWriter(zip.CreateEntry("content.xml").Open())) w.Write("<office:document-content/>");
        }
        Assert.Equal("unreadable-file", OnlyCode(Engines.Bytes(ms.ToArray(), "laporan.ods")));
    }

    [Fact]
    public void EncryptedOoxml_IsEncryptedFile()
    {
        byte[] magic = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
        var bytes = magic.Concat(new byte[1024]).Concat(Encoding.Unicode.GetBytes("EncryptionInfo")).Concat(Encoding.Unicode.GetBytes("EncryptedPackage")).ToArray();
        Assert.Equal("encrypted-file", OnlyCode(Engines.Bytes(bytes, "rahasia.xlsx")));
    }

    [Fact]
    public void OverCap_IsFileTooLarge_SeekableOrNot()
    {
        var engine = Engines.With(o => o with { MaxFileBytes = 1024, MaxUncompressedBytes = 4096 });
        var bytes = Encoding.UTF8.GetBytes(new string('x', 2048));
        Assert.Equal("file-too-large", OnlyCode(Engines.Bytes(bytes, "a.csv", engine)));
        Assert.Equal("file-too-large", OnlyCode(engine.Ingest(new NonSeekable(bytes), "a.csv")));
    }

    [Fact]
    public void OverCap_SaysTheSize_AndWhenOnlyReadUpToTheCap_ThatItIsMore()
    {
        var engine = Engines.With(o => o with { MaxFileBytes = 1024 * 1024, MaxUncompressedBytes = 4 << 20 });
        var bytes = Encoding.UTF8.GetBytes(new string('x', 3 * 1024 * 1024));

        var seekable = Assert.Single(Engines.Bytes(bytes, "a.csv", engine).Problems);
        var streamed = Assert.Single(engine.Ingest(new NonSeekable(bytes), "a.csv").Problems);

        // The whole size is known from a seekable stream; a stream is read only just past the cap.
        Assert.Equal(("3 MB", "1 MB"), (seekable.Args!["size"], seekable.Args["max"]));
        Assert.StartsWith("lebih dari 1", streamed.Args!["size"], StringComparison.Ordinal);
        Assert.EndsWith(" MB", streamed.Args["size"], StringComparison.Ordinal);
        Assert.Contains("lebih dari 1", streamed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ProblemPlace_IsItsSheetRowAndColumn_OrThisFileWhenItHasNone()
    {
        var sink = new ProblemSink(MessageCatalogue.Load(Path.Combine(Repo.Templates, "messages", "problems.json")), "kegiatan.xlsx");
        sink.Error(ProblemCodes.NotANumber, "Oktober", 7, 3, "dua puluh");
        sink.Error(ProblemCodes.NotANumber, null, 7, null, "dua puluh");
        sink.Error(ProblemCodes.NotANumber, text: "dua puluh");

        Assert.Equal(
            [
                "Isi \"dua puluh\" di lembar \"Oktober\", baris 7, kolom D bukan angka.",
                "Isi \"dua puluh\" di baris 7 bukan angka.",
                "Isi \"dua puluh\" di berkas ini bukan angka.",
            ], sink.Problems.Select(p => p.Message[..p.Message.IndexOf(" Tulis", StringComparison.Ordinal)]));
    }

    [Fact]
    public void ZipBomb_IsSuspiciousArchive()
    {
        var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        {
            using (var w = new StreamWriter(zip.CreateEntry("xl/workbook.xml").Open())) w.Write("<workbook/>");
            using var s = zip.CreateEntry("xl/worksheets/sheet1.xml", CompressionLevel.SmallestSize).Open();
            var zeros = new byte[1 << 20];
            for (var i = 0; i < 8; i++) s.Write(zeros);
        }
        var engine = Engines.With(o => o with { MaxFileBytes = 1 << 20, MaxUncompressedBytes = 4 << 20 });
        Assert.Equal("suspicious-archive", OnlyCode(Engines.Bytes(ms.ToArray(), "bom.xlsx", engine)));
        Assert.Equal("suspicious-archive", OnlyCode(Engines.Bytes(ms.ToArray(), "bom.xlsx")));
    }

    [Fact]
    public void ManyRows_IsTooManyRows()
    {
        var engine = Engines.With(o => o with { MaxRowsPerSheet = 100 });
        var csv = "Bulan,Oktober 2025\nTanggal,Kegiatan\n" + string.Concat(Enumerable.Repeat("06/10/2025,Posyandu\n", 150));
        var r = Engines.Csv(csv, engine: engine);
        Assert.Contains("too-many-rows", r.Codes());
        Assert.False(r.IsAccepted);
    }

    [Fact]
    public void ManyCells_IsTooManyCells()
    {
        var engine = Engines.With(o => o with { MaxCells = 1000 });
        var csv = "Bulan,Oktober 2025\nTanggal,Kegiatan,L,P\n" + string.Concat(Enumerable.Repeat("06/10/2025,Posyandu,1,2\n", 400));
        Assert.Contains("too-many-cells", Engines.Csv(csv, engine: engine).Codes());
    }

    [Fact]
    public void BadOptions_AreRefusedAtStart_NamingEveryKey()
    {
        var e = Assert.Throws<TemplateException>(() => Engines.With(o => o with { MaxFileBytes = 0, MaxColumns = 1 }));
        Assert.Contains("MaxFileBytes", e.Message);
        Assert.Contains("MaxColumns", e.Message);
    }

    private sealed class NonSeekable(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => base.Position; set => throw new NotSupportedException(); }
    }
}

public class RegistryProblemTests
{
    private static Model.RegistryImport Read(XlsxBuilder b) => Engines.Default.ReadRegistry(new MemoryStream(b.Build()), "daftar.xlsx");

    [Fact]
    public void BadRows_YieldRegistryCodes_AtTheirCells()
    {
        var b = new XlsxBuilder();
        b.Sheet("Daftar").Row("DAFTAR").Row("Kode Wilayah", "Nama Kampung KB", "Klasifikasi", "Tahun Pencanangan", "Email Pokja", "No HP")
            .Row("63.71.04.1005", "Kampung KB A", "Paripurna", 2017, "a@contoh.id", "0812")
            .Row("63.71.04.1005", "Kampung KB B", "Dasar", 2018, "b@contoh.id", "0812")
            .Row("63.71.4.1005", "Kampung KB C", "Dasar", 2018, "c@contoh.id", "0812")
            .Row("6371041006", "Kampung KB D", "Hebat", "dulu", "bukan-email", "0812")
            .Row(null, "Kampung KB E", "Dasar", 2018, "e@contoh.id", "0812")
            .Row("63.71.04.1007", null, "Dasar", 2018, "e@contoh.id", "0812");

        var r = Read(b);

        Assert.False(r.IsAccepted);
        var found = r.Problems.Select(p => (p.Code, p.Row!.Value, p.Column!)).ToList();
        Assert.Contains(("duplicate-code", 4, "A"), found);
        Assert.Contains(("invalid-area-code", 5, "A"), found);
        Assert.Contains(("unknown-class", 6, "C"), found);
        Assert.Contains(("invalid-year", 6, "D"), found);
        Assert.Contains(("invalid-email", 6, "E"), found);
        Assert.Contains(("missing-required", 7, "A"), found);
        Assert.Contains(("missing-required", 8, "B"), found);
        var a = Assert.Single(r.Entries, e => e.Name == "Kampung KB A");
        Assert.Equal(KampungClass.Berkelanjutan, a.Class);
    }

    [Fact]
    public void TenDigitCode_IsNormalisedToDottedForm()
    {
        var b = new XlsxBuilder();
        b.Sheet("Daftar").Row("Kode", "Nama Kampung").Row("6371041006", "Kampung KB D");
        var e = Assert.Single(Read(b).Entries);
        Assert.Equal("63.71.04.1006", e.AreaCode);
        Assert.Equal("63.71.04", e.DistrictCode);
    }
}
