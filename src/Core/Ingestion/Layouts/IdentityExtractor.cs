using System.Text.RegularExpressions;
using KampungKB.Core.Ingestion.Normalisation;

namespace KampungKB.Core.Ingestion.Layouts;

/// <summary>
/// Reads who a report is about from free-text banner rows: "KELURAHAN PELAMBUAN - KEC. BANJARMASIN BARAT",
/// "Desa Karang Anyar Kec. Tanjung Palas Utara Kab. Bulungan", "Kampung KB Tajau Pecah, Desa Tajau Pecah, …".
/// </summary>
internal static partial class IdentityExtractor
{
    [GeneratedRegex(
        @"(?<name>\bKAMPUNG\s+KB\b)|(?<village>\b(?:DESA\s*/\s*KELURAHAN|KELURAHAN\s*/\s*DESA|DESA|KELURAHAN|KEL\.|DS\.))|" +
        @"(?<district>\b(?:KECAMATAN|KEC\b\.?))|(?<kab>\b(?:KABUPATEN\s*/\s*KOTA|KABUPATEN|KAB\b\.?))|(?<kota>\bKOTA\b)|(?<province>\b(?:PROVINSI|PROV\b\.?))",
        RegexOptions.IgnoreCase)]
    private static partial Regex Keyword();

    [GeneratedRegex(@"\s[-–—|]\s|[,;|(]|\s{2,}|\b(?:BULAN|PERIODE|TAHUN|TANGGAL|TGL)\b|\b(?:" + IndonesianDate.MonthPattern + @")\s+\d{4}\b", RegexOptions.IgnoreCase)]
    private static partial Regex Delimiter();

    internal sealed record Found(string? Name, string? Village, string? District, string? Regency, string? Province);

    internal static Found Extract(string text)
    {
        string? name = null, village = null, district = null, regency = null, province = null;
        var matches = Keyword().Matches(text);
        for (var i = 0; i < matches.Count; i++)
        {
            var m = matches[i];
            var end = i + 1 < matches.Count ? matches[i + 1].Index : text.Length;
            var raw = text[(m.Index + m.Length)..end].TrimStart(' ', ':', '.', '\t');
            var cut = Delimiter().Match(raw);
            if (cut.Success) raw = raw[..cut.Index];
            var value = Text.Tidy(raw);
            if (value.Length < 2 || !value.Any(char.IsLetter)) continue;
            if (m.Groups["name"].Success) name ??= "Kampung KB " + value;
            else if (m.Groups["village"].Success) village ??= value;
            else if (m.Groups["district"].Success) district ??= value;
            else if (m.Groups["kab"].Success) regency ??= m.Value.Contains('/') ? value : "Kabupaten " + value;
            else if (m.Groups["kota"].Success) regency ??= "Kota " + value;
            else if (m.Groups["province"].Success) province ??= value;
        }
        return new Found(name, village, district, regency, province);
    }
}
