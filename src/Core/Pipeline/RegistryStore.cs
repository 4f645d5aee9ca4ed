using KampungKB.Core.Model;
using KampungKB.Core.Storage;

namespace KampungKB.Core.Pipeline;

/// <summary>The registry of Kampung KB in Table Storage: one partition per kabupaten/kota.</summary>
public sealed class RegistryStore(ITableStore tables, StorageNames names)
{
    public async Task<RegistryEntry?> GetAsync(string areaCode, CancellationToken cancellationToken = default)
    {
        if (!AreaCode.TryParse(areaCode, out var code)) return null;
        var entity = await tables.GetEntityAsync(names.RegistryTable, code.Regency, code.Value, cancellationToken).ConfigureAwait(false);
        return entity is null ? null : FromEntity(entity);
    }

    public async Task<IReadOnlyList<RegistryEntry>> ListAsync(string? regencyCode = null, CancellationToken cancellationToken = default)
    {
        var filter = regencyCode is null ? null : TableFilter.PartitionKeyEquals(regencyCode);
        var list = new List<RegistryEntry>();
        await foreach (var e in tables.QueryAsync(names.RegistryTable, filter, cancellationToken: cancellationToken).ConfigureAwait(false))
            list.Add(FromEntity(e));
        return list;
    }

    /// <summary>Writes every entry (insert or replace), in single-partition batches of up to 100.</summary>
    public async Task SaveAsync(IEnumerable<RegistryEntry> entries, DateTimeOffset importedAt, CancellationToken cancellationToken = default)
    {
        foreach (var partition in entries.GroupBy(e => e.RegencyCode))
        foreach (var chunk in partition.Chunk(100))
        {
            var actions = chunk
                .Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, ToEntity(e, importedAt)))
                .ToList();
            await tables.SubmitTransactionAsync(names.RegistryTable, actions, cancellationToken).ConfigureAwait(false);
        }
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
        SetIfPresent(entity, "PkbName", e.PkbName);
        SetIfPresent(entity, "PkbEmail", e.PkbEmail);
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
        PkbEmail: e.GetString("PkbEmail"));
}
