using KampungKB.Core.Exports;
using KampungKB.Core.Model;
using KampungKB.Core.Templating;

namespace KampungKB.Core.Recaps;

/// <summary>The recap attachment: a summary sheet, one row per kampung, the activities and the rejected uploads; typed cells, text sanitised by the writer.</summary>
internal static class RecapWorkbook
{
    public const string SummarySheet = "Ringkasan";
    public const string KampungSheet = "Per kampung";
    public const string ActivitiesSheet = "Kegiatan";
    public const string RejectedSheet = "Ditolak";

    /// <param name="extra">Sheets of other sections appended after these (the class sheet of <see cref="Classes.ClassRecap"/>).</param>
    public static byte[] Build(RecapView view, IReadOnlyList<RecapKampungRow> rows, IReadOnlyList<(string AreaCode, Activity Activity)> activities,
        RecapCatalogue catalogue, LocalTime zone, params XlsxSheet[] extra) =>
        XlsxWorkbookWriter.ToBytes([Summary(view), Kampung(rows, catalogue, zone), Activities(rows, activities, catalogue), Rejected(view), .. extra]);

    private static XlsxSheet Summary(RecapView v)
    {
        var rows = new List<IReadOnlyList<XlsxCell>>
        {
            Row("Kabupaten/kota", XlsxCell.Text(v.RegionName)),
            Row("Bulan laporan", XlsxCell.Text(v.Period), XlsxCell.Text(v.PreviousPeriod)),
            Row("Batas waktu", XlsxCell.Date(v.Deadline)),
            Row("Kampung terdaftar", v.Completeness.Expected),
            Row("Melapor", v.Completeness.Reported),
            Row("Tepat waktu", v.Completeness.OnTime),
            Row("Terlambat", v.Completeness.Late),
            Row("Belum melapor", v.Completeness.Missing),
            Row("Cakupan laporan", XlsxCell.Percent(v.Completeness.ReportedRatio)),
            Row("Kegiatan", v.ActivityTotal),
            Row("Peserta laki-laki", v.Participants.Male),
            Row("Peserta perempuan", v.Participants.Female),
            Row("Peserta (jumlah)", v.Participants.Total, XlsxCell.Integer(v.Participants.PreviousTotal), XlsxCell.Integer(v.Participants.Change)),
        };
        foreach (var r in v.Ratios)
            rows.Add(Row(r.Label, XlsxCell.Percent(r.Value), XlsxCell.Percent(r.Previous), XlsxCell.Percent(r.Change)));
        foreach (var r in v.Indicators)
            rows.Add(Row(r.Label, XlsxCell.Number(r.Value), XlsxCell.Number(r.Previous), XlsxCell.Number(r.Change)));
        foreach (var c in v.Classes)
            rows.Add(Row("Kelas " + c.Label, c.Count, XlsxCell.Integer(c.PreviousYearCount)));
        rows.Add(Row($"Target naik kelas {v.ClassTarget.Year} (kampung)", v.ClassTarget.TargetCount));
        rows.Add(Row($"Sudah naik kelas {v.ClassTarget.Year}", v.ClassTarget.RaisedThisYear));
        rows.Add(Row("Unggahan ditolak", v.RejectedUploads.Count));
        rows.Add(Row("Tanpa surel Pokja", v.Unreachable.Count));
        foreach (var b in v.ActivitiesByBidang) rows.Add(Row("Kegiatan bidang " + b.Label, b.Count));
        foreach (var p in v.Partners) rows.Add(Row("Kegiatan dengan mitra " + p.Label, p.Count));
        return new XlsxSheet(SummarySheet, [new("Ukuran", 40), new("Nilai"), new("Bulan sebelumnya"), new("Perubahan")], rows);

        static IReadOnlyList<XlsxCell> Row(string label, params XlsxCell[] cells) => [XlsxCell.Text(label), .. cells];
    }

    private static XlsxSheet Kampung(IReadOnlyList<RecapKampungRow> rows, RecapCatalogue catalogue, LocalTime zone)
    {
        var columns = new List<XlsxColumn>
        {
            new("Kode wilayah"), new("Kampung KB"), new("Desa/kelurahan"), new("Kecamatan"), new("Kelas"), new("Status laporan"),
            new("Diterima pertama"), new("Kegiatan"), new("Peserta L"), new("Peserta P"), new("Peserta"), new("Mitra berbeda"),
            new("Angka per bulan"), new("Bulan belum melapor berturut-turut"), new("Surel Pokja ada"), new("Pengingat terakhir"),
        };
        columns.AddRange(catalogue.Ratios.Select(r => new XlsxColumn(r.Label)));
        columns.AddRange(catalogue.Indicators.Select(i => new XlsxColumn(i.Label)));
        var data = rows.Select(r =>
        {
            var cells = new List<XlsxCell>
            {
                r.AreaCode, r.Name, r.Village, r.District, r.ClassLabel, StatusText(r.Status),
                XlsxCell.Date(r.FirstReceivedAt is { } f ? DateOnly.FromDateTime(zone.ToLocal(f)) : null),
                r.Activities, r.Male, r.Female, r.Participants, r.DistinctPartners,
                XlsxCell.Text(r.StocksAsOf?.ToString()), r.MonthsMissingInARow, r.HasEmail ? "ya" : "tidak", r.LastReminder,
            };
            cells.AddRange(catalogue.Ratios.Select(x => XlsxCell.Percent(r.Ratios.GetValueOrDefault(x.Code))));
            cells.AddRange(catalogue.Indicators.Select(i => r.Values.TryGetValue(i.Code, out var v) ? XlsxCell.Number(v) : XlsxCell.Empty));
            return (IReadOnlyList<XlsxCell>)cells;
        }).ToList();
        return new XlsxSheet(KampungSheet, columns, data);
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
            [new("Kode wilayah"), new("Kampung KB"), new("Tanggal"), new("Kegiatan", 50), new("Bidang (tertulis)"), new("Bidang"),
             new("L"), new("P"), new("Peserta"), new("Mitra")], data);
    }

    private static XlsxSheet Rejected(RecapView v) => new(RejectedSheet,
        [new("Kampung KB"), new("Berkas"), new("Diterima"), new("Jam"), new("Jumlah masalah"), new("Alasan utama", 60)],
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
