using System.Text;
using KampungKB.Core.Dashboard;
using KampungKB.Core.Model;
using KampungKB.Core.Outbox.Notifications;
using KampungKB.Core.Store;
using static KampungKB.Core.Tests.Dashboard.DashboardPagesFixture;

namespace KampungKB.Core.Tests.Dashboard;

public class DashboardExportTests
{
    private static readonly ReportingPeriod October = new(2025, 10);
    private const string Area = "63.71.04.1005";

    private static List<List<object?>> Sheet(byte[] xlsx, int index)
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        using var ms = new MemoryStream(xlsx);
        using var reader = ExcelDataReader.ExcelReaderFactory.CreateReader(ms);
        for (var i = 0; i < index; i++) reader.NextResult();
        var rows = new List<List<object?>>();
        while (reader.Read()) rows.Add(Enumerable.Range(0, reader.FieldCount).Select(i => (object?)reader.GetValue(i)).ToList());
        return rows;
    }

    [Fact]
    public void KampungMonths_FormulaLikeTextFromTheCadre_IsInertText_FiguresAreNumbers()
    {
        var report = Report(Area, October, Wita(2025, 11, 5), indicators: new Dictionary<string, decimal> { ["pus"] = 1204 }, participants: 12);
        var months = KampungPagePlanner.Strip(October).Select(p => (p == October ? Month(p, report) : Month(p),
            p == October ? (IReadOnlyList<Activity>)[new Activity(new DateOnly(2025, 10, 2), "=HYPERLINK(\"http://x\")", "@Pokja", 12, 5, 7, ["+PKK"])] : [])).ToList();
        var upload = Upload("20251105T010000-a", Area, October, UploadStatus.Accepted, Wita(2025, 11, 5)) with { FileName = "-laporan.xlsx" };
        var page = KampungPagePlanner.Plan(new KampungPageInput(Banjarmasin, Kampung(), October, October, months.ToDictionary(m => m.Item1.Period, m => m.Item1),
            [upload], new Dictionary<string, UploadRecord>(), new Dictionary<string, NotificationRecord>(), [], null, new string('a', 32)), Text, c => c, null);

        var xlsx = DashboardExport.Kampung(page, months, [upload], [("pus", "Pasangan usia subur (PUS)")], Banjarmasin.TimeZone, Text);

        var monthsSheet = Sheet(xlsx, 0);
        Assert.Equal(13, monthsSheet.Count);
        Assert.Equal("Pasangan usia subur (PUS)", monthsSheet[0][7]);
        Assert.Equal("2025-10", monthsSheet[^1][0]);
        Assert.Equal(Texts["status_tepat"], monthsSheet[^1][1]);
        Assert.Equal(1204d, monthsSheet[^1][7]);
        Assert.Equal(Texts["status_belum"], monthsSheet[1][1]);

        var activities = Sheet(xlsx, 1);
        Assert.Equal("'=HYPERLINK(\"http://x\")", activities[1][2]);
        Assert.Equal("'@Pokja", activities[1][3]);
        Assert.Equal("'+PKK", activities[1][7]);
        Assert.Equal("'-laporan.xlsx", Sheet(xlsx, 2)[1][2]);
    }

    [Fact]
    public void Overview_OneRowPerKampung_InAreaOrder_NameInjectionInert()
    {
        var rows = new[]
        {
            new OverviewExportRow("63.71.05.1003", "=cmd|' /C calc'!A0", null, "Banjarmasin Utara", "belum melapor", null, null, null, 0, null, null, 2),
            new OverviewExportRow(Area, "Pelambuan Sejahtera", "Pelambuan", "Banjarmasin Barat", "tepat waktu", Wita(2025, 11, 5, 9, 30), 2, 21, 1, null, "0812", 0),
        };
        var sheet = Sheet(DashboardExport.Overview(October, rows, Banjarmasin.TimeZone, Text), 0);
        Assert.Equal(3, sheet.Count);
        Assert.Equal(Area, sheet[1][0]);
        Assert.Equal("09:30", sheet[1][6]);
        Assert.Equal(21d, sheet[1][8]);
        Assert.Equal("'=cmd|' /C calc'!A0", sheet[2][1]);
        Assert.Null(sheet[2][7]);
        Assert.Equal(2d, sheet[2][12]);
    }
}
