using ExcelDataReader;
using KampungKB.Core.Jobs.Recaps;
using KampungKB.Core.Jobs.Reminders;
using static KampungKB.Integration.Tests.Recaps.NotificationHarness;

namespace KampungKB.Integration.Tests.Recaps;

[Collection(AzuriteCollection.Name)]
public class RecapCompilerTests(AzuriteFixture azurite)
{
    /// <summary>A recap sheet's name as the dinas sees it (templates/recaps/workbook.json).</summary>
    private static string Sheet(string key) => NotificationHarness.Catalogue.Workbook.Text(key);

    private async Task<(NotificationHarness H, Recap Recap)> CompileAsync()
    {
        var h = await NotificationHarness.StartAsync(azurite);
        await h.SeedRealisticAsync();
        return (h, await h.Compiler.CompileAsync(Settings, October));
    }

    [SkippableFact]
    public async Task RealisticKabupaten_Completeness_OnTimeLateMissing_ByKecamatan()
    {
        var (_, recap) = await CompileAsync();
        var v = recap.View;

        Assert.Equal((5, 3, 2, 1, 2), (v.Completeness.Expected, v.Completeness.Reported, v.Completeness.OnTime, v.Completeness.Late, v.Completeness.Missing));
        Assert.Equal(new DateOnly(2025, 11, 10), v.Deadline);
        Assert.Equal(
            [("Kec Satu", 2, 2, 2, 0, 0), ("Kec Dua", 2, 1, 0, 1, 1), ("Kec Tiga", 1, 0, 0, 0, 1)],
            v.Kecamatan.Select(k => (k.Name, k.Expected, k.Reported, k.OnTime, k.Late, k.Missing)));
        Assert.Equal([(Delta, 2), (Epsilon, 1)], v.MissingKampung.Select(m => (m.AreaCode!, m.MonthsMissingInARow)));
        Assert.Equal([Delta], v.Unreachable.Select(u => u.AreaCode!));
        var rejected = Assert.Single(v.RejectedUploads);
        Assert.Equal(("Kampung KB Delta", 1), (rejected.KampungName, rejected.ErrorCount));
        Assert.Contains("31/11/2025", rejected.MainReason);
    }

    [SkippableFact]
    public async Task DeadlineAtLocalMidnight_2359WitaOnTime_0001NextDayLate()
    {
        var (_, recap) = await CompileAsync();
        Assert.Equal(Timeliness.OnTime, recap.Kampung.Single(k => k.AreaCode == Beta).Status);   // 15:59 UTC = 23:59 WITA on the 10th
        Assert.Equal(Timeliness.Late, recap.Kampung.Single(k => k.AreaCode == Gamma).Status);    // 16:01 UTC = 00:01 WITA on the 11th
        Assert.Equal(new DateTimeOffset(2025, 11, 10, 16, 0, 0, TimeSpan.Zero), RecapCompiler.EndOfDay(new DateOnly(2025, 11, 10), LocalTime.Wita));
    }

    [SkippableFact]
    public async Task RealisticKabupaten_ActivitiesByBidang_Participants_Partners()
    {
        var (_, recap) = await CompileAsync();
        var v = recap.View;

        Assert.Equal(4, v.ActivityTotal);
        Assert.Equal(
            new Dictionary<string, int> { ["Ekonomi"] = 1, ["Keagamaan"] = 1, ["Reproduksi"] = 1, ["Tidak diisi"] = 1 },
            v.ActivitiesByBidang.ToDictionary(b => b.Label, b => b.Count));
        Assert.Equal((8, 34, 54, 12, 9, 45), (v.Participants.Male, v.Participants.Female, v.Participants.Total, v.Participants.Unsplit, v.Participants.PreviousTotal!.Value, v.Participants.Change!.Value));
        Assert.Equal([("Puskesmas", 2), ("Dinas Koperasi", 1), ("KUA", 1)], v.Partners.Select(p => (p.Label, p.Count)));
    }

    [SkippableFact]
    public async Task RealisticKabupaten_StocksLatestPerKampung_FlowsSummed_RatiosFromSums_ChangeFromPrevious()
    {
        var (_, recap) = await CompileAsync();
        var ind = recap.View.Indicators.ToDictionary(i => i.Code);
        var ratio = recap.View.Ratios.ToDictionary(i => i.Code);

        // October as of month end: Alpha 100/60/10, Beta 200/100/30, Gamma (figures of Sept) 50/20/5,
        // Delta (figures of Aug, within the 3-month lookback) 40/10, Epsilon (Sept) 80/40/8.
        Assert.Equal((470m, 260m, 210m), (ind["pus"].Value!.Value, ind["pus"].Previous!.Value, ind["pus"].Change!.Value));
        Assert.Equal((230m, 120m), (ind["kb_active"].Value!.Value, ind["kb_active"].Previous!.Value));
        Assert.Equal((53m, 25m), (ind["unmet_need"].Value!.Value, ind["unmet_need"].Previous!.Value));
        // kb_new is a flow: only this month's reports, never carried forward (Alpha 5 + Beta 7; Sept: 4 + 3 + 2).
        Assert.Equal((12m, 9m), (ind["kb_new"].Value!.Value, ind["kb_new"].Previous!.Value));
        // CPR = Σ kb_active / Σ pus; unmet-need rate over the kampung that report unmet need (Delta does not).
        Assert.Equal(230m / 470m, ratio["cpr"].Value);
        Assert.Equal(120m / 260m, ratio["cpr"].Previous);
        Assert.Equal(53m / 430m, ratio["unmet_need_rate"].Value);
        Assert.Equal(25m / 220m, ratio["unmet_need_rate"].Previous);
        Assert.NotEqual((60m / 100 + 100m / 200 + 20m / 50 + 10m / 40 + 40m / 80) / 5, ratio["cpr"].Value); // never an average of ratios
    }

    [SkippableFact]
    public async Task RealisticKabupaten_ClassDistribution_AndYearlyFivePercentTarget()
    {
        var (h, recap) = await CompileAsync();
        Assert.Equal(
            [("Dasar", 2, 3), ("Berkembang", 1, 0), ("Mandiri", 1, 1), ("Paripurna", 1, 1)],
            recap.View.Classes.Select(c => (c.Label, c.Count, c.PreviousYearCount!.Value)));
        var t = recap.View.ClassTarget;
        Assert.Equal((2025, 5, 1, 1, true), (t.Year, t.TotalKampung, t.TargetCount, t.RaisedThisYear, t.Reached));
        var change = Assert.Single(await h.Registry.ListClassChangesAsync(Regency), c => c.AreaCode == Beta);
        Assert.Equal((KampungClass.Dasar, KampungClass.Berkembang), (change.PreviousClass, change.Class));
    }

    [SkippableFact]
    public async Task HostileKampungNameAndActivityTitle_AreInertInHtmlAndXlsx()
    {
        var (_, recap) = await CompileAsync();

        Assert.DoesNotContain("<script>", recap.Email.Html);
        Assert.DoesNotContain("<img", recap.Email.Html);
        Assert.DoesNotContain("=HYPERLINK", recap.Email.Html);
        Assert.Contains("&lt;script&gt;", recap.Email.Html);
        Assert.DoesNotContain("\n", recap.Email.Subject);

        var sheets = ReadXlsx(recap.Xlsx);
        var kampungSheet = sheets[Sheet(RecapWorkbook.KampungSheet)];
        var hostileRow = kampungSheet.Single(r => Equals(r[0], Epsilon));
        Assert.Equal("'" + HostileName, hostileRow[1]);
        var activity = sheets[Sheet(RecapWorkbook.ActivitiesSheet)].Single(r => Equals(r[0], Gamma));
        Assert.StartsWith("'=SUM", (string)activity[3]!);
    }

    [SkippableFact]
    public async Task RecapXlsx_ReadsBack_WithTypedNumbers_SummaryAndOneRowPerKampung()
    {
        var (_, recap) = await CompileAsync();
        var sheets = ReadXlsx(recap.Xlsx);

        Assert.Equal([Sheet(RecapWorkbook.SummarySheet), Sheet(RecapWorkbook.TrendSheet), Sheet(RecapWorkbook.KampungSheet), Sheet(RecapWorkbook.IndicatorSheet), Sheet(RecapWorkbook.ActivitiesSheet), Sheet(RecapWorkbook.RejectedSheet), "Kelas", "Kualitas data"], sheets.Keys);
        var rows = sheets[Sheet(RecapWorkbook.KampungSheet)];
        Assert.Equal(1 + 5, rows.Count); // header + one row per kampung
        var alpha = rows.Single(r => Equals(r[0], Alpha));
        Assert.IsType<double>(alpha[7]);                    // activities
        Assert.Equal(35d, alpha[10]);                       // participants
        Assert.IsType<DateTime>(alpha[6]);                  // first received, a real date
        var summary = sheets[Sheet(RecapWorkbook.SummarySheet)].ToDictionary(r => (string)r[0]!, r => r);
        Assert.Equal(5d, summary["Kampung terdaftar"][1]);
        Assert.Equal(0.6d, (double)summary["Cakupan laporan (melapor / terdaftar)"][1]!, 6);
        Assert.Equal(230d / 470d, (double)summary["CPR (KB aktif / PUS)"][1]!, 9);
    }

    /// <summary>
    /// Every summary row with a monthly history has its September value beside October's, counted from the seeded
    /// September reports (Alpha, Gamma with one Ekonomi activity of 9 participants without L/P, Epsilon; Delta's August
    /// figures still within the 3-month stock lookback; no upload rejected in September).
    /// </summary>
    [SkippableFact]
    public async Task RecapXlsx_Summary_EveryComparableRow_HasThePreviousMonth()
    {
        var (_, recap) = await CompileAsync();
        var summary = ReadXlsx(recap.Xlsx)[Sheet(RecapWorkbook.SummarySheet)].Skip(1).ToDictionary(r => (string)r[0]!, r => r);
        (double Now, double? Before, double? Change) Row(string label) =>
            (Convert.ToDouble(summary[label][1]), summary[label][2] as double?, summary[label][3] as double?);

        Assert.Equal((4d, 1d, 3d), Row("Kegiatan"));
        Assert.Equal((8d, 0d, 8d), Row("Peserta laki-laki"));
        Assert.Equal((34d, 0d, 34d), Row("Peserta perempuan"));
        Assert.Equal((54d, 9d, 45d), Row("Peserta (jumlah)"));
        Assert.Equal((5d, 4d, 1d), Row("Angka indikator dari (kampung)"));       // Beta had no figures by September
        Assert.Equal((1d, 0d, 1d), Row("Unggahan ditolak (berkas)"));
        Assert.Equal((1d, 0d, 1d), Row("  di antaranya berkas ditolak"));
        Assert.Equal((1d, 1d, 0d), Row("Kegiatan bidang Ekonomi"));
        Assert.Equal((1d, 0d, 1d), Row("Kegiatan bidang Keagamaan"));
        Assert.Equal((2d, 0d, 2d), Row("Kegiatan dengan mitra Puskesmas"));
        var computed = summary.Where(r => r.Key.EndsWith("(hitungan 12 indikator, kampung)", StringComparison.Ordinal)).Select(r => r.Value).ToList();
        Assert.Equal(4, computed.Count);
        Assert.All(computed, r => Assert.IsType<double>(r[2]));
        Assert.Equal(5d, computed.Sum(r => (double)r[2]!));                      // all five kampung had a computed class in September
        // Rows without a monthly history say so instead of leaving the column silently empty.
        Assert.Null(summary["Tanpa surel Pokja"][2]);
        Assert.Contains(summary.Keys, k => k.StartsWith("Kolom bulan sebelumnya kosong", StringComparison.Ordinal));
    }

    [SkippableFact]
    public async Task RecapSender_TenConcurrentRuns_MailsOnceWithAttachment_AndRecordsIt()
    {
        var h = await NotificationHarness.StartAsync(azurite);
        await h.SeedRealisticAsync();

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Task.Run(() => h.Sender.RunDueAsync(Settings, new DateOnly(2025, 11, 11)))));

        Assert.Single(outcomes.SelectMany(o => o), o => o.Action == ReminderActions.Sent);
        var mail = Assert.Single(h.Mail.Sent);
        Assert.Equal(["rekap@dppkb.example"], mail.To);
        // The recap workbook, then the handover workbook for typing into the BKKBN website (docs/handover.md).
        Assert.Equal(["rekap-kampung-kb-63.71-2025-10.xlsx", "ketik-situs-kampung-kb-63.71-2025-10.xlsx"], mail.Attachments.Select(a => a.FileName));
        var row = Assert.Single(await new NotificationLog(h.Tables, h.Names).ListAsync(Regency, October), r => r.Kind == NotificationKinds.Recap);
        Assert.Equal(NotificationState.Sent, row.State);
        Assert.DoesNotContain(October, RecapSender.DuePeriods(Settings, new DateOnly(2025, 11, 10))); // not before the deadline has passed
    }

    internal static Dictionary<string, List<object?[]>> ReadXlsx(byte[] bytes)
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var result = new Dictionary<string, List<object?[]>>();
        using var reader = ExcelReaderFactory.CreateReader(new MemoryStream(bytes));
        do
        {
            var rows = new List<object?[]>();
            while (reader.Read())
            {
                var row = new object?[reader.FieldCount];
                for (var i = 0; i < row.Length; i++) row[i] = reader.GetValue(i);
                rows.Add(row);
            }
            result[reader.Name] = rows;
        } while (reader.NextResult());
        return result;
    }
}
