using KampungKB.Core.Rendering.Exports;
using KampungKB.Core.Model;
using KampungKB.Core.Rendering.Templating;

namespace KampungKB.Core.Jobs.Recaps;

/// <summary>
/// The recap attachment: a summary sheet, the 12-month trend (table and native chart), one row per kampung
/// (status, then indicators on their own sheet so each prints legibly one page wide), the activities and
/// the rejected uploads; typed cells, text sanitised by the writer.
/// </summary>
internal static class RecapWorkbook
{
    public const string SummarySheet = "Ringkasan";
    public const string KampungSheet = "Per kampung";
    public const string TrendSheet = "Tren 12 bulan";
    public const string IndicatorSheet = "Indikator per kampung";
    public const string ActivitiesSheet = "Kegiatan";
    public const string RejectedSheet = "Ditolak";

    /// <param name="extra">Sheets of other sections appended after these (the class sheet of <see cref="Classes.ClassRecap"/>).</param>
    public static byte[] Build(RecapView view, IReadOnlyList<RecapKampungRow> rows, IReadOnlyList<(string AreaCode, Activity Activity)> activities,
        RecapCatalogue catalogue, LocalTime zone, params XlsxSheet[] extra) =>
        XlsxWorkbookWriter.ToBytes([Summary(view), Trend(view.Trend), Kampung(rows, zone), Indicators(rows, catalogue), Activities(rows, activities, catalogue), Rejected(view), .. extra]);

    /// <summary>
    /// The recap's figures as the e-mail shows them, this month beside the previous one. The previous month's coverage
    /// comes from the trend (<see cref="RecapTrend"/>, the same reports, so the two sheets agree); class counts are
    /// labelled by source: computed from the 12 BKKBN indicators (as the e-mail shows) and as written in the registry.
    /// </summary>
    private static XlsxSheet Summary(RecapView v)
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
            Row("Kabupaten/kota", XlsxCell.Text(v.RegionName)),
            Row("Bulan laporan", XlsxCell.Text(month), XlsxCell.Text(previousMonth)),
            Row("Batas waktu", XlsxCell.Date(v.Deadline)),
            Row("Kampung terdaftar", v.Completeness.Expected, Prev(t => t.Expected), Change(v.Completeness.Expected, t => t.Expected)),
            Row("Melapor (laporan diterima)", v.Completeness.Reported, Prev(t => t.Reported), Change(v.Completeness.Reported, t => t.Reported)),
            Row("Tepat waktu", v.Completeness.OnTime, Prev(t => t.OnTime), Change(v.Completeness.OnTime, t => t.OnTime)),
            Row("Terlambat", v.Completeness.Late, Prev(t => t.Late), Change(v.Completeness.Late, t => t.Late)),
            Row("Belum ada laporan yang diterima", v.Completeness.Missing, Prev(t => t.Missing), Change(v.Completeness.Missing, t => t.Missing)),
            Row("  di antaranya berkas ditolak", Compare(v.MissingRejectedCount, pm?.MissingRejected)),
            Row("Cakupan laporan (melapor / terdaftar)", XlsxCell.Percent(v.Completeness.ReportedRatio), XlsxCell.Percent(before?.ReportedRatio),
                XlsxCell.Percent(before?.ReportedRatio is { } r0 && v.Completeness.ReportedRatio is { } r1 ? r1 - r0 : null)),
            Row("Kegiatan", Compare(v.ActivityTotal, pm?.Activities)),
            Row("Peserta laki-laki", Compare(v.Participants.Male, pm?.Male)),
            Row("Peserta perempuan", Compare(v.Participants.Female, pm?.Female)),
            Row("Peserta (jumlah)", v.Participants.Total, XlsxCell.Integer(v.Participants.PreviousTotal), XlsxCell.Integer(v.Participants.Change)),
        };
        foreach (var r in v.Ratios)
            rows.Add(Row(r.Label, XlsxCell.Percent(r.Value), XlsxCell.Percent(r.Previous), XlsxCell.Percent(r.Change)));
        foreach (var r in v.Indicators)
            rows.Add(Row(r.Label, XlsxCell.Number(r.Value), XlsxCell.Number(r.Previous), XlsxCell.Number(r.Change)));
        foreach (var d in v.Classification?.Distribution ?? [])
            rows.Add(Row($"Kelas {d.Label} (hitungan 12 indikator, kampung)", Compare(d.Computed, pm?.ComputedClasses?.GetValueOrDefault(d.Label))));
        foreach (var c in v.Classes)
            rows.Add(Row($"Kelas {c.Label} (data dinas, kampung)", c.Count));
        foreach (var c in v.Classes.Where(c => c.PreviousYearCount is not null))
            rows.Add(Row($"Kelas {c.Label} (data dinas) pada awal {v.ClassTarget.Year}", XlsxCell.Integer(c.PreviousYearCount)));
        rows.Add(Row($"Target naik kelas {v.ClassTarget.Year} (kampung)", v.ClassTarget.TargetCount));
        rows.Add(Row($"Sudah naik kelas {v.ClassTarget.Year}", v.ClassTarget.RaisedThisYear));
        rows.Add(Row("Unggahan ditolak (berkas)", Compare(v.RejectedUploads.Count, pm?.RejectedUploads)));
        rows.Add(Row("Tanpa surel Pokja", v.Unreachable.Count));
        // Retired kampung are in no count above; each is named once (docs/recaps-and-reminders.md).
        if (v.Retired.Count > 0) rows.Add(Row("Dinonaktifkan dari daftar (tidak dihitung)", v.Retired.Count));
        foreach (var r in v.Retired) rows.Add(Row($"  {r.KampungName} ({r.AreaCode}), sejak {IndonesianFormat.Date(r.RetiredOn)}"));
        foreach (var b in v.ActivitiesByBidang) rows.Add(Row("Kegiatan bidang " + b.Label, Compare(b.Count, pm is null ? null : pm.Bidang.GetValueOrDefault(b.Label))));
        foreach (var p in v.Partners) rows.Add(Row("Kegiatan dengan mitra " + p.Label, Compare(p.Count, pm is null ? null : pm.Partners.GetValueOrDefault(p.Label))));
        rows.Insert(10, Row("Angka indikator dari (kampung)", Compare(v.IndicatorKampung, pm?.IndicatorKampung)));
        // The registry's classes, the yearly target and the Pokja e-mails have no monthly history to compare with.
        rows.Add(Row("Kolom bulan sebelumnya kosong: angka itu tidak disimpan per bulan (data dinas, target tahunan, surel Pokja)."));
        return new XlsxSheet(SummarySheet,
            [new("Uraian", 46), new($"Bulan ini ({month})", 18), new(previousMonth is null ? "Bulan sebelumnya" : $"Bulan sebelumnya ({previousMonth})", 18), new("Perubahan", 12)], rows);

        static IReadOnlyList<XlsxCell> Row(string label, params XlsxCell[] cells) => [XlsxCell.Text(label), .. cells];
        static XlsxCell[] Compare(int now, int? previous) =>
            previous is { } p ? [XlsxCell.Integer(now), XlsxCell.Integer(p), XlsxCell.Integer(now - p)] : [XlsxCell.Integer(now)];
    }

    private static XlsxSheet Kampung(IReadOnlyList<RecapKampungRow> rows, LocalTime zone)
    {
        var columns = new List<XlsxColumn>
        {
            new("Kode wilayah"), new("Kampung KB"), new("Desa/kelurahan"), new("Kecamatan"), new("Kelas (data dinas)"), new("Status laporan"),
            new("Tanggal laporan masuk"), new("Kegiatan"), new("Peserta L"), new("Peserta P"), new("Peserta (jumlah)"), new("Mitra (berbeda)"),
            new("Bulan tanpa laporan berturut-turut", 14), new("Ada surel Pokja"), new("Pengingat terakhir"),
        };
        var data = rows.Select(r => (IReadOnlyList<XlsxCell>)
        [
            r.AreaCode, r.Name, r.Village, r.District, r.ClassLabel, r.Rejected is not null ? "berkas ditolak" : StatusText(r.Status),
            XlsxCell.Date(r.FirstReceivedAt is { } f ? DateOnly.FromDateTime(zone.ToLocal(f)) : null),
            r.Activities, r.Male, r.Female, r.Participants, r.DistinctPartners,
            r.MonthsMissingInARow, r.HasEmail ? "ya" : "tidak", r.LastReminder,
        ]).ToList();
        return new XlsxSheet(KampungSheet, columns, data) { FrozenColumns = 2 };
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
        return new XlsxSheet(IndicatorSheet,
            [new("Kode wilayah"), new("Kampung KB", 32), new("Indikator", 40), new("Nilai", 12), new("Angka stok dari bulan", 16)], data) { FrozenColumns = 2 };
    }

    /// <summary>One row per month: the kabupaten's counts and ratios, then each kecamatan's coverage and timeliness; a line chart under it.</summary>
    private static XlsxSheet Trend(TrendView trend)
    {
        var columns = new List<XlsxColumn>
        {
            new("Bulan", 15), new("Kampung terdaftar", 11), new("Melapor", 10), new("Tepat waktu", 10), new("Terlambat", 10), new("Belum melapor", 10),
            new("Cakupan (melapor / terdaftar)", 14), new("Tepat waktu (/ terdaftar)", 14),
        };
        var kecamatan = trend.Rows.Where(r => !r.IsTotal).ToList();
        foreach (var k in kecamatan) columns.AddRange([new XlsxColumn("Cakupan " + k.Name, 14), new XlsxColumn("Tepat waktu " + k.Name, 14)]);
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
        return new XlsxSheet(TrendSheet, columns, data)
        {
            FrozenColumns = 1,
            Chart = new XlsxLineChart("Cakupan dan ketepatan waktu laporan, 12 bulan terakhir", 0, series),
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
        return new XlsxSheet(ActivitiesSheet,
            [new("Kode wilayah"), new("Kampung KB", 30), new("Tanggal"), new("Kegiatan", 40), new("Bidang (tertulis)", 22), new("Bidang", 22),
             new("Peserta L"), new("Peserta P"), new("Peserta (jumlah)"), new("Mitra", 30)], data) { FrozenColumns = 2 };
    }

    private static XlsxSheet Rejected(RecapView v) => new(RejectedSheet,
        [new("Kampung KB"), new("Nama berkas", 40), new("Tanggal unggah"), new("Jam unggah"), new("Jumlah kesalahan"), new("Kesalahan pertama", 60)],
        v.RejectedUploads.Select(r => (IReadOnlyList<XlsxCell>)
        [
            r.KampungName, r.FileName, DateOnly.FromDateTime(r.ReceivedAtLocal), XlsxCell.Text(r.ReceivedAtLocal.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture) + " " + v.TimeZone),
            r.ErrorCount, r.MainReason,
        ]).ToList());

    internal static string StatusText(Timeliness t) => t switch
    {
        Timeliness.OnTime => "tepat waktu",
        Timeliness.Late => "terlambat",
        _ => "belum melapor",
    };
}
