using System.Net;
using System.Net.Sockets;
using KampungKB.Cli.Dev;
using KampungKB.Core.Uploads.Links;
using KampungKB.Integration.Tests.Functions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace KampungKB.Integration.Tests.Page;

/// <summary>
/// The upload page end to end, as <c>kkb dev</c> runs it: the Functions app under the local runner, its
/// HTTP functions on a free port (browser → UploadPage function), the blob trigger ingesting what the page stores,
/// all over the run's Azurite with this test's own name prefix; and Debian's Chromium driven by Playwright.
/// </summary>
internal sealed class PageHarness : IAsyncDisposable
{
    public const string Pelambuan = "63.71.04.1005";
    public const string BanuaAnyar = "63.71.03.1002";
    public const string Sungai = "63.71.05.1003";
    public static readonly string SigningKey = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());
    internal const string ChromiumPath = "/usr/bin/chromium";

    private readonly CancellationTokenSource _stop = new();
    private LocalFunctionHost _functions = null!;
    private Task _runner = Task.CompletedTask;
    private IPlaywright? _playwright;

    public StorageNames Names { get; } = new(AzuriteFixture.UniqueName("pg"));
    public UploadLinks Links { get; private set; } = null!;
    public RegistryStore Registry { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;
    public AzuriteFixture Azurite { get; private set; } = null!;

    /// <summary>Returns when Chromium is there; without it throws <see cref="SkipException"/> locally (the test is reported skipped) and fails when CI=true.</summary>
    public static void RequireChromium()
    {
        if (File.Exists(ChromiumPath)) return;
        if (AzuriteFixture.IsCi) throw new InvalidOperationException($"{ChromiumPath} is missing (scripts/setup.sh installs it). CI=true: failing instead of skipping.");
        throw new SkipException($"{ChromiumPath} is missing; run scripts/setup.sh.");
    }

    /// <param name="ingest">False: no trigger runner, so result pages stay "being checked".</param>
    public static async Task<PageHarness> StartAsync(AzuriteFixture azurite, bool ingest = true)
    {
        var h = new PageHarness { Azurite = azurite };
        var port = FreePort();
        var settings = FunctionsHarness.Settings(azurite);
        settings["Links__BaseUrl"] = $"http://127.0.0.1:{port}";
        h._functions = await LocalFunctionHost.StartAsync(settings, HostOptions.Load(Path.Combine(PipelineHarness.Root, "host.json")), port,
            services => services.AddSingleton(h.Names));
        h.Links = h._functions.Services.GetRequiredService<UploadLinks>();
        h.Registry = TestStores.For(azurite.Tables, h.Names).Registry;

        var importer = TestStores.RegistryImporter(PipelineHarness.Engine, azurite.Tables, h.Names, TimeProvider.System, NullLogger<RegistryImporter>.Instance);
        var registry = await importer.ImportAsync("daftar.xlsx", PipelineHarness.Example("E06"));
        Assert.True(registry.Accepted);

        var receipts = AzuriteFixture.UniqueName("Receipts").Replace("-", "", StringComparison.Ordinal);
        var runner = new BlobTriggerRunner(h._functions, azurite.Blobs, azurite.Tables, h.Names, PoisonQueue.For(azurite.Process!.ConnectionString), receipts);
        h._runner = ingest ? Task.Run(() => runner.WatchAsync(_ => { }, TimeSpan.FromMilliseconds(300), h._stop.Token)) : Task.CompletedTask;

        h._playwright = await Playwright.CreateAsync();
        h.Browser = await h._playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        return h;
    }

    public async Task<string> LinkAsync(string areaCode, TimeSpan? lifetime = null) =>
        (await Links.IssueAsync((await Registry.GetAsync(areaCode))!, lifetime)).Url;

    /// <summary>
    /// Opens a link as the page's script does (posts the fragment's token to <c>/buka</c>, which sets the
    /// kampung's cookie in the page's context), then goes to the page's address; for pages without JavaScript.
    /// </summary>
    public static async Task<IResponse?> OpenAsync(IPage page, string link)
    {
        var hash = link.IndexOf('#');
        var form = page.APIRequest.CreateFormData();
        form.Set("t", link[(hash + 1)..]);
        var opened = await page.APIRequest.PostAsync(link[..hash] + "/buka", new() { Form = form, MaxRedirects = 0 });
        Assert.Equal(303, opened.Status);
        return await page.GotoAsync(link[..hash]);
    }

    public async Task<IPage> NewPageAsync(bool javaScript = true, int width = 412, int height = 860)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { JavaScriptEnabled = javaScript, ViewportSize = new ViewportSize { Width = width, Height = height } });
        return await context.NewPageAsync();
    }

    /// <summary>
    /// Words the browser split across two lines (each text run measured with a DOM range: a word whose boxes sit on two
    /// lines was broken inside). Breaks after a hyphen or slash, and at the &lt;wbr&gt; points of file names, are fine.
    /// </summary>
    private const string BrokenWordsScript = """
        () => { const out = []; const w = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT); let n;
          while ((n = w.nextNode())) {
            const el = n.parentElement; if (!el || el.closest('script,style,noscript,title')) continue;
            const t = n.nodeValue; const re = /[^\s\-\/]+[\-\/]?/g; let m;
            while ((m = re.exec(t))) {
              if (m[0].length < 2) continue;
              const r = document.createRange(); r.setStart(n, m.index); r.setEnd(n, m.index + m[0].length);
              const lines = new Set([...r.getClientRects()].filter(x => x.width > 0 && x.height > 0).map(x => Math.round(x.bottom)));
              if (lines.size > 1) out.push(m[0]);
            } }
          return out; }
        """;

    /// <summary>What a reader notices on a phone: nothing wider than the screen, and no word broken in the middle.</summary>
    public static async Task AssertReadableAsync(IPage page, int width, string what = "page")
    {
        Assert.True(await page.EvaluateAsync<int>("document.documentElement.scrollWidth") <= width, $"{what} is wider than {width} px");
        var broken = await page.EvaluateAsync<string[]>(BrokenWordsScript);
        Assert.True(broken.Length == 0, $"{what} at {width} px breaks words inside: {string.Join(", ", broken.Take(8))}");
    }

    /// <summary>Saves the page at 360 and 390 px wide as docs/img/{name}-360.png and -390.png when KKB_SCREENSHOTS=1.</summary>
    public static async Task ScreenshotPhonesAsync(IPage page, string name)
    {
        if (Environment.GetEnvironmentVariable("KKB_SCREENSHOTS") != "1") return;
        var dir = Path.Combine(PipelineHarness.Root, "docs", "img");
        Directory.CreateDirectory(dir);
        foreach (var width in new[] { 360, 390 })
        {
            await page.SetViewportSizeAsync(width, 740);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(dir, $"{name}-{width}.png"), FullPage = true });
        }
    }

    /// <summary>Saves a screenshot into docs/img when KKB_SCREENSHOTS=1 (the docs' pictures are made this way).</summary>
    public static async Task ScreenshotAsync(IPage page, string name)
    {
        if (Environment.GetEnvironmentVariable("KKB_SCREENSHOTS") != "1") return;
        var dir = Path.Combine(PipelineHarness.Root, "docs", "img");
        Directory.CreateDirectory(dir);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(dir, name), FullPage = true });
    }

    public async Task<List<string>> UploadedBlobNamesAsync()
    {
        var list = new List<string>();
        await foreach (var b in Azurite.Blobs.GetBlobContainerClient(Names.Uploads).GetBlobsAsync()) list.Add(b.Name);
        return list;
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        try { await _runner; } catch (OperationCanceledException) { }
        if (Browser is not null) await Browser.CloseAsync();
        _playwright?.Dispose();
        if (_functions is not null) await _functions.DisposeAsync();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
