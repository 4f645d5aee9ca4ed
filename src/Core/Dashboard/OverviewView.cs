using System.Globalization;
using KampungKB.Core.Model;

namespace KampungKB.Core.Dashboard;

/// <summary>
/// The month overview as the template shows it (templates/dashboard/overview.hbs): every figure formatted in Indonesian,
/// statuses as their Indonesian labels and CSS classes, kampung in calling order (belum melapor, ditolak, terlambat,
/// tepat waktu; then kecamatan and name), a <c>tel:</c> link when the registry has the Pokja's number.
/// </summary>
internal static class OverviewView
{
    public static object Build(Overview o, DashboardTemplates t, LocalTime zone, TimeProvider time)
    {
        string Pct(int part, int whole) => whole == 0 ? IndonesianFormat.Nothing : IndonesianFormat.Percent((decimal)part / whole, 0);
        var code = o.Regency.Code;
        var today = zone.Today(time);
        var daysLeft = o.Due.DayNumber - today.DayNumber;
        var deadline = daysLeft > 0 ? t.Text("deadline_future", ("date", IndonesianFormat.Date(o.Due)), ("days", daysLeft.ToString(CultureInfo.InvariantCulture)))
            : daysLeft == 0 ? t.Text("deadline_today", ("date", IndonesianFormat.Date(o.Due)))
            : t.Text("deadline_past", ("date", IndonesianFormat.Date(o.Due)));
        var kampung = o.Kampung
            .OrderBy(k => k.Status).ThenBy(k => k.AreaCode[..8], StringComparer.Ordinal).ThenBy(k => k.Name, StringComparer.CurrentCulture)
            .Select(k => new
            {
                id = "k-" + k.AreaCode,
                area = k.AreaCode,
                name = k.Name,
                place = string.Join(" · ", new[] { k.Village != k.Name ? k.Village : null, k.District }.Where(p => !string.IsNullOrWhiteSpace(p))),
                tag = Tag(k.Status),
                label = t.Text("status_" + Tag(k.Status)),
                warnings = k.WarningCount > 0 ? t.Text("status_peringatan") + " (" + IndonesianFormat.Number(k.WarningCount, 0) + ")" : null,
                when = k.FirstArrival is { } a ? t.Text("received_at", ("date", IndonesianFormat.Date(zone.ToLocal(a))), ("time", IndonesianFormat.Time(zone.ToLocal(a))), ("zone", zone.Label)) : null,
                rejected = k.RejectedFile is null ? null : t.Text("rejected_note", ("file", k.RejectedFile), ("errors", IndonesianFormat.Number(k.ErrorCount, 0))),
                tel = Tel(k.Phone),
                phone = k.Phone,
                canRemind = k.Status is KampungMonthStatus.Missing or KampungMonthStatus.Rejected && k.HasEmail,
                noEmail = k.Status is KampungMonthStatus.Missing or KampungMonthStatus.Rejected && !k.HasEmail,
                reminded = k.RemindersSent > 0 ? t.Text("reminded", ("count", IndonesianFormat.Number(k.RemindersSent, 0))) : null,
                href = DashboardRoutes.KampungPath(code, k.AreaCode),
            }).ToList();
        return new
        {
            month = IndonesianFormat.Month(o.Period.ToString()),
            deadline,
            previous = DashboardRoutes.OverviewPath(code, o.Period.Previous),
            previousLabel = IndonesianFormat.Month(o.Period.Previous.ToString()),
            next = o.Period.CompareTo(MonthOverview.DueMonth(today)) < 0 ? DashboardRoutes.OverviewPath(code, o.Period.Next) : null,
            nextLabel = IndonesianFormat.Month(o.Period.Next.ToString()),
            export = DashboardRoutes.OverviewExportPath(code, o.Period),
            handover = DashboardRoutes.HandoverPath(code, o.Period),
            remind = DashboardRoutes.RemindPath(code, o.Period),
            empty = o.Expected == 0,
            headline = t.Text("headline", ("reported", IndonesianFormat.Number(o.OnTime + o.Late, 0)), ("expected", IndonesianFormat.Number(o.Expected, 0)), ("percent", Pct(o.OnTime + o.Late, o.Expected))),
            counts = new[]
            {
                new { tag = "tepat", label = t.Text("status_tepat"), value = IndonesianFormat.Number(o.OnTime, 0) },
                new { tag = "terlambat", label = t.Text("status_terlambat"), value = IndonesianFormat.Number(o.Late, 0) },
                new { tag = "ditolak", label = t.Text("status_ditolak"), value = IndonesianFormat.Number(o.Rejected, 0) },
                new { tag = "belum", label = t.Text("status_belum"), value = IndonesianFormat.Number(o.Missing, 0) },
                new { tag = "peringatan", label = t.Text("status_peringatan"), value = IndonesianFormat.Number(o.WithWarnings, 0) },
            },
            kecamatan = o.Kecamatan.Select(d => new
            {
                name = d.Name,
                reported = IndonesianFormat.Number(d.Reported, 0) + "/" + IndonesianFormat.Number(d.Expected, 0),
                percent = Pct(d.Reported, d.Expected),
                width = d.Expected == 0 ? "0" : (100 * d.Reported / d.Expected).ToString(CultureInfo.InvariantCulture),
                onTime = IndonesianFormat.Number(d.OnTime, 0),
                late = IndonesianFormat.Number(d.Late, 0),
                rejected = IndonesianFormat.Number(d.Rejected, 0),
                missing = IndonesianFormat.Number(d.Missing, 0),
            }).ToList(),
            kampung,
        };
    }

    /// <summary>The status's CSS class and text key suffix.</summary>
    public static string Tag(KampungMonthStatus status) => status switch
    {
        KampungMonthStatus.OnTime => "tepat",
        KampungMonthStatus.Late => "terlambat",
        KampungMonthStatus.Rejected => "ditolak",
        _ => "belum",
    };

    /// <summary>A <c>tel:</c> address from a number as the registry has it ("0812-3456-7890", "+62 812…"); null when it holds no digits.</summary>
    public static string? Tel(string? phone)
    {
        if (string.IsNullOrWhiteSpace(phone)) return null;
        var digits = new string(phone.Where(char.IsAsciiDigit).ToArray());
        if (digits.Length < 6) return null;
        return "tel:" + (phone.TrimStart().StartsWith('+') ? "+" : "") + digits;
    }
}
