using System.Globalization;
using Azure;
using Azure.Data.Tables;
using KampungKB.Core.Model;
using KampungKB.Core.Store;

namespace KampungKB.Core.Store;

/// <summary>What a versioned write did.</summary>
internal enum VersionWrite
{
    /// <summary>The new version is now the one readers see.</summary>
    Switched,
    /// <summary>The same bytes are already the current version: nothing stored.</summary>
    SameContent,
    /// <summary>A newer upload is already current: this older one is logged, not shown.</summary>
    Superseded,
}

/// <summary>
/// The current report of one kampung for one period, as readers see it. Cadres often send activities
/// and figures in separate files, so each part has its own version: a file with only figures replaces
/// the figures and keeps the activities, and the other way round.
/// </summary>
public sealed record StoredReport(
    string AreaCode,
    ReportingPeriod Period,
    string? ActivitiesVersion,
    string? IndicatorsVersion,
    DateTimeOffset ReceivedAt,
    int ActivityCount,
    int Participants,
    int Male,
    int Female,
    int WarningCount,
    IReadOnlyDictionary<string, decimal> Indicators,
    DateTimeOffset? FirstReceivedAt = null)
{
    /// <summary>When the current figures' upload arrived (null without figures).</summary>
    public DateTimeOffset? IndicatorsReceivedAt { get; init; }
    /// <summary>When the current activities' upload arrived (null without activities).</summary>
    public DateTimeOffset? ActivitiesReceivedAt { get; init; }
    /// <summary>
    /// The partner agencies of the current activities, one line per distinct activity (its partners joined with " dan ", so
    /// an agency name the reader split on "dan" is whole again); null for a pointer written before the pointer carried them.
    /// </summary>
    public IReadOnlyList<string>? Partners { get; init; }

    /// <summary>When the kampung's first accepted upload for the period arrived (decides "on time"); never moves later.</summary>
    public DateTimeOffset FirstArrival => FirstReceivedAt ?? ReceivedAt;
}

/// <summary>
/// What an upload refused by our validation still said, kept beside the kampung's pointer (<see cref="ReportStore.WriteReportedAsync"/>):
/// its figures, its activities' partner lines (null when it had no activities) and its error codes.
/// </summary>
internal sealed record ReportedUpload(string AreaCode, ReportingPeriod Period, string UploadId, DateTimeOffset ReceivedAt,
    IReadOnlyDictionary<string, decimal> Indicators, IReadOnlyList<string>? Partners, IReadOnlyList<string> ProblemCodes);

/// <summary>One month of a kabupaten/kota as stored: current reports by area code, and refused uploads' "as reported" rows.</summary>
internal sealed record ReportMonth(ReportingPeriod Period, IReadOnlyDictionary<string, StoredReport> Current, IReadOnlyDictionary<string, ReportedUpload> Reported)
{
    public bool IsEmpty => Current.Count == 0 && Reported.Count == 0;
}

/// <summary>
/// Reports and their activity rows (docs/storage.md): rows of a new version are written first, then the
/// <c>Reports</c> pointer switches in one conditional single-entity write, so readers never see a mix.
/// </summary>
public sealed class ReportStore(TableServiceClient tables, StorageNames names)
{
    private readonly TableClient _reports = tables.GetTableClient(names.ReportsTable);
    private readonly TableClient _activities = tables.GetTableClient(names.ActivitiesTable);
    private const string IndicatorPrefix = "I_";
    /// <summary>
    /// RowKey suffix of the "as reported" row beside a kampung's pointer: what the kampung's latest upload refused by our
    /// validation still said (its figures, partners and error codes), which the BKKBN website would have taken.
    /// </summary>
    public const string ReportedSuffix = "|reported";
    private const int MaxPartnersChars = 30_000;
    private const int MaxSwitchAttempts = 8;

    private sealed record Part(string Name, bool Present)
    {
        public string Version => Name + "Version";
        public string Hash => Name + "Hash";
        public string ReceivedAt => Name + "ReceivedAt";
    }

    internal async Task<VersionWrite> WriteVersionAsync(
        RegistryEntry kampung, ReportingPeriod period, string version, string contentHash,
        DateTimeOffset receivedAt, IngestionReport report, CancellationToken cancellationToken = default)
    {
        var partition = StorageNames.RegencyPeriodKey(kampung.RegencyCode, period);
        var parts = new[] { new Part("Activities", report.Activities.Count > 0), new Part("Indicators", report.Indicators.Count > 0) }
            .Where(p => p.Present).ToList();
        if (parts.Count == 0) return VersionWrite.SameContent;
        var rowsWritten = false;
        for (var attempt = 1; ; attempt++)
        {
            var current = await _reports.GetEntityOrDefaultAsync(partition, kampung.AreaCode, cancellationToken).ConfigureAwait(false);
            var toSwitch = new List<Part>();
            var same = 0;
            var alreadyMine = 0;
            foreach (var part in parts)
            {
                if (current?.GetString(part.Version) == version) { alreadyMine++; continue; } // a repeated trigger of this very upload
                if (current?.GetString(part.Hash) == contentHash) { same++; continue; }
                // Only a strictly later upload takes over, so a version received no later than the current one can never
                // become current again: that is what makes its rows safe to remove (RemoveUnreachableVersionsAsync).
                if (current?.GetDateTimeOffset(part.ReceivedAt) is { } theirs && theirs >= receivedAt) continue;
                toSwitch.Add(part);
            }
            if (toSwitch.Count == 0)
            {
                // Rows written for a switch that a later upload won meanwhile: no pointer can reach them.
                if (rowsWritten) await RemoveUnreachableVersionsAsync(partition, kampung.AreaCode, cancellationToken).ConfigureAwait(false);
                return alreadyMine > 0 ? VersionWrite.Switched : same > 0 ? VersionWrite.SameContent : VersionWrite.Superseded;
            }

            if (!rowsWritten && toSwitch.Any(p => p.Name == "Activities"))
            {
                await WriteActivitiesAsync(partition, kampung.AreaCode, version, receivedAt, report.Activities, cancellationToken).ConfigureAwait(false);
                rowsWritten = true;
            }

            var pointer = current is null ? new TableEntity(partition, kampung.AreaCode) : new TableEntity(current);
            pointer["Period"] = period.ToString();
            pointer["DistrictCode"] = kampung.DistrictCode;
            pointer["ReceivedAt"] = receivedAt > (current?.GetDateTimeOffset("ReceivedAt") ?? DateTimeOffset.MinValue) ? receivedAt : current!.GetDateTimeOffset("ReceivedAt")!.Value;
            // Recaps judge "on time" by the first accepted upload: set on creation, only ever moved earlier.
            var first = current?.GetDateTimeOffset("FirstReceivedAt") ?? current?.GetDateTimeOffset("ReceivedAt");
            pointer["FirstReceivedAt"] = first is { } f && f <= receivedAt ? f : receivedAt;
            foreach (var part in toSwitch)
            {
                pointer[part.Version] = version;
                pointer[part.Hash] = contentHash;
                pointer[part.ReceivedAt] = receivedAt;
                if (part.Name == "Activities")
                {
                    pointer["ActivityCount"] = report.Activities.Count;
                    pointer["Participants"] = report.Activities.Sum(a => a.Participants ?? 0);
                    pointer["Male"] = report.Activities.Sum(a => a.Male ?? 0);
                    pointer["Female"] = report.Activities.Sum(a => a.Female ?? 0);
                    pointer["Partners"] = PartnerLines(report.Activities);
                }
                else
                {
                    foreach (var name in pointer.Keys.Where(n => n.StartsWith(IndicatorPrefix, StringComparison.Ordinal)).ToList())
                        pointer.Remove(name);
                    foreach (var (code, value) in report.Indicators)
                        pointer[IndicatorPrefix + code] = (double)value;
                }
            }
            pointer["WarningCount"] = report.Warnings.Count();
            try
            {
                // Insert-once (409) or replace-if-unchanged (412): either way another upload switched first.
                if (current is null) await _reports.AddEntityAsync(pointer, cancellationToken).ConfigureAwait(false);
                else await _reports.UpdateEntityAsync(pointer, current.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
                if (toSwitch.Any(p => p.Name == "Activities"))
                    await RemoveUnreachableVersionsAsync(partition, kampung.AreaCode, cancellationToken).ConfigureAwait(false);
                return VersionWrite.Switched;
            }
            catch (RequestFailedException e) when ((e.Status is 409 or 412) && attempt < MaxSwitchAttempts)
            {
                // Another upload for this kampung and period switched first: look again.
            }
        }
    }

    public async Task<StoredReport?> GetAsync(string regencyCode, string areaCode, ReportingPeriod period, CancellationToken cancellationToken = default)
    {
        var entity = await _reports.GetEntityOrDefaultAsync(StorageNames.RegencyPeriodKey(regencyCode, period), areaCode, cancellationToken).ConfigureAwait(false);
        return entity is null ? null : FromPointer(entity, period);
    }

    /// <summary>Every current report of a kabupaten/kota for a period: one partition scan.</summary>
    public async Task<IReadOnlyList<StoredReport>> ListAsync(string regencyCode, ReportingPeriod period, CancellationToken cancellationToken = default)
    {
        var list = new List<StoredReport>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {StorageNames.RegencyPeriodKey(regencyCode, period)}");
        await foreach (var e in _reports.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
            if (!e.RowKey.EndsWith(ReportedSuffix, StringComparison.Ordinal)) list.Add(FromPointer(e, period));
        return list;
    }

    /// <summary>
    /// One month of a kabupaten/kota in one partition scan: the current reports and, beside them, the "as reported" rows of
    /// uploads our validation refused (<see cref="WriteReportedAsync"/>).
    /// </summary>
    internal async Task<ReportMonth> ListMonthAsync(string regencyCode, ReportingPeriod period, CancellationToken cancellationToken = default)
    {
        var current = new Dictionary<string, StoredReport>(StringComparer.Ordinal);
        var reported = new Dictionary<string, ReportedUpload>(StringComparer.Ordinal);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {StorageNames.RegencyPeriodKey(regencyCode, period)}");
        await foreach (var e in _reports.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (!e.RowKey.EndsWith(ReportedSuffix, StringComparison.Ordinal)) { current[e.RowKey] = FromPointer(e, period); continue; }
            var area = e.RowKey[..^ReportedSuffix.Length];
            reported[area] = Reported(e, area, period);
        }
        return new ReportMonth(period, current, reported);
    }

    /// <summary>
    /// One kampung's month: its current report and its "as reported" row (<see cref="WriteReportedAsync"/>), by two point reads
    /// of the month's partition (not a scan of the kabupaten's month). The <see cref="ReportMonth"/> holds only this kampung.
    /// </summary>
    internal async Task<ReportMonth> GetKampungMonthAsync(string regencyCode, string areaCode, ReportingPeriod period, CancellationToken cancellationToken = default)
    {
        var partition = StorageNames.RegencyPeriodKey(regencyCode, period);
        var pointer = _reports.GetEntityOrDefaultAsync(partition, areaCode, cancellationToken);
        var reportedRow = _reports.GetEntityOrDefaultAsync(partition, areaCode + ReportedSuffix, cancellationToken);
        var (p, r) = (await pointer.ConfigureAwait(false), await reportedRow.ConfigureAwait(false));
        var current = new Dictionary<string, StoredReport>(StringComparer.Ordinal);
        var reported = new Dictionary<string, ReportedUpload>(StringComparer.Ordinal);
        if (p is not null) current[areaCode] = FromPointer(p, period);
        if (r is not null) reported[areaCode] = Reported(r, areaCode, period);
        return new ReportMonth(period, current, reported);
    }

    /// <summary>The activity rows of one kampung's current activities version (<paramref name="report"/>), in row order: one RowKey range.</summary>
    public async Task<IReadOnlyList<Activity>> ListKampungActivitiesAsync(string regencyCode, StoredReport report, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(report);
        var list = new List<Activity>();
        if (report.ActivitiesVersion is not { } version) return list;
        var from = $"{report.AreaCode}_{version}_";
        var to = $"{report.AreaCode}_{version}`";
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {StorageNames.RegencyPeriodKey(regencyCode, report.Period)} and RowKey ge {from} and RowKey lt {to}");
        await foreach (var e in _activities.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
            list.Add(ActivityFrom(e));
        return list;
    }

    /// <summary>
    /// Keeps what an upload refused by our validation still said (figures, activities' partners, error codes) beside the
    /// kampung's pointer, for the class the BKKBN website would give (it has no such validation). Only the latest refused
    /// upload of the kampung and month is kept; readers compare its time with the accepted parts'. Nothing else reads it.
    /// </summary>
    public async Task WriteReportedAsync(RegistryEntry kampung, ReportingPeriod period, string uploadId, DateTimeOffset receivedAt,
        IngestionReport report, IEnumerable<string> errorCodes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(kampung);
        ArgumentNullException.ThrowIfNull(report);
        if (report.Indicators.Count == 0 && report.Activities.Count == 0) return;
        var partition = StorageNames.RegencyPeriodKey(kampung.RegencyCode, period);
        var row = kampung.AreaCode + ReportedSuffix;
        for (var attempt = 1; ; attempt++)
        {
            var current = await _reports.GetEntityOrDefaultAsync(partition, row, cancellationToken).ConfigureAwait(false);
            if (current?.GetDateTimeOffset("ReceivedAt") is { } theirs && theirs >= receivedAt) return;
            var e = new TableEntity(partition, row)
            {
                ["UploadId"] = uploadId,
                ["ReceivedAt"] = receivedAt,
                ["HasActivities"] = report.Activities.Count > 0,
                ["Partners"] = PartnerLines(report.Activities),
                ["Problems"] = Cut(string.Join(",", errorCodes.Distinct(StringComparer.Ordinal))),
            };
            foreach (var (code, value) in report.Indicators) e[IndicatorPrefix + code] = (double)value;
            try
            {
                if (current is null) await _reports.AddEntityAsync(e, cancellationToken).ConfigureAwait(false);
                else await _reports.UpdateEntityAsync(e, current.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (RequestFailedException ex) when ((ex.Status is 409 or 412) && attempt < MaxSwitchAttempts)
            {
                // Another refused upload of this kampung and month wrote first: look again.
            }
        }
    }

    /// <summary>One line per distinct activity partner list, the list joined with " dan " (see <see cref="StoredReport.Partners"/>).</summary>
    internal static string PartnerLines(IEnumerable<Activity> activities)
    {
        var lines = activities.Where(a => a.Partners.Count > 0).Select(a => string.Join(" dan ", a.Partners)).Distinct(StringComparer.OrdinalIgnoreCase);
        var text = string.Join("\n", lines);
        return text.Length > MaxPartnersChars ? text[..text.LastIndexOf('\n', MaxPartnersChars)] : text;
    }

    private static IReadOnlyList<string>? Lines(string? text) => text is null ? null : text.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>The activities of the current versions of <paramref name="current"/> (pointers already read), without listing the pointers again.</summary>
    public async Task<IReadOnlyList<(string AreaCode, Activity Activity)>> ListActivitiesAsync(
        string regencyCode, ReportingPeriod period, IEnumerable<StoredReport> current, CancellationToken cancellationToken = default)
    {
        var versions = current.Where(r => r.ActivitiesVersion is not null).ToDictionary(r => r.AreaCode, r => r.ActivitiesVersion!, StringComparer.Ordinal);
        var list = new List<(string, Activity)>();
        if (versions.Count == 0) return list;
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {StorageNames.RegencyPeriodKey(regencyCode, period)}");
        await foreach (var e in _activities.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            var area = e.GetString("AreaCode") ?? "";
            if (versions.TryGetValue(area, out var version) && e.GetString("Version") == version)
                list.Add((area, ActivityFrom(e)));
        }
        return list;
    }

    /// <summary>
    /// The activities of the current versions only, for a kabupaten/kota and period: rows of superseded or
    /// half-written versions are never returned.
    /// </summary>
    public async Task<IReadOnlyList<(string AreaCode, Activity Activity)>> ListActivitiesAsync(
        string regencyCode, ReportingPeriod period, CancellationToken cancellationToken = default)
    {
        var current = (await ListAsync(regencyCode, period, cancellationToken).ConfigureAwait(false))
            .Where(r => r.ActivitiesVersion is not null)
            .ToDictionary(r => r.AreaCode, r => r.ActivitiesVersion!, StringComparer.Ordinal);
        var list = new List<(string, Activity)>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {StorageNames.RegencyPeriodKey(regencyCode, period)}");
        await foreach (var e in _activities.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            var area = e.GetString("AreaCode") ?? "";
            if (current.TryGetValue(area, out var version) && e.GetString("Version") == version)
                list.Add((area, ActivityFrom(e)));
        }
        return list;
    }

    private async Task WriteActivitiesAsync(string partition, string areaCode, string version, DateTimeOffset receivedAt, IReadOnlyList<Activity> activities, CancellationToken cancellationToken)
    {
        var actions = activities.Select((a, i) =>
        {
            var e = ActivityEntity(partition, areaCode, version, i + 1, a);
            e["ReceivedAt"] = receivedAt;
            return new TableTransactionAction(TableTransactionActionType.UpsertReplace, e);
        });
        await _activities.SubmitInBatchesAsync(actions, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Removes the activity rows no pointer can reach any more: versions received no later than the current
    /// activities version (which only a strictly later upload replaces). Rows of a newer upload still being
    /// written, not yet switched to, are left alone; that upload removes what it supersedes after its own
    /// switch. Reads the pointer afresh, so it is idempotent and safe to run from any number of uploads at once.
    /// </summary>
    public async Task RemoveUnreachableVersionsAsync(string partition, string areaCode, CancellationToken cancellationToken = default)
    {
        var pointer = await _reports.GetEntityOrDefaultAsync(partition, areaCode, cancellationToken).ConfigureAwait(false);
        if (pointer?.GetString("ActivitiesVersion") is not { } keep || pointer.GetDateTimeOffset("ActivitiesReceivedAt") is not { } keptAt) return;
        // Two key ranges around the kept version's rows ({area}_{keep}_…), so the current rows are not read back.
        var stale = new List<TableEntity>();
        foreach (var (from, to) in new[] { (areaCode + "_", areaCode + "_" + keep + "_"), (areaCode + "_" + keep + "`", areaCode + "`") })
        {
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {from} and RowKey lt {to}");
            await foreach (var e in _activities.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "RowKey", "Version", "ReceivedAt"], cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                if (e.GetString("Version") is not { } v || v == keep) continue;
                // Rows written before versions carried their time: the version id starts with the received time (yyyyMMddTHHmmss).
                var unreachable = e.GetDateTimeOffset("ReceivedAt") is { } at ? at <= keptAt : string.CompareOrdinal(v, keep) < 0;
                if (unreachable) stale.Add(e);
            }
        }
        foreach (var chunk in stale.Chunk(TableLimits.MaxBatchActions))
        {
            try
            {
                await _activities.SubmitInBatchesAsync(chunk.Select(e => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(e.PartitionKey, e.RowKey))), cancellationToken).ConfigureAwait(false);
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                // Another upload's clean-up removed some of these first: remove the rest one by one (a missing row is fine).
                foreach (var row in chunk)
                    await _activities.DeleteEntityAsync(row.PartitionKey, row.RowKey, ETag.All, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static TableEntity ActivityEntity(string partition, string areaCode, string version, int index, Activity a)
    {
        var e = new TableEntity(partition, $"{areaCode}_{version}_{index:D5}")
        {
            ["AreaCode"] = areaCode,
            ["Version"] = version,
            ["Date"] = a.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["Title"] = Cut(a.Title),
        };
        if (a.Category is not null) e["Category"] = Cut(a.Category);
        if (a.Participants is { } p) e["Participants"] = p;
        if (a.Male is { } m) e["Male"] = m;
        if (a.Female is { } f) e["Female"] = f;
        if (a.Partners.Count > 0) e["Partners"] = Cut(string.Join("\n", a.Partners));
        if (a.Target is not null) e["Target"] = Cut(a.Target);
        if (a.Funding is not null) e["Funding"] = Cut(a.Funding);
        if (a.Notes is not null) e["Notes"] = Cut(a.Notes);
        if (a.Link is not null) e["Link"] = Cut(a.Link);
        if (a.Sheet is not null) e["Sheet"] = Cut(a.Sheet);
        if (a.Row is { } row) e["Row"] = row;
        return e;
    }

    private static Activity ActivityFrom(TableEntity e) => new(
        Date: DateOnly.ParseExact(e.GetString("Date") ?? "2000-01-01", "yyyy-MM-dd", CultureInfo.InvariantCulture),
        Title: e.GetString("Title") ?? "",
        Category: e.GetString("Category"),
        Participants: e.GetInt32("Participants"),
        Male: e.GetInt32("Male"),
        Female: e.GetInt32("Female"),
        Partners: (e.GetString("Partners") ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries),
        Target: e.GetString("Target"),
        Funding: e.GetString("Funding"),
        Notes: e.GetString("Notes"),
        Link: e.GetString("Link"),
        Sheet: e.GetString("Sheet"),
        Row: e.GetInt32("Row"));

    private static Dictionary<string, decimal> Indicators(TableEntity e)
    {
        var indicators = new Dictionary<string, decimal>(StringComparer.Ordinal);
        foreach (var (name, value) in e)
            if (name.StartsWith(IndicatorPrefix, StringComparison.Ordinal) && AsDouble(value) is { } v)
                indicators[name[IndicatorPrefix.Length..]] = (decimal)v;
        return indicators;
    }

    private static ReportedUpload Reported(TableEntity e, string area, ReportingPeriod period) =>
        new(area, period, e.GetString("UploadId") ?? "", e.GetDateTimeOffset("ReceivedAt") ?? DateTimeOffset.MinValue,
            Indicators(e), e.GetBoolean("HasActivities") == true ? Lines(e.GetString("Partners")) ?? [] : null,
            (e.GetString("Problems") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries));

    private static StoredReport FromPointer(TableEntity e, ReportingPeriod period)
    {
        var indicators = Indicators(e);
        return new StoredReport(
            e.RowKey, period,
            e.GetString("ActivitiesVersion"), e.GetString("IndicatorsVersion"),
            e.GetDateTimeOffset("ReceivedAt") ?? DateTimeOffset.MinValue,
            e.GetInt32("ActivityCount") ?? 0, e.GetInt32("Participants") ?? 0,
            e.GetInt32("Male") ?? 0, e.GetInt32("Female") ?? 0,
            e.GetInt32("WarningCount") ?? 0, indicators,
            e.GetDateTimeOffset("FirstReceivedAt"))
        {
            IndicatorsReceivedAt = e.GetDateTimeOffset("IndicatorsReceivedAt"),
            ActivitiesReceivedAt = e.GetDateTimeOffset("ActivitiesReceivedAt"),
            Partners = e.GetString("ActivitiesVersion") is null ? [] : Lines(e.GetString("Partners")),
        };
    }

    /// <summary>An indicator figure as stored: written as Edm.Double, but an integral value may read back as a whole number.</summary>
    private static double? AsDouble(object? value) => value switch
    {
        double d => d,
        int i => i,
        long l => l,
        _ => null,
    };

    private static string Cut(string text) => text.Length > 8_000 ? text[..8_000] : text;
}
