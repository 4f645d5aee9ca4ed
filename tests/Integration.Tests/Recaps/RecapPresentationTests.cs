using System.Text.RegularExpressions;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using KampungKB.Core.Jobs.Recaps;
using KampungKB.Core.Rendering.Templating;
using static KampungKB.Integration.Tests.Recaps.NotificationHarness;
using C = DocumentFormat.OpenXml.Drawing.Charts;

namespace KampungKB.Integration.Tests.Recaps;

/// <summary>What the dinas reads in the recap: its own name, gapless sections, the trend, and a workbook that prints.</summary>
[Collection(AzuriteCollection.Name)]
public class RecapPresentationTests(AzuriteFixture azurite)
{
    /// <summary>A recap sheet's name as the dinas sees it (templates/recaps/workbook.json).</summary>
    private static string Sheet(string key) => NotificationHarness.Catalogue.Workbook.Text(key);

    private async Task<(NotificationHarness H, Recap Recap)> CompileAsync(RegencySettings? settings = null, bool seed = true)
    {
        var h = await NotificationHarness.StartAsync(azurite);
        if (seed) await h.SeedRealisticAsync();
        return (h, await h.Compiler.CompileAsync(settings ?? Settings, October));
    }

    private static List<int> SectionNumbers(string html) =>
        Regex.Matches(html, @"<h2[^>]*>(\d+)\. ").Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();

    [SkippableFact]
    public async Task Sections_NumberedWithoutGaps_WithAndWithoutOptionalSections()
    {
        var (_, full) = await CompileAsync();
        var (_, empty) = await CompileAsync(seed: false);

        var a = SectionNumbers(full.Email.Html);
        var b = SectionNumbers(empty.Email.Html);
        Assert.Equal(Enumerable.Range(1, a.Count), a);
        Assert.Equal(Enumerable.Range(1, b.Count), b);
        Assert.True(b.Count < a.Count);                       // partners, rejected uploads, trend are left out when empty
        Assert.False(empty.View.HasActivities);
        Assert.False(empty.View.HasIndicators);
        Assert.False(empty.View.Trend.HasData);
    }

    [SkippableFact]
    public async Task IndicatorSection_SaysFromHowManyKampung()
    {
        var (_, recap) = await CompileAsync();

        // Alpha and Beta sent figures for October; Gamma and Epsilon carry September's, Delta August's.
        Assert.Equal(5, recap.View.IndicatorKampung);
        Assert.Equal(2, recap.View.IndicatorKampungThisMonth);
        var summary = RecapCompilerTests.ReadXlsx(recap.Xlsx)[Sheet(RecapWorkbook.SummarySheet)].ToDictionary(r => (string)r[0]!, r => r);
        Assert.Equal(5d, summary["Angka indikator dari (kampung)"][1]);
    }

    [SkippableFact]
    public async Task Trend_TwelveMonthsPerKecamatan_NoDataBeforeFirstReport_EmailHasNoScriptOrSvg()
    {
        var (_, recap) = await CompileAsync();
        var trend = recap.View.Trend;

        Assert.Equal(12, trend.Months.Count);
        Assert.Equal("2025-10", trend.Months[^1].Period);
        Assert.Equal(["Kota Banjarmasin", "Kec Satu", "Kec Dua", "Kec Tiga"], trend.Rows.Select(r => r.Name));
        var total = trend.Rows[0];
        Assert.Equal((5, 2, 1), (total.Latest.Expected, total.Latest.OnTime, total.Latest.Late));
        Assert.Equal((3, 0), (total.Cells[^2].OnTime, total.Cells[^2].Late));       // September: Alpha, Gamma, Epsilon on time
        Assert.Equal((1, 0), (total.Cells[^3].OnTime, total.Cells[^3].Late));       // August: Delta
        Assert.All(total.Cells.Take(9), c => Assert.False(c.HasData));               // before the first report
        Assert.All(trend.Rows.SelectMany(r => r.Cells).Where(c => c.HasData),
            c => Assert.Equal(TrendCell.BarPixels, c.OnTimePx + c.LatePx + c.MissingPx));
        var kecDua = trend.Rows.Single(r => r.Name == "Kec Dua").Latest;          // Gamma late, Delta missing
        Assert.Equal((2, 0, 1), (kecDua.Expected, kecDua.OnTime, kecDua.Late));

        Assert.DoesNotContain("<script", recap.Email.Html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<svg", recap.Email.Html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", recap.Email.Html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains($"height:{total.Latest.OnTimePx}px", recap.Email.Html);
    }

    [SkippableFact]
    public async Task UnconfiguredRegency_TitledWithRegistryName_DinasNamedAfterIt_AndSentUnderThatName()
    {
        var bare = RegencySettings.Default(Regency) with { Recipients = ["rekap@dppkb.example"] };
        var (h, recap) = await CompileAsync(bare);

        Assert.Equal("Kota Banjarmasin", recap.View.RegionName);
        Assert.Equal(RegencySettings.DefaultDinasName + " Kota Banjarmasin", recap.View.DinasName);
        Assert.DoesNotContain(Regency + " ", recap.Email.Subject);

        await h.Sender.SendAsync(bare, October);
        Assert.Equal(recap.View.DinasName, Assert.Single(h.Mail.Sent).SenderName);
        Assert.Equal("DPPKB Kota Banjarmasin", (await h.Compiler.CompileAsync(Settings, October)).View.DinasName); // settings win
    }

    [SkippableFact]
    public async Task Workbook_EverySheetPrintsLandscapeReadable_HeaderRepeated_PanesFrozen_WholeNumbersAndDates()
    {
        var (_, recap) = await CompileAsync();
        using var doc = SpreadsheetDocument.Open(new MemoryStream(recap.Xlsx), false);
        var workbook = doc.WorkbookPart!;
        var sheets = workbook.Workbook.Sheets!.Elements<Sheet>().ToList();
        var titles = workbook.Workbook.DefinedNames!.Elements<DefinedName>().Where(d => d.Name == "_xlnm.Print_Titles").ToList();

        Assert.Equal(8, sheets.Count); // Ringkasan, Tren, Per kampung, Indikator, Kegiatan, Ditolak, Kelas, Kualitas data
        Assert.Equal(sheets.Count, titles.Count);
        foreach (var (sheet, i) in sheets.Select((s, i) => (s, i)))
        {
            var ws = ((WorksheetPart)workbook.GetPartById(sheet.Id!)).Worksheet;
            var setup = ws.GetFirstChild<PageSetup>()!;
            Assert.Equal(OrientationValues.Landscape, setup.Orientation!.Value);
            // One page wide only while that keeps 11 pt at 75% or more (A4 landscape holds 1045 px inside the margins); else at 75%.
            var pixels = ws.GetFirstChild<Columns>()!.Elements<Column>().Sum(c => Math.Truncate(c.Width!.Value * 7 + 5));
            if (ws.SheetProperties!.PageSetupProperties!.FitToPage!.Value)
            {
                Assert.Equal((1u, 0u), (setup.FitToWidth!.Value, setup.FitToHeight!.Value));
                Assert.True(pixels * 0.75 <= 1045, $"{sheet.Name} fitted to one page would print below 8 pt");
            }
            else Assert.Equal(75u, setup.Scale!.Value);
            Assert.Equal(PaneStateValues.Frozen, ws.Descendants<Pane>().Single().State!.Value);
            Assert.EndsWith("!$1:$1", titles.Single(t => t.LocalSheetId!.Value == i).Text);
        }

        var formats = workbook.WorkbookStylesPart!.Stylesheet.NumberingFormats!.Elements<NumberingFormat>().ToDictionary(n => n.NumberFormatId!.Value, n => n.FormatCode!.Value);
        var cellFormats = workbook.WorkbookStylesPart.Stylesheet.CellFormats!.Elements<CellFormat>().ToList();
        string FormatOf(Cell c) => cellFormats[(int)(c.StyleIndex?.Value ?? 0)].NumberFormatId!.Value is var id && formats.TryGetValue(id, out var code) ? code ?? "" : id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var indicators = (WorksheetPart)workbook.GetPartById(sheets.Single(s => s.Name == Sheet(RecapWorkbook.IndicatorSheet)).Id!);
        var numbers = indicators.Worksheet.Descendants<Cell>().Where(c => c.DataType is null && c.CellValue is not null).ToList();
        Assert.NotEmpty(numbers);
        Assert.All(numbers.Where(c => !c.CellValue!.Text.Contains('.', StringComparison.Ordinal)), c => Assert.Contains(FormatOf(c), new[] { "3", "0.0%" }));
        var kampung = (WorksheetPart)workbook.GetPartById(sheets.Single(s => s.Name == Sheet(RecapWorkbook.KampungSheet)).Id!);
        var date = kampung.Worksheet.Descendants<Cell>().First(c => c.CellReference!.Value == "G2");
        Assert.Equal("dd/mm/yyyy", FormatOf(date));
    }

    [SkippableFact]
    public async Task Workbook_TrendSheet_HasNativeLineChart_OverItsColumns()
    {
        var (_, recap) = await CompileAsync();
        using var doc = SpreadsheetDocument.Open(new MemoryStream(recap.Xlsx), false);
        var workbook = doc.WorkbookPart!;
        var sheet = workbook.Workbook.Sheets!.Elements<Sheet>().Single(s => s.Name == Sheet(RecapWorkbook.TrendSheet));
        var part = (WorksheetPart)workbook.GetPartById(sheet.Id!);

        var chart = Assert.Single(Assert.Single(part.DrawingsPart!.ChartParts).ChartSpace.Descendants<C.LineChart>());
        var series = chart.Elements<C.LineChartSeries>().ToList();
        Assert.True(series.Count >= 2);
        Assert.All(series, s => Assert.StartsWith($"'{Sheet(RecapWorkbook.TrendSheet)}'!$", s.GetFirstChild<C.Values>()!.InnerText));
        Assert.Equal(12, series[0].GetFirstChild<C.CategoryAxisData>()!.Descendants<C.StringPoint>().Count());
        var rows = RecapCompilerTests.ReadXlsx(recap.Xlsx)[Sheet(RecapWorkbook.TrendSheet)];
        Assert.Equal(13, rows.Count);                                       // header + 12 months
        Assert.Equal(0.6d, (double)rows[^1][6]!, 6);                        // October coverage 3/5
    }
}

/// <summary>The recap workbook printed through LibreOffice (when installed): a handful of legible pages, not dozens.</summary>
[Collection(AzuriteCollection.Name)]
public class RecapPrintTests(AzuriteFixture azurite)
{
    private const string Soffice = "/usr/bin/soffice";

    [SkippableFact]
    public async Task RecapWorkbook_PrintedByLibreOffice_EveryWordAtLeast8Points_FewPages()
    {
        if (!File.Exists(Soffice)) { Console.Error.WriteLine($"SKIPPED (locally): {Soffice} is missing (apt-get install libreoffice-calc-nogui)."); return; }
        var h = await NotificationHarness.StartAsync(azurite);
        await h.SeedRealisticAsync();
        var recap = await h.Compiler.CompileAsync(Settings, October);
        var dir = Path.Combine(Path.GetTempPath(), "kkb-print-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            var xlsx = Path.Combine(dir, recap.AttachmentName);
            await File.WriteAllBytesAsync(xlsx, recap.Xlsx);
            var psi = new System.Diagnostics.ProcessStartInfo(Soffice, ["--headless", $"-env:UserInstallation=file://{dir}/profile", "--convert-to", "pdf", "--outdir", dir, xlsx])
            { RedirectStandardOutput = true, RedirectStandardError = true };
            using (var p = System.Diagnostics.Process.Start(psi)!)
            {
                await p.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromMinutes(3)).Token);
                Assert.Equal(0, p.ExitCode);
            }
            var pdfFile = Path.ChangeExtension(xlsx, ".pdf");
            var pdf = await File.ReadAllTextAsync(pdfFile, System.Text.Encoding.Latin1);
            var pages = Regex.Matches(pdf, @"/Type\s*/Page[^s]").Count;
            if (Environment.GetEnvironmentVariable("KKB_SCREENSHOTS") == "1" && File.Exists("/usr/bin/pdftoppm"))
            {
                var img = Path.Combine(Pipeline.PipelineHarness.Root, "docs", "img", "recap-xlsx-page");
                using var p = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("/usr/bin/pdftoppm", ["-png", "-r", "60", pdfFile, img]))!;
                await p.WaitForExitAsync();
                File.Copy(xlsx, Path.Combine(Pipeline.PipelineHarness.Root, ".build", recap.AttachmentName), overwrite: true);
            }
            // Eight sheets (one of them, Ditolak or Kualitas data, may be empty); the wide ones (activities, classes) print at 75% across two or more pages, the code and name
            // columns repeated on each, rather than one unreadable page. Before any print setup: 32 pages.
            Assert.InRange(pages, 7, 24);
            // pdftotext -bbox: every word's box; a word set in 8 pt is about 9.5 pt tall (ascent + descent), at 1.5 pt under 2.
            if (File.Exists("/usr/bin/pdftotext"))
            {
                var bbox = Path.Combine(dir, "words.html");
                using (var p = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("/usr/bin/pdftotext", ["-bbox", pdfFile, bbox]))!)
                    await p.WaitForExitAsync();
                var heights = Regex.Matches(await File.ReadAllTextAsync(bbox), @"<word xMin=""[\d.]+"" yMin=""([\d.]+)"" xMax=""[\d.]+"" yMax=""([\d.]+)"">([^<]*)</word>")
                    .Select(m => (Word: m.Groups[3].Value, Height: double.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture) - double.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)))
                    .ToList();
                Assert.NotEmpty(heights);
                var small = heights.Where(w => w.Height < 8.5).Take(5).ToList();
                Assert.True(small.Count == 0, "printed below 8 pt: " + string.Join(", ", small.Select(w => $"{w.Word} ({w.Height:0.0} pt)")));
            }
        }
        finally { Directory.Delete(dir, recursive: true); }
    }
}
