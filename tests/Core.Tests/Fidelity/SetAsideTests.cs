using KampungKB.Core.Model;
using KampungKB.Core.Ingestion.Validation;

namespace KampungKB.Core.Tests.Fidelity;

/// <summary>
/// What sits where activities are but is not activities: an unknown table below the total row (a cash book, a guest
/// list, an inventory) and a count of activities per bidang under the table (a summary or pivot). Each is set aside
/// with a warning naming its rows; the activities the dinas reads are exactly the cadre's, before and after it.
/// </summary>
public class SetAsideTests
{
    private static string Problems(IngestionReport r) => string.Join("\n", r.Problems.Select(p => $"{p.Code} {p.Row}{p.Column}: {p.Message}"));

    // ---------- unknown tables below the total row ----------

    public static TheoryData<string, byte[], string, string> UnknownTablesBelowTheTotal()
    {
        object?[][] Head(params object?[][] below) =>
        [
            ["Kampung KB Mawar, Desa Mawar"], ["Bulan: Oktober 2025"], ["No", "Tanggal", "Nama Kegiatan", "Jumlah Peserta"],
            [1.0, "03/10/2025", "Rapat Pokja", 11.0], [2.0, "09/10/2025", "Posyandu", 22.0], ["JUMLAH", null, null, 33.0], [],
            .. below,
        ];
        var cashBook = Head(["No", "Tanggal", "Uraian", "Pemasukan", "Pengeluaran"], [1.0, "05/10/2025", "Iuran anggota", 50000.0, null], [2.0, "12/10/2025", "Beli ATK", null, 25000.0]);
        var guests = Head(["Tanggal", "Nama Tamu", "Instansi", "Keperluan"], ["14/10/2025", "Ibu Rina", "Puskesmas", "Pembinaan"], ["21/10/2025", "Pak Anwar", "DPPKB", "Monitoring"]);
        var loans = Head(["No", "Tanggal Pinjam", "Peminjam", "Barang", "Tanggal Kembali"], [1.0, "05/10/2025", "Posyandu Melati", "Timbangan bayi", "12/10/2025"], [2.0, "18/10/2025", "BKB Mawar", "APE", "25/10/2025"]);
        var xlsx = new XlsxBuilder();
        var sheet = xlsx.Sheet("Oktober");
        foreach (var row in cashBook) sheet.Row(row.Select(c => c is string s && s.Length == 10 && s[2] == '/' ? (object)DateTime.ParseExact(s, "dd/MM/yyyy", null) : c).ToArray());
        return new()
        {
            { "cash book, xlsx (real dates)", xlsx.Build(), "8–10", "Pemasukan" },
            { "guest book, csv", Csv(guests), "8–10", "Nama Tamu" },
            { "loan book, ods", TestFiles.Ods("Oktober", loans.Cast<object>().ToArray()), "8–10", "Peminjam" },
            { "cash book, html export", TestFiles.Html(cashBook.Cast<object>().ToArray()), "8–10", "Pengeluaran" },
        };
    }

    private static byte[] Csv(object?[][] rows) =>
        System.Text.Encoding.UTF8.GetBytes(string.Join("\n", rows.Select(r => string.Join(",", r.Select(c => c switch
        {
            null => "",
            double d => d.ToString(System.Globalization.CultureInfo.InvariantCulture),
            _ => c.ToString(),
        })))) + "\n");

    [Theory]
    [MemberData(nameof(UnknownTablesBelowTheTotal))]
    public void UnknownTableBelowTheTotal_IsSetAsideNamingItsRows_NotReadAsActivities(string variant, byte[] bytes, string rows, string headerWord)
    {
        var name = variant.EndsWith("csv") ? "laporan.csv" : variant.EndsWith("ods") ? "laporan.ods" : variant.EndsWith("export") ? "laporan.xls" : "laporan.xlsx";
        var r = Engines.Bytes(bytes, name);

        Assert.True(r.IsAccepted, Problems(r));
        Assert.Equal(["Rapat Pokja", "Posyandu"], r.Activities.Select(a => a.Title));
        Assert.Equal(33, r.Activities.Sum(a => a.Participants));
        var w = Assert.Single(r.Problems, p => p.Code == ProblemCodes.TableBelowTotalUnknown);
        Assert.Equal((Severity.Warning, 8, rows), (w.Severity, w.Row, w.Args!["rows"]));
        Assert.Contains(headerWord, w.Text, StringComparison.Ordinal);
        Assert.Contains(rows, w.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(r.Problems, p => p.Code is ProblemCodes.RowsAfterEnd or ProblemCodes.DateOutsidePeriod);
    }

    [Fact]
    public void SecondActivityTableBelowTheTotal_WithCounts_IsStillRead()
    {
        var r = Engines.Csv("Kampung KB Mawar, Desa Mawar\nBulan: Oktober 2025\nTanggal,Nama Kegiatan,L,P\n03/10/2025,Rapat Pokja,5,6\nJUMLAH,,5,6\n\n" +
                            "Tanggal,Nama Kegiatan,L,P\n17/10/2025,Kelas BKB,0,12\n");

        Assert.True(r.IsAccepted, Problems(r));
        Assert.Equal(["Rapat Pokja", "Kelas BKB"], r.Activities.Select(a => a.Title));
        Assert.DoesNotContain(r.Problems, p => p.Code == ProblemCodes.TableBelowTotalUnknown);
    }

    [Fact]
    public void ActivityRowsBelowTheTotalWithoutAHeader_AreStillReadWithTheWarning()
    {
        var r = Engines.Csv("Kampung KB Mawar, Desa Mawar\nBulan: Oktober 2025\nTanggal,Nama Kegiatan,L,P\n03/10/2025,Rapat Pokja,5,6\nJUMLAH,,5,6\n24/10/2025,Senam Lansia,4,9\n");

        Assert.Equal(["Rapat Pokja", "Senam Lansia"], r.Activities.Select(a => a.Title));
        Assert.Single(r.Problems, p => p.Code == ProblemCodes.RowsAfterEnd);
        Assert.DoesNotContain(r.Problems, p => p.Code == ProblemCodes.TableBelowTotalUnknown);
    }

    [Fact]
    public void SignatureBlockBelowTheTotal_TwoNamesOnARow_IsNoTable()
    {
        var r = Engines.Csv("Kampung KB Mawar, Desa Mawar\nBulan: Oktober 2025\nTanggal,Nama Kegiatan,L,P\n03/10/2025,Rapat Pokja,5,6\nJUMLAH,,5,6\n\n" +
                            "Mengetahui,,Banjarmasin, 31 Oktober 2025\nLurah Mawar,,Ketua Pokja\n\n\nH. ABDUL RAHMAN,,SITI AMINAH\nNIP. 197501012000031001,,\n");

        Assert.True(r.IsAccepted, Problems(r));
        Assert.Single(r.Activities);
        Assert.DoesNotContain(r.Problems, p => p.Code is ProblemCodes.TableBelowTotalUnknown or ProblemCodes.RowsAfterEnd);
    }

    // ---------- summary blocks under the activity table ----------

    [Fact]
    public void CountPerBidangAfterABlankRow_IsSetAside_AndTheActivityAfterItIsRead()
    {
        var b = new XlsxBuilder();
        b.Sheet("Oktober").Row("Kampung KB Mawar, Desa Mawar").Row("Bulan: Oktober 2025").Row("No", "Tanggal", "Nama Kegiatan", "Bidang", "Jumlah Peserta")
            .Row(1.0, new DateTime(2025, 10, 3), "Rapat Pokja", "Kelembagaan", 11.0)
            .Row(2.0, new DateTime(2025, 10, 9), "Posyandu", "Kesehatan", 22.0)
            .Skip()
            .Row(null, "Bidang", "Jumlah kegiatan")
            .Row(null, "Kelembagaan", 1.0)
            .Row(null, "Kesehatan", 1.0)
            .Skip()
            .Row(3.0, new DateTime(2025, 10, 20), "Senam Lansia", "Kesehatan", 9.0);

        var r = Engines.Bytes(b.Build(), "laporan.xlsx");

        Assert.True(r.IsAccepted, Problems(r));
        Assert.Equal(["Rapat Pokja", "Posyandu", "Senam Lansia"], r.Activities.Select(a => a.Title));
        var w = Assert.Single(r.Problems, p => p.Code == ProblemCodes.SummaryTableSkipped);
        Assert.Equal((Severity.Warning, 7, "7–9"), (w.Severity, w.Row, w.Args!["rows"]));
        Assert.DoesNotContain(r.Problems, p => p.Code is ProblemCodes.RowsAfterEnd or ProblemCodes.InvalidDate);
    }

    public static TheoryData<string, string, string> SummaryBlocks() => new()
    {
        { "seksi with counts and participants", "Seksi,Jumlah Kegiatan,Jumlah Peserta\nKelembagaan,1,11\nKesehatan,1,22\n", "7–9" },
        { "Excel pivot, English", "Row Labels,Count of Nama Kegiatan\nKelembagaan,1\nKesehatan,1\nGrand Total,2\n", "7–10" },
        { "Excel pivot, Indonesian", "Label Baris,Hitungan dari Nama Kegiatan\nKelembagaan,1\nKesehatan,1\n", "7–9" },
        { "title line, then header", "REKAP KEGIATAN PER BIDANG\nBidang,Banyaknya\nKelembagaan,1\nKesehatan,1\n", "7–10" },
    };

    [Theory]
    [MemberData(nameof(SummaryBlocks))]
    public void SummaryBlockWithoutATotalRow_IsSetAside_NotReadAsActivities(string variant, string block, string rows)
    {
        var r = Engines.Csv("Kampung KB Mawar, Desa Mawar\nBulan: Oktober 2025\nTanggal,Nama Kegiatan,Bidang,Jumlah Peserta\n" +
                            "03/10/2025,Rapat Pokja,Kelembagaan,11\n09/10/2025,Posyandu,Kesehatan,22\n\n" + block, "laporan.csv");

        Assert.True(r.IsAccepted, variant + "\n" + Problems(r));
        Assert.Equal(["Rapat Pokja", "Posyandu"], r.Activities.Select(a => a.Title));
        Assert.Equal(33, r.Activities.Sum(a => a.Participants));
        Assert.Equal(rows, Assert.Single(r.Problems, p => p.Code == ProblemCodes.SummaryTableSkipped).Args!["rows"]);
    }

    [Fact]
    public void ActivitiesAfterABlankRow_WithoutASummary_AreAllRead()
    {
        var r = Engines.Csv("Kampung KB Mawar, Desa Mawar\nBulan: Oktober 2025\nTanggal,Nama Kegiatan,Bidang,Jumlah Peserta\n" +
                            "03/10/2025,Rapat Pokja,Kelembagaan,11\n\n\n09/10/2025,Posyandu,Kesehatan,22\n\n15/10/2025,Kelas BKB,Kesehatan,12\n");

        Assert.True(r.IsAccepted, Problems(r));
        Assert.Equal(["Rapat Pokja", "Posyandu", "Kelas BKB"], r.Activities.Select(a => a.Title));
        Assert.DoesNotContain(r.Problems, p => p.Code is ProblemCodes.SummaryTableSkipped or ProblemCodes.TableBelowTotalUnknown or ProblemCodes.RowsAfterEnd);
    }

    [Fact]
    public void SummaryBelowTheTotalRow_IsSetAsideAsATableOfItsKind()
    {
        var r = Engines.Csv("Kampung KB Mawar, Desa Mawar\nBulan: Oktober 2025\nTanggal,Nama Kegiatan,Bidang,Jumlah Peserta\n" +
                            "03/10/2025,Rapat Pokja,Kelembagaan,11\nJUMLAH,,,11\n\nBidang,Jumlah Kegiatan\nKelembagaan,1\n");

        Assert.True(r.IsAccepted, Problems(r));
        Assert.Single(r.Activities);
        Assert.Equal("rekap kegiatan per bidang", Assert.Single(r.Problems, p => p.Code == ProblemCodes.TableBelowTotalSkipped).Args!["kind"]);
    }
}
