using KampungKB.Core.Ingestion.Layouts;

namespace KampungKB.Core.Ingestion.Validation;

/// <summary>The indicator rules of domain.md: consistency errors, then plausibility warnings.</summary>
internal static class IndicatorRules
{
    internal static void Check(IReadOnlyDictionary<string, IndicatorValue> ind, LayoutCatalogue catalogue, ProblemSink sink, IReadOnlyDictionary<string, decimal>? previous)
    {
        decimal? V(string code) => ind.TryGetValue(code, out var v) ? v.Value : null;
        string Name(string code) => catalogue.IndicatorNames.GetValueOrDefault(code, code);
        void Error(string problem, string at, params (string, object?)[] args)
        {
            var c = ind[at].Cell;
            sink.Error(problem, c.Sheet, c.Row, c.Column, c.Text, args);
        }

        var pus = V(IndicatorCodes.Pus);
        var active = V(IndicatorCodes.KbActive);
        if (pus is not null && active is not null && active > pus)
            Error(ProblemCodes.KbActiveExceedsPus, IndicatorCodes.KbActive, ("kbActive", active), ("pus", pus));

        var methods = IndicatorCodes.Methods.Where(ind.ContainsKey).ToList();
        var methodSum = methods.Sum(m => ind[m].Value);
        if (methods.Count > 0 && active is not null && methodSum != active)
            Error(ProblemCodes.MethodSumMismatch, IndicatorCodes.KbActive, ("sum", methodSum), ("kbActive", active));

        var reasons = IndicatorCodes.NotUsingReasons.Where(ind.ContainsKey).ToList();
        if (reasons.Count > 0 && pus is not null)
        {
            var users = methods.Count > 0 ? methodSum : active;
            if (users is not null)
            {
                var reasonSum = reasons.Sum(r => ind[r].Value);
                if (users + reasonSum != pus)
                    Error(ProblemCodes.PusSumMismatch, IndicatorCodes.Pus, ("kbActive", users), ("reasons", reasonSum), ("sum", users + reasonSum), ("pus", pus));
            }
        }

        foreach (var (members, target) in IndicatorCodes.MemberTargets)
            if (V(members) is { } m && V(target) is { } t && m > t)
                Error(ProblemCodes.MembersExceedTarget, members, ("field", Name(members)), ("members", m), ("target", Name(target)), ("targetValue", t));

        var unmet = V(IndicatorCodes.UnmetNeed);
        if (unmet is not null && V(IndicatorCodes.WantChildLater) is { } iat && V(IndicatorCodes.NoMoreChildren) is { } tial && unmet != iat + tial)
        {
            var c = ind[IndicatorCodes.UnmetNeed].Cell;
            sink.Warning(ProblemCodes.UnmetNeedMismatch, c.Sheet, c.Row, c.Column, c.Text, ("value", unmet), ("sum", iat + tial));
        }

        if (pus is > 0 && active is not null)
        {
            var cpr = active.Value / pus.Value * 100;
            if (cpr is < 20 or > 90)
            {
                var c = ind[IndicatorCodes.KbActive].Cell;
                sink.Warning(ProblemCodes.CprImplausible, c.Sheet, c.Row, c.Column, c.Text, ("value", Math.Round(cpr, 1)));
            }
        }
        if (pus is > 0 && unmet is not null && unmet.Value / pus.Value * 100 > 25)
        {
            var c = ind[IndicatorCodes.UnmetNeed].Cell;
            sink.Warning(ProblemCodes.UnmetNeedHigh, c.Sheet, c.Row, c.Column, c.Text, ("value", Math.Round(unmet.Value / pus.Value * 100, 1)));
        }

        if (previous is null || previous.Count == 0 || ind.Count == 0) return;
        foreach (var code in IndicatorCodes.Stocks)
            if (V(code) is { } now && previous.TryGetValue(code, out var before) && before > 0 && Math.Abs(now - before) / before > 0.20m)
            {
                var c = ind[code].Cell;
                sink.Warning(ProblemCodes.StockChangeLarge, c.Sheet, c.Row, c.Column, c.Text, ("field", Name(code)), ("previous", before), ("value", now));
            }
        if (ind.Count >= 2 && ind.All(p => previous.TryGetValue(p.Key, out var b) && b == p.Value.Value))
            sink.Warning(ProblemCodes.FiguresUnchanged);
    }
}
