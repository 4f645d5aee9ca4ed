namespace KampungKB.Core.Ingestion.Layouts;

/// <summary>The canonical indicator codes (domain.md); labels for them are data in templates/layouts/indicators.json.</summary>
internal static class IndicatorCodes
{
    internal const string Families = "families";
    internal const string Pus = "pus";
    internal const string KbActive = "kb_active";
    internal const string KbNew = "kb_new";
    internal const string UnmetNeed = "unmet_need";
    internal const string WantChildLater = "pus_not_kb_want_child_later";
    internal const string NoMoreChildren = "pus_not_kb_no_more_children";
    /// <summary>Jumlah Remaja: the teenagers of the kampung, the website's population row "Jumlah Remaja" and PIK-R's target.</summary>
    internal const string Teens = "teens";

    internal static readonly string[] Methods =
        ["kb_active_iud", "kb_active_mow", "kb_active_mop", "kb_active_implant", "kb_active_injectable", "kb_active_pill", "kb_active_condom"];

    internal static readonly string[] NotUsingReasons =
        ["pus_not_kb_pregnant", "pus_not_kb_want_child_soon", WantChildLater, NoMoreChildren];

    /// <summary>Poktan members and the families they are drawn from.</summary>
    internal static readonly (string Members, string Target)[] MemberTargets =
    [
        ("bkb_members", "families_with_toddlers"),
        ("bkr_members", "families_with_teens"),
        ("bkl_members", "families_with_elderly"),
        ("uppka_members", Families),
    ];

    /// <summary>Stocks (as of month end), for the month-to-month change warning.</summary>
    internal static readonly string[] Stocks =
        [Families, Pus, KbActive, Teens, "families_with_toddlers", "families_with_teens", "families_with_elderly", "bkb_members", "bkr_members", "bkl_members", "uppka_members", "pikr_members"];

    internal static readonly string[] All =
    [
        Families, Pus, KbActive, .. Methods, KbNew, UnmetNeed, .. NotUsingReasons, Teens,
        "families_with_toddlers", "families_with_teens", "families_with_elderly",
        "bkb_members", "bkr_members", "bkl_members", "uppka_members", "pikr_members", "stunting_risk_families",
    ];
}
