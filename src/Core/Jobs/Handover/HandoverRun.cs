using KampungKB.Core.Uploads.Links;
using KampungKB.Core.Model;
using KampungKB.Core.Registry;
using KampungKB.Core.Store;

namespace KampungKB.Core.Jobs.Handover;

/// <summary>A planned handover and its workbook (<see cref="HandoverPlan.AttachmentName"/>).</summary>
public sealed record HandoverResult(HandoverPlan Plan, byte[] Xlsx);

/// <summary>
/// The handover over the stores: reads the active kampung (registry), this month's reports and the year before
/// (for "last figures from"), issues an upload link for each kampung that needs the Pokja (when
/// <paramref name="links"/> is given), plans and writes the workbook. The recap calls
/// <see cref="BuildAsync"/> with the months it already read.
/// </summary>
public sealed class HandoverRun(RegistryStore registry, ReportStore reports, HandoverCatalogue catalogue, UploadLinks? links = null)
{
    /// <summary>How far back "last figures from" looks.</summary>
    public const int LookbackMonths = 12;

    private readonly HandoverPlanner _planner = new(catalogue);

    public async Task<HandoverResult> RunAsync(RegencySettings regency, ReportingPeriod period, CancellationToken cancellationToken = default)
    {
        var kampung = await registry.ListAsync(regency.Code, cancellationToken).ConfigureAwait(false);
        // The region's name as the recap names it: the configured one, else the registry's (never the bare code).
        regency = regency.WithRegistry(kampung);
        var history = new Dictionary<ReportingPeriod, IReadOnlyDictionary<string, StoredReport>>();
        for (var (p, i) = (period, 0); i <= LookbackMonths; p = p.Previous, i++)
            history[p] = (await reports.ListAsync(regency.Code, p, cancellationToken).ConfigureAwait(false)).ToDictionary(r => r.AreaCode, StringComparer.Ordinal);
        return await BuildAsync(regency, period, kampung, history, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Plans from months already read (<paramref name="history"/>: period → area code → current report; missing months count as empty).</summary>
    public async Task<HandoverResult> BuildAsync(RegencySettings regency, ReportingPeriod period, IReadOnlyList<RegistryEntry> kampung,
        IReadOnlyDictionary<ReportingPeriod, IReadOnlyDictionary<string, StoredReport>> history, CancellationToken cancellationToken = default)
    {
        var current = history.GetValueOrDefault(period) ?? new Dictionary<string, StoredReport>();
        var figures = current.Values.Where(r => r.Indicators.Count > 0).ToDictionary(r => r.AreaCode, r => r.Indicators, StringComparer.Ordinal);
        var last = new Dictionary<string, ReportingPeriod>(StringComparer.Ordinal);
        foreach (var k in kampung)
            for (var (p, i) = (period.Previous, 0); i < LookbackMonths; p = p.Previous, i++)
                if (history.TryGetValue(p, out var m) && m.TryGetValue(k.AreaCode, out var r) && r.Indicators.Count > 0) { last[k.AreaCode] = p; break; }
        var input = new HandoverInput(regency.Code, regency.Name, period, kampung, figures, current.Keys.ToHashSet(StringComparer.Ordinal), last,
            new Dictionary<string, string>());
        var plan = _planner.Plan(input);
        if (links is not null)
        {
            // Only the kampung the dinas has to ask: a block that fails the website's rules, or no figures at all.
            var wanted = plan.Blocks.Where(b => !b.IsReady).Select(b => b.Kampung).Concat(plan.NoFigures.Select(n => n.Kampung)).ToList();
            var issued = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var k in wanted)
                issued[k.AreaCode] = (await links.IssueAsync(k, cancellationToken: cancellationToken).ConfigureAwait(false)).Url;
            if (issued.Count > 0) plan = _planner.Plan(input with { Links = issued });
        }
        return new HandoverResult(plan, HandoverWorkbook.Build(plan, catalogue));
    }
}
