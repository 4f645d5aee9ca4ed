using System.Text;
using KampungKB.Core.Model;
using KampungKB.Core.Ingestion.Validation;

namespace KampungKB.Core.Store;

/// <summary>
/// Reads a blob name in <c>uploads/</c>: <c>{areaCode}/{file}</c> from the upload page names its kampung;
/// <c>{file}</c> (or any other folder) is a bulk drop whose kampung is found from the content.
/// </summary>
internal sealed record UploadPath(string? AreaCode, string FileName, string? Problem)
{
    /// <summary>The month named by <c>{areaCode}/{YYYY-MM}/{file}</c> (a link for a chosen month); a file stating another month is then rejected as <c>period-mismatch</c>.</summary>
    public ReportingPeriod? Period { get; init; }

    public static UploadPath Parse(string name)
    {
        var segments = name.Split('/');
        var fileName = segments[^1];
        if (segments.Any(s => s is "" or "." or ".." || s.Any(char.IsControl)) || fileName.Length == 0)
            return new UploadPath(null, SafeFileName(fileName.Length == 0 ? "berkas" : fileName), ProblemCodes.InvalidUploadPath);
        var area = segments.Length > 1 && Model.AreaCode.TryParse(segments[0], out var code) ? code.Value : null;
        ReportingPeriod? period = area is not null && segments.Length > 2 && ReportingPeriod.TryParse(segments[1], out var p) ? p : null;
        return new UploadPath(area, WithoutUploadStamp(fileName), null) { Period = period };
    }

    /// <summary>
    /// The upload page stores <c>{yyyyMMddHHmmss}-{name}</c> so that two uploads never overwrite each other;
    /// the cadre named the file <c>{name}</c>, and that is what messages should quote.
    /// </summary>
    internal static string WithoutUploadStamp(string fileName) =>
        fileName.Length > 15 && fileName[14] == '-' && fileName.AsSpan(0, 14).IndexOfAnyExceptInRange('0', '9') < 0
            ? fileName[15..]
            : fileName;

    /// <summary>A file name safe as the last segment of a blob name: no separators, controls or dot-only names.</summary>
    public static string SafeFileName(string fileName)
    {
        var sb = new StringBuilder(Math.Min(fileName.Length, 150));
        foreach (var ch in fileName)
        {
            if (sb.Length >= 150) break;
            sb.Append(char.IsControl(ch) || ch is '/' or '\\' or '#' or '?' ? '_' : ch);
        }
        var safe = sb.ToString().Trim().Trim('.');
        return safe.Length == 0 ? "berkas" : safe;
    }
}
