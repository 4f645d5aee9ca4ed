using System.Security.Cryptography;

namespace KampungKB.Core.Tests;

/// <summary>
/// Writes the old binary .xls kinds cadres still receive, record by record ([MS-XLS] and the BIFF2–5
/// record layouts): bare BIFF2/3/4 worksheet streams (Excel 2.x–4.0), a BIFF5 workbook (Excel 5/95) in
/// an OLE compound file, and a BIFF8 workbook (Excel 97–2003) encrypted with RC4 under Excel's default
/// password "VelvetSweatshop" (a workbook only protected against writing, which Excel opens without
/// asking), with RC4 and MD5 as Excel 97 and LibreOffice write it or RC4 CryptoAPI as later Excel does. Cells: strings (Windows-1252 before BIFF8), numbers, dates as serial numbers.
/// </summary>
internal static class OldXls
{
    private const ushort Bof2 = 0x0009, Bof3 = 0x0209, Bof4 = 0x0409, Bof = 0x0809, Eof = 0x000A;
    private const ushort Number2 = 0x0003, Label2 = 0x0004, Number = 0x0203, Label = 0x0204;
    private const ushort FormulaRecord = 0x0006, BoolErr = 0x0205;
    private const ushort CodePage = 0x0042, BoundSheet = 0x0085, FilePass = 0x002F;
    private static readonly Encoding Ansi = CodePages();

    private static Encoding CodePages()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding(1252);
    }

    /// <summary>A bare worksheet stream of BIFF <paramref name="version"/> 2, 3 or 4 (no compound-file wrapper).</summary>
    internal static byte[] Bare(int version, object?[][] rows)
    {
        var w = new Records();
        var bof = version switch { 2 => Bof2, 3 => Bof3, 4 => Bof4, _ => throw new ArgumentOutOfRangeException(nameof(version)) };
        w.Add(bof, version == 2 ? U16(0x0002, 0x0010) : U16(version * 0x100, 0x0010, 0));
        w.Add(CodePage, U16(1252));
        Cells(w, rows, version);
        w.Add(Eof, []);
        return w.ToArray();
    }

    /// <summary>An Excel 5/95 workbook: a BIFF5 "Book" stream in a compound file, one sheet.</summary>
    internal static byte[] Biff5(string sheet, object?[][] rows) => CompoundFile("Book", Workbook(5, sheet, rows, encrypt: false));

    /// <summary>An Excel 97–2003 workbook (BIFF8 in a compound file), one sheet.</summary>
    internal static byte[] Biff8(string sheet, object?[][] rows) => CompoundFile("Workbook", Workbook(8, sheet, rows, encrypt: false));

    /// <summary>An Excel 97–2003 workbook encrypted with RC4 under the default password "VelvetSweatshop".</summary>
    internal static byte[] Biff8VelvetSweatshop(string sheet, object?[][] rows) => CompoundFile("Workbook", Workbook(8, sheet, rows, encrypt: true));

    /// <summary>
    /// The same under RC4 CryptoAPI ([MS-OFFCRYPTO] 2.3.5, what Excel 2002 and later write) with a key of
    /// <paramref name="keyBits"/> bits (40: "Office 97/2000 compatible" strength; 128: the Enhanced provider).
    /// </summary>
    internal static byte[] Biff8VelvetSweatshopCryptoApi(string sheet, object?[][] rows, int keyBits) =>
        CompoundFile("Workbook", Workbook(8, sheet, rows, encrypt: true, cryptoApiKeyBits: keyBits));

    private static byte[] Workbook(int version, string sheet, object?[][] rows, bool encrypt, int cryptoApiKeyBits = 0)
    {
        var vers = version == 8 ? 0x0600 : 0x0500;
        byte[] BofData(int type) => version == 8 ? [.. U16(vers, type, 0x0DBB, 0x07CC), .. new byte[8]] : U16(vers, type, 0x0DBB, 0x07CC);
        var globals = new Records();
        globals.Add(Bof, BofData(0x0005));
        byte[]? salt = null, verifier = null;
        if (encrypt)
        {
            salt = RandomNumberGenerator.GetBytes(16);
            verifier = RandomNumberGenerator.GetBytes(16);
            globals.Add(FilePass, cryptoApiKeyBits == 0
                ? [.. U16(1, 1, 1), .. salt, .. Rc4Verifier(salt, verifier)]
                : CryptoApiFilePass(salt, verifier, cryptoApiKeyBits));
        }
        globals.Add(CodePage, U16(version == 8 ? 1200 : 1252));
        byte[] nameBytes = version == 8 ? [(byte)sheet.Length, 1, .. Encoding.Unicode.GetBytes(sheet)] : [(byte)Ansi.GetByteCount(sheet), .. Ansi.GetBytes(sheet)];
        var boundSheetAt = globals.Length;
        globals.Add(BoundSheet, [0, 0, 0, 0, 0, 0, .. nameBytes]); // lbPlyPos set below; visible worksheet
        globals.Add(Eof, []);
        var body = new Records();
        body.Add(Bof, BofData(0x0010));
        Cells(body, rows, version);
        body.Add(Eof, []);
        var stream = globals.ToArray().Concat(body.ToArray()).ToArray();
        BitConverter.TryWriteBytes(stream.AsSpan(boundSheetAt + 4), globals.Length); // the sheet's BOF
        if (encrypt) Encrypt(stream, cryptoApiKeyBits == 0 ? block => BlockKey(SecretKey(salt!), block) : block => CryptoApiBlockKey(salt!, block, cryptoApiKeyBits));
        return stream;
    }

    private static void Cells(Records w, object?[][] rows, int version)
    {
        for (var r = 0; r < rows.Length; r++)
            for (var c = 0; c < rows[r].Length; c++)
            {
                var v = rows[r][c] is DateTime d ? d.ToOADate() : rows[r][c];
                var at = U16(r, c);
                switch (v)
                {
                    case null: break;
                    case double x when version == 2: w.Add(Number2, [.. at, 0, 0, 0, .. BitConverter.GetBytes(x)]); break;
                    case double x: w.Add(Number, [.. at, 0, 0, .. BitConverter.GetBytes(x)]); break;
                    case string s when version == 2: w.Add(Label2, [.. at, 0, 0, 0, (byte)Ansi.GetByteCount(s), .. Ansi.GetBytes(s)]); break;
                    case string s when version == 8: w.Add(Label, [.. at, 0, 0, .. U16(s.Length), 1, .. Encoding.Unicode.GetBytes(s)]); break;
                    case string s: w.Add(Label, [.. at, 0, 0, .. U16(Ansi.GetByteCount(s)), .. Ansi.GetBytes(s)]); break;
                    case ErrorCell { Formula: null } e when version >= 5:
                        // BOOLERR holding an error constant ([MS-XLS] 2.4.24: bBoolErr = the code, fError = 1), a typed "#N/A".
                        w.Add(BoolErr, [.. at, 0, 0, ErrorCode(e.Text), 1]);
                        break;
                    case ErrorCell e when version >= 5:
                        // FORMULA with an error result ([MS-XLS] 2.5.133 FormulaValue: fExprO 0xFFFF, type 2 = error),
                        // as Excel saves "=A1/0": ptgRef A1 (0x24), ptgInt 0 (0x1E), ptgDiv (0x06).
                        byte[] result = [2, 0, ErrorCode(e.Text), 0, 0, 0, 0xFF, 0xFF];
                        byte[] rgce = version == 8 ? [0x24, 0, 0, 0, 0xC0, 0x1E, 0, 0, 0x06] : [0x24, 0, 0xC0, 0, 0x1E, 0, 0, 0x06];
                        w.Add(FormulaRecord, [.. at, 0, 0, .. result, 0, 0, 0, 0, 0, 0, .. U16(rgce.Length), .. rgce]);
                        break;
                    default: throw new ArgumentException("cell type " + v.GetType().Name);
                }
            }
    }

    // ---------- RC4 encryption ([MS-OFFCRYPTO] 2.3.6: RC4 with MD5, 1024-byte blocks) ----------

    private const string DefaultPassword = "VelvetSweatshop";

    private static byte[] SecretKey(byte[] salt)
    {
        var h0 = MD5.HashData(Encoding.Unicode.GetBytes(DefaultPassword)).AsSpan(0, 5).ToArray();
        var buffer = new List<byte>();
        for (var i = 0; i < 16; i++) { buffer.AddRange(h0); buffer.AddRange(salt); }
        return MD5.HashData(buffer.ToArray()).AsSpan(0, 5).ToArray();
    }

    private static byte[] BlockKey(byte[] secret, int block) => MD5.HashData([.. secret, .. BitConverter.GetBytes(block)]);

    private static byte[] Rc4Verifier(byte[] salt, byte[] verifier)
    {
        var stream = Rc4(BlockKey(SecretKey(salt), 0), 32);
        var plain = verifier.Concat(MD5.HashData(verifier)).ToArray();
        return plain.Select((b, i) => (byte)(b ^ stream[i])).ToArray();
    }

    /// <summary>
    /// Encrypts every record's data in place: the key stream runs over the whole stream, headers included,
    /// re-keyed every 1024 bytes; BOF and FILEPASS stay plain, and so do a BOUNDSHEET's first four bytes.
    /// </summary>
    private static void Encrypt(byte[] stream, Func<int, byte[]> blockKey)
    {
        var keys = new Dictionary<int, byte[]>();
        byte Key(int position)
        {
            var block = position / 1024;
            if (!keys.TryGetValue(block, out var ks)) keys[block] = ks = Rc4(blockKey(block), 1024);
            return ks[position % 1024];
        }
        var p = 0;
        while (p + 4 <= stream.Length)
        {
            var id = BitConverter.ToUInt16(stream, p);
            var length = BitConverter.ToUInt16(stream, p + 2);
            var from = id is Bof or FilePass ? length : id == BoundSheet ? 4 : 0;
            for (var i = from; i < length; i++) stream[p + 4 + i] ^= Key(p + 4 + i);
            p += 4 + length;
        }
    }

    // ---------- RC4 CryptoAPI ([MS-OFFCRYPTO] 2.3.5: SHA-1, the key cut to its size, a 40-bit key padded to 128 bits) ----------

    private static byte[] CryptoApiBlockKey(byte[] salt, int block, int keyBits)
    {
        var h0 = SHA1.HashData([.. salt, .. Encoding.Unicode.GetBytes(DefaultPassword)]);
        var hash = SHA1.HashData([.. h0, .. BitConverter.GetBytes(block)]);
        return keyBits == 40 ? [.. hash.AsSpan(0, 5), .. new byte[11]] : hash.AsSpan(0, keyBits / 8).ToArray();
    }

    /// <summary>FILEPASS data: wEncryptionType 1, version 4.2, flags (fCryptoAPI), the header (RC4, SHA-1, key size, a CSP name), the verifier.</summary>
    private static byte[] CryptoApiFilePass(byte[] salt, byte[] verifier, int keyBits)
    {
        const uint CryptoApiFlag = 0x04, Rc4Alg = 0x6801, Sha1Alg = 0x8004, Rc4Provider = 0x01;
        var csp = Encoding.Unicode.GetBytes("Microsoft Enhanced Cryptographic Provider v1.0\0");
        byte[] header = [.. U32s(CryptoApiFlag, 0, Rc4Alg, Sha1Alg, (uint)keyBits, Rc4Provider, 0, 0), .. csp];
        var stream = Rc4(CryptoApiBlockKey(salt, 0, keyBits), 36);
        var plain = verifier.Concat(SHA1.HashData(verifier)).ToArray();
        var encrypted = plain.Select((b, i) => (byte)(b ^ stream[i])).ToArray();
        return [.. U16(1, 4, 2), .. U32s(CryptoApiFlag, (uint)header.Length), .. header,
                .. U32s(16), .. salt, .. encrypted[..16], .. U32s(20), .. encrypted[16..]];
    }

    private static byte[] U32s(params uint[] values) => values.SelectMany(BitConverter.GetBytes).ToArray();

    private static byte[] Rc4(byte[] key, int count)
    {
        var s = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        for (int i = 0, j = 0; i < 256; i++)
        {
            j = (j + s[i] + key[i % key.Length]) & 0xFF;
            (s[i], s[j]) = (s[j], s[i]);
        }
        var output = new byte[count];
        for (int n = 0, i = 0, j = 0; n < count; n++)
        {
            i = (i + 1) & 0xFF;
            j = (j + s[i]) & 0xFF;
            (s[i], s[j]) = (s[j], s[i]);
            output[n] = s[(s[i] + s[j]) & 0xFF];
        }
        return output;
    }

    // ---------- OLE compound file ([MS-CFB], version 3, 512-byte sectors) ----------

    /// <summary>
    /// One stream in a compound file: header, one FAT sector, one directory sector, the stream's sectors.
    /// The stream is padded to 4096 bytes so it lives in regular sectors (no mini stream).
    /// </summary>
    private static byte[] CompoundFile(string streamName, byte[] content)
    {
        const uint Free = 0xFFFFFFFF, EndOfChain = 0xFFFFFFFE, FatSector = 0xFFFFFFFD;
        var data = content.Length >= 4096 ? content : [.. content, .. new byte[4096 - content.Length]];
        var sectors = (data.Length + 511) / 512;
        if (sectors > 126) throw new ArgumentException("stream too large for one FAT sector");
        var file = new byte[512 * (3 + sectors)];
        var header = file.AsSpan(0, 512);
        new byte[] { 0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1 }.CopyTo(header);
        W16(header, 24, 0x003E); W16(header, 26, 0x0003); W16(header, 28, 0xFFFE); W16(header, 30, 9); W16(header, 32, 6);
        W32(header, 44, 1);          // FAT sectors
        W32(header, 48, 1);          // first directory sector
        W32(header, 56, 0x1000);     // mini stream cutoff
        W32(header, 60, EndOfChain); // no mini FAT
        W32(header, 68, EndOfChain); // no DIFAT sectors
        W32(header, 76, 0);          // the FAT is sector 0
        for (var i = 1; i < 109; i++) W32(header, 76 + 4 * i, Free);

        var fat = file.AsSpan(512, 512);
        for (var i = 0; i < 128; i++) W32(fat, 4 * i, Free);
        W32(fat, 0, FatSector);
        W32(fat, 4, EndOfChain); // directory
        for (var i = 0; i < sectors; i++) W32(fat, 4 * (2 + i), i == sectors - 1 ? EndOfChain : (uint)(3 + i));

        var dir = file.AsSpan(1024, 512);
        Entry(dir[..128], "Root Entry", 5, child: 1, start: EndOfChain, size: 0);
        Entry(dir.Slice(128, 128), streamName, 2, child: Free, start: 2, size: (uint)data.Length);
        for (var i = 2; i < 4; i++) { W32(dir, 128 * i + 68, Free); W32(dir, 128 * i + 72, Free); W32(dir, 128 * i + 76, Free); }
        data.CopyTo(file.AsSpan(512 * 3));
        return file;

        static void Entry(Span<byte> e, string name, byte type, uint child, uint start, uint size)
        {
            Encoding.Unicode.GetBytes(name).CopyTo(e);
            W16(e, 64, (name.Length + 1) * 2);
            e[66] = type;
            e[67] = 1; // black
            W32(e, 68, Free); W32(e, 72, Free); W32(e, 76, child);
            W32(e, 116, start);
            W32(e, 120, size);
        }
    }

    private static void W16(Span<byte> b, int at, int v) => BitConverter.TryWriteBytes(b[at..], (ushort)v);
    private static void W32(Span<byte> b, int at, uint v) => BitConverter.TryWriteBytes(b[at..], v);

    private static byte ErrorCode(string text) => text switch
    {
        "#NULL!" => 0x00, "#DIV/0!" => 0x07, "#VALUE!" => 0x0F, "#REF!" => 0x17, "#NAME?" => 0x1D, "#NUM!" => 0x24, "#N/A" => 0x2A,
        _ => throw new ArgumentException("error " + text),
    };

    private static byte[] U16(params int[] values) => values.SelectMany(v => BitConverter.GetBytes((ushort)v)).ToArray();

    private sealed class Records
    {
        private readonly MemoryStream _bytes = new();
        internal int Length => (int)_bytes.Length;

        internal void Add(ushort id, byte[] data)
        {
            _bytes.Write(BitConverter.GetBytes(id));
            _bytes.Write(BitConverter.GetBytes((ushort)data.Length));
            _bytes.Write(data);
        }

        internal byte[] ToArray() => _bytes.ToArray();
    }
}
