using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;

namespace KampungKB.Core.Uploads.Drive;

/// <summary>
/// A Drive v3 answer other than success, after the client's own retries. <see cref="IsTransient"/>: rate limits
/// (429, or 403 with reason <c>userRateLimitExceeded</c>/<c>rateLimitExceeded</c>) and server errors, worth
/// another run; otherwise permanent for this file or folder (403 not shared, 404 gone).
/// </summary>
internal sealed class DriveApiException(int status, string? reason, TimeSpan? retryAfter)
    : Exception($"Drive API answered {status}{(reason is null ? "" : " " + reason)}.")
{
    /// <summary>The HTTP status.</summary>
    public int Status { get; } = status;
    /// <summary>Drive's <c>error.errors[0].reason</c>, e.g. <c>notFound</c>, <c>insufficientFilePermissions</c>, <c>exportSizeLimitExceeded</c>.</summary>
    public string? Reason { get; } = reason;
    /// <summary>The wait the server asked for (Retry-After), when it asked.</summary>
    public TimeSpan? RetryAfter { get; } = retryAfter;

    /// <summary>A rate limit: 429, or 403 with a rate-limit reason.</summary>
    public bool IsRateLimit => Status == 429 || Status == 403 && Reason is "userRateLimitExceeded" or "rateLimitExceeded";
    /// <summary>Worth trying again in a later run.</summary>
    public bool IsTransient => IsRateLimit || Status is 408 or >= 500;
}

/// <summary>One entry of a folder listing (files.list <c>files(id,name,mimeType,modifiedTime,md5Checksum,size)</c>).</summary>
internal sealed record DriveItem(string Id, string Name, string MimeType, DateTimeOffset ModifiedTime, string? Md5Checksum, long? Size)
{
    public const string FolderMimeType = "application/vnd.google-apps.folder";
    public const string SheetMimeType = "application/vnd.google-apps.spreadsheet";
    public bool IsFolder => MimeType == FolderMimeType;
    public bool IsGoogleSheet => MimeType == SheetMimeType;
}

/// <summary>
/// The few Drive v3 REST calls the channel needs, over one <see cref="HttpClient"/> (the generated Drive
/// package is not served here): <c>files.get</c> (folder metadata, <c>alt=media</c> downloads),
/// <c>files.list</c> with <c>q='ID' in parents and trashed=false</c> and <c>pageToken</c> paging,
/// <c>files.export</c> (native Sheets as .xlsx), all with <c>supportsAllDrives=true</c>. GET only: the
/// client cannot write to Drive. 429, 5xx and rate-limit 403 answers are retried up to
/// <see cref="DriveOptions.MaxRetries"/> times after the server's Retry-After (or 1, 2, 4 s); a wait longer
/// than <see cref="DriveOptions.MaxRetryAfter"/> or a last failure throws <see cref="DriveApiException"/>.
/// </summary>
internal sealed class DriveApiClient(HttpClient http, IDriveAccessToken token, DriveOptions options, TimeProvider time)
{
    public const string XlsxMimeType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    private const string ListFields = "nextPageToken,incompleteSearch,files(id,name,mimeType,modifiedTime,md5Checksum,size)";

    /// <summary>Requests sent (including retries) in this client's life: what a test or the run's log counts.</summary>
    public int Requests { get; private set; }

    /// <summary>files.get of a folder: its name and whether it is a folder; throws 404/403 when it is gone or no longer shared.</summary>
    public async Task<(string Name, bool IsFolder)> GetFolderAsync(string folderId, CancellationToken ct)
    {
        using var response = await SendAsync($"drive/v3/files/{Uri.EscapeDataString(folderId)}?fields=id,name,mimeType,trashed&supportsAllDrives=true", ct).ConfigureAwait(false);
        using var doc = await ReadJsonAsync(response, ct).ConfigureAwait(false);
        var root = doc.RootElement;
        var trashed = root.TryGetProperty("trashed", out var t) && t.ValueKind == JsonValueKind.True;
        if (trashed) throw new DriveApiException(404, "trashed", null);
        return (Str(root, "name") ?? "", Str(root, "mimeType") == DriveItem.FolderMimeType);
    }

    /// <summary>One page of a folder's children (not trashed), up to 1,000 entries.</summary>
    public async Task<(IReadOnlyList<DriveItem> Items, string? NextPageToken)> ListAsync(string folderId, string? pageToken, CancellationToken ct)
    {
        var q = Uri.EscapeDataString($"'{folderId.Replace("'", "\\'", StringComparison.Ordinal)}' in parents and trashed=false");
        var url = $"drive/v3/files?q={q}&fields={Uri.EscapeDataString(ListFields)}&pageSize=1000&supportsAllDrives=true&includeItemsFromAllDrives=true"
            + (pageToken is null ? "" : "&pageToken=" + Uri.EscapeDataString(pageToken));
        using var response = await SendAsync(url, ct).ConfigureAwait(false);
        using var doc = await ReadJsonAsync(response, ct).ConfigureAwait(false);
        var items = new List<DriveItem>();
        if (doc.RootElement.TryGetProperty("files", out var files) && files.ValueKind == JsonValueKind.Array)
            foreach (var f in files.EnumerateArray())
            {
                if (Str(f, "id") is not { Length: > 0 } id) continue;
                var modified = DateTimeOffset.TryParse(Str(f, "modifiedTime"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var m) ? m : DateTimeOffset.UnixEpoch;
                long? size = long.TryParse(Str(f, "size"), NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s : null;
                items.Add(new DriveItem(id, Str(f, "name") ?? id, Str(f, "mimeType") ?? "", modified, Str(f, "md5Checksum"), size));
            }
        return (items, Str(doc.RootElement, "nextPageToken") is { Length: > 0 } next ? next : null);
    }

    /// <summary>The file's bytes (files.get <c>alt=media</c>); the caller disposes the response.</summary>
    public Task<HttpResponseMessage> DownloadAsync(string fileId, CancellationToken ct) =>
        SendAsync($"drive/v3/files/{Uri.EscapeDataString(fileId)}?alt=media&supportsAllDrives=true", ct);

    /// <summary>A native Google Sheet as .xlsx (files.export, at most 10 MB on Google's side); the caller disposes the response.</summary>
    public Task<HttpResponseMessage> ExportXlsxAsync(string fileId, CancellationToken ct) =>
        SendAsync($"drive/v3/files/{Uri.EscapeDataString(fileId)}/export?mimeType={Uri.EscapeDataString(XlsxMimeType)}", ct);

    private async Task<HttpResponseMessage> SendAsync(string relative, CancellationToken ct)
    {
        var uri = new Uri(options.BaseUrl, relative);
        for (var attempt = 0; ; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, uri);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await token.GetAsync(ct).ConfigureAwait(false));
            Requests++;
            var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
            if (response.IsSuccessStatusCode) return response;

            DriveApiException error;
            using (response) error = await ErrorAsync(response, ct).ConfigureAwait(false);
            if (!error.IsTransient || attempt >= options.MaxRetries) throw error;
            var wait = error.RetryAfter ?? TimeSpan.FromSeconds(Math.Pow(2, attempt));
            if (wait > options.MaxRetryAfter) throw error;
            await Task.Delay(wait, time, ct).ConfigureAwait(false);
        }
    }

    private async Task<DriveApiException> ErrorAsync(HttpResponseMessage response, CancellationToken ct)
    {
        string? reason = null;
        try
        {
            using var doc = await ReadJsonAsync(response, ct).ConfigureAwait(false);
            if (doc.RootElement.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.Object
                && e.TryGetProperty("errors", out var list) && list.ValueKind == JsonValueKind.Array && list.GetArrayLength() > 0)
                reason = Str(list[0], "reason");
        }
        catch (JsonException) { }
        return new DriveApiException((int)response.StatusCode, reason, RetryAfter(response.Headers.RetryAfter));
    }

    private TimeSpan? RetryAfter(RetryConditionHeaderValue? header) => header switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - time.GetUtcNow() is var d && d > TimeSpan.Zero ? d : TimeSpan.Zero,
        _ => null,
    };

    private static async Task<JsonDocument> ReadJsonAsync(HttpResponseMessage response, CancellationToken ct)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        return await JsonDocument.ParseAsync(stream, cancellationToken: ct).ConfigureAwait(false);
    }

    private static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
