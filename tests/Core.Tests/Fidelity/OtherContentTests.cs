using static KampungKB.Core.Tests.TestFiles;

namespace KampungKB.Core.Tests.Fidelity;

/// <summary>
/// What a workbook holds besides the report is set aside with a note, never read as this month's report: example
/// rows and banners, instruction sheets, and tables below the total row with a header of their own (next month's
/// plan, an attendance list, the officers).
/// </summary>
public class OtherContentTests
{
    private static string Problems(IngestionReport r) => string.Join("\n", r.Problems.Select(p => $"{p.Code} {p.Row}{p.Column}: {p.Message}"));

    // ---------- examples and instructions ----------

    [Theory]
    [InlineData("(contoh)")]
    [InlineData("Contoh")]
    [InlineData("CONTOH:")]
    public void ExampleRowInTheTable_SkippedWithANote_NotCounted(string marker)
    {
        var b = new XlsxBuilder();
        b.Sheet("Oktober").Row("Kampung KB Mawar, Desa Mawar").Row("Bulan: Oktober 2025").Row("No", "Tanggal", "Nama Kegiatan", "Jumlah Peserta")
            .Row(marker, new DateTime(2025, 1, 5), "Posyandu Balita", 30.0)
            .Row(1.0, new DateTime(2025, 10, 3), "Rapat Pokja", 11.0)
            .Row(2.0, new DateTime(2025, 10, 9), "Kelas BKB", 20.0)
            .Row("JUMLAH", null, null, 31.0);
        var r = Engines.Bytes(b.Build(), "laporan.xlsx");

        Assert.True(r.IsAccepted, Problems(r));
        Assert.Equal(["Rapat Pokja", "Kelas BKB"], r.Activities.Select(a => a.Title));
        Assert.Equal(4, Assert.Single(r.Problems, p => p.Code == ProblemCodes.ExampleSkipped).Row);
        Assert.DoesNotContain(r.Problems, p => p.Code is ProblemCodes.TotalRowMismatch or ProblemCodes.DateOutsidePeriod);
    }

    [Fact]
    public void ExampleInTheTitle_Csv_Skipped()
    {
        var r = Engines.Csv("Kampung KB Mawar, Desa Mawar\nBulan: Oktober 2025\nTanggal,Nama Kegiatan,L,P\n05/01/2025,Contoh: Penyuluhan KB,3,4\n03/10/2025,Rapat Pokja,5,6\n03/10/2025,Pemberian contoh menu sehat,2,9\n");

        Assert.True(r.IsAccepted, Problems(r));
        Assert.Equal(["Rapat Pokja", "Pemberian contoh menu sehat"], r.Activities.Select(a => a.Title));
        Assert.Single(r.Problems, p => p.Code == ProblemCodes.ExampleSkipped);
    }

    /// <summary>A visible instruction sheet first, with an example banner (Kelurahan Contoh, Januari 2025) and an example row.</summary>
    private static byte[] WithInstructionSheet(string name, string? heading)
    {
        var b = new XlsxBuilder();
        var s = b.Sheet(name);
        if (heading is not null) s.Row(heading);
        s.Row("KAMPUNG KB CONTOH, KELURAHAN CONTOH, KEC. CONTOH").Row("Bulan: Januari 2025").Row("Tanggal", "Nama Kegiatan", "L", "P")
            .Row(new DateTime(2025, 1, 5), "Posyandu (contoh)", 3.0, 4.0).Row("Isi tanggal kegiatan di kolom A, nama kegiatan di kolom B.");
        b.Sheet("Laporan").Row("Kampung KB Mawar, Kelurahan Mawar").Row("Periode: Oktober 2025").Row("Tanggal", "Nama Kegiatan", "L", "P")
            .Row(new DateTime(2025, 10, 3), "Rapat Pokja", 5.0, 6.0).Row(new DateTime(2025, 10, 9), "Kelas BKB", 0.0, 12.0);
        return b.Build();
    }

    [Theory]
    [InlineData("Petunjuk", null)]
    [InlineData("Cara Mengisi", null)]
    [InlineData("Contoh Pengisian", null)]
    [InlineData("Sheet1", "PETUNJUK PENGISIAN")]
    public void InstructionSheet_WithAnExampleBanner_NeverSetsVillageOrPeriod(string sheet, string? heading)
    {
        var r = Engines.Bytes(WithInstructionSheet(sheet, heading), "laporan.xlsx");

        Assert.True(r.IsAccepted, Problems(r));
        Assert.Equal(new ReportingPeriod(2025, 10), r.Period);
        Assert.Equal("Mawar", r.Kampung?.Village);
        Assert.Equal(["Rapat Pokja", "Kelas BKB"], r.Activities.Select(a => a.Title));
        // A sheet named as instructions is not read; one that only opens with them has its banner and month as a fallback.
        var code = heading is null ? ProblemCodes.InstructionSheetSkipped : ProblemCodes.InstructionHeading;
        Assert.Equal(sheet, Assert.Single(r.Problems, p => p.Code == code).Sheet);
    }

    [Fact]
    public void SheetOpeningWithInstructions_ItsTableStillRead_ItsBannerUsedWhenNoOtherSheetStatesOne()
    {
        var b = new XlsxBuilder();
        b.Sheet("Sheet1").Row("Petunjuk: isi satu baris per kegiatan").Row("Kampung KB Mawar, Desa Mawar").Row("Bulan: Oktober 2025")
            .Row("Tanggal", "Nama Kegiatan", "L", "P").Row(new DateTime(2025, 10, 3), "Rapat Pokja", 5.0, 6.0);
        var r = Engines.Bytes(b.Build(), "laporan.xlsx");

        Assert.True(r.IsAccepted, Problems(r));
        Assert.Equal((new ReportingPeriod(2025, 10), "Mawar"), (r.Period, r.Kampung?.Village));
        Assert.Equal(["Rapat Pokja"], r.Activities.Select(a => a.Title));
        Assert.Single(r.Problems, p => p.Code == ProblemCodes.InstructionHeading);
    }

    [Fact]
    public void ActivityWithoutADate_WhoseTitleNamesAPlan_IsStillAnActivityRowWithAMissingDate()
    {
        var r = Engines.Csv("Kampung KB Mawar, Desa Mawar\nBulan: Oktober 2025\nTanggal,Nama Kegiatan,L,P\n03/10/2025,Rapat Pokja,5,6\n,Jadwal posyandu,,\n09/10/2025,Kelas BKB,0,12\n");

        Assert.Equal(["Rapat Pokja", "Kelas BKB"], r.Activities.Select(a => a.Title));
        var e = Assert.Single(r.Errors);
        Assert.Equal((ProblemCodes.MissingRequired, 5), (e.Code, e.Row));
        Assert.DoesNotContain(r.Problems, p => p.Code == ProblemCodes.TableBelowTotalSkipped);
    }

    [Fact]
    public void ExampleBannerOnAReportSheet_IgnoredWithANote_TheRealBannerCounts()
    {
        var r = Engines.Csv("Contoh: Kelurahan Contoh - Bulan Januari 2025\nKampung KB Mawar, Desa Mawar\nBulan: Oktober 2025\nTanggal,Nama Kegiatan,L,P\n03/10/2025,Rapat Pokja,5,6\n");

        Assert.True(r.IsAccepted, Problems(r));
        Assert.Equal((new ReportingPeriod(2025, 10), "Mawar"), (r.Period, r.Kampung?.Village));
        Assert.Equal(1, Assert.Single(r.Problems, p => p.Code == ProblemCodes.ExampleBannerSkipped).Row);
    }

    // ---------- tables below the total row ----------

    private const string Head = "Kampung KB Mawar, Desa Mawar\nBulan: Oktober 2025\nTanggal,Nama Kegiatan,L,P\n03/10/2025,Rapat Pokja,5,6\n09/10/2025,Kelas BKB,0,12\nJUMLAH,,5,18\n";

    [Fact]
    public void PlanBelowTheTotal_WithATitleLine_IsNotCounted()
    {
        var r = Engines.Csv(Head + "\nRENCANA KEGIATAN BULAN NOVEMBER 2025\nTanggal,Nama Kegiatan,Sasaran\n05/11/2025,Posyandu,Balita\n12/11/2025,Penyuluhan KB,PUS\n");

        Assert.True(r.IsAccepted, Problems(r));
        Assert.Equal(new ReportingPeriod(2025, 10), r.Period);
        Assert.Equal(["Rapat Pokja", "Kelas BKB"], r.Activities.Select(a => a.Title));
        var note = Assert.Single(r.Problems, p => p.Code == ProblemCodes.TableBelowTotalSkipped);
        Assert.Equal((8, "rencana kegiatan"), (note.Row, note.Args!["kind"]));
        Assert.DoesNotContain(r.Problems, p => p.Code is ProblemCodes.RowsAfterEnd or ProblemCodes.DateOutsidePeriod);
    }

    [Fact]
    public void PlanBelowTheTotal_ItsHeaderSaysSo_Xlsx_IsNotCounted()
    {
        var b = new XlsxBuilder();
        b.Sheet("Oktober").Row("Kampung KB Mawar, Desa Mawar").Row("Bulan: Oktober 2025").Row("Tanggal", "Nama Kegiatan", "L", "P")
            .Row(new DateTime(2025, 10, 3), "Rapat Pokja", 5.0, 6.0).Row("JUMLAH", null, 5.0, 6.0)
            .Row("Tanggal Rencana", "Nama Kegiatan", "Jumlah Sasaran")
            .Row(new DateTime(2025, 11, 5), "Posyandu", 40.0).Row(new DateTime(2025, 11, 12), "Penyuluhan KB", 25.0);
        var r = Engines.Bytes(b.Build(), "laporan.xlsx");

        Assert.True(r.IsAccepted, Problems(r));
        Assert.Equal(["Rapat Pokja"], r.Activities.Select(a => a.Title));
        Assert.Equal(6, Assert.Single(r.Problems, p => p.Code == ProblemCodes.TableBelowTotalSkipped).Row);
    }

    public static TheoryData<string, string> Officers() => new()
    {
        { "pengurus.csv", Head + "\nSUSUNAN PENGURUS POKJA KAMPUNG KB\nNo,Jabatan,Nama\n1,Ketua,Siti Aminah\n2,Sekretaris,Rina\n3,BKB,Dewi Lestari\n4,PIK-R,Andi\n" },
        { "pengurus-noheading.csv", Head + "No,Nama,Jabatan,No HP\n1,Siti Aminah,Ketua,0812 5555 1234\n2,Dewi,BKB,0813 1234 5678\n" },
    };

    [Theory]
    [MemberData(nameof(Officers))]
    public void OfficersTableBelowTheTotal_IsNotRefusedAsNotANumber(string name, string csv)
    {
        var r = Engines.Csv(csv, name);

        Assert.True(r.IsAccepted, Problems(r));
        Assert.Equal(2, r.Activities.Count);
        Assert.Empty(r.Indicators);
        Assert.Equal("susunan pengurus", Assert.Single(r.Problems, p => p.Code == ProblemCodes.TableBelowTotalSkipped).Args!["kind"]);
        Assert.Equal("Mawar", r.Kampung?.Village);
    }

    [Fact]
    public void AttendanceListBelowTheTotal_IsNotCounted()
    {
        var r = Engines.Csv(Head + "\nDAFTAR HADIR RAPAT POKJA\nNo,Nama,Alamat,Tanda Tangan\n1,Siti,RT 01,\n2,Rina,RT 02,\n");

        Assert.True(r.IsAccepted, Problems(r));
        Assert.Equal("daftar hadir", Assert.Single(r.Problems, p => p.Code == ProblemCodes.TableBelowTotalSkipped).Args!["kind"]);
    }

    [Fact]
    public void PlanRightBelowTheActivities_WithoutATotalRow_EndsTheTable()
    {
        var r = Engines.Csv("Kampung KB Mawar, Desa Mawar\nBulan: Oktober 2025\nTanggal,Nama Kegiatan,L,P\n03/10/2025,Rapat Pokja,5,6\nRencana Kegiatan Bulan Depan\n05/11/2025,Posyandu,10,10\n");

        Assert.True(r.IsAccepted, Problems(r));
        Assert.Equal(["Rapat Pokja"], r.Activities.Select(a => a.Title));
        Assert.Single(r.Problems, p => p.Code == ProblemCodes.TableBelowTotalSkipped);
    }

    [Fact]
    public void ActivitiesBelowTheTotal_WithoutANewHeader_StillReadWithTheWarning()
    {
        var r = Engines.Csv(Head + "20/10/2025,Posyandu,2,20\n\nSUSUNAN PENGURUS\nNo,Jabatan,Nama\n1,Ketua,Siti\n");

        Assert.True(r.IsAccepted, Problems(r));
        Assert.Equal(["Rapat Pokja", "Kelas BKB", "Posyandu"], r.Activities.Select(a => a.Title));
        Assert.Single(r.Problems, p => p.Code == ProblemCodes.RowsAfterEnd);
        Assert.Single(r.Problems, p => p.Code == ProblemCodes.TableBelowTotalSkipped);
    }
}
