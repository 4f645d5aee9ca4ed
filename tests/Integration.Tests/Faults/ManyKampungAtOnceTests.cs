using System.Diagnostics;
using KampungKB.Integration.Tests.Functions;
using Xunit.Abstractions;

namespace KampungKB.Integration.Tests.Faults;

/// <summary>
/// Load: the first of the month, when every kampung of a kabupaten/kota sends its report at the
/// same time. 100 uploads from 100 kampung go through the local runner (the same function classes and
/// wiring as Azure) at once, as the host would run 100 Event Grid deliveries concurrently.
/// </summary>
[Collection(AzuriteCollection.Name)]
public class ManyKampungAtOnceTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    private const int Kampung = 100;
    private static readonly string[] Districts = ["Banjarmasin Barat", "Banjarmasin Timur", "Banjarmasin Utara", "Banjarmasin Selatan", "Banjarmasin Tengah"];
    private static readonly string[] Places = ["Sungai", "Teluk", "Pasar", "Kebun", "Tanjung"];
    private static readonly string[] Epithets = ["Jingah", "Tiram", "Lama", "Baru", "Hijau", "Merah", "Indah", "Permai", "Jaya", "Makmur",
        "Sari", "Mulya", "Raya", "Asri", "Damai", "Harapan", "Lestari", "Sentosa", "Bahagia", "Utama"];

    /// <summary>Kampung <paramref name="i"/> (0–99): kecamatan i/20, kelurahan 1001 + i%20, a name of its own and its Pokja's address.</summary>
    private static FaultKit.Kampung KampungOf(int i) =>
        new($"63.71.0{1 + i / 20}.{1001 + i % 20}", $"{Places[i / 20]} {Epithets[i % 20]}", $"{Places[i / 20]} {Epithets[i % 20]}", Districts[i / 20], $"pokja.{i:D3}@example.id");

    private static int ActivitiesOf(int i) => 2 + i % 5;

    [SkippableFact]
    public async Task HundredKampungUploadAtOnce_ThroughTheRunner_AllStored_OneFeedbackMailEach_NoPoison()
    {
        var outbox = Directory.CreateTempSubdirectory("kkb-load-outbox-");
        try
        {
            await using var h = await FunctionsHarness.StartAsync(azurite, prefix: "load", poisonQueue: AzuriteFixture.UniqueName("poison"),
                settings: new Dictionary<string, string?> { ["Mail__OutboxDirectory"] = outbox.FullName });
            await h.DropAsync(h.Names.Registry, "daftar.csv", FaultKit.RegistryCsv(Enumerable.Range(0, Kampung).Select(KampungOf)));
            var import = Assert.Single(await h.Runner.RunOnceAsync());
            Assert.True(Assert.IsType<RegistryImportOutcome>(import.ReturnValue) is { Accepted: true, Kampung: Kampung }, "registry of 100 kampung imported");

            var uploads = Enumerable.Range(0, Kampung).Select(i =>
            {
                var k = KampungOf(i);
                var file = FaultKit.ActivityCsv(ActivitiesOf(i), r => $"{FaultKit.OctoberDate(r + i)},Penyuluhan {r} {k.Village},{r},{i % 9}",
                    kampung: k.Name, village: k.Village, district: k.District);
                return (k.Code, Name: $"{k.Code}/laporan-oktober.csv", File: file, Activities: ActivitiesOf(i), k.Email);
            }).ToList();
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(uploads.Select(u => h.DropAsync(h.Names.Uploads, u.Name, u.File)));
            var dispatched = await Task.WhenAll(uploads.Select(u => Task.Run(() => h.Runner.RunBlobAsync("IngestUpload", u.Name))));
            clock.Stop();
            output.WriteLine($"{Kampung} uploads dropped and processed concurrently in {clock.Elapsed.TotalSeconds:0.0} s; attempts {dispatched.Sum(d => d!.Attempts)}");

            // Every invocation succeeded (none retried into poison) and judged its file as accepted for its own kampung.
            Assert.All(dispatched, d => Assert.True(d is { Succeeded: true }, d?.Error));
            Assert.Empty(await h.Poison.PeekAsync());
            var outcomes = dispatched.Select(d => Assert.IsType<UploadOutcome>(d!.ReturnValue)).ToList();
            for (var i = 0; i < Kampung; i++)
                Assert.Equal((UploadStatus.Accepted, uploads[i].Code, uploads[i].Activities), (outcomes[i].Status, outcomes[i].AreaCode, outcomes[i].ActivityCount));
            // Each blob version was invoked once: a poll finds nothing left.
            Assert.Empty(await h.Runner.RunOnceAsync());

            // Every report stored with its rows, and no row that no pointer reaches.
            var reports = TestStores.For(azurite.Tables, h.Names).Reports;
            var stored = (await reports.ListAsync(FaultKit.Banjarmasin, FaultKit.October)).ToDictionary(r => r.AreaCode);
            Assert.Equal(Kampung, stored.Count);
            var visible = (await reports.ListActivitiesAsync(FaultKit.Banjarmasin, FaultKit.October)).ToLookup(a => a.AreaCode);
            for (var i = 0; i < Kampung; i++)
            {
                Assert.Equal(outcomes[i].UploadId, stored[uploads[i].Code].ActivitiesVersion);
                Assert.Equal(uploads[i].Activities, stored[uploads[i].Code].ActivityCount);
                Assert.Equal(uploads[i].Activities, visible[uploads[i].Code].Count());
            }
            Assert.Equal(uploads.Sum(u => u.Activities), (await FaultKit.ActivityRowsAsync(azurite.Tables, h.Names, FaultKit.Banjarmasin, FaultKit.October)).Count);
            Assert.Equal(Kampung, (await TestStores.For(azurite.Tables, h.Names).Uploads.ListAsync(FaultKit.Banjarmasin)).Count(r => r.Status == UploadStatus.Accepted));

            // Exactly one feedback each: the page's document, one sent row in the notification log, one mail to its Pokja.
            foreach (var o in outcomes)
                Assert.Equal("accepted", (await FeedbackWriter.ReadAsync(azurite.Blobs, h.Names, o.UploadId))!.Value.GetProperty("status").GetString());
            var mailed = await new NotificationLog(azurite.Tables, h.Names).ListFeedbackAsync(FaultKit.Banjarmasin);
            Assert.Equal(outcomes.Select(o => o.UploadId).Order(), mailed.Where(r => r.State == NotificationState.Sent).Select(r => r.RowKey).Order());
            Assert.Equal(uploads.Select(u => u.Email).Order(), FaultKit.MailedTo(outbox).Order());
        }
        finally
        {
            outbox.Delete(recursive: true);
        }
    }
}
