using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;
using System.Text.RegularExpressions;

namespace KampungKB.Core.Tests.Architecture;

/// <summary>
/// User-facing text is Bahasa Indonesia and lives in <c>templates/</c>, never in code (conventions 3). Reads every string
/// literal compiled into KampungKB.Core.dll (the metadata's user-string heap, so interpolated and concatenated pieces are
/// seen as the compiler kept them) and fails on one holding a common Indonesian word that is not listed below with why it
/// may stay in code.
/// </summary>
public class UserTextTests
{
    /// <summary>Words of Indonesian prose that no code identifier, key or format uses on its own.</summary>
    private static readonly Regex IndonesianWord = new(
        @"\b(yang|dan|tidak|belum|sudah|dengan|untuk|atau|dari|pada|ini|itu|di antaranya|sejak|jumlah|bulan|laporan|kegiatan|berkas|peserta|kampung terdaftar|melapor|terlambat|ditolak|diterima|dikenali|pengingat|eskalasi|mohon|perbaiki|kirim|unggah|lebih)\b",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    /// <summary>
    /// Literals that may stay in code, each with its reason: data vocabulary matched against what cadres and the BKKBN
    /// website write (not text shown to anyone), route segments, keys and default setting values.
    /// </summary>
    private static readonly Dictionary<string, string> Allowed = new(StringComparer.Ordinal)
    {
        [" dan "] = "partner lists joined and split as the BKKBN website writes them (Model/OptionLists)",
        ["dan"] = "option-list word the website's lists are matched by",
        ["\\s[-–—|]\\s|[,;|(]|\\s{2,}|\\b(?:BULAN|PERIODE|TAHUN|TANGGAL|TGL)\\b|\\b(?:januari|january|jan|februari|pebruari|febuari|february|feb|peb|maret|march|mart|mrt|mar|april|apr|mei|may|juni|june|jun|juli|july|jul|agustus|august|agst|agus|agu|agt|ags|aug|september|sept|sep|oktober|october|okt|oct|november|nopember|nov|nop|desember|december|des|dec)\\s+\\d{4}\\b"] = "a pattern matching what cadres write (Ingestion)",
        ["^(?:orang|org|jiwa|kk|keluarga|pasang|peserta|pasangan|anak|remaja)$"] = "unit words cadres write after numbers (Ingestion)",
        ["desktop.ini"] = "a system file name skipped in zips",
        ["answer.tidak"] = "a template key (templates/handover/handover.json)",
        ["tidak"] = "a setting value read as false (MailOptions), and the handover key suffix",
        ["Tidak"] = "the website's Ada/Tidak Ada option as it is written in files",
        ["laporan"] = "the trends route segment (Dashboard/Trends.Reporting)",
        ["bulan"] = "a query or data key",
        ["?bulan="] = "the dashboard's query parameter",
        ["&bulan="] = "the dashboard's query parameter, after another",
        ["/berkas/"] = "a dashboard route segment",
        ["/kirim"] = "a dashboard route segment",
        ["/pengingat"] = "a dashboard route segment",
        ["-pengingat"] = "a dashboard route segment",
        ["pengingat"] = "a dashboard route segment",
        ["ditolak"] = "a dashboard status tag (CSS class and template key suffix)",
        ["belum"] = "a dashboard status tag",
        ["sudah"] = "a dashboard action tag",
        ["terlambat"] = "a dashboard status tag",
        ["tidak-dikenal"] = "a dashboard action tag",
        ["peserta"] = "a layout key",
        ["Laporan Diproses"] = "the default of the setting MailIn__ProcessedFolder (a mailbox folder name)",
        ["Sender must be a single mailbox address such as laporan@dppkb.banjarmasinkota.go.id."] = "an English settings error; the word is an address",
        ["The reporting mailbox must be one address such as laporan.kkb@dppkb.example.go.id."] = "an English settings error; the word is an address",
        ["berkas"] = "the file name given to an upload whose name is empty (Store/UploadPath, Uploads/ArchiveReader)",
    };

    [Fact]
    public void CoreStringLiterals_HoldNoIndonesianUserText()
    {
        var found = UserStrings(typeof(KampungKB.Core.Model.AreaCode).Assembly.Location)
            .Where(s => IndonesianWord.IsMatch(s) && !Allowed.ContainsKey(s))
            .Distinct().Order(StringComparer.Ordinal).ToList();
        Assert.True(found.Count == 0, "Indonesian text in KampungKB.Core (move it to templates/, or allow it with a reason):\n" + string.Join("\n", found.Select(s => $"  \"{s}\"")));
    }

    [Fact]
    public void TheScan_FindsAnIndonesianLiteral()
    {
        Assert.Matches(IndonesianWord, "Belum ada laporan yang diterima");
        Assert.DoesNotMatch(IndonesianWord, "summary.missing");
        Assert.Contains(UserStrings(typeof(KampungKB.Core.Model.AreaCode).Assembly.Location), s => s == "summary.missing");
    }

    private static IEnumerable<string> UserStrings(string assemblyPath)
    {
        using var pe = new PEReader(File.OpenRead(assemblyPath));
        var md = pe.GetMetadataReader();
        var handle = MetadataTokens.UserStringHandle(1);
        var list = new List<string>();
        while (!handle.IsNil)
        {
            list.Add(md.GetUserString(handle));
            handle = md.GetNextHandle(handle);
        }
        return list;
    }
}
