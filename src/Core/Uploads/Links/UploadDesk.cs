using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using KampungKB.Core.Model;
using KampungKB.Core.Store;
using KampungKB.Core.Rendering.Templating;
using Microsoft.Extensions.Logging;
using KampungKB.Core.Uploads;
using KampungKB.Core.Uploads.Feedback;
using KampungKB.Core.Registry;

namespace KampungKB.Core.Uploads.Links;

/// <summary>
/// What the upload page answers: a status, a body, where to go next (303) if anywhere, and the link to keep
/// in the kampung's cookie (<see cref="SetLink"/>) when this answer opened a link.
/// </summary>
public sealed record PageResponse(int StatusCode, string Body, string ContentType = PageResponse.Html, string? Location = null, LinkCookie? SetLink = null)
{
    public const string Html = "text/html; charset=utf-8";
    public const string Json = "application/json; charset=utf-8";
}

/// <summary>
/// The link a browser keeps after opening it: the token, for the page of <see cref="AreaCode"/> only
/// (cookie path <see cref="Path"/>), until <see cref="ExpiresAt"/>. The HTTP adapter writes it as an
/// HttpOnly, SameSite=Lax cookie, so the token never has to appear in a URL the server sees.
/// </summary>
/// <param name="Secure">The pages are served over https (<c>Links__BaseUrl</c>): the cookie is sent over https only.</param>
public sealed record LinkCookie(string AreaCode, string Token, string Path, DateTimeOffset ExpiresAt, bool Secure)
{
    public const string Name = "kkb_tautan";
}

/// <summary>
/// The cadre's upload page behind a personal link: the page itself (form, recent uploads, months still
/// missing), receiving a file into <c>uploads/{areaCode}/{yyyyMMddHHmmss}-{file}</c>, and the result of
/// that upload once ingestion has judged it. Pages live at <c>/api/kampung/{areaCode}</c>, which is no
/// credential; the token comes from the link's fragment (posted once to <c>/buka</c>) and then from the
/// kampung's cookie. Every request checks the token first; a refused link gets the same friendly page
/// whatever the reason, a retired kampung a page that says so. Methods taking <c>areaCode</c> null serve
/// links issued before this scheme (token in the path): the token alone names the kampung, and the answer
/// moves the browser to the new address with the cookie set.
/// </summary>
public sealed class UploadDesk
{
    /// <summary>What the form takes: <see cref="SpreadsheetKinds.Received"/> and a .zip (a folder of reports, each spreadsheet in it judged on its own).</summary>
    public static readonly IReadOnlyList<string> AcceptedExtensions = [.. SpreadsheetKinds.Received, SpreadsheetKinds.Archive];
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);
    private static readonly TimeSpan PendingFor = TimeSpan.FromMinutes(15);
    private const int RecentShown = 5;
    private const int MonthsChecked = 6;

    private readonly UploadLinks _links;
    private readonly PageTemplates _page;
    private readonly BlobServiceClient _blobs;
    private readonly StorageNames _names;
    private readonly RegistryStore _registry;
    private readonly UploadLog _log;
    private readonly ReportStore _reports;
    private readonly PipelineOptions _pipeline;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public UploadDesk(UploadLinks links, PageTemplates page, BlobServiceClient blobs, RegistryStore registry, UploadLog log, ReportStore reports,
        StorageNames names, PipelineOptions pipeline, TimeProvider time, ILogger<UploadDesk> logger)
    {
        _links = links;
        _page = page;
        _blobs = blobs;
        _names = names;
        _registry = registry;
        _log = log;
        _reports = reports;
        _pipeline = pipeline;
        _time = time;
        _logger = logger;
    }

    public long MaxUploadBytes => _pipeline.MaxUploadBytes;

    /// <summary>Host and port of the pages' public address (<c>Links__BaseUrl</c>), for the same-origin check of <c>/buka</c>.</summary>
    public string PageAuthority => new Uri(_links.PageUrl("x")).Authority;

    /// <summary>
    /// GET of the page: the form, recent uploads and missing months. Without a token (a link just tapped: the
    /// token is still in the fragment) the small page that posts the fragment to <c>/buka</c>; with a refused
    /// token the refusal (which still opens a newer link found in the fragment). A legacy link (token in the
    /// path, <paramref name="areaCode"/> null) is moved to the new address with its cookie.
    /// </summary>
    public async Task<PageResponse> HomeAsync(string? areaCode, string? token, CancellationToken cancellationToken = default)
    {
        if (areaCode is null) return await MoveLegacyAsync(token, null, cancellationToken).ConfigureAwait(false);
        if (!IsArea(areaCode)) return Refused(null, null);
        if (string.IsNullOrEmpty(token)) return new PageResponse(200, _page.Render(Model(null, new { opening = true, opener = OpenerUrl(areaCode) })));
        var (claims, kampung) = await OpenAsync(areaCode, token, cancellationToken).ConfigureAwait(false);
        if (claims is null || kampung is null || kampung.IsRetired) return Refused(areaCode, kampung);
        return Ok(await HomeModelAsync(kampung, null, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>
    /// POST <c>/api/kampung/{areaCode}/buka</c> with the token the page read from the link's fragment: a valid
    /// token for this very kampung answers 303 to the page and sets the kampung's cookie; any other is refused.
    /// </summary>
    public async Task<PageResponse> OpenLinkAsync(string areaCode, string? token, CancellationToken cancellationToken = default)
    {
        if (!IsArea(areaCode)) return Refused(null, null);
        var (claims, kampung) = await OpenAsync(areaCode, token, cancellationToken).ConfigureAwait(false);
        if (claims is null || kampung is null || kampung.IsRetired) return Refused(null, kampung);
        return new PageResponse(303, "", PageResponse.Html, _links.PageUrl(areaCode), Cookie(claims, token!));
    }

    /// <summary>A legacy link (<c>/api/kampung/{token}[/hasil/{reference}]</c>): 303 to the new address with the cookie set, or the refusal.</summary>
    private async Task<PageResponse> MoveLegacyAsync(string? token, string? reference, CancellationToken cancellationToken)
    {
        var (claims, kampung) = await OpenAsync(null, token, cancellationToken).ConfigureAwait(false);
        if (claims is null || kampung is null || kampung.IsRetired) return Refused(null, kampung);
        var target = reference is null ? _links.PageUrl(claims.AreaCode) : ResultUrl(claims.AreaCode, reference);
        return new PageResponse(303, "", PageResponse.Html, target, Cookie(claims, token!));
    }

    /// <summary>
    /// POST of the form: checks type and size before storing, stores, then redirects to the result page
    /// (or, for the page's script, answers <c>{"result": url}</c>). A failed send changes nothing: retry.
    /// </summary>
    public async Task<PageResponse> ReceiveAsync(string? areaCode, string? token, string? fileName, ReadOnlyMemory<byte>? content, bool wantsJson, CancellationToken cancellationToken = default)
    {
        var (claims, kampung) = await OpenAsync(areaCode, token, cancellationToken).ConfigureAwait(false);
        if (claims is null || kampung is null || kampung.IsRetired) return RefusedFor(wantsJson, kampung);
        var cookie = areaCode is null ? Cookie(claims, token!) : null; // a legacy link's page moves to the new address

        var name = Path.GetFileName((fileName ?? "").Replace('\\', '/'));
        string? notice = null;
        var status = 400;
        if (content is null || content.Value.Length == 0 || name.Length == 0) notice = _page.Text("no_file");
        else if (!SpreadsheetKinds.IsUploadName(name)) { notice = _page.Text("bad_type", ("file", name), ("types", SpreadsheetKinds.ReadableList)); status = 415; }
        else if (content.Value.Length > _pipeline.MaxUploadBytes)
        {
            notice = _page.Text("too_large", ("file", name), ("size", IndonesianFormat.Megabytes(content.Value.Length)), ("max", IndonesianFormat.Megabytes(_pipeline.MaxUploadBytes)));
            status = 413;
        }
        if (notice is not null) return await NoticeAsync(kampung, notice, status, wantsJson, cancellationToken).ConfigureAwait(false) with { SetLink = cookie };

        var bytes = content!.Value;
        var stamp = _time.GetUtcNow().UtcDateTime.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
        var hash = Convert.ToHexStringLower(SHA256.HashData(bytes.Span));
        var blobName = $"{claims.AreaCode}/{stamp}-{UploadPath.SafeFileName(name)}";
        try
        {
            await _blobs.GetBlobContainerClient(_names.Uploads).GetBlobClient(blobName).PutAsync(BinaryData.FromBytes(bytes), "application/octet-stream",
                new Dictionary<string, string> { ["source"] = "upload-page", ["sha256"] = hash }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (StorageErrors.IsTransient(e))
        {
            _logger.LogWarning(LinkEvents.StoreFailed, "Upload page could not store a file for {AreaCode}: {Error}", claims.AreaCode, e.GetType().Name);
            return await NoticeAsync(kampung, _page.Text("storage_down"), 503, wantsJson, cancellationToken).ConfigureAwait(false) with { SetLink = cookie };
        }
        _logger.LogInformation(LinkEvents.Stored, "Upload page stored {Bytes} bytes for {AreaCode} as {Reference}", bytes.Length, claims.AreaCode, stamp + "-" + hash[..16]);
        var result = ResultUrl(claims.AreaCode, stamp + "-" + hash[..16]);
        return wantsJson
            ? new PageResponse(200, JsonSerializer.Serialize(new { result }, JsonOptions), PageResponse.Json, SetLink: cookie)
            : new PageResponse(303, "", PageResponse.Html, result, cookie);
    }

    /// <summary>
    /// Whether <paramref name="token"/> opens the page of <paramref name="areaCode"/> (key id and its retirement,
    /// signature, expiry, revocation, kampung registered and active). The HTTP adapter asks this before it reads
    /// a request body, so a refused link costs no upload bytes.
    /// </summary>
    public async Task<bool> AcceptsAsync(string? areaCode, string? token, CancellationToken cancellationToken = default)
    {
        var (claims, kampung) = await OpenAsync(areaCode, token, cancellationToken).ConfigureAwait(false);
        return claims is not null && kampung is { IsRetired: false };
    }

    /// <summary>
    /// Refuses a POST whose body is over the cap before it is read (413, the same "too large" notice as a
    /// file found too large after reading). <paramref name="bytes"/> is the request's Content-Length.
    /// </summary>
    public async Task<PageResponse> RefuseTooLargeAsync(string? areaCode, string? token, long bytes, bool wantsJson, CancellationToken cancellationToken = default)
    {
        var (claims, kampung) = await OpenAsync(areaCode, token, cancellationToken).ConfigureAwait(false);
        if (claims is null || kampung is null || kampung.IsRetired) return RefusedFor(wantsJson, kampung);
        var notice = _page.Text("too_large_unread", ("size", IndonesianFormat.Megabytes(bytes)), ("max", IndonesianFormat.Megabytes(_pipeline.MaxUploadBytes)));
        return await NoticeAsync(kampung, notice, 413, wantsJson, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The result of one upload: pending (refreshes itself), accepted with a summary, or what to fix.</summary>
    public async Task<PageResponse> ResultAsync(string? areaCode, string? token, string? reference, CancellationToken cancellationToken = default)
    {
        var valid = TryParseReference(reference, out var stamp, out var hashPrefix, out var storedAt);
        if (areaCode is null) return await MoveLegacyAsync(token, valid ? reference : null, cancellationToken).ConfigureAwait(false);
        if (!valid || string.IsNullOrEmpty(token)) return await HomeAsync(areaCode, token, cancellationToken).ConfigureAwait(false);
        var (claims, kampung) = await OpenAsync(areaCode, token, cancellationToken).ConfigureAwait(false);
        if (claims is null || kampung is null || kampung.IsRetired) return Refused(areaCode, kampung);

        // Refreshed every 3 s while pending: one point read of the upload index, never the kabupaten's history.
        var record = await _log.FindByPageReferenceAsync(kampung.RegencyCode, claims.AreaCode, stamp, hashPrefix, cancellationToken).ConfigureAwait(false);
        var feedback = record is null ? null : await FeedbackWriter.ReadAsync(_blobs, _names, record.UploadId, cancellationToken).ConfigureAwait(false);
        var self = ResultUrl(claims.AreaCode, reference!);
        if (feedback is not { } f)
        {
            var stalled = _time.GetUtcNow() - storedAt > PendingFor;
            var file = DisplayName(record?.FileName ?? await StoredNameAsync(claims.AreaCode, stamp, hashPrefix, cancellationToken).ConfigureAwait(false) ?? "");
            return Ok(Model(kampung, new
            {
                pending = new
                {
                    title = _page.Text(stalled ? "stalled_title" : "pending_title"),
                    text = _page.Text((stalled ? "stalled_text" : "pending_text") + (file.Length > 0 ? "" : "_unnamed"), ("file", file)),
                },
                refresh = stalled ? null : "3",
                self,
            }));
        }
        return Ok(Model(kampung, new { result = ResultModel(f, kampung), home_url = _links.PageUrl(claims.AreaCode) }));
    }

    /// <summary>The name of the file this page stored under <c>uploads/{area}/{stamp}-</c> with that content, while it waits to be read.</summary>
    private async Task<string?> StoredNameAsync(string areaCode, string stamp, string hashPrefix, CancellationToken cancellationToken)
    {
        var prefix = $"{areaCode}/{stamp}-";
        await foreach (var b in _blobs.GetBlobContainerClient(_names.Uploads).GetBlobsAsync(
            Azure.Storage.Blobs.Models.BlobTraits.Metadata, Azure.Storage.Blobs.Models.BlobStates.None, prefix, cancellationToken).ConfigureAwait(false))
            if (b.Metadata is { } m && m.TryGetValue("sha256", out var h) && h.StartsWith(hashPrefix, StringComparison.Ordinal))
                return b.Name[(areaCode.Length + 1)..];
        return null;
    }

    private object ResultModel(JsonElement f, RegistryEntry kampung)
    {
        if (f.TryGetProperty("files", out var folderFiles) && folderFiles.ValueKind == JsonValueKind.Array) return FolderModel(f, folderFiles);
        var status = Str(f, "status") ?? UploadStatus.Rejected;
        var file = DisplayName(Str(f, "file") ?? "");
        var problems = f.TryGetProperty("problems", out var ps) && ps.ValueKind == JsonValueKind.Array ? ps.EnumerateArray().ToList() : [];
        var errors = problems.Where(p => Str(p, "severity") == "error").Select(ProblemModel).ToList();
        var warnings = problems.Where(p => Str(p, "severity") != "error").Select(ProblemModel).ToList();
        if (status == UploadStatus.Rejected)
            return new { accepted = false, text = _page.Text("rejected_text", ("count", Math.Max(Int(f, "errorCount"), errors.Count).ToString(CultureInfo.InvariantCulture)), ("file", file)), errors, warnings };

        var period = Str(f, "period");
        var hasIndicators = f.TryGetProperty("indicators", out var ind) && ind.ValueKind == JsonValueKind.Object && ind.EnumerateObject().Any();
        var figures = new List<object> { new { label = _page.Texts["period"], value = IndonesianFormat.Month(period), note = (string?)null } };
        // An indicator-only file shows its indicators, not "0 kegiatan".
        if (Int(f, "activities") > 0 || !hasIndicators)
            figures.Add(new { label = _page.Texts["activities"], value = IndonesianFormat.Number(Int(f, "activities"), 0), note = (string?)null });
        if (Int(f, "activities") > 0)
        {
            // The L/P split on its own line under the figure, so a phone wraps it at spaces, not inside "laki-laki".
            var split = Int(f, "male") + Int(f, "female") > 0
                ? _page.Text("participants_split", ("male", IndonesianFormat.Number(Int(f, "male"), 0)), ("female", IndonesianFormat.Number(Int(f, "female"), 0)))
                : null;
            figures.Add(new { label = _page.Texts["participants"], value = IndonesianFormat.Number(Int(f, "participants"), 0), note = split });
        }
        if (hasIndicators)
            foreach (var (code, label) in _page.Indicators)
                if (ind.TryGetProperty(code, out var v) && v.TryGetDecimal(out var d))
                    figures.Add(new { label, value = IndonesianFormat.Number(d, 0), note = (string?)null });
        var note = status switch
        {
            UploadStatus.Unchanged => _page.Text("unchanged_text"),
            UploadStatus.Superseded => _page.Text("superseded_text"),
            _ => null,
        };
        return new { accepted = true, text = _page.Text("accepted_text", ("period", IndonesianFormat.Month(period)), ("kampung", kampung.Name)), note, figures, errors, warnings };
    }

    /// <summary>One line of a folder's result: a file's outcome label, its summary or first errors, or why it was skipped.</summary>
    private sealed record FolderRow(string file, string label, string tag, string? summary, IReadOnlyList<object> errors, string? more, string? note);

    /// <summary>The combined result of a zip of reports: the zip's own problems, then every file in it with its outcome.</summary>
    private object FolderModel(JsonElement f, JsonElement files)
    {
        var rows = new List<FolderRow>();
        foreach (var x in files.EnumerateArray())
        {
            var status = Str(x, "status") ?? UploadStatus.Rejected;
            var problems = x.TryGetProperty("problems", out var ps) && ps.ValueKind == JsonValueKind.Array ? ps.EnumerateArray().ToList() : [];
            var errors = status == UploadStatus.Rejected ? problems.Where(p => Str(p, "severity") == "error").Select(ProblemModel).ToList() : [];
            var summaryKey = Int(x, "indicators") == 0 ? "folder_file_summary" : Int(x, "activities") == 0 ? "folder_file_summary_figures" : "folder_file_summary_indicators";
            var summary = status == UploadStatus.Rejected ? null : _page.Text(summaryKey,
                ("period", IndonesianFormat.Month(Str(x, "period"))), ("activities", IndonesianFormat.Number(Int(x, "activities"), 0)),
                ("indicators", IndonesianFormat.Number(Int(x, "indicators"), 0)));
            var more = Int(x, "errors") - errors.Count;
            rows.Add(new FolderRow(Str(x, "file") ?? "", _page.Texts.TryGetValue("status_" + status, out var l) ? l : status, status, summary, errors,
                status == UploadStatus.Rejected && more > 0 ? _page.Text("folder_more", ("count", more.ToString(CultureInfo.InvariantCulture))) : null, null));
        }
        if (f.TryGetProperty("skipped", out var skipped) && skipped.ValueKind == JsonValueKind.Array)
            foreach (var x in skipped.EnumerateArray())
                rows.Add(new FolderRow(Str(x, "file") ?? "", _page.Texts["status_skipped"], "skipped", null, [], null, Str(x, "message")));

        var zipProblems = f.TryGetProperty("problems", out var zp) && zp.ValueKind == JsonValueKind.Array ? zp.EnumerateArray().ToList() : [];
        var refused = zipProblems.Where(p => Str(p, "severity") == "error").Select(ProblemModel).ToList();
        var spreadsheets = rows.Count(r => r.tag != "skipped");
        var accepted = rows.Count(r => r.tag is UploadStatus.Accepted or UploadStatus.Unchanged or UploadStatus.Superseded);
        var text = refused.Count > 0
            ? _page.Text("folder_refused_text", ("file", DisplayName(Str(f, "file") ?? "")))
            : _page.Text("folder_text", ("file", DisplayName(Str(f, "file") ?? "")), ("count", spreadsheets.ToString(CultureInfo.InvariantCulture)),
                ("accepted", accepted.ToString(CultureInfo.InvariantCulture)), ("rejected", rows.Count(r => r.tag == UploadStatus.Rejected).ToString(CultureInfo.InvariantCulture)),
                ("skipped", rows.Count(r => r.tag == "skipped").ToString(CultureInfo.InvariantCulture)));
        return new
        {
            folder = true,
            refused = refused.Count > 0,
            text,
            errors = refused,
            files = rows,
            notes = zipProblems.Where(p => Str(p, "severity") != "error").Select(p => Str(p, "message") ?? "").ToList(),
            warnings = Array.Empty<object>(),
        };
    }

    private object ProblemModel(JsonElement p)
    {
        var where = new List<string>();
        if (Str(p, "sheet") is { Length: > 0 } sheet) where.Add($"{_page.Texts["where_sheet"]} \"{DisplayName(sheet)}\"");
        if (p.TryGetProperty("row", out var row) && row.ValueKind == JsonValueKind.Number) where.Add($"{_page.Texts["where_row"]} {row.GetInt32()}");
        if (Str(p, "column") is { Length: > 0 } column) where.Add($"{_page.Texts["where_column"]} {column}");
        var text = Str(p, "text");
        var message = Str(p, "message") ?? Str(p, "code") ?? "";
        // The place is said once: most messages already name the sheet, row and column.
        var placed = p.TryGetProperty("row", out var r) && r.ValueKind == JsonValueKind.Number
            && message.Contains($"{_page.Texts["where_row"]} {r.GetInt32().ToString(CultureInfo.InvariantCulture)}", StringComparison.Ordinal);
        return new
        {
            where = where.Count == 0 || placed ? null : string.Join(", ", where),
            message,
            found = string.IsNullOrEmpty(text) ? null : text.Length > 120 ? text[..120] + "…" : text,
        };
    }

    private async Task<object> HomeModelAsync(RegistryEntry kampung, string? notice, CancellationToken cancellationToken)
    {
        var uploads = await _log.RecentAsync(kampung.RegencyCode, kampung.AreaCode, RecentShown, cancellationToken).ConfigureAwait(false);
        var zone = LocalTime.ForProvince(kampung.AreaCode); // cadres read times in their own WIB/WITA/WIT
        var recent = uploads.Select(r => new
        {
            file = DisplayName(r.FileName),
            when = IndonesianFormat.Date(zone.ToLocal(r.ReceivedAt)) + " " + IndonesianFormat.Time(zone.ToLocal(r.ReceivedAt)) + " " + zone.Label,
            period = r.Period is { } p ? IndonesianFormat.Month(p) : null,
            status = r.Status,
            label = _page.Texts.TryGetValue("status_" + r.Status, out var l) ? l : r.Status,
            // Past retention the feedback is gone: no link to a result page that would wait for ever.
            url = r.PrunedAt is null && ReferenceOf(r) is { } reference ? ResultUrl(kampung.AreaCode, reference) : null,
        }).ToList();

        var current = ReportingPeriod.Of(zone.Today(_time));
        var missing = new List<string>();
        var period = current;
        for (var i = 0; i < MonthsChecked; i++)
        {
            period = period.Previous;
            if (await _reports.GetAsync(kampung.RegencyCode, kampung.AreaCode, period, cancellationToken).ConfigureAwait(false) is null)
                missing.Add(IndonesianFormat.Month(period));
        }
        missing.Reverse();
        return Model(kampung, new
        {
            home = true,
            notice,
            action = _links.PageUrl(kampung.AreaCode),
            opener = OpenerUrl(kampung.AreaCode),
            typesHint = _page.Text("accepted_types", ("max", IndonesianFormat.Megabytes(_pipeline.MaxUploadBytes)), ("types", SpreadsheetKinds.ReadableList)),
            accept = SpreadsheetKinds.AcceptAttribute,
            recent,
            missing,
        });
    }

    private async Task<PageResponse> NoticeAsync(RegistryEntry kampung, string notice, int status, bool wantsJson, CancellationToken cancellationToken)
    {
        if (wantsJson) return JsonError(status, notice);
        return new PageResponse(status, _page.Render(await HomeModelAsync(kampung, notice, cancellationToken).ConfigureAwait(false)));
    }

    /// <summary>The token's claims and its kampung's registry entry (which may be retired); (null, null) when the token is refused.</summary>
    private async Task<(LinkClaims? Claims, RegistryEntry? Kampung)> OpenAsync(string? areaCode, string? token, CancellationToken cancellationToken)
    {
        var (claims, refusal) = await _links.VerifyAsync(token, cancellationToken, areaCode).ConfigureAwait(false);
        if (claims is null)
        {
            _logger.LogInformation(LinkEvents.Refused, "Upload link refused: {Refusal}", refusal);
            return (null, null);
        }
        var kampung = await _registry.GetAsync(claims.AreaCode, cancellationToken).ConfigureAwait(false);
        if (kampung is null) _logger.LogInformation(LinkEvents.Refused, "Upload link refused: {AreaCode} is not in the registry", claims.AreaCode);
        else if (kampung.IsRetired) _logger.LogInformation(LinkEvents.Refused, "Upload link refused: {AreaCode} is retired", claims.AreaCode);
        return (claims, kampung);
    }

    private LinkCookie Cookie(LinkClaims claims, string token)
    {
        var page = new Uri(_links.PageUrl(claims.AreaCode));
        return new(claims.AreaCode, token, page.AbsolutePath, claims.ExpiresAt, page.Scheme == Uri.UriSchemeHttps);
    }

    private string OpenerUrl(string areaCode) => _links.PageUrl(areaCode) + "/buka";

    private static bool IsArea(string areaCode) => KampungKB.Core.Model.AreaCode.TryParse(areaCode, out var a) && a.Value == areaCode;

    /// <summary>The merged page model: texts and the kampung header, plus what this page shows.</summary>
    private Dictionary<string, object?> Model(RegistryEntry? kampung, object part)
    {
        var model = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["t"] = new Dictionary<string, string>(_page.Texts),
            ["kampung"] = kampung is null ? null : new
            {
                name = kampung.Name,
                place = string.Join(", ", new[] { kampung.Village, kampung.District is null ? null : _page.Text("place_district", ("district", kampung.District)) }.Where(x => !string.IsNullOrWhiteSpace(x))),
            },
        };
        foreach (var p in part.GetType().GetProperties()) model[p.Name] = p.GetValue(part);
        return model;
    }

    private PageResponse Ok(object model) => new(200, _page.Render(model));

    /// <summary>
    /// The refusal page (403): the retired-kampung page when the token was valid but its kampung is retired, else
    /// the same page whatever the reason. With <paramref name="areaCode"/> it still opens a newer link in the fragment.
    /// </summary>
    private PageResponse Refused(string? areaCode, RegistryEntry? kampung) => kampung is { IsRetired: true }
        ? new(403, _page.Render(Model(null, new { retired = true })))
        : new(403, _page.Render(Model(null, new { refused = true, opener = areaCode is null ? null : OpenerUrl(areaCode) })));

    private PageResponse RefusedFor(bool wantsJson, RegistryEntry? kampung) =>
        wantsJson ? JsonError(403, _page.Texts[kampung is { IsRetired: true } ? "retired_text" : "refused_text"]) : Refused(null, kampung);

    private static PageResponse JsonError(int status, string message) =>
        new(status, JsonSerializer.Serialize(new { error = message }, JsonOptions), PageResponse.Json);

    private string ResultUrl(string areaCode, string reference) => _links.PageUrl(areaCode) + "/hasil/" + reference;

    /// <summary>The page's reference for an upload it stored: <c>{yyyyMMddHHmmss}-{first 16 hex of the content's SHA-256}</c>.</summary>
    private string? ReferenceOf(UploadRecord r)
    {
        var rest = r.Path.StartsWith(_names.Uploads + "/", StringComparison.Ordinal) ? r.Path[(_names.Uploads.Length + 1)..] : "";
        var slash = rest.IndexOf('/');
        if (slash < 0 || rest.Length < slash + 16 || r.ContentHash.Length < 16) return null;
        var stamp = rest.Substring(slash + 1, 14);
        return rest[slash + 15] == '-' && stamp.All(char.IsAsciiDigit) ? stamp + "-" + r.ContentHash[..16] : null;
    }

    private static bool TryParseReference(string? reference, out string stamp, out string hashPrefix, out DateTimeOffset storedAt)
    {
        stamp = hashPrefix = "";
        storedAt = default;
        if (reference is not { Length: 31 } || reference[14] != '-') return false;
        stamp = reference[..14];
        hashPrefix = reference[15..];
        if (!hashPrefix.All(char.IsAsciiHexDigitLower)) return false;
        if (!DateTimeOffset.TryParseExact(stamp, "yyyyMMddHHmmss", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out storedAt)) return false;
        return true;
    }

    /// <summary>The name the cadre chose: without the <c>{yyyyMMddHHmmss}-</c> the page put in front of it.</summary>
    private static string DisplayName(string name) =>
        name.Length > 15 && name[14] == '-' && name.AsSpan(0, 14).ContainsAnyExcept("0123456789") == false ? name[15..] : name;

    private static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static int Int(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var i) ? i : 0;

}

/// <summary>Stable event ids of the upload page (conventions 13: ids and codes, never names).</summary>
internal static class LinkEvents
{
    public static readonly EventId Refused = new(5001, nameof(Refused));
    public static readonly EventId Stored = new(5002, nameof(Stored));
    public static readonly EventId StoreFailed = new(5003, nameof(StoreFailed));
}
