namespace KampungKB.Core.Model;

/// <summary>
/// The optional profile columns of a registry row that feed the input and proses indicators of the class
/// (shared/domain.md, "Classification in full"). Every value is nullable: null means the dinas did not fill
/// it (missing, scored 1 and listed as missing), which differs from a stated "no" (false or 0).
/// Counts are whole numbers ≥ 0 as read from a number or counted from a list ("APBD, Dana Desa" → 2).
/// </summary>
public sealed record KampungProfile(
    bool? PokjaDecree = null,
    int? PokjaMembers = null,
    int? PokjaTrained = null,
    int? FundingSources = null,
    int? PoktanOwned = null,
    bool? Secretariat = null,
    bool? RumahDataKu = null,
    bool? PkbAssigned = null,
    bool? Regulation = null,
    int? DataSources = null,
    int? Mechanisms = null,
    bool? PokjaBoard = null,
    bool? PokjaTrainedFlag = null,
    int? Teens = null,
    string? PoktanNamed = null)
{
    /// <summary>
    /// Which of the website's five poktan (BKB, BKR, BKL, UPPKA, PIK R: the "poktan" list of templates/classes/options.json)
    /// the registry's poktan cell named, in the website's order; null when the cell gave only a number (or nothing). The
    /// handover answers the website's per-poktan question (<c>programs[1..5][program_flag]</c>) from it.
    /// </summary>
    public IReadOnlyList<string>? PoktanNames => PoktanNamed?.Split("; ", StringSplitOptions.RemoveEmptyEntries);

    /// <summary>
    /// Whether the Pokja has been trained, with the website's meaning (<c>pokja_pelatihan_flag</c>): the stated yes/no,
    /// else a stated count of trained members (&gt; 0 is yes, 0 is no); null when neither was filled.
    /// </summary>
    public bool? Trained => PokjaTrainedFlag ?? (PokjaTrained is { } n ? n > 0 : null);

    /// <summary>Property name prefix in the registry table, so profile values never collide with registry columns.</summary>
    public const string StoragePrefix = "P_";

    /// <summary>True when no profile column was filled.</summary>
    public bool IsEmpty => ToProperties().Count == 0;

    /// <summary>The filled values as table properties (<c>P_PokjaMembers</c> → 12); unfilled values are left out.</summary>
    public IReadOnlyDictionary<string, object> ToProperties()
    {
        var d = new Dictionary<string, object>(StringComparer.Ordinal);
        void Add(string name, object? value) { if (value is not null) d[StoragePrefix + name] = value; }
        Add(nameof(PokjaDecree), PokjaDecree);
        Add(nameof(PokjaMembers), PokjaMembers);
        Add(nameof(PokjaTrained), PokjaTrained);
        Add(nameof(FundingSources), FundingSources);
        Add(nameof(PoktanOwned), PoktanOwned);
        Add(nameof(Secretariat), Secretariat);
        Add(nameof(RumahDataKu), RumahDataKu);
        Add(nameof(PkbAssigned), PkbAssigned);
        Add(nameof(Regulation), Regulation);
        Add(nameof(DataSources), DataSources);
        Add(nameof(Mechanisms), Mechanisms);
        Add(nameof(PokjaBoard), PokjaBoard);
        Add(nameof(PokjaTrainedFlag), PokjaTrainedFlag);
        Add(nameof(Teens), Teens);
        Add(nameof(PoktanNamed), PoktanNamed);
        return d;
    }

    /// <summary>Reads back what <see cref="ToProperties"/> wrote; <paramref name="get"/> returns a stored property or null. Null when nothing was stored.</summary>
    public static KampungProfile? FromProperties(Func<string, object?> get)
    {
        bool? B(string n) => get(StoragePrefix + n) switch { bool b => b, _ => null };
        int? I(string n) => get(StoragePrefix + n) switch { int i => i, long l => (int)l, double x => (int)x, _ => null };
        var p = new KampungProfile(
            B(nameof(PokjaDecree)), I(nameof(PokjaMembers)), I(nameof(PokjaTrained)), I(nameof(FundingSources)), I(nameof(PoktanOwned)),
            B(nameof(Secretariat)), B(nameof(RumahDataKu)), B(nameof(PkbAssigned)), B(nameof(Regulation)), I(nameof(DataSources)), I(nameof(Mechanisms)),
            B(nameof(PokjaBoard)), B(nameof(PokjaTrainedFlag)), I(nameof(Teens)), get(StoragePrefix + nameof(PoktanNamed)) as string);
        return p.IsEmpty ? null : p;
    }
}
