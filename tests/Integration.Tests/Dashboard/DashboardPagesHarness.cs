using System.Net;
using System.Net.Sockets;
using KampungKB.Cli.Dev;
using KampungKB.Core.Dashboard;
using KampungKB.Core.Outbox.Mail;
using KampungKB.Core.Registry;
using KampungKB.Core.Store;
using KampungKB.Integration.Tests.Azurite;
using KampungKB.Integration.Tests.Functions;
using KampungKB.Integration.Tests.Page;
using KampungKB.Integration.Tests.Pipeline;
using KampungKB.Integration.Tests.Recaps;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Playwright;

namespace KampungKB.Integration.Tests.Dashboard;

/// <summary>
/// The dashboard's kampung and trends pages end to end, as <c>kkb dev</c> serves them: the Functions app under the local
/// runner on a free port, the blob trigger ingesting what a test drops into <c>uploads/</c>, the E06 registry (Kota
/// Banjarmasin 63.71 and Kabupaten Tanah Laut 63.01), mails recorded instead of sent, and signed-in sessions made through
/// the dashboard's own store; Chromium (Playwright) for what a reader sees.
/// </summary>
internal sealed class DashboardPagesHarness : IAsyncDisposable
{
    public const string Banjarmasin = "63.71";
    public const string TanahLaut = "63.01";
    public const string Pelambuan = "63.71.04.1005";
    public const string TajauPecah = "63.01.05.2009";

    private readonly CancellationTokenSource _stop = new();
    private LocalFunctionHost _functions = null!;
    private Task _runner = Task.CompletedTask;
    private IPlaywright? _playwright;

    public StorageNames Names { get; } = new(AzuriteFixture.UniqueName("db"));
    public RecordingMailSender Mail { get; } = new();
    public AzuriteFixture Azurite { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;
    public Uri Address => _functions.Address;
    public IServiceProvider Services => _functions.Services;

    public static async Task<DashboardPagesHarness> StartAsync(AzuriteFixture azurite)
    {
        var h = new DashboardPagesHarness { Azurite = azurite };
        var port = FreePort();
        var settings = FunctionsHarness.Settings(azurite);
        settings["Links__BaseUrl"] = $"http://127.0.0.1:{port}";
        h._functions = await LocalFunctionHost.StartAsync(settings, HostOptions.Load(Path.Combine(PipelineHarness.Root, "host.json")), port, services =>
        {
            services.AddSingleton(h.Names);
            services.AddSingleton<IMailSender>(h.Mail);
        });
        var importer = TestStores.RegistryImporter(PipelineHarness.Engine, azurite.Tables, h.Names, TimeProvider.System, NullLogger<RegistryImporter>.Instance);
        Assert.True((await importer.ImportAsync("daftar.xlsx", PipelineHarness.Example("E06"))).Accepted);
        var receipts = AzuriteFixture.UniqueName("Receipts").Replace("-", "", StringComparison.Ordinal);
        var runner = new BlobTriggerRunner(h._functions, azurite.Blobs, azurite.Tables, h.Names, PoisonQueue.For(azurite.Process!.ConnectionString), receipts);
        h._runner = Task.Run(() => runner.WatchAsync(_ => { }, TimeSpan.FromMilliseconds(300), h._stop.Token));
        return h;
    }

    /// <summary>Starts Chromium (after <see cref="PageHarness.RequireChromium"/>).</summary>
    public async Task StartBrowserAsync()
    {
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = PageHarness.ChromiumPath,
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    /// <summary>A dinas user of <paramref name="scope"/> signed in: the session cookie's value and the session's CSRF token.</summary>
    public async Task<(string Cookie, string Csrf)> SignInAsync(string email, DashboardRole role, params string[] scope)
    {
        var store = Services.GetRequiredService<DashboardStore>();
        var user = await store.AddUserAsync(email, role, scope, DateTimeOffset.UtcNow);
        var (cookie, session) = await store.StartSessionAsync(user.UserId, DateTimeOffset.UtcNow);
        return (cookie, session.Csrf);
    }

    /// <summary>An HTTP client carrying the session cookie (no redirects followed, so 303/403 are seen as they are).</summary>
    public HttpClient Client(string? cookie)
    {
        var handler = new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false };
        var client = new HttpClient(handler) { BaseAddress = Address };
        if (cookie is not null) client.DefaultRequestHeaders.Add("Cookie", $"{DashboardGate.SessionCookie}={cookie}");
        return client;
    }

    /// <summary>A browser page of the given width with the session cookie set.</summary>
    public async Task<IPage> PageAsync(string cookie, int width)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = width, Height = 800 }, AcceptDownloads = true });
        await context.AddCookiesAsync([new Microsoft.Playwright.Cookie { Name = DashboardGate.SessionCookie, Value = cookie, Url = Address.ToString().TrimEnd('/') + DashboardGate.CookiePath }]);
        return await context.NewPageAsync();
    }

    /// <summary>Drops a file as the upload page does (<c>uploads/{area}/{name}</c>) and waits until the pipeline has logged it; returns its upload id.</summary>
    public async Task<UploadRecord> UploadAsync(string area, string name, byte[] content)
    {
        var container = Azurite.Blobs.GetBlobContainerClient(Names.Uploads);
        await container.CreateIfNotExistsAsync();
        await container.GetBlobClient($"{area}/{name}").UploadAsync(BinaryData.FromBytes(content));
        var log = new UploadLog(Azurite.Tables, Names);
        for (var i = 0; i < 600; i++)
        {
            var found = (await log.RecentAsync(area[..5], area, 50)).FirstOrDefault(u => u.FileName == name);
            if (found is not null) return found;
            await Task.Delay(100);
        }
        throw new TimeoutException($"upload {name} was not processed");
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
