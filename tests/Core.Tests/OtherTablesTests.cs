
namespace KampungKB.Core.Tests;

/// <summary>
/// Label-and-number tables that are not indicator lists (a pivot of participants per target group, an
/// attendance-per-group table) never give figures: they are named as skipped (<c>table-skipped</c>), and a
/// real indicator list after them is still read (domain.md "What a cadre uploads": indicators come from a
/// data capaian list or profile block).
/// </summary>
public class OtherTablesTests
{
    private static string Why(IngestionReport r) => string.Join("\n", r.Problems.Select(p => $"{p.Severity} {p.Code} {p.Sheet}!{p.Row}: {p.Message}"));

    private static readonly object?[][] Activities =
    [
        ["LAPORAN KEGIATAN KAMPUNG KB MAWAR DESA MAWAR BULAN OKTOBER 2025"],
        [],
        ["No", "Tanggal", "Nama Kegiatan", "Sasaran", "Jumlah Peserta"],
        ["1", new DateTime(2025, 10, 6), "Penyuluhan KB", "PUS", 45.0],
        ["2", new DateTime(2025, 10, 13), "Pertemuan keluarga", "Keluarga", 40.0],
        ["3", new DateTime(2025, 10, 20), "Kelas BKR", "Remaja", 12.0],
    ];

    private static IngestionReport WithSecondSheet(string sheet, params object?[][] rows)
    {
        var b = new XlsxBuilder();
        var a = b.Sheet("Kegiatan");
        foreach (var r in Activities) a.Row(r);
        var s = b.Sheet(sheet);
        foreach (var r in rows) s.Row(r);
        return Engines.Bytes(b.Build(), "laporan oktober.xlsx");
    }

    private static void AssertActivitiesOnly(IngestionReport r)
    {
        Assert.True(r.IsAccepted, Why(r));
        Assert.Equal(3, r.Activities.Count);
        Assert.Empty(r.Indicators);
    }

    [Theory]
    [InlineData("Row Labels", "Sum of Jumlah Peserta", "Grand Total")]
    [InlineData("Label Baris", "Jumlah dari Jumlah Peserta", "Total Keseluruhan")]
    [InlineData("Sasaran", "Jumlah Peserta", "Jumlah")]
    public void PivotOfParticipantsPerTargetGroup_GivesNoFigures_AndIsNamed(string labels, string values, string total)
    {
        var r = WithSecondSheet("Pivot", [labels, values], ["PUS", 45.0], ["Keluarga", 40.0], ["Remaja", 12.0], [total, 97.0]);

        AssertActivitiesOnly(r);
        var skipped = Assert.Single(r.Problems, p => p.Code == ProblemCodes.TableSkipped);
        Assert.Equal(("Pivot", 1, Severity.Warning), (skipped.Sheet, skipped.Row, skipped.Severity));
        Assert.Contains(labels, skipped.Message, StringComparison.Ordinal);
        Assert.Equal("4", skipped.Args!["count"]);
    }

    [Theory]
    [InlineData("csv")]
    [InlineData("html")]
    [InlineData("xls")]
    public void AttendancePerGroup_GivesNoMemberFigures(string format)
    {
        var (bytes, name) = FigureFiles.Write(format, "kehadiran oktober 2025", "Hadir",
            ["DAFTAR KEHADIRAN POKTAN KAMPUNG KB MAWAR, DESA MAWAR"], ["Bulan: Oktober 2025"], [],
            ["Kelompok", "Jumlah Hadir"], ["BKB", 2.0], ["BKR", 3.0], ["BKL", 5.0], ["UPPKA", 4.0], ["PIK-R", 6.0]);

        var r = Engines.Bytes(bytes, name);

        Assert.Empty(r.Indicators);
        var skipped = Assert.Single(r.Problems, p => p.Code == ProblemCodes.TableSkipped);
        Assert.Equal((4, "5"), (skipped.Row, skipped.Args!["count"]));
    }

    [Fact]
    public void AttendancePerGroup_WithLAndPColumns_GivesNoFigures()
    {
        var r = WithSecondSheet("Rekap Hadir", ["No", "Poktan", "L", "P", "Jumlah"], ["1", "BKB", 1.0, 1.0, 2.0], ["2", "BKR", 2.0, 1.0, 3.0], ["3", "UPPKA", 0.0, 4.0, 4.0]);

        AssertActivitiesOnly(r);
        Assert.Single(r.Problems, p => p.Code == ProblemCodes.TableSkipped);
    }

    [Fact]
    public void TitledRecapWithoutHeader_GivesNoFigures()
    {
        var r = WithSecondSheet("Rekap", ["REKAP PESERTA PER SASARAN"], [], ["PUS", 45.0], ["Keluarga", 40.0], ["Remaja", 12.0]);

        AssertActivitiesOnly(r);
        Assert.Equal(1, Assert.Single(r.Problems, p => p.Code == ProblemCodes.TableSkipped).Row);
    }

    [Fact]
    public void PivotBelowTheActivityTotal_InACsv_GivesNoFigures()
    {
        var rows = Activities.Concat([
            [null, "JUMLAH", null, null, 97.0], [],
            ["Sasaran", "Jumlah Peserta"], ["PUS", 45.0], ["Keluarga", 40.0]]).ToArray();

        var r = Engines.Bytes(FigureFiles.Csv(rows), "laporan.csv");

        AssertActivitiesOnly(r);
        Assert.Equal(9, Assert.Single(r.Problems, p => p.Code == ProblemCodes.TableSkipped).Row);
    }

    [Fact]
    public void IndicatorListAfterASkippedTable_IsStillRead()
    {
        var r = WithSecondSheet("Rekap", ["Sasaran", "Jumlah Peserta"], ["PUS", 45.0], ["Keluarga", 40.0], [], ["DATA CAPAIAN"], ["Jumlah PUS", 900.0], ["Peserta KB Aktif", 600.0]);

        Assert.True(r.IsAccepted, Why(r));
        Assert.Equal([("kb_active", 600m), ("pus", 900m)], r.Indicators.OrderBy(i => i.Key, StringComparer.Ordinal).Select(i => (i.Key, i.Value)));
        Assert.Single(r.Problems, p => p.Code == ProblemCodes.TableSkipped);
    }
}
