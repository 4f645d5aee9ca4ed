using System.Globalization;
using System.Text;
using Azure.Core;
using Azure.Core.Pipeline;

namespace KampungKB.Core.Storage;

/// <summary>
/// Signs each attempt (per-retry, so the date is fresh) with Shared Key. Blob uses the full string-to-sign
/// with canonicalized x-ms-* headers and every query parameter; Table ("Shared Key for Table") signs only
/// verb, Content-MD5, Content-Type, date and the resource with the <c>comp</c> parameter. The account name
/// is prefixed to the URL path, which on a path-style emulator URL already starts with the account name.
/// </summary>
internal sealed class SharedKeyPolicy : HttpPipelineSynchronousPolicy
{
    private readonly StorageSharedKeyCredential _credential;
    private readonly bool _table;
    private readonly Func<DateTimeOffset> _clock;

    public SharedKeyPolicy(StorageSharedKeyCredential credential, bool table, Func<DateTimeOffset>? clock = null)
    {
        _credential = credential;
        _table = table;
        _clock = clock ?? (() => DateTimeOffset.UtcNow);
    }

    public override void OnSendingRequest(HttpMessage message)
    {
        var date = _clock().ToString("R", CultureInfo.InvariantCulture);
        message.Request.Headers.SetValue("x-ms-date", date);
        var stringToSign = _table ? BuildTableStringToSign(message.Request) : BuildBlobStringToSign(message.Request);
        var signature = _credential.ComputeSignature(stringToSign);
        message.Request.Headers.SetValue("Authorization", $"SharedKey {_credential.AccountName}:{signature}");
    }

    internal string BuildTableStringToSign(Request request)
    {
        request.Headers.TryGetValue("Content-MD5", out var md5);
        request.Headers.TryGetValue("Content-Type", out var contentType);
        request.Headers.TryGetValue("x-ms-date", out var date);
        var uri = request.Uri.ToUri();
        var resource = new StringBuilder().Append('/').Append(_credential.AccountName)
            .Append(uri.AbsolutePath.Length > 0 ? uri.AbsolutePath : "/");
        foreach (var (name, value) in ParseQuery(uri.Query))
        {
            if (name.Equals("comp", StringComparison.OrdinalIgnoreCase))
            {
                resource.Append("?comp=").Append(value);
                break;
            }
        }
        return string.Join('\n', request.Method.Method, md5 ?? "", contentType ?? "", date ?? "", resource.ToString());
    }

    internal string BuildBlobStringToSign(Request request)
    {
        string Header(string name) => request.Headers.TryGetValue(name, out var v) ? v : "";

        var contentLength = "";
        if (request.Content is { } content && content.TryComputeLength(out var length) && length > 0)
        {
            contentLength = length.ToString(CultureInfo.InvariantCulture);
        }
        else if (request.Headers.TryGetValue("Content-Length", out var explicitLength) && explicitLength != "0")
        {
            contentLength = explicitLength;
        }

        var sb = new StringBuilder();
        sb.Append(request.Method.Method).Append('\n')
          .Append(Header("Content-Encoding")).Append('\n')
          .Append(Header("Content-Language")).Append('\n')
          .Append(contentLength).Append('\n')
          .Append(Header("Content-MD5")).Append('\n')
          .Append(Header("Content-Type")).Append('\n')
          .Append('\n') // Date: empty because x-ms-date is always sent
          .Append(Header("If-Modified-Since")).Append('\n')
          .Append(Header("If-Match")).Append('\n')
          .Append(Header("If-None-Match")).Append('\n')
          .Append(Header("If-Unmodified-Since")).Append('\n')
          .Append(Header("Range")).Append('\n');

        var msHeaders = request.Headers
            .Where(h => h.Name.StartsWith("x-ms-", StringComparison.OrdinalIgnoreCase))
            .Select(h => (Name: h.Name.ToLowerInvariant(), Value: h.Value.Trim()))
            .OrderBy(h => h.Name, StringComparer.Ordinal);
        foreach (var (name, value) in msHeaders)
        {
            sb.Append(name).Append(':').Append(value).Append('\n');
        }

        var uri = request.Uri.ToUri();
        sb.Append('/').Append(_credential.AccountName).Append(uri.AbsolutePath.Length > 0 ? uri.AbsolutePath : "/");
        var parameters = ParseQuery(uri.Query)
            .GroupBy(p => p.Name.ToLowerInvariant(), StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal);
        foreach (var group in parameters)
        {
            sb.Append('\n').Append(group.Key).Append(':')
              .Append(string.Join(',', group.Select(p => p.Value).OrderBy(v => v, StringComparer.Ordinal)));
        }
        return sb.ToString();
    }

    private static IEnumerable<(string Name, string Value)> ParseQuery(string query)
    {
        if (string.IsNullOrEmpty(query)) yield break;
        foreach (var part in query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=');
            var name = eq < 0 ? part : part[..eq];
            var value = eq < 0 ? "" : part[(eq + 1)..];
            yield return (Uri.UnescapeDataString(name), Uri.UnescapeDataString(value));
        }
    }
}
