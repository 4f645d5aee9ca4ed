namespace KampungKB.Core.Model;

/// <summary>The class of a Kampung KB (PerBKKBN 20/2023). Many dinas call the top class "Paripurna".</summary>
public enum KampungClass { Dasar, Berkembang, Mandiri, Berkelanjutan }

/// <summary>
/// One Kampung KB in a dinas' registry workbook. <see cref="AreaCode"/> is the Kemendagri code of its
/// desa/kelurahan (<c>PP.KK.CC.DDDD</c>, or <c>PP.KK.CC.DDDD-RWnn</c> for a second Kampung KB at RW level in the
/// same desa); the regency and district codes are its prefixes. <see cref="Profile"/> holds the optional profile
/// columns that feed the class (docs/classification.md). <see cref="DriveFolderId"/> is the Pokja's Google Drive
/// folder from the optional "Folder Google Drive" column; the import links it (docs/channels.md).
/// </summary>
public sealed record RegistryEntry(
    string AreaCode,
    string Name,
    string? Village,
    string? District,
    string? Regency,
    string? ClassLabel,
    KampungClass? Class,
    int? YearFounded,
    string? PokjaEmail,
    string? PokjaPhone,
    string? PkbName,
    string? PkbEmail,
    string? Sheet = null,
    int? Row = null,
    KampungProfile? Profile = null,
    string? DriveFolderId = null,
    DateTimeOffset? RetiredAt = null)
{
    /// <summary>
    /// True when a later registry import of its kabupaten/kota no longer listed it (docs/robustness.md): kept for
    /// history (its reports stay), but out of recaps, reminders, class counts and missing lists, its links refused.
    /// </summary>
    public bool IsRetired => RetiredAt is not null;

    /// <summary>Column "Nomor WhatsApp Pokja" (docs/channels.md); when empty, WhatsApp goes to <see cref="PokjaPhone"/>. As written, never logged.</summary>
    public string? WhatsAppNumber { get; init; }

    /// <summary>Column "Setuju Pesan WhatsApp": the Pokja agreed to reminders and feedback on WhatsApp. False (email only) unless a Ya/Ada.</summary>
    public bool WhatsAppOptIn { get; init; }

    /// <summary>Kabupaten/kota code, <c>PP.KK</c>.</summary>
    public string RegencyCode => AreaCode.Length >= 5 ? AreaCode[..5] : AreaCode;

    /// <summary>Kecamatan code, <c>PP.KK.CC</c>.</summary>
    public string DistrictCode => AreaCode.Length >= 8 ? AreaCode[..8] : AreaCode;
}

/// <summary>The outcome of reading a registry workbook: the entries, and every problem found. Any error rejects the import.</summary>
public sealed record RegistryImport(
    string FileName,
    IReadOnlyList<RegistryEntry> Entries,
    IReadOnlyList<Problem> Problems)
{
    public bool IsAccepted => !Problems.Any(p => p.Severity == Severity.Error);
}
