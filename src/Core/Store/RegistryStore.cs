using Azure.Data.Tables;
using KampungKB.Core.Model;
using KampungKB.Core.Store;

namespace KampungKB.Core.Store;

/// <summary>A kampung whose class rose on a registry import (for the yearly target that 5% rise a class).</summary>
internal sealed record ClassChange(string AreaCode, KampungClass PreviousClass, KampungClass Class, DateTimeOffset RaisedAt);

/// <summary>What an accepted registry import changed beyond the listed rows: kampung retired, and retired ones listed again (area codes).</summary>
internal sealed record RegistrySaveResult(IReadOnlyList<string> Retired, IReadOnlyList<string> Reactivated);

/// <summary>The registry of Kampung KB in Table Storage: one partition per kabupaten/kota.</summary>
public sealed class RegistryStore(TableServiceClient tables, StorageNames names)
{
    private readonly TableClient _registry = tables.GetTableClient(names.RegistryTable);

    private readonly TableClient _claims = tables.GetTableClient(names.ClaimsTable);

    /// <summary>
    /// The registry's version: the time of the last accepted import (ticks as text), "" before any. Kept as one
    /// row in the claims table (partition <c>~registry</c>) so that rejections that depended on the registry
    /// (kampung not registered, unknown, ambiguous, mismatch) are judged again after it changes (docs/robustness.md).
    /// </summary>
    public async Task<string> GetVersionAsync(CancellationToken cancellationToken = default)
    {
        var row = await _claims.GetEntityOrDefaultAsync("~registry", "version", cancellationToken).ConfigureAwait(false);
        return row?.GetString("Version") ?? "";
    }

    private Task MarkChangedAsync(DateTimeOffset importedAt, CancellationToken cancellationToken) =>
        _claims.UpsertEntityAsync(new TableEntity("~registry", "version")
        {
            ["Version"] = importedAt.UtcTicks.ToString(System.Globalization.CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..8],
        }, TableUpdateMode.Replace, cancellationToken);

    public async Task<RegistryEntry?> GetAsync(string areaCode, CancellationToken cancellationToken = default)
    {
        if (!AreaCode.TryParse(areaCode, out var code)) return null;
        var entity = await _registry.GetEntityOrDefaultAsync(code.Regency, code.Value, cancellationToken).ConfigureAwait(false);
        return entity is null ? null : FromEntity(entity);
    }

    /// <summary>
    /// The active kampung (of one kabupaten/kota when <paramref name="regencyCode"/> is given). Retired kampung
    /// (<see cref="RegistryEntry.IsRetired"/>) are left out unless <paramref name="includeRetired"/>: every
    /// recap, reminder, class count and missing list reads through here, so none of them sees a retired kampung.
    /// </summary>
    public async Task<IReadOnlyList<RegistryEntry>> ListAsync(string? regencyCode = null, CancellationToken cancellationToken = default, bool includeRetired = false)
    {
        var filter = regencyCode is null ? null : TableClient.CreateQueryFilter($"PartitionKey eq {regencyCode}");
        var list = new List<RegistryEntry>();
        await foreach (var e in _registry.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            var entry = FromEntity(e);
            if (includeRetired || !entry.IsRetired) list.Add(entry);
        }
        return list;
    }

    /// <summary>
    /// Writes every entry (insert or replace), in single-partition batches of up to 100. A class that rose
    /// since the stored entry is recorded (<c>PreviousClass</c>, <c>ClassRaisedAt</c>) for the yearly 5% target.
    /// A retired kampung listed again is active again. With <paramref name="retireUnlisted"/> (a registry import:
    /// the dinas' whole list) a stored kampung of a kabupaten/kota the entries list, but which they do not list
    /// themselves, is marked retired (<c>RetiredAt</c>; its row and reports stay). Kabupaten/kota the entries do
    /// not mention are left as they are (one dinas' file never retires another's kampung).
    /// </summary>
    /// <returns>The kampung retired and those made active again (area codes).</returns>
    internal async Task<RegistrySaveResult> SaveAsync(IEnumerable<RegistryEntry> entries, DateTimeOffset importedAt, CancellationToken cancellationToken = default,
        bool retireUnlisted = false)
    {
        var retired = new List<string>();
        var reactivated = new List<string>();
        foreach (var partition in entries.GroupBy(e => e.RegencyCode))
        {
            var stored = new Dictionary<string, TableEntity>(StringComparer.Ordinal);
            await foreach (var e in _registry.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {partition.Key}"), cancellationToken: cancellationToken).ConfigureAwait(false))
                stored[e.RowKey] = e;
            var listed = partition.Select(e => e.AreaCode).ToHashSet(StringComparer.Ordinal);
            reactivated.AddRange(listed.Where(a => stored.TryGetValue(a, out var s) && s.GetDateTimeOffset("RetiredAt") is not null));
            var actions = partition.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace,
                WithClassHistory(ToEntity(e, importedAt), stored.GetValueOrDefault(e.AreaCode), importedAt))).ToList();
            foreach (var gone in stored.Values.Where(s => retireUnlisted && !listed.Contains(s.RowKey) && s.GetDateTimeOffset("RetiredAt") is null))
            {
                retired.Add(gone.RowKey);
                actions.Add(new TableTransactionAction(TableTransactionActionType.UpsertMerge, new TableEntity(gone.PartitionKey, gone.RowKey) { ["RetiredAt"] = importedAt }));
            }
            await _registry.SubmitInBatchesAsync(actions, cancellationToken).ConfigureAwait(false);
        }
        await MarkChangedAsync(importedAt, cancellationToken).ConfigureAwait(false);
        return new RegistrySaveResult(retired, reactivated);
    }

    /// <summary>Class changes of one kabupaten/kota: the kampung whose class rose, when, and from what.</summary>
    internal async Task<IReadOnlyList<ClassChange>> ListClassChangesAsync(string regencyCode, CancellationToken cancellationToken = default)
    {
        var list = new List<ClassChange>();
        await foreach (var e in _registry.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {regencyCode}"), cancellationToken: cancellationToken).ConfigureAwait(false))
            if (e.GetDateTimeOffset("ClassRaisedAt") is { } at && Enum.TryParse<KampungClass>(e.GetString("PreviousClass"), out var before) && Enum.TryParse<KampungClass>(e.GetString("Class"), out var now))
                list.Add(new ClassChange(e.RowKey, before, now, at));
        return list;
    }

    /// <summary>Keeps the last rise of class: a higher class records it, the same class keeps it, a lower class clears it.</summary>
    private static TableEntity WithClassHistory(TableEntity next, TableEntity? stored, DateTimeOffset importedAt)
    {
        if (stored is null) return next;
        var had = Enum.TryParse<KampungClass>(stored.GetString("Class"), out var old) ? old : (KampungClass?)null;
        var has = Enum.TryParse<KampungClass>(next.GetString("Class"), out var cur) ? cur : (KampungClass?)null;
        if (had is { } o && has is { } n && n > o)
        {
            next["PreviousClass"] = o.ToString();
            next["ClassRaisedAt"] = importedAt;
        }
        else if (has is null || had is null || has == had)
        {
            // Absent stays absent: the SDK would send a null property.
            if (stored.GetString("PreviousClass") is { } previous) next["PreviousClass"] = previous;
            if (stored.GetDateTimeOffset("ClassRaisedAt") is { } raisedAt) next["ClassRaisedAt"] = raisedAt;
        }
        return next;
    }

    private static TableEntity ToEntity(RegistryEntry e, DateTimeOffset importedAt)
    {
        var entity = new TableEntity(e.RegencyCode, e.AreaCode)
        {
            ["Name"] = e.Name,
            ["DistrictCode"] = e.DistrictCode,
            ["ImportedAt"] = importedAt,
        };
        SetIfPresent(entity, "Village", e.Village);
        SetIfPresent(entity, "District", e.District);
        SetIfPresent(entity, "Regency", e.Regency);
        SetIfPresent(entity, "Class", e.Class?.ToString());
        SetIfPresent(entity, "ClassLabel", e.ClassLabel);
        if (e.YearFounded is { } year) entity["YearFounded"] = year;
        SetIfPresent(entity, "PokjaEmail", e.PokjaEmail);
        SetIfPresent(entity, "PokjaPhone", e.PokjaPhone);
        SetIfPresent(entity, "WhatsAppNumber", e.WhatsAppNumber);
        if (e.WhatsAppOptIn) entity["WhatsAppOptIn"] = true;
        SetIfPresent(entity, "PkbName", e.PkbName);
        SetIfPresent(entity, "PkbEmail", e.PkbEmail);
        foreach (var (name, value) in e.Profile?.ToProperties() ?? new Dictionary<string, object>()) entity[name] = value;
        return entity;
    }

    private static void SetIfPresent(TableEntity entity, string name, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value)) entity[name] = value;
    }

    private static RegistryEntry FromEntity(TableEntity e) => new(
        AreaCode: e.RowKey,
        Name: e.GetString("Name") ?? "",
        Village: e.GetString("Village"),
        District: e.GetString("District"),
        Regency: e.GetString("Regency"),
        ClassLabel: e.GetString("ClassLabel"),
        Class: Enum.TryParse<KampungClass>(e.GetString("Class"), out var c) ? c : null,
        YearFounded: e.GetInt32("YearFounded"),
        PokjaEmail: e.GetString("PokjaEmail"),
        PokjaPhone: e.GetString("PokjaPhone"),
        PkbName: e.GetString("PkbName"),
        PkbEmail: e.GetString("PkbEmail"),
        Profile: KampungProfile.FromProperties(name => e.TryGetValue(name, out var v) ? v : null),
        RetiredAt: e.GetDateTimeOffset("RetiredAt"))
    {
        WhatsAppNumber = e.GetString("WhatsAppNumber"),
        WhatsAppOptIn = e.GetBoolean("WhatsAppOptIn") ?? false,
    };
}
