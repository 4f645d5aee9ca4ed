using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace KampungKB.Core.Ingestion.Intake;

/// <summary>
/// Decrypts a BIFF8 workbook stream (Excel 97–2003) encrypted under Excel's default password "VelvetSweatshop", the
/// password Excel and LibreOffice use for a workbook that is only protected (structure or writing) and opens without
/// a prompt. Both RC4 kinds of the FILEPASS record ([MS-XLS] 2.4.117) are read: RC4 with MD5 ([MS-OFFCRYPTO] 2.3.6,
/// version 1.1, what LibreOffice and Excel 97 write) and RC4 CryptoAPI with SHA-1 ([MS-OFFCRYPTO] 2.3.5, versions
/// 2–4.2, what Excel 2002 and later write). The key stream runs over the whole stream by absolute position, re-keyed
/// every 1024 bytes, record headers included but left plain; BOF, FILEPASS and INTERFACEHDR stay plain, and so does a
/// BOUNDSHEET's first four bytes (the sheet's offset) ([MS-XLS] 2.2.10).
/// A workbook with a real password (the default one does not verify) or XOR obfuscation is not decrypted:
/// ExcelDataReader then refuses it (a password it is not given) or reads it itself.
/// </summary>
internal static class BiffDecryption
{
    internal const string DefaultPassword = "VelvetSweatshop";
    private const ushort Bof = 0x0809, FilePass = 0x002F, InterfaceHdr = 0x00E1, BoundSheet = 0x0085;
    private const int BlockSize = 1024;

    /// <summary>
    /// A decrypted copy of the BIFF8 stream <paramref name="stream"/> whose FILEPASS record's data is
    /// <paramref name="filePass"/>; null when the encryption is XOR, of an unknown kind, or under another password.
    /// </summary>
    internal static byte[]? DecryptDefault(byte[] stream, ReadOnlySpan<byte> filePass, CancellationToken ct)
    {
        if (Key.FromFilePass(filePass, DefaultPassword) is not { } key) return null;
        var plain = (byte[])stream.Clone();
        var block = -1;
        var keyStream = new byte[BlockSize];
        var p = 0;
        var records = 0;
        while (p + 4 <= plain.Length)
        {
            if ((++records & 0xFFFF) == 0) ct.ThrowIfCancellationRequested();
            var id = BinaryPrimitives.ReadUInt16LittleEndian(plain.AsSpan(p));
            var length = BinaryPrimitives.ReadUInt16LittleEndian(plain.AsSpan(p + 2));
            var data = p + 4;
            var end = Math.Min(data + length, plain.Length);
            var from = id is Bof or FilePass or InterfaceHdr ? end : id == BoundSheet ? data + 4 : data;
            for (var i = from; i < end; i++)
            {
                if (i / BlockSize != block)
                {
                    block = i / BlockSize;
                    key.Block(block, keyStream);
                }
                plain[i] ^= keyStream[i % BlockSize];
            }
            p = data + length;
        }
        return plain;
    }

    /// <summary>The secret derived from a password and the FILEPASS record's salt, and the RC4 key of each block.</summary>
    private sealed class Key
    {
        private readonly byte[] _secret;
        private readonly bool _cryptoApi;
        private readonly int _keyBytes;

        private Key(byte[] secret, bool cryptoApi, int keyBytes) { _secret = secret; _cryptoApi = cryptoApi; _keyBytes = keyBytes; }

        /// <summary>The key for <paramref name="password"/> when it verifies against the record, else null.</summary>
        internal static Key? FromFilePass(ReadOnlySpan<byte> f, string password)
        {
            // wEncryptionType 1 = RC4 (0 = XOR obfuscation), then EncryptionVersionInfo (major, minor).
            if (f.Length < 6 || U16(f, 0) != 1) return null;
            var (major, minor) = (U16(f, 2), U16(f, 4));
            var pwd = Encoding.Unicode.GetBytes(password);
            if (major == 1 && minor == 1 && f.Length >= 6 + 48)
            {
                // [MS-OFFCRYPTO] 2.3.6.2: H0 = MD5(password)[0..5]; secret = MD5((H0 + salt) × 16)[0..5].
                var salt = f.Slice(6, 16);
                var h0 = MD5.HashData(pwd).AsSpan(0, 5);
                var buffer = new byte[16 * 21];
                for (var i = 0; i < 16; i++) { h0.CopyTo(buffer.AsSpan(21 * i)); salt.CopyTo(buffer.AsSpan(21 * i + 5)); }
                var key = new Key(MD5.HashData(buffer).AsSpan(0, 5).ToArray(), cryptoApi: false, keyBytes: 16);
                return key.Verifies(f.Slice(22, 16), f.Slice(38, 16), hashLength: 16) ? key : null;
            }
            if (major is 2 or 3 or 4 && minor == 2 && f.Length >= 14)
            {
                // [MS-OFFCRYPTO] 2.3.5.1: Flags, HeaderSize, EncryptionHeader (…, KeySize in bits at 16), EncryptionVerifier.
                var headerSize = checked((int)BinaryPrimitives.ReadUInt32LittleEndian(f[10..]));
                var header = 14;
                if (headerSize < 32 || header + headerSize + 4 > f.Length) return null;
                var bits = (int)BinaryPrimitives.ReadUInt32LittleEndian(f[(header + 16)..]);
                if (bits == 0) bits = 40; // 2.3.5.1: 0 means 40 bits
                if (bits is < 40 or > 128 || bits % 8 != 0) return null;
                var v = header + headerSize;
                var saltSize = checked((int)BinaryPrimitives.ReadUInt32LittleEndian(f[v..]));
                if (saltSize != 16 || v + 4 + 16 + 16 + 4 + 20 > f.Length) return null;
                var salt = f.Slice(v + 4, 16);
                // 2.3.5.2: H0 = SHA1(salt + password); the block key is SHA1(H0 + block), cut to KeySize.
                var key = new Key(SHA1.HashData([.. salt, .. pwd]), cryptoApi: true, keyBytes: bits / 8);
                return key.Verifies(f.Slice(v + 20, 16), f.Slice(v + 40, 20), hashLength: 20) ? key : null;
            }
            return null;
        }

        /// <summary>[MS-OFFCRYPTO] 2.3.5.6 / 2.3.6.4: the verifier and its hash, decrypted as one RC4 stream under block 0.</summary>
        private bool Verifies(ReadOnlySpan<byte> verifier, ReadOnlySpan<byte> verifierHash, int hashLength)
        {
            var rc4 = new Rc4(BlockKey(0));
            var plain = new byte[verifier.Length + verifierHash.Length];
            verifier.CopyTo(plain);
            verifierHash.CopyTo(plain.AsSpan(verifier.Length));
            rc4.Apply(plain);
            var hash = _cryptoApi ? SHA1.HashData(plain.AsSpan(0, 16)) : MD5.HashData(plain.AsSpan(0, 16));
            return CryptographicOperations.FixedTimeEquals(hash.AsSpan(0, hashLength), plain.AsSpan(16, hashLength));
        }

        private byte[] BlockKey(int block)
        {
            byte[] input = [.. _secret, 0, 0, 0, 0];
            BinaryPrimitives.WriteInt32LittleEndian(input.AsSpan(_secret.Length), block);
            if (!_cryptoApi) return MD5.HashData(input);
            var h = SHA1.HashData(input);
            // 2.3.5.2: a 40-bit key is the first 40 bits of the hash and 88 zero bits, 128 bits in all.
            if (_keyBytes == 5) return [.. h.AsSpan(0, 5), .. new byte[11]];
            return h.AsSpan(0, _keyBytes).ToArray();
        }

        /// <summary>The first 1024 bytes of block <paramref name="block"/>'s key stream.</summary>
        internal void Block(int block, byte[] into)
        {
            Array.Clear(into);
            new Rc4(BlockKey(block)).Apply(into);
        }
    }

    /// <summary>RC4 (the stream cipher of [MS-OFFCRYPTO] 2.3.5 and 2.3.6; .NET offers none).</summary>
    private sealed class Rc4
    {
        private readonly byte[] _s = new byte[256];
        private int _i, _j;

        internal Rc4(byte[] key)
        {
            for (var n = 0; n < 256; n++) _s[n] = (byte)n;
            for (int n = 0, j = 0; n < 256; n++)
            {
                j = (j + _s[n] + key[n % key.Length]) & 0xFF;
                (_s[n], _s[j]) = (_s[j], _s[n]);
            }
        }

        internal void Apply(Span<byte> data)
        {
            for (var n = 0; n < data.Length; n++)
            {
                _i = (_i + 1) & 0xFF;
                _j = (_j + _s[_i]) & 0xFF;
                (_s[_i], _s[_j]) = (_s[_j], _s[_i]);
                data[n] ^= _s[(_s[_i] + _s[_j]) & 0xFF];
            }
        }
    }

    private static int U16(ReadOnlySpan<byte> b, int at) => BinaryPrimitives.ReadUInt16LittleEndian(b[at..]);
}
