namespace KampungKB.Core.Dashboard;

/// <summary>What a dinas user may see: a whole province or only the kabupaten/kota listed (docs/dashboard.md).</summary>
public enum DashboardRole
{
    /// <summary>Dinas staff of one or more kabupaten/kota: only those regencies' pages.</summary>
    Regency,
    /// <summary>Provincial staff (Perwakilan BKKBN / dinas provinsi): every kabupaten/kota of the listed provinces.</summary>
    Province,
}

/// <summary>
/// A signed-in dinas user, as the session cookie names it (docs/dashboard.md). <paramref name="UserId"/> is an
/// opaque id (a keyed hash of the lower-cased e-mail address, never the address itself) so logs and tables that
/// carry it name nobody. <paramref name="Scope"/> holds regency codes <c>PP.KK</c> for <see cref="DashboardRole.Regency"/>
/// and province codes <c>PP</c> for <see cref="DashboardRole.Province"/>; a province user may open every
/// kabupaten/kota whose code starts with one of them, including ones imported after sign-in.
/// <paramref name="SessionId"/> keys the revocable session row; <paramref name="ExpiresAt"/> is absolute (12 h after sign-in).
/// </summary>
public sealed record DashboardSession(string SessionId, string UserId, DashboardRole Role, IReadOnlyList<string> Scope, DateTimeOffset ExpiresAt)
{
    /// <summary>The one access rule of the dashboard: true when this user may open <paramref name="regencyCode"/>
    /// (<c>PP.KK</c>, e.g. <c>63.71</c>); false for anything that is no regency code.</summary>
    public bool CanOpen(string? regencyCode)
    {
        if (!IsRegencyCode(regencyCode)) return false;
        return Role switch
        {
            DashboardRole.Regency => Scope.Contains(regencyCode!, StringComparer.Ordinal),
            DashboardRole.Province => Scope.Contains(regencyCode![..2], StringComparer.Ordinal),
            _ => false,
        };
    }

    /// <summary>The regency a user lands on after sign-in: the first of its scope for a regency user, else null
    /// (a province user picks from the list of its kabupaten/kota).</summary>
    public string? HomeRegency => Role == DashboardRole.Regency && Scope.Count > 0 ? Scope[0] : null;

    /// <summary>True for <c>PP.KK</c> (two digits, a dot, two digits), the Kemendagri regency code.</summary>
    public static bool IsRegencyCode(string? code) =>
        code is { Length: 5 } && char.IsAsciiDigit(code[0]) && char.IsAsciiDigit(code[1]) && code[2] == '.'
        && char.IsAsciiDigit(code[3]) && char.IsAsciiDigit(code[4]);

    /// <summary>True for <c>PP</c> (two digits), the Kemendagri province code.</summary>
    public static bool IsProvinceCode(string? code) => code is { Length: 2 } && char.IsAsciiDigit(code[0]) && char.IsAsciiDigit(code[1]);
}
