using KampungKB.Core.Model;
using KampungKB.Core.Ingestion.Validation;

namespace KampungKB.Core.Tests.Fidelity;

/// <summary>
/// A dinas form with one row of figures per kampung. A report is one kampung's for one month and every upload
/// belongs to one kampung (its link, or the names in the file), so the file is refused naming every kampung row,
/// never read as the first kampung's with the others dropped in silence (docs/ingestion.md, *Identity in the table*).
/// </summary>
public class PerKampungFormTests
{
    private static string Problems(IngestionReport r) => string.Join("\n", r.Problems.Select(p => $"{p.Code} {p.Row}{p.Column}: {p.Message}"));

    private static readonly object?[][] Form =
    [
        ["FORMULIR CAPAIAN KAMPUNG KB KOTA BANJARMASIN"], ["Bulan: Oktober 2025"],
        ["No", "Kecamatan", "Desa/Kelurahan", "Nama Kampung KB", "Jumlah PUS", "Peserta KB Aktif"],
        [1.0, "Banjarmasin Timur", "Banua Anyar", "Banua Anyar", 700.0, 520.0],
        [2.0, "Banjarmasin Timur", "Kuripan", "Kuripan", 600.0, 400.0],
        [3.0, "Banjarmasin Barat", "Pelambuan", "Pelambuan Sejahtera", 800.0, 500.0],
    ];

    public static TheoryData<string, byte[], string> Forms()
    {
        var xlsx = new XlsxBuilder();
        var sheet = xlsx.Sheet("Form");
        foreach (var row in Form) sheet.Row(row);
        sheet.Row("JUMLAH", null, null, null, 2100.0, 1420.0);
        return new()
        {
            { "xlsx with a JUMLAH row", xlsx.Build(), "form capaian.xlsx" },
            { "ods", TestFiles.Ods("Form", Form.Cast<object>().ToArray()), "form capaian.ods" },
            { "html export", TestFiles.Html(Form.Cast<object>().ToArray()), "form capaian.xls" },
        };
    }

    [Theory]
    [MemberData(nameof(Forms))]
    public void FormWithOneRowPerKampung_IsRefusedNamingEveryKampung(string variant, byte[] bytes, string name)
    {
        var r = Engines.Bytes(bytes, name);

        Assert.False(r.IsAccepted, variant);
        var e = Assert.Single(r.Errors);
        Assert.Equal((ProblemCodes.SeveralKampungRows, 5, "3"), (e.Code, e.Row, e.Args!["count"]));
        Assert.StartsWith("4–", (string)e.Args["rows"]!, StringComparison.Ordinal);
        foreach (var kampung in new[] { "Banua Anyar", "Kuripan", "Pelambuan Sejahtera" }) Assert.Contains(kampung, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CsvByAreaCode_IsRefusedToo()
    {
        var r = Engines.Csv("Bulan: Oktober 2025\nKode Wilayah,Jumlah PUS,Peserta KB Aktif\n63.71.03.1002,700,520\n63.71.03.1003,600,400\n", "rekap dinas.csv");

        var e = Assert.Single(r.Errors);
        Assert.Equal((ProblemCodes.SeveralKampungRows, 4, "63.71.03.1003"), (e.Code, e.Row, e.Text));
        Assert.Contains("63.71.03.1002", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FormWithOneKampungRow_ThenASignature_IsAccepted()
    {
        var r = Engines.Csv("FORMULIR CAPAIAN KAMPUNG KB\nBulan: Oktober 2025\nNo,Kecamatan,Desa/Kelurahan,Nama Kampung KB,Jumlah PUS,Peserta KB Aktif\n" +
                            "1,Banjarmasin Timur,Banua Anyar,Banua Anyar,700,520\n\nMengetahui,,,Ketua Pokja\n", "form.csv");

        Assert.True(r.IsAccepted, Problems(r));
        Assert.Equal((700m, 520m), (r.Indicators["pus"], r.Indicators["kb_active"]));
        Assert.Equal("Kampung KB Banua Anyar", r.Kampung?.Name);
    }

    [Fact]
    public void OneRowIndicatorTableWithoutIdentityColumns_ThenAList_IsReadAsBefore()
    {
        var r = Engines.Csv("Kampung KB Mawar, Desa Mawar\nBulan: Oktober 2025\nJumlah PUS,Peserta KB Aktif\n700,520\nUraian,Jumlah\nPeserta KB Baru,12\n", "capaian.csv");

        Assert.True(r.IsAccepted, Problems(r));
        Assert.Equal((700m, 520m, 12m), (r.Indicators["pus"], r.Indicators["kb_active"], r.Indicators["kb_new"]));
    }
}
