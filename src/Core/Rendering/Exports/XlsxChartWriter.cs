using System.Globalization;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using A = DocumentFormat.OpenXml.Drawing;
using C = DocumentFormat.OpenXml.Drawing.Charts;
using S = DocumentFormat.OpenXml.Spreadsheet;
using Xdr = DocumentFormat.OpenXml.Drawing.Spreadsheet;

namespace KampungKB.Core.Rendering.Exports;

/// <summary>
/// Adds a native line chart (a DrawingML chart part, not a picture) under a sheet's table, so Excel and
/// LibreOffice draw it from the cells and the dinas can restyle or copy it. Cached values are written too,
/// so viewers that do not recalculate (phone previews) still show the lines.
/// </summary>
internal static class XlsxChartWriter
{
    private const int ChartRows = 18, ChartColumns = 9;

    /// <returns>The <c>&lt;drawing&gt;</c> element to append to the worksheet (after page setup).</returns>
    public static S.Drawing Add(WorksheetPart worksheetPart, string sheetName, XlsxSheet sheet, int lastRow)
    {
        var chart = sheet.Chart!;
        var drawingsPart = worksheetPart.AddNewPart<DrawingsPart>();
        var chartPart = drawingsPart.AddNewPart<ChartPart>();
        var quoted = "'" + sheetName.Replace("'", "''", StringComparison.Ordinal) + "'";
        var first = 2;

        var line = new C.LineChart(new C.Grouping { Val = C.GroupingValues.Standard }, new C.VaryColors { Val = false });
        string[] colours = ["0B6E4F", "D97706", "2F6F9F", "7B5EA7", "B42318", "52606D"];
        for (var i = 0; i < chart.SeriesColumns.Count; i++)
        {
            var column = chart.SeriesColumns[i];
            var letter = XlsxWorkbookWriter.ColumnName(column + 1);
            var categoryLetter = XlsxWorkbookWriter.ColumnName(chart.CategoryColumn + 1);
            var colour = colours[i % colours.Length];
            line.Append(new C.LineChartSeries(
                new C.Index { Val = (uint)i },
                new C.Order { Val = (uint)i },
                new C.SeriesText(new C.StringReference(
                    new C.Formula($"{quoted}!${letter}$1"),
                    StringCache([column < sheet.Columns.Count ? sheet.Columns[column].Header : ""]))),
                new C.ChartShapeProperties(new A.Outline(new A.SolidFill(new A.RgbColorModelHex { Val = colour })) { Width = 28575 }),
                new C.Marker(new C.Symbol { Val = C.MarkerStyleValues.Circle }, new C.Size { Val = 5 },
                    new C.ChartShapeProperties(new A.SolidFill(new A.RgbColorModelHex { Val = colour }))),
                new C.CategoryAxisData(new C.StringReference(
                    new C.Formula($"{quoted}!${categoryLetter}${first}:${categoryLetter}${lastRow}"),
                    StringCache(sheet.Rows.Select(r => Text(r, chart.CategoryColumn)).ToList()))),
                new C.Values(new C.NumberReference(
                    new C.Formula($"{quoted}!${letter}${first}:${letter}${lastRow}"),
                    NumberCache(sheet.Rows.Select(r => Number(r, column)).ToList(), chart.Percent ? "0%" : "#,##0"))),
                new C.Smooth { Val = false }));
        }
        line.Append(new C.ShowMarker { Val = true }, new C.AxisId { Val = 1 }, new C.AxisId { Val = 2 });

        var scaling = new C.Scaling(new C.Orientation { Val = C.OrientationValues.MinMax });
        if (chart.Percent) scaling.Append(new C.MaxAxisValue { Val = 1 }, new C.MinAxisValue { Val = 0 });
        var plot = new C.PlotArea(new C.Layout(), line,
            new C.CategoryAxis(
                new C.AxisId { Val = 1 }, new C.Scaling(new C.Orientation { Val = C.OrientationValues.MinMax }), new C.Delete { Val = false },
                new C.AxisPosition { Val = C.AxisPositionValues.Bottom }, new C.NumberingFormat { FormatCode = "General", SourceLinked = true },
                new C.TickLabelPosition { Val = C.TickLabelPositionValues.Low }, new C.CrossingAxis { Val = 2 },
                new C.Crosses { Val = C.CrossesValues.AutoZero }, new C.AutoLabeled { Val = true },
                new C.LabelAlignment { Val = C.LabelAlignmentValues.Center }, new C.LabelOffset { Val = 100 }),
            new C.ValueAxis(
                new C.AxisId { Val = 2 }, scaling, new C.Delete { Val = false },
                new C.AxisPosition { Val = C.AxisPositionValues.Left }, new C.MajorGridlines(),
                new C.NumberingFormat { FormatCode = chart.Percent ? "0%" : "#,##0", SourceLinked = false },
                new C.TickLabelPosition { Val = C.TickLabelPositionValues.NextTo }, new C.CrossingAxis { Val = 1 },
                new C.Crosses { Val = C.CrossesValues.AutoZero }, new C.CrossBetween { Val = C.CrossBetweenValues.Between }));

        chartPart.ChartSpace = new C.ChartSpace(
            new C.EditingLanguage { Val = "id-ID" },
            new C.RoundedCorners { Val = false },
            new C.Chart(
                new C.Title(new C.ChartText(new C.RichText(new A.BodyProperties(), new A.ListStyle(),
                    new A.Paragraph(new A.Run(new A.RunProperties { FontSize = 1200, Bold = true }, new A.Text(ExportSanitizer.SingleLine(chart.Title)))))),
                    new C.Overlay { Val = false }),
                new C.AutoTitleDeleted { Val = false },
                plot,
                new C.Legend(new C.LegendPosition { Val = C.LegendPositionValues.Bottom }, new C.Overlay { Val = false }),
                new C.PlotVisibleOnly { Val = true },
                new C.DisplayBlanksAs { Val = C.DisplayBlanksAsValues.Gap }),
            // Axis labels and legend at 11 pt like the cells, so they print at 8 pt or more at the sheet's smallest print scale.
            new C.TextProperties(new A.BodyProperties(), new A.ListStyle(),
                new A.Paragraph(new A.ParagraphProperties(new A.DefaultRunProperties { FontSize = 1100 }), new A.EndParagraphRunProperties { Language = "id-ID" })));

        var top = lastRow + 1; // 0-based row index: one blank row under the table
        drawingsPart.WorksheetDrawing = new Xdr.WorksheetDrawing(new Xdr.TwoCellAnchor(
            Marker(new Xdr.FromMarker(), 0, top),
            Marker(new Xdr.ToMarker(), Math.Max(ChartColumns, sheet.Columns.Count), top + ChartRows),
            new Xdr.GraphicFrame(
                new Xdr.NonVisualGraphicFrameProperties(
                    new Xdr.NonVisualDrawingProperties { Id = 2, Name = "Grafik 1" },
                    new Xdr.NonVisualGraphicFrameDrawingProperties()),
                new Xdr.Transform(new A.Offset { X = 0, Y = 0 }, new A.Extents { Cx = 0, Cy = 0 }),
                new A.Graphic(new A.GraphicData(new C.ChartReference { Id = drawingsPart.GetIdOfPart(chartPart) })
                { Uri = "http://schemas.openxmlformats.org/drawingml/2006/chart" }))
            { Macro = "" },
            new Xdr.ClientData()));
        return new S.Drawing { Id = worksheetPart.GetIdOfPart(drawingsPart) };
    }

    /// <summary>The last sheet row the chart covers (1-based), for the print area.</summary>
    public static int LastRow(int tableLastRow) => tableLastRow + 1 + ChartRows;

    private static T Marker<T>(T marker, int column, int row) where T : OpenXmlCompositeElement
    {
        marker.Append(
            new Xdr.ColumnId(column.ToString(CultureInfo.InvariantCulture)), new Xdr.ColumnOffset("0"),
            new Xdr.RowId(row.ToString(CultureInfo.InvariantCulture)), new Xdr.RowOffset("0"));
        return marker;
    }

    private static C.StringCache StringCache(IReadOnlyList<string> values)
    {
        var cache = new C.StringCache(new C.PointCount { Val = (uint)values.Count });
        for (var i = 0; i < values.Count; i++)
            cache.Append(new C.StringPoint(new C.NumericValue(ExportSanitizer.Cell(values[i]))) { Index = (uint)i });
        return cache;
    }

    private static C.NumberingCache NumberCache(IReadOnlyList<double?> values, string format)
    {
        var cache = new C.NumberingCache(new C.FormatCode(format), new C.PointCount { Val = (uint)values.Count });
        for (var i = 0; i < values.Count; i++)
            if (values[i] is { } v)
                cache.Append(new C.NumericPoint(new C.NumericValue(v.ToString("R", CultureInfo.InvariantCulture))) { Index = (uint)i });
        return cache;
    }

    private static string Text(IReadOnlyList<XlsxCell> row, int column) =>
        column < row.Count ? row[column].TextValue ?? row[column].NumberValue.ToString(CultureInfo.InvariantCulture) : "";

    private static double? Number(IReadOnlyList<XlsxCell> row, int column) =>
        column < row.Count && row[column].Kind is not (XlsxCellKind.Empty or XlsxCellKind.Text) ? row[column].NumberValue : null;
}
