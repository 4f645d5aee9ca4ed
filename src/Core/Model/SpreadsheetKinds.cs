namespace KampungKB.Core.Model;

/// <summary>
/// The one list of file names every channel takes in as a report (the upload page, a zip's entries, Google Drive
/// sync, mail-in and <c>kkb ingest</c>), so no channel refuses what another reads. The formats are those the intake
/// reads (README "Accepted files"): Excel 2007+ (.xlsx, .xlsm), Excel 97–2003 (.xls), OpenDocument (.ods) and text
/// tables (.csv, .tsv). An Excel binary workbook (.xlsb) is taken in too, so that the pipeline answers with its own
/// advice (problem <c>xlsb-file</c>: save it as .xlsx) instead of a channel refusing it unexplained.
/// </summary>
public static class SpreadsheetKinds
{
    /// <summary>Extensions (lower case, with the dot) of the spreadsheets the intake reads, in the order people are told them.</summary>
    public static readonly IReadOnlyList<string> Readable = [".xlsx", ".xls", ".xlsm", ".ods", ".csv", ".tsv"];

    /// <summary><see cref="Readable"/> plus <c>.xlsb</c>: what a channel hands to the pipeline as a report.</summary>
    public static readonly IReadOnlyList<string> Received = [.. Readable, ".xlsb"];

    /// <summary>A folder of reports sent as one file (upload page, <c>kkb upload</c>); each spreadsheet in it is judged on its own.</summary>
    public const string Archive = ".zip";

    private static readonly HashSet<string> s_received = new(Received, StringComparer.OrdinalIgnoreCase);

    /// <summary>True when <paramref name="fileName"/> ends with one of <see cref="Received"/> (case-insensitive); a path is fine.</summary>
    public static bool IsSpreadsheetName(string? fileName) =>
        !string.IsNullOrEmpty(fileName) && s_received.Contains(Path.GetExtension(fileName));

    /// <summary>True for a spreadsheet name or a <c>.zip</c>: what the upload page stores.</summary>
    public static bool IsUploadName(string? fileName) =>
        IsSpreadsheetName(fileName) || string.Equals(Path.GetExtension(fileName), Archive, StringComparison.OrdinalIgnoreCase);

    /// <summary>The readable extensions as people read them: ".xlsx, .xls, .xlsm, .ods, .csv, .tsv".</summary>
    public static string ReadableList => string.Join(", ", Readable);

    /// <summary>The file input's <c>accept</c> attribute: every received extension and .zip, comma-separated.</summary>
    public static string AcceptAttribute => string.Join(",", Received.Append(Archive));
}
