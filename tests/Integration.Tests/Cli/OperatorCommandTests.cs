using KampungKB.Cli.Commands;
using KampungKB.Core.Uploads.Links;
using KampungKB.Core.Outbox.Mail;

namespace KampungKB.Integration.Tests.Cli;

/// <summary>The operator commands over a real Azurite: options honoured or refused, an empty registry explained.</summary>
[Collection(AzuriteCollection.Name)]
public class OperatorCommandTests(AzuriteFixture azurite)
{
    private static readonly ReportingPeriod October = new(2025, 10);
    private static string Empty => CliTexts.Default.T("registry.empty");

    private async Task<(PipelineHarness H, UploadLinks Links)> SetUpAsync(bool registry = true)
    {
        var h = new PipelineHarness(azurite);
        if (registry) await h.InitAsync();
        else await StorageBootstrap.EnsureAsync(h.Blobs, h.Tables, h.Names);
        var links = TestStores.UploadLinks(new LinkOptions { SigningKey = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray() }, h.Tables, h.Names, h.Time);
        await links.EnsureAsync();
        return (h, links);
    }

    [SkippableFact]
    public async Task EmptyRegistry_ReportsRecapLinksRemind_SayItIsEmptyAndHowToImport()
    {
        var (h, links) = await SetUpAsync(registry: false);
        var e = new StringWriter();
        var outDir = Path.Combine(Path.GetTempPath(), "kkb-recap-" + Guid.NewGuid().ToString("N"));

        Assert.Equal(CommandLine.Rejected, await StorageCommands.ReportsAsync(h.Tables, h.Names, October, null, false, "azurite", TextWriter.Null, e));
        Assert.Equal(CommandLine.Rejected, await RecapCommand.ExecuteAsync(h.Tables, h.Names, [], new MailOptions(), "63.71", October, outDir, false, false, TextWriter.Null, e));
        Assert.Equal(CommandLine.Rejected, await LinksCommand.IssueAsync(links, h.Tables, h.Names, null, TimeSpan.FromDays(1), false, TextWriter.Null, e));
        Assert.Equal(CommandLine.Rejected, await RemindCommand.ExecuteAsync(h.Tables, h.Names, [], new MailOptions(), null, null, null, true, false, TextWriter.Null, e));

        Assert.Equal(4, e.ToString().Split('\n').Count(l => l == Empty));
        Assert.Contains("registry import", Empty);
        Assert.False(Directory.Exists(outDir));
    }

    [SkippableFact]
    public async Task Reports_RegencyOption_Filters()
    {
        var (h, _) = await SetUpAsync();
        var registry = await TestStores.For(h.Tables, h.Names).Registry.ListAsync();
        var regencies = registry.Select(k => k.RegencyCode).Distinct().ToList();
        Assert.True(regencies.Count >= 2, "the example registry spans two kabupaten/kota");
        var o = new StringWriter();

        Assert.Equal(CommandLine.Ok, await StorageCommands.ReportsAsync(h.Tables, h.Names, October, regencies[0], false, "azurite", o, TextWriter.Null));

        foreach (var k in registry) Assert.Equal(k.RegencyCode == regencies[0], o.ToString().Contains(k.AreaCode, StringComparison.Ordinal));
        var unknown = new StringWriter();
        Assert.Equal(CommandLine.Rejected, await StorageCommands.ReportsAsync(h.Tables, h.Names, October, "99.99", false, "azurite", TextWriter.Null, unknown));
        Assert.Contains("99.99", unknown.ToString());
    }

    [SkippableFact]
    public async Task Links_RegencyWithoutKampung_SaysSo_RevokingUnknownKampung_IsAnError()
    {
        var (h, links) = await SetUpAsync();
        var o = new StringWriter();
        var e = new StringWriter();

        Assert.Equal(CommandLine.Rejected, await LinksCommand.IssueAsync(links, h.Tables, h.Names, "99.99", TimeSpan.FromDays(1), false, o, e));
        Assert.Equal("", o.ToString());
        Assert.Contains("99.99", e.ToString());

        var revoke = new StringWriter();
        Assert.Equal(CommandLine.Rejected, await LinksCommand.RevokeAsync(links, h.Tables, h.Names, "63.71.99.9999", TextWriter.Null, revoke));
        Assert.Contains("63.71.99.9999", revoke.ToString());

        var kampung = (await TestStores.For(h.Tables, h.Names).Registry.ListAsync()).First();
        var link = await links.IssueAsync(kampung);
        Assert.Equal(CommandLine.Ok, await LinksCommand.RevokeAsync(links, h.Tables, h.Names, kampung.AreaCode, TextWriter.Null, TextWriter.Null));
        Assert.Null((await links.VerifyAsync(link.Url[(link.Url.IndexOf('#') + 1)..])).Claims);
    }

    [SkippableFact]
    public async Task RecapOrRemind_ForUnknownRegency_IsAnError_NamingTheKnownOnes()
    {
        var (h, links) = await SetUpAsync();
        var outDir = Path.Combine(Path.GetTempPath(), "kkb-recap-" + Guid.NewGuid().ToString("N"));
        var e = new StringWriter();

        Assert.Equal(CommandLine.Rejected, await RecapCommand.ExecuteAsync(h.Tables, h.Names, [], new MailOptions(), "99.99", October, outDir, false, false, TextWriter.Null, e));
        Assert.Equal(CommandLine.Rejected, await RemindCommand.ExecuteAsync(h.Tables, h.Names, [], new MailOptions(), links, "99.99", null, true, false, TextWriter.Null, e));

        Assert.Equal(2, e.ToString().Split('\n').Count(l => l.Contains("99.99", StringComparison.Ordinal) && l.Contains("63.71", StringComparison.Ordinal)));
        Assert.False(Directory.Exists(outDir));
    }
    /// <summary>
    /// <c>kkb recap --send</c> that could not send exits 1 and says why on stderr, both when no dinas address is configured
    /// and when the mail sender fails (here the outbox folder lies under a file, so it cannot be created); the recap files
    /// are still written.
    /// </summary>
    [SkippableFact]
    public async Task RecapSend_NoRecipients_OrSendingFails_ExitsOne_SayingWhy()
    {
        var (h, _) = await SetUpAsync();
        var outDir = Path.Combine(Path.GetTempPath(), "kkb-recap-" + Guid.NewGuid().ToString("N"));
        var blocker = Path.GetTempFileName();
        try
        {
            var failed = new StringWriter();
            var withRecipients = RegencySettings.Default("63.71") with { Recipients = ["rekap@dppkb.example"] };
            Assert.Equal(CommandLine.Rejected, await RecapCommand.ExecuteAsync(h.Tables, h.Names, [withRecipients],
                new MailOptions { OutboxDirectory = Path.Combine(blocker, "outbox") }, "63.71", October, outDir, true, false, TextWriter.Null, failed));
            Assert.Equal("kkb recap: rekap TIDAK terkirim ke dinas 63.71: folder outbox tidak dapat ditulis (periksa Mail__OutboxDirectory). Perbaiki lalu ulangi dengan --send.",
                failed.ToString().Trim());
            var noRecipients = new StringWriter();
            var o = new StringWriter();
            Assert.Equal(CommandLine.Rejected, await RecapCommand.ExecuteAsync(h.Tables, h.Names, [RegencySettings.Default("63.71")],
                new MailOptions { OutboxDirectory = Path.Combine(outDir, "outbox") }, "63.71", October, outDir, true, false, o, noRecipients));
            Assert.Contains("rekap TIDAK dikirim", noRecipients.ToString(), StringComparison.Ordinal);
            Assert.Contains("Regencies__6371__Recipients", noRecipients.ToString(), StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Combine(outDir, "rekap-kampung-kb-63.71-2025-10.xlsx")), o.ToString());

        }
        finally
        {
            File.Delete(blocker);
            if (Directory.Exists(outDir)) Directory.Delete(outDir, recursive: true);
        }
    }
}
