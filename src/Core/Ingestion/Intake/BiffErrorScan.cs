using System.Buffers.Binary;
using System.Text;

namespace KampungKB.Core.Ingestion.Intake;

/// <summary>
/// Error cells of a binary .xls ("#REF!", "#DIV/0!", "#N/A", "#VALUE!" …), which ExcelDataReader 3.6 returns as
/// empty: a FORMULA record whose saved result is an error ([MS-XLS] 2.4.127, FormulaValue with fExprO 0xFFFF and
/// type 2) or a BOOLERR record holding an error constant ([MS-XLS] 2.4.24, a typed "#N/A"). Read from the
/// workbook's own bytes: the compound file's "Workbook"/"Book" stream ([MS-CFB]) or a bare BIFF2–4 worksheet.
/// Per sheet in the workbook's BOUNDSHEET order (the order ExcelDataReader reads them), the texts Excel shows by
/// (1-based row, 0-based column), so that a broken count is named like an .xlsx error cell, never read as blank.
/// A BIFF8 workbook encrypted under Excel's default password (FILEPASS verified by "VelvetSweatshop": a workbook only
/// protected, which Excel opens without a prompt) is decrypted first (<see cref="BiffDecryption"/>), so its error cells
/// are named as in a plain one, and ExcelDataReader reads the decrypted file; one with a real password is not scanned
/// (ExcelDataReader refuses it: encrypted-file).
/// </summary>
/// <summary>
/// What <see cref="BiffErrorScan.Scan"/> found: the error cells per sheet (null: none), and for a workbook encrypted
/// under the default password the file decrypted (null otherwise).
/// </summary>
internal sealed record BiffScan(List<FormulaResults?>? Errors, byte[]? Decrypted);

internal static class BiffErrorScan
{
    private const ushort Bof2 = 0x0009, Bof3 = 0x0209, Bof4 = 0x0409, Bof8 = 0x0809, Eof = 0x000A;
    private const ushort Formula = 0x0006, Formula3 = 0x0206, Formula4 = 0x0406, BoolErr = 0x0205, BoolErr2 = 0x0005;
    private const ushort BoundSheet = 0x0085, FilePass = 0x002F;
    private const int MaxErrors = 100_000;

    /// <summary>
    /// Scans the workbook in <paramref name="s"/> (position restored). <see cref="BiffScan.Errors"/> is null when no
    /// sheet holds an error cell, when the file is encrypted other than under the default password, or when its
    /// structure cannot be followed (ExcelDataReader then judges it). For a compound file encrypted under the default
    /// password, <see cref="BiffScan.Decrypted"/> is the whole file with its workbook stream decrypted in place and its
    /// FILEPASS record renamed (<see cref="NoFilePass"/>), for ExcelDataReader to read instead: the same records at the
    /// same offsets, decrypted once, and read even where ExcelDataReader 3.6's own decryption refuses the file (a 40-bit
    /// RC4 CryptoAPI key, which it does not pad to 128 bits as [MS-OFFCRYPTO] 2.3.5.2 says).
    /// </summary>
    internal static BiffScan Scan(Stream s, CancellationToken ct)
    {
        var start = s.Position;
        try
        {
            var bytes = ReadAll(s);
            var compound = IsCompoundFile(bytes);
            var workbook = compound ? WorkbookStream(bytes) : (bytes, new List<(int At, int Length)> { (0, bytes.Length) });
            if (workbook is not { } found) return new(null, null);
            var (stream, places) = found;
            if (FindFilePass(stream) is not { } filePass) return new(ScanBiff(stream, ct), null);
            var (at, length) = filePass;
            // Encrypted from FILEPASS on: only under the default password can the cells be read.
            if (!compound || BiffDecryption.DecryptDefault(stream, stream.AsSpan(at + 4, length), ct) is not { } plain) return new(null, null);
            BinaryPrimitives.WriteUInt16LittleEndian(plain.AsSpan(at), NoFilePass);
            var file = (byte[])bytes.Clone();
            var o = 0;
            foreach (var (place, n) in places) { Buffer.BlockCopy(plain, o, file, place, n); o += n; }
            return new(ScanBiff(plain, ct), file);
        }
        catch (Exception e) when (e is ArgumentException or IndexOutOfRangeException or InvalidDataException or OverflowException)
        {
            return new(null, null); // a damaged file: the reader itself reports it
        }
        finally { s.Position = start; }
    }

    /// <summary>
    /// The id a decrypted workbook's FILEPASS record gets: none [MS-XLS] defines, so a reader skips it as an unknown
    /// record (ExcelDataReader does) and no longer takes the records after it for cipher text.
    /// </summary>
    internal const ushort NoFilePass = 0xFFFF;

    /// <summary>Where a BIFF8 workbook's FILEPASS record is (its header's offset, its data length): in the globals, before their EOF.</summary>
    private static (int At, int Length)? FindFilePass(byte[] b)
    {
        if (b.Length < 8 || U16(b, 0) != Bof8 || SubstreamType(b, 0) != 0x0005) return null;
        var p = 0;
        while (p + 4 <= b.Length)
        {
            var id = U16(b, p);
            var len = U16(b, p + 2);
            if (p + 4 + len > b.Length) return null;
            if (id == FilePass) return (p, len);
            if (id == Eof) return null;
            p += 4 + len;
        }
        return null;
    }

    private static byte[] ReadAll(Stream s)
    {
        if (s is MemoryStream m && m.TryGetBuffer(out var seg) && seg.Offset == 0 && m.Position == 0) return seg.Count == seg.Array!.Length ? seg.Array : seg.ToArray();
        using var copy = new MemoryStream();
        s.CopyTo(copy);
        return copy.ToArray();
    }

    private static bool IsCompoundFile(byte[] b) =>
        b.Length >= 512 && b.AsSpan(0, 8).SequenceEqual(new byte[] { 0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1 });

    internal static string? ErrorText(byte code) => code switch
    {
        0x00 => "#NULL!", 0x07 => "#DIV/0!", 0x0F => "#VALUE!", 0x17 => "#REF!", 0x1D => "#NAME?", 0x24 => "#NUM!", 0x2A => "#N/A",
        _ => null,
    };

    // ---------- BIFF records ----------

    private static List<FormulaResults?>? ScanBiff(byte[] b, CancellationToken ct)
    {
        if (b.Length < 4) return null;
        var first = U16(b, 0);
        if (first is Bof2 or Bof3 or Bof4 || (first == Bof8 && SubstreamType(b, 0) != 0x0005))
        {
            // A bare worksheet (Excel 2.x–4.0) or a lone worksheet substream: one sheet.
            var one = new FormulaResults();
            if (!ScanSheet(b, 0, first == Bof2 ? 2 : 5, one, ct, out var encrypted) || encrypted) return null;
            return one.Errors.Count > 0 ? [one] : null;
        }
        if (first != Bof8) return null;
        // Workbook globals: the BOUNDSHEET records give each sheet's substream offset, in workbook order.
        var offsets = new List<int>();
        var p = 0;
        while (p + 4 <= b.Length)
        {
            var id = U16(b, p);
            var len = U16(b, p + 2);
            if (p + 4 + len > b.Length) break;
            if (id == FilePass) return null;
            if (id == BoundSheet && len >= 4) offsets.Add(checked((int)BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(p + 4))));
            p += 4 + len;
            if (id == Eof) break;
        }
        List<FormulaResults?>? results = null;
        for (var i = 0; i < offsets.Count; i++)
        {
            ct.ThrowIfCancellationRequested();
            var sheet = new FormulaResults();
            if (offsets[i] < 0 || offsets[i] + 4 > b.Length || !ScanSheet(b, offsets[i], 5, sheet, ct, out _)) continue;
            if (sheet.Errors.Count == 0) continue;
            results ??= [.. new FormulaResults?[offsets.Count]];
            results[i] = sheet;
        }
        return results;
    }

    private static int SubstreamType(byte[] b, int at) => at + 8 <= b.Length && U16(b, at + 2) >= 4 ? U16(b, at + 6) : -1;

    /// <summary>Reads one substream from its BOF to its EOF, collecting the error cells.</summary>
    private static bool ScanSheet(byte[] b, int at, int version, FormulaResults into, CancellationToken ct, out bool encrypted)
    {
        encrypted = false;
        var p = at;
        var depth = 0;
        var records = 0;
        while (p + 4 <= b.Length)
        {
            var id = U16(b, p);
            var len = U16(b, p + 2);
            var d = p + 4;
            if (d + len > b.Length) return true;
            if ((++records & 0xFFFF) == 0) ct.ThrowIfCancellationRequested();
            switch (id)
            {
                case Bof2 or Bof3 or Bof4 or Bof8: depth++; break; // an embedded chart's substream nests
                case Eof: if (--depth <= 0) return true; break;
                case FilePass: encrypted = true; return true;
                case Formula when version == 2 && len >= 15:
                    // BIFF2 FORMULA: rw, col, 3 attribute bytes, then the 8-byte result.
                    Error(into, U16(b, d), U16(b, d + 2), b.AsSpan(d + 7, 8));
                    break;
                case Formula or Formula3 or Formula4 when len >= 14:
                    Error(into, U16(b, d), U16(b, d + 2), b.AsSpan(d + 6, 8));
                    break;
                case BoolErr when len >= 8 && b[d + 7] == 1:
                    Add(into, U16(b, d), U16(b, d + 2), b[d + 6]);
                    break;
                case BoolErr2 when version == 2 && len >= 9 && b[d + 8] == 1:
                    Add(into, U16(b, d), U16(b, d + 2), b[d + 7]);
                    break;
            }
            p = d + len;
        }
        return true;
    }

    private static void Error(FormulaResults into, int row, int col, ReadOnlySpan<byte> value)
    {
        // FormulaValue: a non-number result has 0xFFFF in its last two bytes; type 2 is an error, its code in byte 2.
        if (value[6] == 0xFF && value[7] == 0xFF && value[0] == 2) Add(into, row, col, value[2]);
    }

    private static void Add(FormulaResults into, int row, int col, byte code)
    {
        if (into.Errors.Count < MaxErrors && ErrorText(code) is { } text) into.Errors[(row + 1, col)] = text;
    }

    private static int U16(byte[] b, int at) => BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(at));

    // ---------- compound file ([MS-CFB]) ----------

    /// <summary>
    /// The "Workbook" (BIFF8) or "Book" (BIFF5) stream: its bytes and, in order, the places in the file they were read
    /// from (a regular sector or a 64-byte mini sector each), or null.
    /// </summary>
    private static (byte[] Bytes, List<(int At, int Length)> Places)? WorkbookStream(byte[] f)
    {
        var sectorShift = U16(f, 30);
        var miniShift = U16(f, 32);
        if (sectorShift is not (9 or 12) || miniShift != 6) return null;
        var size = 1 << sectorShift;
        var fatCount = (int)U32(f, 44);
        var dirStart = U32(f, 48);
        var miniCutoff = U32(f, 56);
        var miniFatStart = U32(f, 60);
        var difatStart = U32(f, 68);
        var difatCount = (int)U32(f, 72);
        int Offset(uint sector) => checked((int)((sector + 1) * (long)size));

        // The FAT's own sectors: 109 in the header, the rest in DIFAT sectors.
        var fatSectors = new List<uint>();
        for (var i = 0; i < 109 && fatSectors.Count < fatCount; i++) fatSectors.Add(U32(f, 76 + 4 * i));
        var next = difatStart;
        for (var n = 0; n < difatCount && next < 0xFFFFFFFA && fatSectors.Count < fatCount; n++)
        {
            var at = Offset(next);
            for (var i = 0; i < size / 4 - 1 && fatSectors.Count < fatCount; i++) fatSectors.Add(U32(f, at + 4 * i));
            next = U32(f, at + size - 4);
        }
        var fat = new uint[fatSectors.Count * (size / 4)];
        for (var i = 0; i < fatSectors.Count; i++)
        {
            var at = Offset(fatSectors[i]);
            if (at + size > f.Length) return null;
            for (var j = 0; j < size / 4; j++) fat[i * (size / 4) + j] = U32(f, at + 4 * j);
        }

        // A chain of regular sectors, as places in the file, up to length bytes.
        List<(int At, int Length)> Chain(uint first, long length)
        {
            var places = new List<(int, int)>();
            var sector = first;
            var guard = 0;
            long total = 0;
            while (sector < 0xFFFFFFFA && total < length && guard++ <= fat.Length)
            {
                var at = Offset(sector);
                if (at >= f.Length) break;
                var n = (int)Math.Min(Math.Min(size, f.Length - at), length - total);
                places.Add((at, n));
                total += n;
                sector = sector < fat.Length ? fat[sector] : 0xFFFFFFFE;
            }
            return places;
        }

        byte[] Gather(List<(int At, int Length)> places)
        {
            var bytes = new byte[places.Sum(p => (long)p.Length)];
            var o = 0;
            foreach (var (at, n) in places) { Buffer.BlockCopy(f, at, bytes, o, n); o += n; }
            return bytes;
        }

        var dir = Gather(Chain(dirStart, long.MaxValue));
        (uint Start, long Size)? root = null, book = null;
        for (var e = 0; e + 128 <= dir.Length; e += 128)
        {
            var nameLength = Math.Min(64, (int)U16(dir, e + 64));
            var name = nameLength >= 2 ? Encoding.Unicode.GetString(dir, e, nameLength - 2) : "";
            var type = dir[e + 66];
            var entry = (U32(dir, e + 116), (long)U32(dir, e + 120));
            if (type == 5) root = entry;
            else if (type == 2 && (name.Equals("Workbook", StringComparison.OrdinalIgnoreCase) || (book is null && name.Equals("Book", StringComparison.OrdinalIgnoreCase)))) book = entry;
        }
        if (book is not { } wb) return null;
        if (wb.Size >= miniCutoff)
        {
            var places = Chain(wb.Start, wb.Size);
            return (Gather(places), places);
        }
        // A small workbook lives in the mini stream (64-byte sectors held in the root entry's chain).
        if (root is not { } r) return null;
        var miniStream = Chain(r.Start, r.Size);
        var miniFatBytes = Gather(Chain(miniFatStart, long.MaxValue));
        var miniPlaces = new List<(int At, int Length)>();
        var mini = wb.Start;
        var steps = 0;
        long read = 0;
        while (mini < 0xFFFFFFFA && read < wb.Size && steps++ < miniFatBytes.Length / 4 + 1)
        {
            // A mini sector lies inside one regular sector of the mini stream (64 divides the sector size).
            var offset = (long)mini * 64;
            var index = (int)(offset / size);
            if (index >= miniStream.Count || miniStream[index].Length < offset % size + 64) break;
            var n = (int)Math.Min(64, wb.Size - read);
            miniPlaces.Add((miniStream[index].At + (int)(offset % size), n));
            read += n;
            mini = 4 * mini + 4 <= miniFatBytes.Length ? U32(miniFatBytes, (int)(4 * mini)) : 0xFFFFFFFE;
        }
        return (Gather(miniPlaces), miniPlaces);
    }

    private static uint U32(byte[] b, int at) => BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(at));
}
