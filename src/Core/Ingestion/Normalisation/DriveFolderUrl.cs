namespace KampungKB.Core.Ingestion.Normalisation;

/// <summary>
/// Reads the Google Drive folder address a dinas pastes (docs/channels.md): the folder id from
/// <c>https://drive.google.com/drive/folders/ID?usp=sharing</c>, <c>…/drive/u/0/folders/ID</c>,
/// <c>…/open?id=ID</c>, or the bare id. Anything else (a file link, a Sheets link, another host) is refused
/// with a reason code the CLI turns into an Indonesian message.
/// </summary>
public static class DriveFolderUrl
{
    /// <summary>Why an address was refused (keys of <c>drive.url.*</c> in templates/cli/texts.json).</summary>
    internal static class Refusals
    {
        public const string Empty = "empty";
        public const string NotDrive = "not-drive";
        public const string FileLink = "file-link";
        public const string NoFolderId = "no-folder-id";
    }

    /// <summary>The canonical address of a folder id, as stored and shown.</summary>
    public static string Canonical(string folderId) => "https://drive.google.com/drive/folders/" + folderId;

    /// <summary>True with the folder id; false with one of <see cref="Refusals"/>.</summary>
    public static bool TryParse(string? text, out string folderId, out string refusal)
    {
        folderId = "";
        refusal = "";
        var value = text?.Trim() ?? "";
        if (value.Length == 0) { refusal = Refusals.Empty; return false; }
        if (IsId(value)) { folderId = value; return true; }

        if (!value.Contains("://", StringComparison.Ordinal)) value = "https://" + value;
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http"))
        {
            refusal = Refusals.NotDrive;
            return false;
        }
        var host = uri.Host.ToLowerInvariant();
        if (host is "docs.google.com" or "sheets.google.com") { refusal = Refusals.FileLink; return false; }
        if (host is not ("drive.google.com" or "www.drive.google.com")) { refusal = Refusals.NotDrive; return false; }

        var segments = uri.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        // /drive/folders/ID, /drive/u/0/folders/ID, /drive/mobile/folders/ID, /embeddedfolderview?id=ID
        var at = Array.IndexOf(segments, "folders");
        if (at >= 0 && at + 1 < segments.Length && IsId(segments[at + 1])) { folderId = segments[at + 1]; return true; }
        if (segments.Contains("file") || segments.Contains("d")) { refusal = Refusals.FileLink; return false; }
        if (segments is ["open"] or ["embeddedfolderview"] && QueryValue(uri.Query, "id") is { } id && IsId(id)) { folderId = id; return true; }
        refusal = Refusals.NoFolderId;
        return false;
    }

    /// <summary>Drive ids are URL-safe base64 letters, digits, '-' and '_' (folders ≥ 19 characters; shared-drive roots 19).</summary>
    internal static bool IsId(string s) =>
        s.Length is >= 19 and <= 100 && s.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    private static string? QueryValue(string query, string name)
    {
        foreach (var pair in query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=');
            if (eq > 0 && pair[..eq] == name) return Uri.UnescapeDataString(pair[(eq + 1)..]);
        }
        return null;
    }
}
