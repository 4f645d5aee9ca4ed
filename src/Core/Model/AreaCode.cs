using System.Diagnostics.CodeAnalysis;

namespace KampungKB.Core.Model;

/// <summary>
/// The Kemendagri code of a desa/kelurahan, <c>PP.KK.CC.DDDD</c> (provinsi.kabupaten/kota.kecamatan.desa),
/// which identifies its Kampung KB; a second Kampung KB at RW level in the same desa adds a suffix
/// (<c>63.71.02.1011-RW05</c>). <see cref="Regency"/> (<c>PP.KK</c>) is the dinas' scope.
/// </summary>
public readonly record struct AreaCode
{
    private AreaCode(string value) => Value = value;

    public string Value { get; }
    public string Province => Value[..2];
    public string Regency => Value[..5];
    public string District => Value[..8];
    /// <summary>The desa/kelurahan code without an RW suffix, <c>PP.KK.CC.DDDD</c>.</summary>
    public string Village => Value[..13];

    public static bool TryParse([NotNullWhen(true)] string? text, out AreaCode code)
    {
        code = default;
        if (text is null) return false;
        var t = text.Trim();
        // A second Kampung KB at RW level in the same desa: "63.71.02.1011-RW05".
        if (t.Length > 13 && !(t.Length <= 22 && t[13] == '-' && t[14..].All(char.IsAsciiLetterOrDigit) && t.Length > 14)) return false;
        if (t.Length < 13) return false;
        for (var i = 0; i < 13; i++)
        {
            var dot = i is 2 or 5 or 8;
            if (dot ? t[i] != '.' : !char.IsAsciiDigit(t[i])) return false;
        }
        code = new AreaCode(t);
        return true;
    }

    public override string ToString() => Value ?? "";
}
