using System.Text.RegularExpressions;

namespace KampungKB.Core.Tests.Templating;

/// <summary>
/// One word per state of a report in everything a cadre or the dinas reads (templates/, every channel: page, e-mail,
/// WhatsApp, mail-in replies, CLI, problem messages): a file or e-mail that arrived is <i>masuk</i>, a report that passed
/// the checks is <i>diterima</i>, one that did not is <i>ditolak</i>. "Diterima" never stands for "arrived" ("sudah kami
/// terima") and a refusal is never phrased as "belum dapat diterima", which reads as "not yet received".
/// </summary>
public partial class VocabularyTests
{
    /// <summary>The phrases that mix the three states, each with the word to use instead.</summary>
    private static readonly (Regex Pattern, string Instead)[] Rules =
    [
        (BareTerima(), "masuk (received); 'terima' alone is only 'terima kasih'"),
        (NegatedDiterima(), "ditolak (rejected) or belum masuk (not received)"),
    ];

    private static List<string> Files() => Directory.EnumerateFiles(Repo.Templates, "*", SearchOption.AllDirectories)
        .Where(f => f.EndsWith(".json", StringComparison.Ordinal) || f.EndsWith(".hbs", StringComparison.Ordinal))
        .Select(f => Path.GetRelativePath(Repo.Templates, f)).Order(StringComparer.Ordinal).ToList();

    public static TheoryData<string> TemplateFiles()
    {
        var data = new TheoryData<string>();
        foreach (var f in Files()) data.Add(f);
        return data;
    }

    [Theory]
    [MemberData(nameof(TemplateFiles))]
    public void Template_UsesMasukDiterimaDitolak_Consistently(string file)
    {
        var text = Readable(File.ReadAllText(Path.Combine(Repo.Templates, file)));
        var found = Violations(text).ToList();
        Assert.True(found.Count == 0, $"templates/{file}: " + string.Join("; ", found));
    }

    [Fact]
    public void TemplateFiles_CoverEveryChannel()
    {
        var files = Files();
        foreach (var dir in new[] { "email", "page", "whatsapp", "mailin", "cli", "messages" })
            Assert.Contains(files, f => f.StartsWith(dir + Path.DirectorySeparatorChar, StringComparison.Ordinal));
    }

    /// <summary>The rules catch the sentences that once mixed the states, and pass their rewording.</summary>
    [Theory]
    [InlineData("Terima kasih, email Anda sudah kami terima.", false)]
    [InlineData("Laporan Anda sudah kami terima, tetapi belum bisa diterima.", false)]
    [InlineData("Laporan bulan Oktober 2025 belum dapat diterima.", false)]
    [InlineData("sehingga laporannya tidak <b>diterima</b>.", false)]
    [InlineData("Laporan sudah kami terima.", false)]
    [InlineData("Pokja tidak menerima pengingat otomatis.", true)]
    [InlineData("Terima kasih, email Anda sudah masuk.", true)]
    [InlineData("Berkas sudah masuk, tetapi <b>ditolak</b>.", true)]
    [InlineData("Belum ada laporan Oktober 2025 yang diterima.", true)]
    [InlineData("Laporan tetap diterima; periksa bulannya.", true)]
    public void Rules_CatchMixedStates(string sentence, bool consistent) =>
        Assert.Equal(consistent, !Violations(Readable(sentence)).Any());

    private static IEnumerable<string> Violations(string text)
    {
        foreach (var (pattern, instead) in Rules)
            foreach (Match m in pattern.Matches(text))
                yield return $"\"{Around(text, m)}\": use {instead}";
    }

    /// <summary>The text a reader sees: tags and Handlebars expressions removed, JSON escapes of quotes and new lines undone.</summary>
    private static string Readable(string source) =>
        Spaces().Replace(Tags().Replace(source.Replace("\\n", " ").Replace("\\\"", "\""), " "), " ");

    private static string Around(string text, Match m)
    {
        var from = Math.Max(0, m.Index - 30);
        return text[from..Math.Min(text.Length, m.Index + m.Length + 30)];
    }

    [GeneratedRegex(@"\bterima\b(?!\s+kasih)", RegexOptions.IgnoreCase)]
    private static partial Regex BareTerima();

    [GeneratedRegex(@"\b(?:belum|tidak)\s+(?:(?:dapat|bisa)\s+)?(?:kami\s+)?diterima\b", RegexOptions.IgnoreCase)]
    private static partial Regex NegatedDiterima();

    [GeneratedRegex(@"<[^>]*>|\{\{[^}]*\}\}")]
    private static partial Regex Tags();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
