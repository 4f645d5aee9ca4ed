using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Web;

namespace KampungKB.Integration.Tests.Drive;

/// <summary>A file or folder the fake Drive serves.</summary>
internal sealed class FakeDriveFile
{
    public required string Id { get; init; }
    public required string Name { get; set; }
    public required string MimeType { get; init; }
    public required string Parent { get; set; }
    public DateTimeOffset ModifiedTime { get; set; } = new(2025, 11, 2, 3, 4, 5, TimeSpan.Zero);
    /// <summary>The bytes (alt=media), or for a native Google Sheet the .xlsx its export gives.</summary>
    public byte[] Content { get; set; } = [];
    public bool IsNative => MimeType.StartsWith("application/vnd.google-apps.", StringComparison.Ordinal);
    public string? Md5 => IsNative ? null : Convert.ToHexStringLower(MD5.HashData(Content));
}

internal sealed record DriveRequest(string Method, string Path, string Query, string? Authorization)
{
    public bool IsList => Method == "GET" && Path == "/drive/v3/files";
    public bool IsMedia => Query.Contains("alt=media", StringComparison.Ordinal);
    public bool IsExport => Path.EndsWith("/export", StringComparison.Ordinal);
    public string? Q => HttpUtility.ParseQueryString(Query).Get("q");
    public string? PageToken => HttpUtility.ParseQueryString(Query).Get("pageToken");
}

/// <summary>
/// Plays Google's side on 127.0.0.1: the OAuth token endpoint a service-account key names (<c>POST /token</c>)
/// and the Drive v3 calls the channel uses — files.get (metadata, <c>alt=media</c>), files.list (q
/// <c>'ID' in parents and trashed=false</c>, server-side pages of <see cref="PageSize"/> with
/// <c>nextPageToken</c>), files.export — answering from <see cref="Files"/>. Folders in <see cref="Unshared"/>
/// answer 403, in <see cref="Deleted"/> 404, as Drive does; <see cref="Script"/> injects answers (429 with
/// Retry-After) for the next matching requests. Every request is recorded.
/// </summary>
internal sealed class FakeDrive : IAsyncDisposable
{
    private readonly FakeServer _server;

    private FakeDrive() => _server = FakeServer.Start(Answer);

    public string BaseUrl => _server.BaseUrl;
    public ConcurrentDictionary<string, FakeDriveFile> Files { get; } = new();
    public ConcurrentDictionary<string, bool> Unshared { get; } = new();
    public ConcurrentDictionary<string, bool> Deleted { get; } = new();
    public int PageSize { get; set; } = 100;
    public int TokensIssued;
    /// <summary>Scripted answers: the first whose predicate matches a request is used once.</summary>
    public ConcurrentQueue<(Func<DriveRequest, bool> When, int Status, (string, string)[] Headers, string Body)> Script { get; } = new();

    public IReadOnlyList<DriveRequest> Requests => _server.Requests.Select(Of).ToList();
    public void ClearRequests() => _server.ClearRequests();

    public static FakeDrive Start() => new();

    private static DriveRequest Of(FakeRequest r) => new(r.Method, r.Path, r.Query, r.Authorization);

    public FakeDriveFile Add(string parent, string id, string name, string mimeType, byte[]? content = null)
    {
        var f = new FakeDriveFile { Id = id, Name = name, MimeType = mimeType, Parent = parent, Content = content ?? [] };
        Files[id] = f;
        return f;
    }

    public void AddFolder(string id, string name, string? parent = null) => Add(parent ?? "root", id, name, "application/vnd.google-apps.folder");

    /// <summary>A service-account JSON key (fresh RSA key) whose token_uri is this listener.</summary>
    public string ServiceAccountKey(string email = "kkb-drive@dinas-kkb.iam.gserviceaccount.com")
    {
        using var rsa = RSA.Create(2048);
        return JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["type"] = "service_account", ["project_id"] = "dinas-kkb", ["private_key_id"] = "k1",
            ["private_key"] = rsa.ExportPkcs8PrivateKeyPem(), ["client_email"] = email, ["client_id"] = "1",
            ["token_uri"] = BaseUrl + "token",
        });
    }

    private FakeResponse Answer(FakeRequest received)
    {
        var request = Of(received);

        if (request.Method == "POST" && request.Path == "/token")
        {
            var n = Interlocked.Increment(ref TokensIssued);
            return Write(200, Json(new { access_token = $"tok-{n}", expires_in = 3600, token_type = "Bearer" }));
        }
        if (request.Method != "GET") return Write(405, Error(405, "methodNotAllowed"));
        if (request.Authorization is not { } auth || !auth.StartsWith("Bearer tok-", StringComparison.Ordinal)) return Write(401, Error(401, "authError"));

        foreach (var scripted in Script.ToArray())
        {
            if (!scripted.When(request)) continue;
            Script.TryDequeue(out _); // scripts are used in order
            return Write(scripted.Status, Encoding.UTF8.GetBytes(scripted.Body), "application/json", scripted.Headers);
        }

        if (request.IsList)
        {
            var q = request.Q ?? "";
            var parent = q.Split('\'')[1];
            if (Unshared.ContainsKey(parent)) return Write(404, Error(404, "notFound")); // Drive lists nothing it cannot see
            var children = Files.Values.Where(f => f.Parent == parent).OrderBy(f => f.Id, StringComparer.Ordinal).ToList();
            var offset = int.TryParse(request.PageToken, out var o) ? o : 0;
            var page = children.Skip(offset).Take(PageSize).ToList();
            var next = offset + PageSize < children.Count ? (offset + PageSize).ToString(System.Globalization.CultureInfo.InvariantCulture) : null;
            return Write(200, Json(new
            {
                nextPageToken = next,
                incompleteSearch = false,
                files = page.Select(f => new Dictionary<string, object?>
                {
                    ["id"] = f.Id, ["name"] = f.Name, ["mimeType"] = f.MimeType, ["modifiedTime"] = f.ModifiedTime.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ"),
                    ["md5Checksum"] = f.Md5, ["size"] = f.IsNative ? null : f.Content.Length.ToString(System.Globalization.CultureInfo.InvariantCulture),
                }.Where(kv => kv.Value is not null).ToDictionary()),
            }));
        }

        var segments = request.Path.Split('/', StringSplitOptions.RemoveEmptyEntries); // drive v3 files {id} [export]
        if (segments.Length < 4 || segments[2] != "files") return Write(404, Error(404, "notFound"));
        var id = Uri.UnescapeDataString(segments[3]);
        if (Unshared.ContainsKey(id)) return Write(403, Error(403, "insufficientFilePermissions"));
        if (Deleted.ContainsKey(id) || !Files.TryGetValue(id, out var file)) return Write(404, Error(404, "notFound"));
        if (request.IsExport)
        {
            if (!file.IsNative) return Write(403, Error(403, "fileNotExportable"));
            return Write(200, file.Content, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
        }
        if (request.IsMedia)
        {
            if (file.IsNative) return Write(403, Error(403, "fileNotDownloadable"));
            return Write(200, file.Content, "application/octet-stream");
        }
        return Write(200, Json(new { id = file.Id, name = file.Name, mimeType = file.MimeType, trashed = false }));
    }

    private static byte[] Json(object o) => JsonSerializer.SerializeToUtf8Bytes(o);

    public static string ErrorBody(int code, string reason) =>
        JsonSerializer.Serialize(new { error = new { code, message = reason, errors = new[] { new { domain = "global", reason, message = reason } } } });

    private static byte[] Error(int code, string reason) => Encoding.UTF8.GetBytes(ErrorBody(code, reason));

    private static FakeResponse Write(int status, byte[] body, string contentType = "application/json", (string, string)[]? headers = null) =>
        new(status, body, contentType, headers ?? []);

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
