using System.IO.Compression;

namespace KampungKB.Integration.Tests.Pipeline;

/// <summary>Real zip files written by the tests: a folder of reports as Drive or Windows would zip it, and hostile variants.</summary>
internal static class Zips
{
    static Zips() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    /// <summary>A zip of <paramref name="entries"/> in order; names as given (backslashes, "../" and all), UTF-8 names flagged as such.</summary>
    public static byte[] Of(params (string Name, byte[] Content)[] entries) => Write(null, entries);

    /// <summary>Names written in CP437 without the UTF-8 flag, as older Windows tools do.</summary>
    public static byte[] Cp437(params (string Name, byte[] Content)[] entries) => Write(Encoding.GetEncoding(437), entries);

    private static byte[] Write(Encoding? names, (string Name, byte[] Content)[] entries)
    {
        using var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true, names))
            foreach (var (name, content) in entries)
            {
                using var s = zip.CreateEntry(name, CompressionLevel.Optimal).Open();
                s.Write(content);
            }
        return ms.ToArray();
    }

    /// <summary>One entry of <paramref name="bytes"/> zero bytes, deflated (about 1000×): a zip bomb with honest headers, built streaming.</summary>
    public static byte[] Bomb(string name, long bytes)
    {
        using var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        {
            using var s = zip.CreateEntry(name, CompressionLevel.Fastest).Open();
            var chunk = new byte[1 << 20];
            for (long written = 0; written < bytes; written += chunk.Length) s.Write(chunk);
        }
        return ms.ToArray();
    }

    /// <summary>Sets the "encrypted" flag (general purpose bit 0) of entry <paramref name="name"/> in its local header and the central directory.</summary>
    public static byte[] MarkEncrypted(byte[] zip, string name)
    {
        var b = (byte[])zip.Clone();
        var nameBytes = Encoding.UTF8.GetBytes(name);
        for (var i = 0; i + 46 < b.Length; i++)
        {
            if (BitConverter.ToUInt32(b, i) != 0x02014b50) continue;
            var length = BitConverter.ToUInt16(b, i + 28);
            if (!b.AsSpan(i + 46, length).SequenceEqual(nameBytes)) continue;
            b[i + 8] |= 1;
            var local = (int)BitConverter.ToUInt32(b, i + 42);
            b[local + 6] |= 1;
            return b;
        }
        throw new ArgumentException($"no entry {name}");
    }
}
