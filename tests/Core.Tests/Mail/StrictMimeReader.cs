using System.Text.RegularExpressions;

namespace KampungKB.Core.Tests.Mail;

/// <summary>
/// A deliberately strict MIME reader for tests: refuses bare LF/CR, lines over 998 octets, non-ASCII
/// octets in the raw message, malformed encoded-words and unterminated multiparts.
/// </summary>
internal sealed partial class MimePart
{
    public required List<KeyValuePair<string, string>> Headers { get; init; }
    public byte[] Body { get; init; } = [];
    public List<MimePart> Parts { get; } = [];

    public string? Header(string name) => Headers.FirstOrDefault(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value;
    public string DecodedHeader(string name) => DecodeWords(Header(name) ?? throw new InvalidDataException($"missing header {name}"));

    public string MediaType => (Header("Content-Type") ?? "text/plain").Split(';')[0].Trim().ToLowerInvariant();

    public string? Parameter(string header, string name)
    {
        var value = Header(header);
        if (value is null) return null;
        var m = Regex.Match(value, $@";\s*{Regex.Escape(name)}=(""(?<q>[^""]*)""|(?<t>[^;\s]+))", RegexOptions.IgnoreCase);
        return m.Success ? (m.Groups["q"].Success ? m.Groups["q"].Value : m.Groups["t"].Value) : null;
    }

    public byte[] DecodedBody => (Header("Content-Transfer-Encoding") ?? "7bit").Trim().ToLowerInvariant() switch
    {
        "base64" => Convert.FromBase64String(Encoding.ASCII.GetString(Body).Replace("\r\n", "", StringComparison.Ordinal)),
        "7bit" or "8bit" => Body,
        var other => throw new InvalidDataException($"unsupported transfer encoding {other}"),
    };

    public IEnumerable<MimePart> Leaves() => Parts.Count == 0 ? [this] : Parts.SelectMany(p => p.Leaves());

    public static MimePart Parse(byte[] raw)
    {
        for (var i = 0; i < raw.Length; i++)
        {
            if (raw[i] > 127) throw new InvalidDataException($"non-ASCII octet at {i}");
            if (raw[i] == '\n' && (i == 0 || raw[i - 1] != '\r')) throw new InvalidDataException($"bare LF at {i}");
            if (raw[i] == '\r' && (i + 1 >= raw.Length || raw[i + 1] != '\n')) throw new InvalidDataException($"bare CR at {i}");
        }
        var text = Encoding.ASCII.GetString(raw);
        foreach (var line in text.Split("\r\n"))
            if (line.Length > 998) throw new InvalidDataException("line over 998 octets");
        return ParseEntity(text);
    }

    private static MimePart ParseEntity(string text)
    {
        var split = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (split < 0) throw new InvalidDataException("no header/body separator");
        var headers = new List<KeyValuePair<string, string>>();
        foreach (var line in text[..split].Split("\r\n"))
        {
            if (line.Length > 0 && (line[0] == ' ' || line[0] == '\t'))
            {
                if (headers.Count == 0) throw new InvalidDataException("continuation before first header");
                var last = headers[^1];
                headers[^1] = new(last.Key, last.Value + line);
                continue;
            }
            var colon = line.IndexOf(':');
            if (colon <= 0) throw new InvalidDataException($"bad header line '{line}'");
            headers.Add(new(line[..colon], line[(colon + 1)..].Trim()));
        }
        var body = text[(split + 4)..];
        var part = new MimePart { Headers = headers, Body = Encoding.ASCII.GetBytes(body) };
        if (part.MediaType.StartsWith("multipart/", StringComparison.Ordinal))
        {
            var boundary = part.Parameter("Content-Type", "boundary") ?? throw new InvalidDataException("multipart without boundary");
            var delimiter = "\r\n--" + boundary;
            var content = "\r\n" + body;
            var start = content.IndexOf(delimiter + "\r\n", StringComparison.Ordinal);
            var end = content.IndexOf(delimiter + "--", StringComparison.Ordinal);
            if (start < 0 || end < 0) throw new InvalidDataException("unterminated multipart");
            foreach (var chunk in content[(start + delimiter.Length + 2)..end].Split(delimiter + "\r\n"))
                part.Parts.Add(ParseEntity(chunk));
        }
        return part;
    }

    public static string DecodeWords(string value)
    {
        // Whitespace between adjacent encoded-words is not displayed (RFC 2047 §6.2).
        var joined = AdjacentWords().Replace(value, "?==?");
        return EncodedWord().Replace(joined, m =>
        {
            var charset = m.Groups[1].Value;
            if (!charset.Equals("UTF-8", StringComparison.OrdinalIgnoreCase)) throw new InvalidDataException("unexpected charset");
            if (m.Value.Length > 75) throw new InvalidDataException("encoded-word over 75 characters");
            var bytes = m.Groups[2].Value.ToUpperInvariant() == "B"
                ? Convert.FromBase64String(m.Groups[3].Value)
                : throw new InvalidDataException("only B encoding expected");
            return new UTF8Encoding(false, true).GetString(bytes);
        });
    }

    [GeneratedRegex(@"\?=\s+=\?")]
    private static partial Regex AdjacentWords();

    [GeneratedRegex(@"=\?([^?]+)\?([BbQq])\?([^?]*)\?=")]
    private static partial Regex EncodedWord();
}
