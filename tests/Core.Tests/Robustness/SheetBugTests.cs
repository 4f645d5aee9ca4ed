using KampungKB.Core.Ingestion.Intake;

namespace KampungKB.Core.Tests.Robustness;

/// <summary>
/// A bug in our own sheet code is not blamed on the cadre's file as
/// <c>unreadable-file</c>, and critical faults (out of memory) are never swallowed.
/// </summary>
public class SheetBugTests
{
    private const string Csv = "Nama Kampung,Kampung KB Sungai Biru\nBulan,Oktober 2025\n";

    private static IngestionEngine Engine(Action<string> beforeSheet)
    {
        var engine = IngestionEngine.Load(Repo.Templates);
        engine.BeforeSheet = (sheet, _) => beforeSheet(sheet);
        return engine;
    }

    [Fact]
    public void Ingest_BugInOurSheetCode_ThrowsIngestionBug_NotUnreadableFile()
    {
        var engine = Engine(_ => throw new NullReferenceException("simulated bug"));
        var bug = Assert.Throws<IngestionBugException>(() => Engines.Csv(Csv, engine: engine));
        Assert.IsType<NullReferenceException>(bug.InnerException);
        Assert.Contains(nameof(SheetBugTests), bug.Where, StringComparison.Ordinal);
    }

    [Fact]
    public void Ingest_OutOfMemory_IsNeverSwallowed()
    {
        var engine = Engine(_ => throw new OutOfMemoryException());
        Assert.Throws<OutOfMemoryException>(() => Engines.Csv(Csv, engine: engine));
    }

    [Fact]
    public void Ingest_DamagedFile_StillTheFilesFault()
    {
        var whole = HostileFiles.Xlsx(w => { for (var r = 1; r <= 200; r++) w.Write($"<row r=\"{r}\"><c r=\"A{r}\" t=\"inlineStr\"><is><t>baris {r}</t></is></c></row>"); });
        var report = Engines.Bytes(whole[..(whole.Length / 2)], "laporan.xlsx");
        Assert.Contains(ProblemCodes.UnreadableFile, report.Codes());
        Assert.DoesNotContain(ProblemCodes.InternalError, report.Codes());
    }

    [Fact]
    public void Classify_ReaderLibraryFault_IsFile_OwnCodeFault_IsBug()
    {
        Assert.Equal(ReadFaults.Kind.File, ReadFaults.Classify(new InvalidDataException()));
        Assert.Equal(ReadFaults.Kind.Critical, ReadFaults.Classify(new OutOfMemoryException()));
        Exception thrown;
        try { _ = new List<int>()[3]; throw new InvalidOperationException(); }
        catch (Exception e) { thrown = e; }
        Assert.Equal(ReadFaults.Kind.Bug, ReadFaults.Classify(thrown));
    }
}
