using System.Collections.Concurrent;
using KampungKB.Core.Uploads.Links;
using Azure.Storage.Blobs;
using KampungKB.Core.Outbox.Mail;
using KampungKB.Core.Jobs.Recaps;
using KampungKB.Core.Jobs.Reminders;
using KampungKB.Core.Rendering.Templating;

namespace KampungKB.Integration.Tests.Recaps;

/// <summary>Collects mails instead of sending them; thread-safe for concurrent runs.</summary>
internal sealed class RecordingMailSender : IMailSender
{
    public ConcurrentQueue<MailMessage> Sent { get; } = new();
    public Func<MailMessage, MailSendResult>? Answer { get; set; }

    public Task<MailSendResult> SendAsync(MailMessage message, CancellationToken ct)
    {
        var answer = Answer?.Invoke(message) ?? MailSendResult.Sent(Guid.NewGuid().ToString("N"), "memory");
        if (answer.Succeeded) Sent.Enqueue(message);
        return Task.FromResult(answer);
    }

    /// <summary>The mails sent to <paramref name="address"/> (case-insensitive), in order.</summary>
    public IReadOnlyList<MailMessage> To(string address) => Sent.Where(m => m.To.Contains(address, StringComparer.OrdinalIgnoreCase)).ToList();
}

/// <summary>
/// A realistic kabupaten (Kota Banjarmasin, 63.71, deadline on the 10th, WITA) in the run's Azurite with its
/// own name prefix: five kampung in three kecamatan, reports written through <see cref="ReportStore"/>.
/// </summary>
internal sealed class NotificationHarness
{
    public const string Regency = "63.71";
    public const string Alpha = "63.71.01.1001", Beta = "63.71.01.1002", Gamma = "63.71.02.1001", Delta = "63.71.02.1002", Epsilon = "63.71.03.1001";
    public const string HostileName = "=HYPERLINK(\"http://evil.example\",\"klik\")<script>alert(1)</script>";
    public static readonly ReportingPeriod October = new(2025, 10);

    public static readonly RegencySettings Settings = RegencySettings.Default(Regency) with
    {
        Name = "Kota Banjarmasin",
        DinasName = "DPPKB Kota Banjarmasin",
        Recipients = ["rekap@dppkb.example"],
    };

    private static readonly Lazy<EmailTemplates> s_templates = new(() => EmailTemplates.Load(Path.Combine(PipelineHarness.Root, "templates", "email")));
    private static readonly Lazy<RecapCatalogue> s_catalogue = new(() => RecapCatalogue.Load(Path.Combine(PipelineHarness.Root, "templates")));

    public NotificationHarness(AzuriteFixture azurite)
    {
        Names = new StorageNames(AzuriteFixture.UniqueName("n"));
        Tables = azurite.Tables;
        Blobs = azurite.Blobs;
        Time = new ManualTime(new DateTimeOffset(2025, 11, 17, 1, 0, 0, TimeSpan.Zero));
        Registry = TestStores.For(Tables, Names).Registry;
        Reports = TestStores.For(Tables, Names).Reports;
        Compiler = TestStores.RecapCompiler(Tables, Names, Templates, Catalogue, Time);
        Sender = new RecapSender(Compiler, Mail, Tables, Names, Time, NullLogger<RecapSender>.Instance);
        Links = TestStores.UploadLinks(new LinkOptions { SigningKey = LinkKey }, Tables, Names, Time);
        Reminders = TestStores.ReminderRunner(Tables, Names, Templates, Catalogue, Mail, Time, NullLogger<ReminderRunner>.Instance, Links);
    }

    /// <summary>The key the harness signs upload links with (32 bytes).</summary>
    public static readonly byte[] LinkKey = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
    public UploadLinks Links { get; }

    public static EmailTemplates Templates => s_templates.Value;
    public static RecapCatalogue Catalogue => s_catalogue.Value;
    public StorageNames Names { get; }
    public TableServiceClient Tables { get; }
    public BlobServiceClient Blobs { get; }
    public ManualTime Time { get; }
    public RegistryStore Registry { get; }
    public ReportStore Reports { get; }
    public RecordingMailSender Mail { get; } = new();
    public RecapCompiler Compiler { get; }
    public RecapSender Sender { get; }
    public ReminderRunner Reminders { get; }

    public static RegistryEntry Kampung(string area, string name, string district, KampungClass? cls, string? email, string? pkbEmail = "pkb@bkkbn.example", string? phone = "0811000000") =>
        new(area, name, "Desa " + area[^4..], district, "Kota Banjarmasin", cls?.ToString(), cls, 2018, email, phone, "Ibu PKB", pkbEmail);

    public IReadOnlyList<RegistryEntry> Entries(KampungClass betaClass = KampungClass.Berkembang, KampungClass epsilonClass = KampungClass.Berkelanjutan) =>
    [
        Kampung(Alpha, "Kampung KB Alpha", "Kec Satu", KampungClass.Mandiri, "alpha@pokja.example"),
        Kampung(Beta, "Kampung KB Beta", "Kec Satu", betaClass, "beta@pokja.example"),
        Kampung(Gamma, "Kampung KB Gamma", "Kec Dua", KampungClass.Dasar, "gamma@pokja.example"),
        Kampung(Delta, "Kampung KB Delta", "Kec Dua", KampungClass.Dasar, null),
        Kampung(Epsilon, HostileName, "Kec Tiga", epsilonClass, "epsilon@pokja.example"),
    ];

    /// <summary>A new harness in the run's Azurite with its kabupaten's registry written (<see cref="InitAsync"/>): the start of every recap, reminder and class test.</summary>
    public static async Task<NotificationHarness> StartAsync(AzuriteFixture azurite)
    {
        var h = new NotificationHarness(azurite);
        await h.InitAsync();
        return h;
    }

    /// <summary>Creates the containers, tables and link keys, and writes the registry's class history (three imports).</summary>
    public async Task InitAsync()
    {
        await StorageBootstrap.EnsureAsync(Blobs, Tables, Names);
        await Links.EnsureAsync();
        // Class history: Epsilon rose in 2024 (not this year's target), Beta rose in June 2025.
        await Registry.SaveAsync(Entries(KampungClass.Dasar, KampungClass.Mandiri), new DateTimeOffset(2024, 12, 1, 0, 0, 0, TimeSpan.Zero));
        await Registry.SaveAsync(Entries(KampungClass.Dasar), new DateTimeOffset(2024, 12, 20, 0, 0, 0, TimeSpan.Zero));
        await Registry.SaveAsync(Entries(), new DateTimeOffset(2025, 6, 1, 0, 0, 0, TimeSpan.Zero));
    }

    public static Activity Act(string? category, int? male, int? female, int? total, params string[] partners) =>
        new(new DateOnly(2025, 10, 5), "Kegiatan " + (category ?? "-"), category, total ?? (male ?? 0) + (female ?? 0), male, female, partners);

    public async Task WriteAsync(string area, ReportingPeriod period, DateTimeOffset receivedAt, IReadOnlyDictionary<string, decimal>? indicators = null, params Activity[] activities)
    {
        var kampung = Entries().Single(e => e.AreaCode == area);
        var report = new IngestionReport("f.xlsx", ReportStatus.Accepted, period, null, activities, indicators ?? new Dictionary<string, decimal>(), []);
        var version = $"{receivedAt:yyyyMMddHHmmss}-{Guid.NewGuid():N}"[..27];
        var write = await Reports.WriteVersionAsync(kampung, period, version, Guid.NewGuid().ToString("N"), receivedAt, report);
        Assert.Equal(VersionWrite.Switched, write);
    }

    public static Dictionary<string, decimal> Figures(decimal pus, decimal kbActive, decimal? unmet = null, decimal? kbNew = null, decimal? families = null)
    {
        var d = new Dictionary<string, decimal> { ["pus"] = pus, ["kb_active"] = kbActive };
        if (unmet is { } u) d["unmet_need"] = u;
        if (kbNew is { } n) d["kb_new"] = n;
        if (families is { } f) d["families"] = f;
        return d;
    }

    /// <summary>
    /// October 2025 (due 10 Nov, 23:59:59 WITA = 15:59:59 UTC): Alpha on time, Beta at 23:59 WITA (on time),
    /// Gamma at 00:01 WITA the next day (late, activities only), Delta and Epsilon missing. September and
    /// August give the previous period and the stocks carried forward.
    /// </summary>
    public async Task SeedRealisticAsync()
    {
        var sept = October.Previous;
        var aug = sept.Previous;
        await WriteAsync(Delta, aug, new DateTimeOffset(2025, 9, 8, 2, 0, 0, TimeSpan.Zero), Figures(40, 10));
        await WriteAsync(Alpha, sept, new DateTimeOffset(2025, 10, 6, 2, 0, 0, TimeSpan.Zero), Figures(90, 50, 12, 4));
        await WriteAsync(Gamma, sept, new DateTimeOffset(2025, 10, 7, 2, 0, 0, TimeSpan.Zero), Figures(50, 20, 5, 3), Act("Ekonomi", null, null, 9));
        await WriteAsync(Epsilon, sept, new DateTimeOffset(2025, 10, 8, 2, 0, 0, TimeSpan.Zero), Figures(80, 40, 8, 2));

        await WriteAsync(Alpha, October, new DateTimeOffset(2025, 11, 5, 1, 0, 0, TimeSpan.Zero), Figures(100, 60, 10, 5, 150),
            Act("Keagamaan", 5, 10, null, "KUA", "Puskesmas"), Act("Kesehatan Reproduksi", 0, 20, null, " Puskesmas "));
        await WriteAsync(Beta, October, new DateTimeOffset(2025, 11, 10, 15, 59, 0, TimeSpan.Zero), Figures(200, 100, 30, 7),
            Act(null, 3, 4, null));
        await WriteAsync(Gamma, October, new DateTimeOffset(2025, 11, 10, 16, 1, 0, TimeSpan.Zero), null,
            new Activity(new DateOnly(2025, 10, 20), "=SUM(A1:A9) <img src=x onerror=alert(1)>", "Ekonomi", 12, null, null, ["Dinas Koperasi"]));

        await TestStores.For(Tables, Names).Uploads.RecordAsync(new UploadRecord("u-delta-1", Regency, "uploads/x.csv", "laporan delta.csv", Delta, October,
            UploadStatus.Rejected, "hash", 100, new DateTimeOffset(2025, 11, 9, 3, 0, 0, TimeSpan.Zero), new DateTimeOffset(2025, 11, 9, 3, 0, 1, TimeSpan.Zero),
            0, 1, 0, [new Problem(Severity.Error, "bad-date", "Sheet1", 7, "B", "31/11/2025", "Tanggal \"31/11/2025\" tidak ada di kalender.")]));
    }
}
