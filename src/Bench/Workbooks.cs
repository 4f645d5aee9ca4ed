using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace KampungKB.Bench;

/// <summary>
/// Writes activity workbooks shaped like the shared example E01 (banner rows, a two-row header with a
/// merged "Jumlah Peserta" over L/P, dates as dd/mm/yyyy serials, a JUMLAH total row), streamed with
/// <see cref="OpenXmlWriter"/> so 100,000 rows cost no more memory than 50.
/// </summary>
internal static class Workbooks
{
    private static readonly string[] Titles =
    [
        "Rapat Koordinasi Pokja", "Penyuluhan KB Pria", "Kelas Ibu Balita (BKB)", "Kerja Bakti Lingkungan",
        "Pelatihan Menjahit UPPKA", "Posyandu Remaja (PIK-R)", "Pendataan Keluarga", "Senam Lansia (BKL)",
    ];
    private static readonly string[] Fields = ["Kelembagaan", "Reproduksi", "Sosialisasi dan Pendidikan", "Pembinaan Lingkungan", "Ekonomi"];
    private static readonly string[] Partners = ["Kelurahan", "Puskesmas", "PKK", "DLH", "Dinsos"];
    private static readonly string[] Header = ["No", "Tanggal", "Nama Kegiatan", "Bidang", "Jumlah Peserta", "", "Instansi Terkait", "Ket"];

    /// <summary>Writes <paramref name="rows"/> activities of October 2025 spread evenly over <paramref name="sheets"/> sheets.</summary>
    public static void Write(string path, int rows, int sheets)
    {
        var strings = new List<string>();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        int S(string s)
        {
            if (!index.TryGetValue(s, out var i)) { i = strings.Count; strings.Add(s); index[s] = i; }
            return i;
        }

        using var doc = SpreadsheetDocument.Create(path, SpreadsheetDocumentType.Workbook);
        var wb = doc.AddWorkbookPart();
        var styles = wb.AddNewPart<WorkbookStylesPart>();
        styles.Stylesheet = new Stylesheet(
            new NumberingFormats(new NumberingFormat { NumberFormatId = 165, FormatCode = "dd/mm/yyyy" }) { Count = 1 },
            new Fonts(new Font(), new Font(new Bold())) { Count = 2 },
            new Fills(new Fill(new PatternFill { PatternType = PatternValues.None }), new Fill(new PatternFill { PatternType = PatternValues.Gray125 })) { Count = 2 },
            new Borders(new Border()) { Count = 1 },
            new CellStyleFormats(new CellFormat()) { Count = 1 },
            new CellFormats(
                new CellFormat(),
                new CellFormat { FontId = 1, ApplyFont = true },
                new CellFormat { NumberFormatId = 165, ApplyNumberFormat = true }) { Count = 3 });
        var sheetList = new Sheets();
        var perSheet = rows / sheets;
        var number = 0;
        for (var s = 0; s < sheets; s++)
        {
            var count = s == sheets - 1 ? rows - perSheet * (sheets - 1) : perSheet;
            var part = wb.AddNewPart<WorksheetPart>();
            using (var w = OpenXmlWriter.Create(part))
            {
                w.WriteStartElement(new Worksheet());
                w.WriteStartElement(new SheetData());
                var r = 0;
                void Row(params (int Col, object? Value, uint Style)[] cells)
                {
                    r++;
                    w.WriteStartElement(new Row { RowIndex = (uint)r });
                    foreach (var (col, value, style) in cells)
                    {
                        if (value is null) continue;
                        var cell = new Cell { CellReference = $"{(char)('A' + col)}{r}", StyleIndex = style == 0 ? null : style };
                        if (value is string text) { cell.DataType = CellValues.SharedString; cell.CellValue = new CellValue(S(text).ToString()); }
                        else cell.CellValue = new CellValue(Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture).ToString(System.Globalization.CultureInfo.InvariantCulture));
                        w.WriteElement(cell);
                    }
                    w.WriteEndElement();
                }
                Row((0, "LAPORAN KEGIATAN KAMPUNG KB", 1u));
                Row((0, "KAMPUNG KB PELAMBUAN SEJAHTERA", 1u));
                Row((0, "KELURAHAN PELAMBUAN - KEC. BANJARMASIN BARAT", 1u));
                Row((0, "BULAN OKTOBER 2025", 1u));
                r++; // a blank row, as in the examples
                Row(Header.Select((h, i) => (i, (object?)(h.Length == 0 ? null : h), 1u)).ToArray());
                Row((4, "L", 1u), (5, "P", 1u));
                long male = 0, female = 0;
                for (var i = 0; i < count; i++)
                {
                    number++;
                    var l = number % 7 == 0 ? 0 : 3 + number % 23;
                    var p = 5 + number % 31;
                    male += l; female += p;
                    var day = 1 + number % 31;
                    var serial = new DateTime(2025, 10, day).ToOADate();
                    Row((0, i + 1, 0u), (1, serial, 2u), (2, Titles[number % Titles.Length] + " " + (number % 97 + 1), 0u),
                        (3, Fields[number % Fields.Length], 0u), (4, l, 0u), (5, p, 0u), (6, Partners[number % Partners.Length], 0u),
                        (7, number % 5 == 0 ? "Dana Desa" : null, 0u));
                }
                Row((2, "JUMLAH", 1u), (4, male, 1u), (5, female, 1u));
                w.WriteEndElement(); // sheetData
                w.WriteStartElement(new MergeCells());
                foreach (var m in new[] { "A1:H1", "A2:H2", "A3:H3", "A4:H4", "A6:A7", "B6:B7", "C6:C7", "D6:D7", "E6:F6", "G6:G7", "H6:H7" })
                    w.WriteElement(new MergeCell { Reference = m });
                w.WriteEndElement();
                w.WriteEndElement(); // worksheet
            }
            sheetList.Append(new Sheet { Id = wb.GetIdOfPart(part), SheetId = (uint)(s + 1), Name = sheets == 1 ? "Kegiatan" : $"Minggu {s + 1}" });
        }
        wb.Workbook = new Workbook(sheetList);
        var sst = wb.AddNewPart<SharedStringTablePart>();
        sst.SharedStringTable = new SharedStringTable(strings.Select(t => new SharedStringItem(new Text(t)))) { Count = (uint)strings.Count, UniqueCount = (uint)strings.Count };
    }
}
