using System.Net.Sockets;
using System.Text;
using KampungKB.Core.Links;
using KampungKB.Core.Uploads;
using KampungKB.Core.Registry;
using KampungKB.Core.Feedback;
using KampungKB.Core.Reports;
using KampungKB.Core.Storage;
using KampungKB.Integration.Tests.Azurite;
using KampungKB.Integration.Tests.Functions;
using KampungKB.Integration.Tests.Pipeline;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace KampungKB.Integration.Tests.Page;

/// <summary>
/// The UploadPage HTTP function answers a refused link, and a body over the cap, without reading the
/// body: the client below announces 100 MB, sends 1 KB and then stalls; the answer must still come.
/// </summary>
[Collection(AzuriteCollection.Name)]
public class UploadPageLimitsTests(AzuriteFixture azurite)
{
    /// <summary>
    /// Over a raw socket: headers announcing 100 MB, then 1 KB of body, then nothing; returns the status
    /// code of the answer (which must come while the rest of the body is still owed).
    /// </summary>
    private static async Task<int> PostStallingAsync(Uri url)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(url.Host, url.Port);
        var stream = tcp.GetStream();
        var head = $"POST {url.PathAndQuery} HTTP/1.1\r\nHost: {url.Authority}\r\nAccept: application/json\r\n" +
            "Content-Type: multipart/form-data; boundary=b\r\nContent-Length: 104857600\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        await stream.WriteAsync(new byte[1024].Select(_ => (byte)'x').ToArray());
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var buffer = new byte[64];
        var read = await stream.ReadAsync(buffer, timeout.Token);
        var status = Encoding.ASCII.GetString(buffer, 0, read).Split(' ');
        return int.Parse(status[1], System.Globalization.CultureInfo.InvariantCulture);
    }

    [SkippableFact]
    public async Task RefusedLinkAndOversizedBody_AnsweredWithoutReadingTheBody()
    {
        if (!azurite.Require()) return;
        await using var h = await FunctionsHarness.StartAsync(azurite, prefix: "lim");
        var importer = new RegistryImporter(PipelineHarness.Engine, azurite.Tables, h.Names, TimeProvider.System, NullLogger<RegistryImporter>.Instance);
        Assert.True((await importer.ImportAsync("daftar.xlsx", PipelineHarness.Example("E06"))).Accepted);
        var links = h.Host.Services.GetRequiredService<UploadLinks>();
        var kampung = (await new RegistryStore(azurite.Tables, h.Names).GetAsync(PageHarness.Pelambuan))!;
        var token = new Uri((await links.IssueAsync(kampung)).Url).Segments[^1];
        var page = new Uri(h.Host.Address, $"{h.Host.Host.RoutePrefix}/kampung/");

        Assert.Equal(403, await PostStallingAsync(new Uri(page, "bukan-tautan")));
        Assert.Equal(413, await PostStallingAsync(new Uri(page, token)));
        var uploaded = new List<string>();
        await foreach (var b in azurite.Blobs.GetBlobContainerClient(h.Names.Uploads).GetBlobsAsync()) uploaded.Add(b.Name);
        Assert.Empty(uploaded);
    }
}
