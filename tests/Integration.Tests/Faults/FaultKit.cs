using KampungKB.Core.Outbox.Mail;

namespace KampungKB.Integration.Tests.Faults;

/// <summary>
/// What the fault, load and outage tests share: the kampung and month they report on, activity files
/// written as a cadre's CSV export would be, the raw rows of the Activities table (to count orphans), and
/// free loopback ports for a test's own Azurite.
/// </summary>
internal static class FaultKit
{
    /// <summary>Kampung KB Pelambuan Sejahtera, Kota Banjarmasin: in the example registry (E06).</summary>
    public const string Pelambuan = "63.71.04.1005";
    public const string Banjarmasin = "63.71";
    public static readonly ReportingPeriod October = new(2025, 10);

    /// <summary>
    /// An activity report as CSV: the banner (kampung, kelurahan and kecamatan, month), a blank row, the header
    /// <c>Tanggal,Nama Kegiatan,Peserta L,Peserta P</c>, then <paramref name="rows"/> lines from <paramref name="row"/>
    /// (1-based; each "date,title,male,female").
    /// </summary>
    public static byte[] ActivityCsv(int rows, Func<int, string> row, string kampung = "Pelambuan Sejahtera", string village = "Pelambuan",
        string district = "Banjarmasin Barat", string month = "Oktober 2025")
    {
        var csv = new StringBuilder($"Kampung KB {kampung},,,\r\nKelurahan {village} Kec. {district},,,\r\nBulan: {month},,,\r\n,,,\r\n");
        csv.Append("Tanggal,Nama Kegiatan,Peserta L,Peserta P\r\n");
        for (var i = 1; i <= rows; i++) csv.Append(row(i)).Append("\r\n");
        return Encoding.UTF8.GetBytes(csv.ToString());
    }

    /// <summary>A kampung as a registry row names it: area code, name (after "Kampung KB "), kelurahan, kecamatan, Pokja email.</summary>
    public sealed record Kampung(string Code, string Name, string Village, string District, string Email);

    /// <summary>Pelambuan with a Pokja address, so its feedback is mailed.</summary>
    public static readonly Kampung PelambuanWithEmail = new(Pelambuan, "Pelambuan Sejahtera", "Pelambuan", "Banjarmasin Barat", "pokja.pelambuan@example.id");

    /// <summary>A registry workbook as the dinas would save it to CSV, one row per kampung of Kota Banjarmasin.</summary>
    public static byte[] RegistryCsv(IEnumerable<Kampung> kampung)
    {
        var csv = new StringBuilder("Kode Wilayah,Nama Kampung KB,Desa/Kelurahan,Kecamatan,Kabupaten/Kota,Email Pokja\r\n");
        foreach (var k in kampung) csv.Append($"{k.Code},Kampung KB {k.Name},{k.Village},{k.District},Kota Banjarmasin,{k.Email}\r\n");
        return Encoding.UTF8.GetBytes(csv.ToString());
    }

    /// <summary>The address each .eml file in <paramref name="outbox"/> is written to (the outbox mail sender's files).</summary>
    public static List<string> MailedTo(DirectoryInfo outbox) =>
        outbox.GetFiles("*.eml").Select(f => File.ReadLines(f.FullName).First(l => l.StartsWith("To:", StringComparison.Ordinal)))
            .Select(to => to.Split('<', '>', ' ').Single(p => p.Contains('@'))).ToList();

    /// <summary>An October date in the dd/MM/yyyy form cadres type, spread over the month by <paramref name="i"/>.</summary>
    public static string OctoberDate(int i) => $"{1 + i % 28:D2}/10/2025";

    /// <summary>The pipeline over the run's Azurite with the example registry imported.</summary>
    public static async Task<PipelineHarness> PipelineAsync(AzuriteFixture azurite)
    {
        var h = new PipelineHarness(azurite);
        await h.InitAsync();
        return h;
    }

    /// <summary>The pipeline over the run's Azurite with its containers and tables but no registry yet: every kampung is unregistered.</summary>
    public static async Task<PipelineHarness> UnregisteredPipelineAsync(AzuriteFixture azurite)
    {
        var h = new PipelineHarness(azurite);
        await StorageBootstrap.EnsureAsync(h.Blobs, h.Tables, h.Names);
        return h;
    }

    /// <summary>
    /// The harness's processor with the production feedback notifier (the real templates), mailing through
    /// <paramref name="mail"/>; Pelambuan's Pokja gets <see cref="PelambuanWithEmail"/>'s address in the registry.
    /// </summary>
    public static async Task<UploadProcessor> MailingProcessorAsync(PipelineHarness h, IMailSender mail)
    {
        var registry = TestStores.For(h.Tables, h.Names).Registry;
        await registry.SaveAsync([(await registry.GetAsync(Pelambuan))! with { PokjaEmail = PelambuanWithEmail.Email }], h.Time.Now);
        var notifier = new MailFeedbackNotifier(new TemplateFeedbackRenderer(NotificationHarness.Templates), mail, h.Tables, h.Names, h.Time, [],
            NullLogger<MailFeedbackNotifier>.Instance);
        return TestStores.UploadProcessor(PipelineHarness.Engine, h.Blobs, h.Tables, h.Names, h.Feedback, h.Time, new PipelineOptions(),
            NullLogger<UploadProcessor>.Instance, notifier);
    }

    /// <summary>
    /// Every row of the Activities table in the kabupaten/kota's partition for the month, whatever version it
    /// belongs to (readers see only current versions; this sees what clean-up left behind).
    /// </summary>
    public static async Task<List<TableEntity>> ActivityRowsAsync(TableServiceClient tables, StorageNames names, string regency, ReportingPeriod period)
    {
        var rows = new List<TableEntity>();
        var partition = StorageNames.RegencyPeriodKey(regency, period);
        await foreach (var e in tables.GetTableClient(names.ActivitiesTable).QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {partition}")))
            rows.Add(e);
        return rows;
    }
}
