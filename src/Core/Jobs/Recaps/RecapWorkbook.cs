using KampungKB.Core.Rendering.Exports;
using KampungKB.Core.Model;
using KampungKB.Core.Rendering.Templating;

namespace KampungKB.Core.Jobs.Recaps;

/// <summary>
/// The recap attachment: a summary sheet, the 12-month trend (table and native chart), one row per kampung
/// (status, then indicators on their own sheet so each prints legibly one page wide), the activities and
/// the rejected uploads; typed cells, text sanitised by the writer.
/// </summary>
/// <remarks>Every text is from <c>templates/recaps/workbook.json</c> (<see cref="RecapWorkbookTexts"/>); the constants below are its keys.</remarks>
internal static class RecapWorkbook
{
    public const string SummarySheet = "sheet.summary";
    public const string KampungSheet = "sheet.kampung";
    public const string TrendSheet = "sheet.trend";
    public const string IndicatorSheet = "sheet.indicators";
    public const string ActivitiesSheet = "sheet.activities";
    public const string RejectedSheet = "sheet.rejected";

    /// <summary>Every key of <c>templates/recaps/workbook.json</c> this class uses (checked when the catalogue loads).</summary>
    internal static readonly IReadOnlyList<string> TextKeys =
    [
        SummarySheet, KampungSheet, TrendSheet, IndicatorSheet, ActivitiesSheet, RejectedSheet,
        "summary.col.item", "summary.col.thisMonth", "summary.col.previousMonth", "summary.col.previousMonthUnknown", "summary.col.change",
        "summary.regency", "summary.month", "summary.deadline", "summary.expected", "summary.reported", "summary.onTime", "summary.late",
        "summary.missing", "summary.missingRejected", "summary.coverage", "summary.indicatorKampung", "summary.activities", "summary.male",
        "summary.female", "summary.participants", "summary.classComputed", "summary.classRegistry", "summary.classRegistryStartOfYear",
        "summary.classTarget", "summary.classRaised", "summary.rejectedUploads", "summary.unreachable", "summary.retired",
        "summary.retiredKampung", "summary.bidang", "summary.partner", "summary.noHistory",
        "col.areaCode", "col.kampung", "col.village", "col.district", "col.class", "col.status", "col.receivedOn", "col.activities", "col.male",
        "col.female", "col.participants", "col.distinctPartners", "col.monthsMissing", "col.hasEmail", "col.lastReminder", "col.indicator",
        "col.value", "col.stocksAsOf", "col.month", "col.expected", "col.reported", "col.onTime", "col.late", "col.missing", "col.coverage",
        "col.onTimeRatio", "col.districtCoverage", "col.districtOnTime", "col.date", "col.activity", "col.bidangWritten", "col.bidang",
        "col.partners", "col.fileName", "col.uploadDate", "col.uploadTime", "col.errors", "col.firstError",
        "chart.trend", "status.onTime", "status.late", "status.missing", "status.rejected", "answer.yes", "answer.no",
    ];

    /// <param name="extra">Sheets of other sections appended after these (the class sheet of <see cref="Classes.ClassRecap"/>).</param>
    public static byte[] Build(RecapView view, IReadOnlyList<RecapKampungRow> rows, IReadOnlyList<(string AreaCode, Activity Activity)> activities,
        RecapCatalogue catalogue, LocalTime zone, params XlsxSheet[] extra) =>
        XlsxWorkbookWriter.ToBytes([Summary(view, catalogue.Workbook), Trend(view.Trend, catalogue.Workbook), Kampung(rows, zone, catalogue.Workbook),
            Indicators(rows, catalogue), Activities(rows, activities, catalogue), Rejected(view, catalogue.Workbook), .. extra]);

    /// <summary>
    /// The recap's figures as the e-mail shows them, this month beside the previous one. The previous month's coverage
    /// comes from the trend (<see cref="RecapTrend"/>, the same reports, so the two sheets agree); class counts are
    /// labelled by source: computed from the 12 BKKBN indicators (as the e-mail shows) and as written in the registry.
    /// </summary>
    private static XlsxSheet Summary(RecapView v, RecapWorkbookTexts t)
    {
        var total = v.Trend.Rows.FirstOrDefault(r => r.IsTotal);
        var before = total is { Cells.Count: >= 2 } && total.Cells[^2] is { HasData: true } last && last.Period == v.PreviousPeriod ? last : null;
        XlsxCell Prev(Func<TrendCell, int> f) => before is null ? XlsxCell.Empty : XlsxCell.Integer(f(before));
        XlsxCell Change(int now, Func<TrendCell, int> f) => before is null ? XlsxCell.Empty : XlsxCell.Integer(now - f(before));
        var pm = before is null ? null : v.PreviousMonth;
        var month = IndonesianFormat.Month(v.Period);
        var previousMonth = v.PreviousPeriod is null ? null : IndonesianFormat.Month(v.PreviousPeriod);
        var rows = new List<IReadOnlyList<XlsxCell>>
        {
            Row(t.Text("summary.regency"), XlsxCell.Text(v.RegionName)),
            Row(t.Text("summary.month"), XlsxCell.Text(month), XlsxCell.Text(previousMonth)),
            Row(t.Text("summary.deadline"), XlsxCell.Date(v.Deadline)),
            Row(t.Text("summary.expected"), v.Completeness.Expected, Prev(t => t.Expected), Change(v.Completeness.Expected, t => t.Expected)),
            Row(t.Text("summary.reported"), v.Completeness.Reported, Prev(t => t.Reported), Change(v.Completeness.Reported, t => t.Reported)),
            Row(t.Text("summary.onTime"), v.Completeness.OnTime, Prev(t => t.OnTime), Change(v.Completeness.OnTime, t => t.OnTime)),
            Row(t.Text("summary.late"), v.Completeness.Late, Prev(t => t.Late), Change(v.Completeness.Late, t => t.Late)),
            Row(t.Text("summary.missing"), v.Completeness.Missing, Prev(t => t.Missing), Change(v.Completeness.Missing, t => t.Missing)),
            Row(t.Text("summary.missingRejected"), Compare(v.MissingRejectedCount, pm?.MissingRejected)),
            Row(t.Text("summary.coverage"), XlsxCell.Percent(v.Completeness.ReportedRatio), XlsxCell.Percent(before?.ReportedRatio),
                XlsxCell.Percent(before?.ReportedRatio is { } r0 && v.Completeness.ReportedRatio is { } r1 ? r1 - r0 : null)),
            Row(t.Text("summary.activities"), Compare(v.ActivityTotal, pm?.Activities)),
            Row(t.Text("summary.male"), Compare(v.Participants.Male, pm?.Male)),
            Row(t.Text("summary.female"), Compare(v.Participants.Female, pm?.Female)),
            Row(t.Text("summary.participants"), v.Participants.Total, XlsxCell.Integer(v.Participants.PreviousTotal), XlsxCell.Integer(v.Participants.Change)),
        };
        foreach (var r in v.Ratios)
            rows.Add(Row(r.Label, XlsxCell.Percent(r.Value), XlsxCell.Percent(r.Previous), XlsxCell.Percent(r.Change)));
        foreach (var r in v.Indicators)
            rows.Add(Row(r.Label, XlsxCell.Number(r.Value), XlsxCell.Number(r.Previous), XlsxCell.Number(r.Change)));
        foreach (var d in v.Classification?.Distribution ?? [])
            rows.Add(Row(t.Text("summary.classComputed", ("class", d.Label)), Compare(d.Computed, pm?.ComputedClasses?.GetValueOrDefault(d.Label))));
        foreach (var c in v.Classes)
            rows.Add(Row(t.Text("summary.classRegistry", ("class", c.Label)), c.Count));
        foreach (var c in v.Classes.Where(c => c.PreviousYearCount is not null))
            rows.Add(Row(t.Text("summary.classRegistryStartOfYear", ("class", c.Label), ("year", v.ClassTarget.Year)), XlsxCell.Integer(c.PreviousYearCount)));
        rows.Add(Row(t.Text("summary.classTarget", ("year", v.ClassTarget.Year)), v.ClassTarget.TargetCount));
        rows.Add(Row(t.Text("summary.classRaised", ("year", v.ClassTarget.Year)), v.ClassTarget.RaisedThisYear));
        rows.Add(Row(t.Text("summary.rejectedUploads"), Compare(v.RejectedUploads.Count, pm?.RejectedUploads)));
        rows.Add(Row(t.Text("summary.unreachable"), v.Unreachable.Count));
        // Retired kampung are in no count above; each is named once (docs/recaps-and-reminders.md).
        if (v.Retired.Count > 0) rows.Add(Row(t.Text("summary.retired"), v.Retired.Count));
        foreach (var r in v.Retired) rows.Add(Row(t.Text("summary.retiredKampung", ("name", r.KampungName), ("areaCode", r.AreaCode), ("date", IndonesianFormat.Date(r.RetiredOn)))));
        foreach (var b in v.ActivitiesByBidang) rows.Add(Row(t.Text("summary.bidang", ("bidang", b.Label)), Compare(b.Count, pm is null ? null : pm.Bidang.GetValueOrDefault(b.Label))));
        foreach (var p in v.Partners) rows.Add(Row(t.Text("summary.partner", ("partner", p.Label)), Compare(p.Count, pm is null ? null : pm.Partners.GetValueOrDefault(p.Label))));
        rows.Insert(10, Row(t.Text("summary.indicatorKampung"), Compare(v.IndicatorKampung, pm?.IndicatorKampung)));
        // The registry's classes, the yearly target and the Pokja e-mails have no monthly history to compare with.
        rows.Add(Row(t.Text("summary.noHistory")));
        return new XlsxSheet(t.Text(SummarySheet),
            [new(t.Text("summary.col.item"), 46), new(t.Text("summary.col.thisMonth", ("month", month)), 18),
             new(previousMonth is null ? t.Text("summary.col.previousMonthUnknown") : t.Text("summary.col.previousMonth", ("month", previousMonth)), 18),
             new(t.Text("summary.col.change"), 12)], rows);

        static IReadOnlyList<XlsxCell> Row(string label, params XlsxCell[] cells) => [XlsxCell.Text(label), .. cells];
        static XlsxCell[] Compare(int now, int? previous) =>
            previous is { } p ? [XlsxCell.Integer(now), XlsxCell.Integer(p), XlsxCell.Integer(now - p)] : [XlsxCell.Integer(now)];
    }

    private static XlsxSheet Kampung(IReadOnlyList<RecapKampungRow> rows, LocalTime zone, RecapWorkbookTexts t)
    {
        var columns = new List<XlsxColumn>
        {
            new(t.Text("col.areaCode")), new(t.Text("col.kampung")), new(t.Text("col.village")), new(t.Text("col.district")), new(t.Text("col.class")), new(t.Text("col.status")),
            new(t.Text("col.receivedOn")), new(t.Text("col.activities")), new(t.Text("col.male")), new(t.Text("col.female")), new(t.Text("col.participants")), new(t.Text("col.distinctPartners")),
            new(t.Text("col.monthsMissing"), 14), new(t.Text("col.hasEmail")), new(t.Text("col.lastReminder")),
        };
        var data = rows.Select(r => (IReadOnlyList<XlsxCell>)
        [
            r.AreaCode, r.Name, r.Village, r.District, r.ClassLabel, r.Rejected is not null ? t.Text("status.rejected") : StatusText(r.Status, t),
            XlsxCell.Date(r.FirstReceivedAt is { } f ? DateOnly.FromDateTime(zone.ToLocal(f)) : null),
            r.Activities, r.Male, r.Female, r.Participants, r.DistinctPartners,
            r.MonthsMissingInARow, t.Text(r.HasEmail ? "answer.yes" : "answer.no"), r.LastReminder,
        ]).ToList();
        return new XlsxSheet(t.Text(KampungSheet), columns, data) { FrozenColumns = 2 };
    }

    /// <summary>One row per kampung and indicator (ratios first, catalogue order), so the sheet prints legibly and filters by indicator.</summary>
    private static XlsxSheet Indicators(IReadOnlyList<RecapKampungRow> rows, RecapCatalogue catalogue)
    {
        var data = new List<IReadOnlyList<XlsxCell>>();
        foreach (var r in rows)
        {
            var asOf = XlsxCell.Text(r.StocksAsOf is { } p ? IndonesianFormat.Month(p) : null);
            foreach (var x in catalogue.Ratios)
                if (r.Ratios.GetValueOrDefault(x.Code) is { } ratio) data.Add([r.AreaCode, r.Name, x.Label, XlsxCell.Percent(ratio), asOf]);
            foreach (var i in catalogue.Indicators)
                if (r.Values.TryGetValue(i.Code, out var v)) data.Add([r.AreaCode, r.Name, i.Label, XlsxCell.Number(v), i.IsFlow ? XlsxCell.Empty : asOf]);
        }
        var t = catalogue.Workbook;
        return new XlsxSheet(t.Text(IndicatorSheet),
            [new(t.Text("col.areaCode")), new(t.Text("col.kampung"), 32), new(t.Text("col.indicator"), 40), new(t.Text("col.value"), 12), new(t.Text("col.stocksAsOf"), 16)], data) { FrozenColumns = 2 };
    }

    /// <summary>One row per month: the kabupaten's counts and ratios, then each kecamatan's coverage and timeliness; a line chart under it.</summary>
    private static XlsxSheet Trend(TrendView trend, RecapWorkbookTexts t)
    {
        var columns = new List<XlsxColumn>
        {
            new(t.Text("col.month"), 15), new(t.Text("col.expected"), 11), new(t.Text("col.reported"), 10), new(t.Text("col.onTime"), 10), new(t.Text("col.late"), 10), new(t.Text("col.missing"), 10),
            new(t.Text("col.coverage"), 14), new(t.Text("col.onTimeRatio"), 14),
        };
        var kecamatan = trend.Rows.Where(r => !r.IsTotal).ToList();
        foreach (var k in kecamatan) columns.AddRange([new XlsxColumn(t.Text("col.districtCoverage", ("district", k.Name)), 14), new XlsxColumn(t.Text("col.districtOnTime", ("district", k.Name)), 14)]);
        var total = trend.Rows.FirstOrDefault(r => r.IsTotal);
        var data = new List<IReadOnlyList<XlsxCell>>();
        for (var m = 0; total is not null && m < trend.Months.Count; m++)
        {
            var c = total.Cells[m];
            var cells = new List<XlsxCell>
            {
                XlsxCell.Text(IndonesianFormat.Month(trend.Months[m].Period)), c.Expected,
                c.HasData ? c.Reported : XlsxCell.Empty, c.HasData ? c.OnTime : XlsxCell.Empty, c.HasData ? c.Late : XlsxCell.Empty, c.HasData ? c.Missing : XlsxCell.Empty,
                XlsxCell.Percent(c.ReportedRatio), XlsxCell.Percent(c.OnTimeRatio),
            };
            foreach (var k in kecamatan) cells.AddRange([XlsxCell.Percent(k.Cells[m].ReportedRatio), XlsxCell.Percent(k.Cells[m].OnTimeRatio)]);
            data.Add(cells);
        }
        // The kabupaten's two lines, plus each kecamatan's coverage while the chart stays readable.
        List<int> series = [6, 7];
        if (kecamatan.Count <= 4) series.AddRange(kecamatan.Select((_, i) => 8 + 2 * i));
        return new XlsxSheet(t.Text(TrendSheet), columns, data)
        {
            FrozenColumns = 1,
            Chart = new XlsxLineChart(t.Text("chart.trend"), 0, series),
        };
    }

    private static XlsxSheet Activities(IReadOnlyList<RecapKampungRow> rows, IReadOnlyList<(string AreaCode, Activity Activity)> activities, RecapCatalogue catalogue)
    {
        var names = rows.ToDictionary(r => r.AreaCode, r => r.Name, StringComparer.Ordinal);
        var data = activities
            .OrderBy(a => a.AreaCode, StringComparer.Ordinal).ThenBy(a => a.Activity.Date)
            .Select(a => (IReadOnlyList<XlsxCell>)
            [
                a.AreaCode, names.GetValueOrDefault(a.AreaCode), a.Activity.Date, a.Activity.Title, a.Activity.Category,
                catalogue.BidangOf(a.Activity.Category), XlsxCell.Integer(a.Activity.Male), XlsxCell.Integer(a.Activity.Female),
                XlsxCell.Integer(a.Activity.Participants), string.Join("; ", a.Activity.Partners),
            ]).ToList();
        var t = catalogue.Workbook;
        return new XlsxSheet(t.Text(ActivitiesSheet),
            [new(t.Text("col.areaCode")), new(t.Text("col.kampung"), 30), new(t.Text("col.date")), new(t.Text("col.activity"), 40), new(t.Text("col.bidangWritten"), 22), new(t.Text("col.bidang"), 22),
             new(t.Text("col.male")), new(t.Text("col.female")), new(t.Text("col.participants")), new(t.Text("col.partners"), 30)], data) { FrozenColumns = 2 };
    }

    private static XlsxSheet Rejected(RecapView v, RecapWorkbookTexts t) => new(t.Text(RejectedSheet),
        [new(t.Text("col.kampung")), new(t.Text("col.fileName"), 40), new(t.Text("col.uploadDate")), new(t.Text("col.uploadTime")), new(t.Text("col.errors")), new(t.Text("col.firstError"), 60)],
        v.RejectedUploads.Select(r => (IReadOnlyList<XlsxCell>)
        [
            r.KampungName, r.FileName, DateOnly.FromDateTime(r.ReceivedAtLocal), XlsxCell.Text(r.ReceivedAtLocal.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture) + " " + v.TimeZone),
            r.ErrorCount, r.MainReason,
        ]).ToList());

    internal static string StatusText(Timeliness status, RecapWorkbookTexts t) => t.Text(status switch
    {
        Timeliness.OnTime => "status.onTime",
        Timeliness.Late => "status.late",
        _ => "status.missing",
    });
}
