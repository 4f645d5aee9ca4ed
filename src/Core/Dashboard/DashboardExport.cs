using KampungKB.Core.Model;
using KampungKB.Core.Rendering.Exports;
using KampungKB.Core.Store;

namespace KampungKB.Core.Dashboard;

/// <summary>One kampung of the month overview as the export lists it: where, status (label), first accepted arrival, counts, the refused file, the Pokja's phone, reminders sent.</summary>
internal sealed record OverviewExportRow(string AreaCode, string Name, string? Village, string? District, string Status, DateTimeOffset? ReceivedAt,
    int? Activities, int? Participants, int Warnings, string? Rejected, string? PokjaPhone, int RemindersSent);

/// <summary>
/// The dashboard's .xlsx downloads, written by the recap's workbook writer (<see cref="XlsxWorkbookWriter"/>): typed cells, and
/// every text through <see cref="ExportSanitizer.Cell"/>, so a kampung name or a cadre's title starting with <c>= + - @</c> is
/// inert text in Excel (conventions 14). Column headers come from <c>templates/dashboard/kampung.json</c>.
/// </summary>
internal static class DashboardExport
{
    /// <summary>File name of the overview: <c>dashboard-kampung-kb-{regency}-{period}.xlsx</c>.</summary>
    public static string OverviewFileName(string regencyCode, ReportingPeriod period) => $"dashboard-kampung-kb-{regencyCode}-{period}.xlsx";

    /// <summary>File name of a kampung's months: <c>kampung-kb-{area}-{first}-{last}.xlsx</c>.</summary>
    public static string KampungFileName(string areaCode, ReportingPeriod period) =>
        $"kampung-kb-{areaCode}-{KampungPagePlanner.Strip(period)[0]}-{period}.xlsx";

    /// <summary>The month overview: one sheet, one row per kampung in kecamatan and area-code order, times in the regency's local time.</summary>
    public static byte[] Overview(ReportingPeriod period, IReadOnlyList<OverviewExportRow> rows, LocalTime zone, Func<string, string> text)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(text);
        var columns = new List<XlsxColumn>
        {
            new(text("x_area"), 16), new(text("x_name"), 30), new(text("x_village"), 22), new(text("x_district"), 20), new(text("x_status"), 22),
            new(text("x_received"), 14), new(text("x_received_time"), 10), new(text("x_activities"), 10), new(text("x_participants"), 10),
            new(text("x_warnings"), 10), new(text("x_rejected_reason"), 50), new(text("x_phone"), 16), new(text("x_reminders"), 10),
        };
        var data = rows.OrderBy(r => r.AreaCode, StringComparer.Ordinal).Select(r =>
        {
            var local = r.ReceivedAt is { } at ? zone.ToLocal(at) : (DateTime?)null;
            return (IReadOnlyList<XlsxCell>)
            [
                r.AreaCode, r.Name, r.Village, r.District, r.Status,
                XlsxCell.Date(local is { } l ? DateOnly.FromDateTime(l) : null), local?.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture),
                XlsxCell.Integer(r.Activities), XlsxCell.Integer(r.Participants), r.Warnings, r.Rejected, r.PokjaPhone, r.RemindersSent,
            ];
        }).ToList();
        return XlsxWorkbookWriter.ToBytes([new XlsxSheet(text("x_sheet_overview").Replace("{month}", IndonesianFormat.Month(period.ToString()), StringComparison.Ordinal), columns, data) { FrozenColumns = 2 }]);
    }

    /// <summary>
    /// A kampung's months: "Bulan" (status, arrival, counts and every stored figure per month, figures in the labels' order),
    /// "Kegiatan" (every stored activity of those months) and "Unggahan" (every upload of those months with its outcome).
    /// </summary>
    /// <param name="indicators">Indicator codes and labels in display order (the recap's labels).</param>
    public static byte[] Kampung(KampungPageView page, IReadOnlyList<(ReportMonth Month, IReadOnlyList<Activity> Activities)> months,
        IReadOnlyList<UploadRecord> uploads, IReadOnlyList<(string Code, string Label)> indicators, LocalTime zone, Func<string, string> text)
    {
        ArgumentNullException.ThrowIfNull(page);
        ArgumentNullException.ThrowIfNull(months);
        ArgumentNullException.ThrowIfNull(uploads);
        ArgumentNullException.ThrowIfNull(indicators);
        ArgumentNullException.ThrowIfNull(text);
        var statusByMonth = page.Months.ToDictionary(m => m.Period, m => m.StatusLabel, StringComparer.Ordinal);
        var used = indicators.Where(i => months.Any(m => m.Month.Current.GetValueOrDefault(page.AreaCode)?.Indicators.ContainsKey(i.Code) == true)).ToList();
        var extra = months.SelectMany(m => m.Month.Current.GetValueOrDefault(page.AreaCode)?.Indicators.Keys ?? [])
            .Where(c => indicators.All(i => i.Code != c)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Select(c => (c, c)).ToList();
        var figureColumns = used.Concat(extra).ToList();

        var monthColumns = new List<XlsxColumn>
        {
            new(text("x_month"), 12), new(text("x_status"), 22), new(text("x_received"), 14), new(text("x_activities"), 10),
            new(text("x_participants"), 10), new(text("x_male"), 10), new(text("x_female"), 10),
        };
        monthColumns.AddRange(figureColumns.Select(f => new XlsxColumn(f.Item2, 14)));
        var monthRows = months.OrderBy(m => m.Month.Period).Select(m =>
        {
            var r = m.Month.Current.GetValueOrDefault(page.AreaCode);
            var cells = new List<XlsxCell>
            {
                m.Month.Period.ToString(), statusByMonth.GetValueOrDefault(m.Month.Period.ToString()),
                XlsxCell.Date(r is null ? null : DateOnly.FromDateTime(zone.ToLocal(r.FirstArrival))),
                XlsxCell.Integer(r?.ActivitiesVersion is null ? null : r.ActivityCount),
                XlsxCell.Integer(r?.ActivitiesVersion is null ? null : r.Participants),
                XlsxCell.Integer(r?.ActivitiesVersion is null ? null : r.Male),
                XlsxCell.Integer(r?.ActivitiesVersion is null ? null : r.Female),
            };
            cells.AddRange(figureColumns.Select(f => r is not null && r.Indicators.TryGetValue(f.Item1, out var v) ? XlsxCell.Number(v) : XlsxCell.Empty));
            return (IReadOnlyList<XlsxCell>)cells;
        }).ToList();

        var activityColumns = new List<XlsxColumn>
        {
            new(text("x_month"), 12), new(text("x_date"), 12), new(text("x_title"), 40), new(text("x_category"), 20), new(text("x_participants"), 10),
            new(text("x_male"), 10), new(text("x_female"), 10), new(text("x_partners"), 30), new(text("x_notes"), 30),
        };
        var activityRows = months.OrderBy(m => m.Month.Period).SelectMany(m => m.Activities.Select(a => (IReadOnlyList<XlsxCell>)
        [
            m.Month.Period.ToString(), a.Date, a.Title, a.Category, XlsxCell.Integer(a.Participants), XlsxCell.Integer(a.Male), XlsxCell.Integer(a.Female),
            a.Partners.Count == 0 ? null : string.Join(", ", a.Partners), a.Notes,
        ])).ToList();

        var first = months.Count == 0 ? (ReportingPeriod?)null : months.Min(m => m.Month.Period);
        var last = months.Count == 0 ? (ReportingPeriod?)null : months.Max(m => m.Month.Period);
        var uploadColumns = new List<XlsxColumn>
        {
            new(text("x_received"), 14), new(text("x_received_time"), 10), new(text("x_file"), 36), new(text("x_month"), 12), new(text("x_outcome"), 20),
            new(text("x_activities"), 10), new(text("x_errors"), 10), new(text("x_warnings"), 10),
        };
        var uploadRows = uploads
            .Where(u => u.Period is { } p ? first is { } f && last is { } l && p.CompareTo(f) >= 0 && p.CompareTo(l) <= 0
                : first is { } f2 && last is { } l2 && ReportingPeriod.Of(DateOnly.FromDateTime(zone.ToLocal(u.ReceivedAt))) is var m2 && m2.CompareTo(f2) >= 0 && m2.CompareTo(l2) <= 0)
            .OrderBy(u => u.ReceivedAt)
            .Select(u =>
            {
                var local = zone.ToLocal(u.ReceivedAt);
                return (IReadOnlyList<XlsxCell>)
                [
                    DateOnly.FromDateTime(local), local.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture), u.FileName, u.Period?.ToString(),
                    text("upload_" + (u.Status is UploadStatus.Accepted or UploadStatus.Rejected or UploadStatus.Unchanged or UploadStatus.Superseded or UploadStatus.Archive ? u.Status : "other")),
                    u.ActivityCount, u.ErrorCount, u.WarningCount,
                ];
            }).ToList();

        return XlsxWorkbookWriter.ToBytes(
        [
            new XlsxSheet(text("x_sheet_months"), monthColumns, monthRows) { FrozenColumns = 1 },
            new XlsxSheet(text("x_sheet_activities"), activityColumns, activityRows),
            new XlsxSheet(text("x_sheet_uploads"), uploadColumns, uploadRows),
        ]);
    }
}
