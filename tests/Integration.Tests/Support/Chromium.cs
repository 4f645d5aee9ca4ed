using Microsoft.Playwright;

namespace KampungKB.Integration.Tests.Support;

/// <summary>
/// Debian's Chromium driven by Playwright, and what a reader notices on a page: the one place the browser tests start
/// it, check a page's width and broken words, and save the docs' pictures.
/// </summary>
internal static class Chromium
{
    public const string Path = "/usr/bin/chromium";

    /// <summary>Returns when Chromium is there; without it throws <see cref="SkipException"/> locally (the test is reported skipped) and fails when CI=true.</summary>
    public static void Require()
    {
        if (File.Exists(Path)) return;
        if (AzuriteFixture.IsCi) throw new InvalidOperationException($"{Path} is missing (scripts/setup.sh installs it). CI=true: failing instead of skipping.");
        throw new SkipException($"{Path} is missing; run scripts/setup.sh.");
    }

    /// <summary>Headless Chromium without the background traffic a test does not want (updates, sync, first-run pages).</summary>
    public static Task<IBrowser> LaunchAsync(IPlaywright playwright) => playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
    {
        ExecutablePath = Path,
        Headless = true,
        Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    });

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
        if (!Screenshots(out var dir)) return;
        foreach (var width in new[] { 360, 390 })
        {
            await page.SetViewportSizeAsync(width, 740);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = System.IO.Path.Combine(dir, $"{name}-{width}.png"), FullPage = true });
        }
    }

    /// <summary>Saves a screenshot into docs/img when KKB_SCREENSHOTS=1 (the docs' pictures are made this way).</summary>
    public static async Task ScreenshotAsync(IPage page, string name)
    {
        if (!Screenshots(out var dir)) return;
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = System.IO.Path.Combine(dir, name), FullPage = true });
    }

    private static bool Screenshots(out string dir)
    {
        dir = System.IO.Path.Combine(PipelineHarness.Root, "docs", "img");
        if (Environment.GetEnvironmentVariable("KKB_SCREENSHOTS") != "1") return false;
        Directory.CreateDirectory(dir);
        return true;
    }
}
