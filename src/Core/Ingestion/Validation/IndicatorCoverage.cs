using KampungKB.Core.Ingestion.Layouts;

namespace KampungKB.Core.Ingestion.Validation;

/// <summary>
/// The sum rules of domain.md §2 (methods = <c>kb_active</c>; methods + not-using reasons = <c>pus</c>, the
/// Kampung KB website's own rule; <c>unmet_need</c> = IAT + TIAL) may pass only because a part was never
/// read. When a rule lacks parts, did not refuse the figures, and a row of the list was not recognised
/// whose label may be one of the parts (indicators.json sumRules hints), the rule says it could not be
/// checked (<c>sum-not-checked</c>, naming the missing parts and the unrecognised rows).
/// </summary>
internal static class IndicatorCoverage
{
    internal static void Check(IReadOnlyDictionary<string, IndicatorValue> ind, IReadOnlyList<(string Label, CellRef Cell)> unknown, LayoutCatalogue catalogue, ProblemSink sink)
    {
        if (unknown.Count == 0) return;
        bool Has(string code) => ind.ContainsKey(code);
        decimal Sum(IEnumerable<string> codes) => codes.Where(Has).Sum(c => ind[c].Value);

        var methods = IndicatorCodes.Methods;
        var active = ind.GetValueOrDefault(IndicatorCodes.KbActive)?.Value;
        var methodsGiven = methods.Count(Has);
        // methods = kb_active: refused (method-sum-mismatch) when both sides exist and differ.
        var methodsRefused = active is not null && methodsGiven > 0 && Sum(methods) != active;
        if ((active is not null || methodsGiven > 0) && !methodsRefused)
            Report("methods", IndicatorCodes.KbActive, [IndicatorCodes.KbActive, .. methods]);

        // methods (or kb_active) + reasons = pus: refused (pus-sum-mismatch) when reasons, users and pus exist and differ.
        var pus = ind.GetValueOrDefault(IndicatorCodes.Pus)?.Value;
        var reasonsGiven = IndicatorCodes.NotUsingReasons.Count(Has);
        decimal? users = methodsGiven > 0 ? Sum(methods) : active;
        var pusRefused = reasonsGiven > 0 && pus is not null && users is not null && users + Sum(IndicatorCodes.NotUsingReasons) != pus;
        if (pus is not null && (users is not null || reasonsGiven > 0) && !pusRefused)
        {
            var usersComplete = active is not null || methodsGiven == methods.Length;
            string[] parts = usersComplete ? [.. IndicatorCodes.NotUsingReasons] : [IndicatorCodes.KbActive, .. IndicatorCodes.NotUsingReasons];
            Report("pus", IndicatorCodes.Pus, parts, usersComplete ? null : "methods");
        }

        // IAT + TIAL = unmet need: a warning rule, only when unmet need is given.
        if (Has(IndicatorCodes.UnmetNeed))
            Report("unmet", IndicatorCodes.UnmetNeed, [IndicatorCodes.WantChildLater, IndicatorCodes.NoMoreChildren]);

        void Report(string rule, string total, string[] parts, string? alsoHints = null)
        {
            var missing = parts.Prepend(total).Distinct().Where(c => !Has(c)).ToList();
            if (missing.Count == 0) return;
            var candidates = unknown.Where(u => catalogue.MayBePartOf(rule, catalogue.Key(u.Label)) || (alsoHints is not null && catalogue.MayBePartOf(alsoHints, catalogue.Key(u.Label)))).ToList();
            if (candidates.Count == 0) return;
            var at = ind.TryGetValue(total, out var t) ? t.Cell : candidates[0].Cell;
            sink.Warning(ProblemCodes.SumNotChecked, at.Sheet, at.Row, at.Column, at.Text,
                ("rule", rule), ("ruleName", catalogue.SumRuleName(rule)),
                ("missing", string.Join(", ", missing.Select(c => catalogue.IndicatorNames.GetValueOrDefault(c, c)))),
                ("labels", string.Join(", ", candidates.Select(c => $"\"{c.Label}\""))));
        }
    }
}
