using System.Net;
using System.Text.RegularExpressions;
using KampungKB.Cli.Commands;
using KampungKB.Core.Dashboard;
using KampungKB.Core.Model;
using KampungKB.Core.Store;
using KampungKB.Core.Uploads.Links;
using KampungKB.Integration.Tests.Azurite;
using KampungKB.Integration.Tests.Pipeline;
using KampungKB.Integration.Tests.Recaps;
using Microsoft.Extensions.DependencyInjection;
using static KampungKB.Integration.Tests.Support.WebHarness;

namespace KampungKB.Integration.Tests.Dashboard;

/// <summary>
/// The month's handover workbook from the overview (docs/dashboard.md, docs/handover.md): the same workbook
/// <c>kkb handover --regency CODE --period YYYY-MM</c> writes, behind the dashboard's gate, injection-safe.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class HandoverDownloadTests(AzuriteFixture azurite)
{
    private static readonly ReportingPeriod October = new(2025, 10);
    private const string Hostile = "=HYPERLINK(\"http://evil.example\",\"klik\")";

    /// <summary>Every sheet's cells as text, the upload links' tokens (signed anew at each issue) blanked.</summary>
    private static Dictionary<string, List<string>> Cells(byte[] xlsx) =>
        RecapCompilerTests.ReadXlsx(xlsx).ToDictionary(s => s.Key,
            s => s.Value.Select(r => Regex.Replace(string.Join("|", r.Select(c => Convert.ToString(c, System.Globalization.CultureInfo.InvariantCulture))), "#[A-Za-z0-9_.~-]+", "#TOKEN")).ToList());

    [SkippableFact]
    public async Task OverviewLink_ServesTheWorkbookKkbHandoverWrites_AnotherKabupatenRefused_NameInert()
    {
        await using var h = await StartAsync(azurite, "dh");
        await h.UploadAsync(Pelambuan, "data_capaian_oktober_2025_pelambuan.xlsx", PipelineHarness.Example("E02"));
        // A kampung whose registry name would be a formula in a naive writer.
        var registry = new RegistryStore(azurite.Tables, h.Names);
        var other = (await registry.ListAsync(Banjarmasin)).First(k => k.AreaCode != Pelambuan);
        await registry.SaveAsync([other with { Name = Hostile }], DateTimeOffset.UtcNow);
        var (cookie, _) = await h.SessionAsync("dinas@banjarmasin.example", DashboardRole.Regency, Banjarmasin);
        var client = h.Client(cookie);

        // The overview of the month links to it.
        var overview = await client.GetStringAsync(DashboardRoutes.OverviewPath(Banjarmasin, October).TrimStart('/'));
        var href = Regex.Match(overview, @"<a href=""([^""]+)"" id=""ketik-situs"">").Groups[1].Value;
        Assert.Equal("/api/dashboard/63.71/2025-10/ketik-situs", href);

        var response = await client.GetAsync(href.TrimStart('/'));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(DashboardResponse.Xlsx, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("ketik-situs-kampung-kb-63.71-2025-10.xlsx", response.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        var downloaded = Cells(await response.Content.ReadAsByteArrayAsync());

        // kkb handover over the same stores writes the same cells.
        var outDir = Path.Combine(Path.GetTempPath(), "kkb-handover-" + Guid.NewGuid().ToString("N"));
        try
        {
            var links = h.Host.Services.GetRequiredService<UploadLinks>();
            var code = await HandoverCommand.ExecuteAsync(azurite.Tables, h.Names, [], links, Banjarmasin, October, outDir, false, new StringWriter(), new StringWriter());
            Assert.Equal(0, code);
            var written = Cells(await File.ReadAllBytesAsync(Path.Combine(outDir, "ketik-situs-kampung-kb-63.71-2025-10.xlsx")));
            Assert.Equal(written.Keys, downloaded.Keys);
            foreach (var sheet in written.Keys) Assert.Equal(written[sheet], downloaded[sheet]);
        }
        finally { if (Directory.Exists(outDir)) Directory.Delete(outDir, true); }
        Assert.Contains(downloaded["Untuk diketik"], r => r.StartsWith(Pelambuan + "|", StringComparison.Ordinal) && r.Contains("|Pasangan Usia Subur|", StringComparison.Ordinal));
        Assert.Contains(downloaded["Tanpa angka"], r => r.StartsWith(other.AreaCode + "|'" + Hostile, StringComparison.Ordinal));
        Assert.DoesNotContain(downloaded.Values.SelectMany(r => r), r => r.Split('|').Any(c => c.StartsWith('=')));

        // Another kabupaten's user, no session, a malformed or not yet due month: refused, no workbook.
        var (tanahLaut, _) = await h.SessionAsync("dinas@tanahlaut.example", DashboardRole.Regency, TanahLaut);
        var refused = await h.Client(tanahLaut).GetAsync(href.TrimStart('/'));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.NotEqual(DashboardResponse.Xlsx, refused.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.SeeOther, (await h.Client(null).GetAsync(href.TrimStart('/'))).StatusCode);
        foreach (var month in new[] { "2025-13", "2025-1", "2999-01" })
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"dashboard/{Banjarmasin}/{month}/ketik-situs")).StatusCode);
    }
}
