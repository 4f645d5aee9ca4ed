using KampungKB.Core.Model;

namespace KampungKB.Core.Jobs.Handover;

/// <summary>How one field fared against the website's own rules.</summary>
internal enum FieldCheck { Passed, Failed, NotCollected }

/// <summary>One field of a kampung's block: the page, its number on the page, the website's label, the value to type (Indonesian text) and how it fared.</summary>
internal sealed record HandoverRow(string FormTitle, int Number, string Label, string FieldName, decimal? Value, string Display, FieldCheck Check, string? Note);

/// <summary>A field the website would refuse: which page and field, the value, the rule (<see cref="HandoverCatalogue.Checks"/>) and what to fix.</summary>
internal sealed record HandoverFailure(string FormTitle, string Label, string FieldName, string Display, string Rule, string RuleText, string Message);

/// <summary>One kampung ready (or not) to type: its rows in the website's order, what fails, its link for the Pokja (null without signing key).</summary>
internal sealed record HandoverBlock(RegistryEntry Kampung, IReadOnlyList<HandoverRow> Rows, IReadOnlyList<HandoverFailure> Failures, string? Link)
{
    public bool IsReady => Failures.Count == 0;
}

/// <summary>A kampung without figures this month: missing or reported without figures; the last month within a year that had figures.</summary>
internal sealed record NoFiguresRow(RegistryEntry Kampung, bool Reported, ReportingPeriod? LastFigures, string? Link);

/// <summary>The handover of one kabupaten/kota and month: a block per kampung with figures (area-code order), and the kampung without.</summary>
public sealed record HandoverPlan
{
    internal HandoverPlan(string regencyCode, string regionName, ReportingPeriod period, IReadOnlyList<HandoverBlock> blocks, IReadOnlyList<NoFiguresRow> noFigures)
    {
        RegencyCode = regencyCode;
        RegionName = regionName;
        Period = period;
        Blocks = blocks;
        NoFigures = noFigures;
    }

    /// <summary>The kabupaten/kota code, e.g. <c>63.71</c>.</summary>
    public string RegencyCode { get; init; }
    /// <summary>The kabupaten/kota's name, as the registry gives it.</summary>
    public string RegionName { get; init; }
    /// <summary>The month handed over.</summary>
    public ReportingPeriod Period { get; init; }
    internal IReadOnlyList<HandoverBlock> Blocks { get; init; }
    internal IReadOnlyList<NoFiguresRow> NoFigures { get; init; }

    public int Ready => Blocks.Count(b => b.IsReady);
    public int Failing => Blocks.Count(b => !b.IsReady);
    public string AttachmentName => $"ketik-situs-kampung-kb-{RegencyCode}-{Period}.xlsx";
}

/// <summary>
/// What the handover reads: the active kampung, this month's figures per area code (as the cadre sent them for
/// this month, never carried from another), which kampung reported at all, the last month with figures in the
/// year before, and an upload link per kampung when links are signed.
/// </summary>
internal sealed record HandoverInput(
    string RegencyCode,
    string RegionName,
    ReportingPeriod Period,
    IReadOnlyList<RegistryEntry> Kampung,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, decimal>> Figures,
    IReadOnlySet<string> Reported,
    IReadOnlyDictionary<string, ReportingPeriod> LastFigures,
    IReadOnlyDictionary<string, string> Links);

/// <summary>
/// Plans the handover as a pure function of its input: for each kampung with figures this month, every field of
/// the website's pages in the website's order with the value to type, checked against the website's own
/// validation rules (app/Http/Requests/Admin/{Profil,Penduduk,Kkbpk}/CreateRequest.php of willyprmn/Kampung-KB):
/// required, integer, not negative, poktan members ≤ their target families (<c>programs.*.max</c>), and the
/// 7 methods + 4 reasons for not using = PUS (<c>sum_equal</c>). A kampung without figures goes to the note.
/// What the cadre wrote is what the block shows: values are never rounded, carried or filled in.
/// </summary>
internal sealed class HandoverPlanner(HandoverCatalogue catalogue)
{
    public HandoverCatalogue Catalogue => catalogue;

    public HandoverPlan Plan(HandoverInput input)
    {
        var blocks = new List<HandoverBlock>();
        var none = new List<NoFiguresRow>();
        foreach (var k in input.Kampung.OrderBy(k => k.AreaCode, StringComparer.Ordinal))
        {
            var link = input.Links.GetValueOrDefault(k.AreaCode);
            if (!input.Figures.TryGetValue(k.AreaCode, out var figures) || figures.Count == 0)
            {
                none.Add(new NoFiguresRow(k, input.Reported.Contains(k.AreaCode), input.LastFigures.TryGetValue(k.AreaCode, out var last) ? last : null, link));
                continue;
            }
            blocks.Add(Block(k, figures, link));
        }
        return new HandoverPlan(input.RegencyCode, input.RegionName, input.Period, blocks, none);
    }

    private HandoverBlock Block(RegistryEntry k, IReadOnlyDictionary<string, decimal> figures, string? link)
    {
        var rows = new List<HandoverRow>();
        var failures = new List<HandoverFailure>();
        var sumParts = catalogue.Forms.SelectMany(f => f.Fields).Where(f => f.Checks.Contains(HandoverCatalogue.Checks.SumEqualPus)).ToList();
        foreach (var form in catalogue.Forms)
        {
            var number = 0;
            foreach (var field in form.Fields)
            {
                number++;
                var (value, display, isProfile) = Read(field, k, figures);
                var fails = new List<(string Rule, string Message)>();
                if (!field.IsCollected)
                {
                    rows.Add(new HandoverRow(form.Title, number, field.Label, field.Name, null, catalogue.Texts["answer.empty"], FieldCheck.NotCollected, catalogue.Texts["note.notCollected"]));
                    continue;
                }
                string? note = isProfile ? catalogue.Texts.GetValueOrDefault("note.profile") : null;
                if (field.PoktanName is { } poktan)
                    (display, note) = Poktan(field, poktan, k, figures, fails);
                if (display is null)
                {
                    if (field.Checks.Contains(HandoverCatalogue.Checks.Required))
                        fails.Add((HandoverCatalogue.Checks.Required, field.PoktanName is not null && k.Profile?.PoktanOwned is { } n
                            ? catalogue.Text("fail.required.poktan", ("count", Model.IndonesianFormat.Number(n)))
                            : catalogue.Texts[isProfile || field.PoktanName is not null ? "fail.required.profile" : "fail.required"]));
                }
                else if (value is { } v)
                {
                    if (field.Checks.Contains(HandoverCatalogue.Checks.Integer) && v != decimal.Truncate(v))
                        fails.Add((HandoverCatalogue.Checks.Integer, catalogue.Text("fail.integer", ("value", v))));
                    if (field.Checks.Contains(HandoverCatalogue.Checks.Min0) && v < 0)
                        fails.Add((HandoverCatalogue.Checks.Min0, catalogue.Text("fail.min0", ("value", v))));
                    if (field.MaxFigure is { } maxCode && figures.TryGetValue(maxCode, out var max) && v > max)
                        fails.Add((HandoverCatalogue.Checks.Max, catalogue.Text("fail.max", ("value", v), ("maxLabel", field.MaxLabel ?? maxCode), ("max", max))));
                }
                foreach (var (rule, message) in fails)
                    failures.Add(new HandoverFailure(form.Title, field.Label, field.Name, display ?? catalogue.Texts["answer.empty"], rule,
                        catalogue.Text("rule." + rule, ("maxLabel", field.MaxLabel ?? field.MaxFigure)), message));
                rows.Add(new HandoverRow(form.Title, number, field.Label, field.Name, value, display ?? catalogue.Texts["answer.empty"],
                    fails.Count == 0 ? FieldCheck.Passed : FieldCheck.Failed, fails.Count == 0 ? note : string.Join("; ", fails.Select(f => f.Message))));
            }
        }

        // The website's sum_equal: Σ kontrasepsis + Σ non_kontrasepsis = jumlah_pus, once all parts and PUS are there (else "required" already says what is empty).
        if (sumParts.Count > 0 && figures.TryGetValue(catalogue.PusFigure, out var pus) && sumParts.All(f => f.FigureCode is { } c && figures.ContainsKey(c)))
        {
            var sum = sumParts.Sum(f => figures[f.FigureCode!]);
            if (sum != pus)
            {
                var message = catalogue.Text("fail.sumEqualPus", ("sum", sum), ("pus", pus));
                var form = catalogue.Forms.First(f => f.Fields.Contains(sumParts[0]));
                failures.Add(new HandoverFailure(form.Title, catalogue.Texts["rule.sumEqualPus"], "kontrasepsis + non_kontrasepsis", Model.IndonesianFormat.Number(sum), HandoverCatalogue.Checks.SumEqualPus,
                    catalogue.Texts["rule.sumEqualPus"], message));
                for (var i = 0; i < rows.Count; i++)
                    if (sumParts.Any(p => p.Name == rows[i].FieldName) && rows[i].Check == FieldCheck.Passed)
                        rows[i] = rows[i] with { Check = FieldCheck.Failed, Note = message };
            }
        }
        return new HandoverBlock(k, rows, failures, link);
    }

    /// <summary>
    /// The website's per-poktan question (Ada/Tidak Ada): the poktan the registry named; else its poktan count when that
    /// decides it (0: none, 5: all five); else Ada when the month's report counts the poktan's members (noted as such).
    /// A registry "Tidak Ada" beside members this month is the <c>poktanMembers</c> failure (the website locks the members
    /// at 0). Display null when nothing tells.
    /// </summary>
    private (string? Display, string? Note) Poktan(HandoverCatalogue.Field field, string poktan, RegistryEntry k, IReadOnlyDictionary<string, decimal> figures,
        List<(string Rule, string Message)> fails)
    {
        var profile = k.Profile;
        bool? has = profile?.PoktanNames is { } named ? named.Contains(poktan, StringComparer.OrdinalIgnoreCase)
            : profile?.PoktanOwned switch { 0 => false, 5 => true, _ => null };
        decimal? members = field.MembersFigure is { } code && figures.TryGetValue(code, out var m) ? m : null;
        string Answer(bool b) => catalogue.Texts[b ? "answer.ada" : "answer.tidak"];
        if (has is { } known)
        {
            if (!known && members > 0)
                fails.Add((HandoverCatalogue.Checks.PoktanMembers, catalogue.Text("fail.poktanMembers", ("poktan", poktan), ("members", members.Value))));
            return (Answer(known), catalogue.Texts.GetValueOrDefault("note.profile"));
        }
        return members > 0 ? (Answer(true), catalogue.Text("note.poktanFromReport", ("members", members.Value))) : (null, null);
    }

    /// <summary>The value of a field for a kampung: its figure this month, or its registry profile answer; display null when empty.</summary>
    private (decimal? Value, string? Display, bool IsProfile) Read(HandoverCatalogue.Field field, RegistryEntry k, IReadOnlyDictionary<string, decimal> figures)
    {
        if (field.FigureCode is { } code)
            return figures.TryGetValue(code, out var v) ? (v, Model.IndonesianFormat.Number(v, 4), false) : (null, null, false);
        if (field.ProfileName is not { } name) return (null, null, false);
        var raw = typeof(KampungProfile).GetProperty(name)?.GetValue(k.Profile ?? new KampungProfile());
        return raw switch
        {
            bool b => (null, catalogue.Texts[b ? "answer.ada" : "answer.tidak"], true),
            int i => (i, Model.IndonesianFormat.Number(i), true),
            _ => (null, null, true),
        };
    }
}
