using System.Globalization;
using System.Text.Json;
using KampungKB.Cli.Dev;
using KampungKB.Core.Links;
using KampungKB.Core.Storage;
using KampungKB.Core.Registry;

namespace KampungKB.Cli.Commands;

/// <summary>
/// <c>kkb links [--regency CODE] [--expires DAYS] [--json]</c>: one personal upload link per kampung in
/// the registry; <c>kkb links revoke AREA</c>: every link of that kampung stops working.
/// </summary>
internal static class LinksCommand
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.FirstOrDefault() == "revoke") return await RevokeAsync(args[1..]);
        var json = args.Contains("--json");
        var regency = Option(args, "--regency");
        var days = 90;
        if (Option(args, "--expires") is { } e && (!int.TryParse(e, NumberStyles.None, CultureInfo.InvariantCulture, out days) || days is < 1 or > 3660))
            return Usage("kkb links [--regency KODE] [--expires HARI] [--json]   (HARI: 1–3660)");

        await using var env = await LocalEnvironment.OpenAsync();
        await StorageBootstrap.EnsureAsync(env.Blobs, env.Tables, StorageNames.Default);
        var links = Create(env);
        await links.EnsureAsync();
        var kampung = (await new RegistryStore(env.Tables, StorageNames.Default).ListAsync(regency))
            .OrderBy(k => k.AreaCode, StringComparer.Ordinal).ToList();
        var issued = new List<IssuedLink>();
        foreach (var k in kampung) issued.Add(await links.IssueAsync(k, TimeSpan.FromDays(days)));

        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(issued.Select(l => new { areaCode = l.AreaCode, kampung = l.Kampung, url = l.Url }), Json));
            return 0;
        }
        if (issued.Count == 0)
        {
            Console.Error.WriteLine("Belum ada Kampung KB di daftar. Impor dulu: ./kkb registry import BERKAS");
            return 1;
        }
        Console.WriteLine($"Tautan unggah pribadi ({issued.Count} kampung, berlaku sampai {issued[0].ExpiresAt:yyyy-MM-dd}):");
        foreach (var l in issued) Console.WriteLine($"{l.AreaCode}  {l.Kampung}\n    {l.Url}");
        return 0;
    }

    private static async Task<int> RevokeAsync(string[] args)
    {
        if (args.Length != 1 || !KampungKB.Core.Model.AreaCode.TryParse(args[0], out var area)) return Usage("kkb links revoke KODE_WILAYAH   (mis. 63.71.04.1005)");
        await using var env = await LocalEnvironment.OpenAsync();
        var links = Create(env);
        await links.EnsureAsync();
        var version = await links.RevokeAsync(area.Value);
        Console.WriteLine($"Semua tautan lama untuk {area.Value} tidak berlaku lagi (versi kunci {version}). Buat tautan baru dengan: ./kkb links --regency {area.Regency}");
        return 0;
    }

    internal static UploadLinks Create(LocalEnvironment env)
    {
        LinkOptions.TryParseKey(LocalLinkKey.Resolve(env.Root), out var key, out var error);
        if (key.Length == 0) throw new InvalidOperationException("Links__SigningKey " + error);
        LinkOptions.TryParseBaseUrl(Environment.GetEnvironmentVariable("Links__BaseUrl"), out var baseUrl);
        return new UploadLinks(new LinkOptions { SigningKey = key, BaseUrl = baseUrl }, env.Tables, StorageNames.Default, TimeProvider.System);
    }

    private static string? Option(string[] args, string name)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }

    private static int Usage(string message)
    {
        Console.Error.WriteLine("Cara pakai: " + message);
        return 2;
    }
}
