using Azure.Data.Tables;
using KampungKB.Core.Model;
using KampungKB.Core.Outbox.Notifications;
using KampungKB.Core.Store;

namespace KampungKB.Core.Dashboard;

/// <summary>A kampung's status for a month on the dashboard (docs/dashboard.md), in the order the overview sorts by.</summary>
internal enum KampungMonthStatus
{
    /// <summary>Nothing arrived for the month (belum melapor).</summary>
    Missing,
    /// <summary>A file arrived but the latest one was rejected and no report stands (masuk tetapi ditolak).</summary>
    Rejected,
    /// <summary>The first accepted report arrived after the deadline day (terlambat).</summary>
    Late,
    /// <summary>The first accepted report arrived by the end of the deadline day, local time (tepat waktu).</summary>
    OnTime,
}

/// <summary>One kampung's line of the month overview.</summary>
internal sealed record OverviewKampung(
    string AreaCode, string Name, string? Village, string? District, KampungMonthStatus Status,
    DateTimeOffset? FirstArrival, int WarningCount, int ErrorCount, string? RejectedFile, string? Phone, bool HasEmail, int RemindersSent);

/// <summary>One kecamatan's completeness and timeliness: expected kampung, reported (on time + late), rejected, missing.</summary>
internal sealed record OverviewKecamatan(string Code, string Name, int Expected, int OnTime, int Late, int Rejected, int Missing, int WithWarnings)
{
    public int Reported => OnTime + Late;
}

/// <summary>The month overview of one kabupaten/kota: the deadline, the kecamatan totals and every kampung.</summary>
internal sealed record Overview(RegencySettings Regency, ReportingPeriod Period, DateOnly Due, IReadOnlyList<OverviewKecamatan> Kecamatan, IReadOnlyList<OverviewKampung> Kampung)
{
    public int Expected => Kampung.Count;
    public int OnTime => Kampung.Count(k => k.Status == KampungMonthStatus.OnTime);
    public int Late => Kampung.Count(k => k.Status == KampungMonthStatus.Late);
    public int Rejected => Kampung.Count(k => k.Status == KampungMonthStatus.Rejected);
    public int Missing => Kampung.Count(k => k.Status == KampungMonthStatus.Missing);
    public int WithWarnings => Kampung.Count(k => k.WarningCount > 0);
}

/// <summary>
/// Reads the month overview from what is stored, without a scan of the kabupaten's history: the registry partition of the
/// kabupaten/kota (active kampung), the month's report pointers (one partition, <see cref="ReportStore.ListMonthAsync"/>), the
/// month's partition of the upload index (<see cref="UploadLog.ListForPeriodAsync"/>: rejected files, warnings) and the month's
/// notification partition (reminders sent). Timeliness follows the recap's rule (domain.md): on time when the first accepted
/// upload arrived before the end of the deadline day in the regency's local time.
/// </summary>
internal sealed class MonthOverview(RegistryStore registry, ReportStore reports, UploadLog uploads, NotificationLog notifications)
{
    private readonly RegistryStore _registry = registry;
    private readonly ReportStore _reports = reports;
    private readonly UploadLog _uploads = uploads;
    private readonly NotificationLog _notifications = notifications;

    /// <summary>The month whose report is now due on <paramref name="today"/> (local): the month before it (reports come after the month ends).</summary>
    public static ReportingPeriod DueMonth(DateOnly today) => ReportingPeriod.Of(today).Previous;

    /// <summary>Reads the overview; <paramref name="regency"/>'s name is filled from the registry when unset.</summary>
    public async Task<Overview> ReadAsync(RegencySettings regency, ReportingPeriod period, CancellationToken ct = default)
    {
        var kampungTask = _registry.ListAsync(regency.Code, ct);
        var monthTask = _reports.ListMonthAsync(regency.Code, period, ct);
        var uploadsTask = _uploads.ListForPeriodAsync(regency.Code, period, ct);
        var logTask = _notifications.ListAsync(regency.Code, period, ct);
        await Task.WhenAll(kampungTask, monthTask, uploadsTask, logTask).ConfigureAwait(false);
        var kampung = kampungTask.Result.OrderBy(k => k.AreaCode, StringComparer.Ordinal).ToList();
        regency = regency.WithRegistry(kampung);
        var current = monthTask.Result.Current;
        var latest = uploadsTask.Result.Where(u => u.AreaCode is not null)
            .GroupBy(u => u.AreaCode!, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal); // newest first
        var reminders = logTask.Result.Where(r => r.Kind == NotificationKinds.Reminder && r.State == NotificationState.Sent && r.AreaCode is not null)
            .GroupBy(r => r.AreaCode!, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var due = regency.DueDate(period);
        var deadlineEnd = Jobs.Recaps.RecapCompiler.EndOfDay(due, regency.TimeZone);

        var rows = new List<OverviewKampung>();
        foreach (var k in kampung)
        {
            current.TryGetValue(k.AreaCode, out var report);
            latest.TryGetValue(k.AreaCode, out var upload);
            var rejected = report is null && upload is not null && upload.Status == UploadStatus.Rejected;
            var status = report is not null
                ? report.FirstArrival < deadlineEnd ? KampungMonthStatus.OnTime : KampungMonthStatus.Late
                : rejected ? KampungMonthStatus.Rejected : KampungMonthStatus.Missing;
            rows.Add(new OverviewKampung(k.AreaCode, k.Name, k.Village, k.District, status, report?.FirstArrival,
                report?.WarningCount ?? 0, rejected ? upload!.ErrorCount : 0, rejected ? upload!.FileName : null,
                string.IsNullOrWhiteSpace(k.PokjaPhone) ? null : k.PokjaPhone.Trim(), !string.IsNullOrWhiteSpace(k.PokjaEmail),
                reminders.GetValueOrDefault(k.AreaCode)));
        }
        var kecamatan = rows.GroupBy(r => r.AreaCode[..8], StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new OverviewKecamatan(g.Key, g.Select(r => r.District).FirstOrDefault(d => !string.IsNullOrWhiteSpace(d)) ?? g.Key, g.Count(),
                g.Count(r => r.Status == KampungMonthStatus.OnTime), g.Count(r => r.Status == KampungMonthStatus.Late),
                g.Count(r => r.Status == KampungMonthStatus.Rejected), g.Count(r => r.Status == KampungMonthStatus.Missing), g.Count(r => r.WarningCount > 0)))
            .ToList();
        return new Overview(regency, period, due, kecamatan, rows);
    }
}
