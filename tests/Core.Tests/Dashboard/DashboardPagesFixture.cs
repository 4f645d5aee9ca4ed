using System.Text.Json;
using KampungKB.Core.Model;
using KampungKB.Core.Store;

namespace KampungKB.Core.Tests.Dashboard;

/// <summary>The dashboard's Indonesian texts (every templates/dashboard/*.json) and small builders for the page planners' inputs.</summary>
internal static class DashboardPagesFixture
{
    private static readonly Lazy<Dictionary<string, string>> s_texts = new(() =>
    {
        var texts = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in Directory.GetFiles(Path.Combine(Repo.Templates, "dashboard"), "*.json"))
            foreach (var p in JsonDocument.Parse(File.ReadAllText(file)).RootElement.EnumerateObject())
                texts[p.Name] = p.Value.GetString()!;
        return texts;
    });

    public static IReadOnlyDictionary<string, string> Texts => s_texts.Value;

    /// <summary>A text with its placeholders filled, as DashboardTemplates.Text does; throws on an unknown key (a missing text is a bug).</summary>
    public static string Text(string key, (string Name, string Value)[] values)
    {
        var text = Texts[key];
        foreach (var (name, value) in values) text = text.Replace("{" + name + "}", value, StringComparison.Ordinal);
        return text;
    }

    public static string Text(string key) => Text(key, []);

    public static readonly RegencySettings Banjarmasin = RegencySettings.Default("63.71") with { Name = "Kota Banjarmasin", TimeZone = LocalTime.Wita };

    public static RegistryEntry Kampung(string area = "63.71.04.1005", string name = "Pelambuan Sejahtera", string? email = "pokja@example.org", string district = "Banjarmasin Barat") =>
        new(area, name, "Pelambuan", district, "Kota Banjarmasin", "Dasar", KampungClass.Dasar, 2019, email, "0812-0000-0000", "Ibu PKB", "pkb@example.org");

    public static StoredReport Report(string area, ReportingPeriod period, DateTimeOffset first, int warnings = 0, IReadOnlyDictionary<string, decimal>? indicators = null,
        int participants = 0, bool activities = true) =>
        new(area, period, activities ? "v1" : null, indicators is null ? null : "v1", first, activities ? 2 : 0, participants, participants / 2, participants - participants / 2, warnings,
            indicators ?? new Dictionary<string, decimal>(), first);

    public static UploadRecord Upload(string id, string area, ReportingPeriod? period, string status, DateTimeOffset at, params Problem[] problems) =>
        new(id, area[..5], $"uploads/{area}/{id}.xlsx", "laporan.xlsx", area, period, status, "hash", 1000, at, at, 0,
            problems.Count(p => p.Severity == Severity.Error), problems.Count(p => p.Severity != Severity.Error), problems);

    public static ReportMonth Month(ReportingPeriod period, params StoredReport[] reports) =>
        new(period, reports.ToDictionary(r => r.AreaCode, StringComparer.Ordinal), new Dictionary<string, ReportedUpload>());

    /// <summary>Local WITA time.</summary>
    public static DateTimeOffset Wita(int y, int m, int d, int h = 9, int min = 0) => new(y, m, d, h, min, 0, TimeSpan.FromHours(8));
}
