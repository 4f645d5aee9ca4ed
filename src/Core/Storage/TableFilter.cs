using System.Globalization;

namespace KampungKB.Core.Storage;

/// <summary>Builds OData filter literals safely (quotes doubled, typed literals) for <see cref="ITableStore.QueryAsync"/>.</summary>
public static class TableFilter
{
    public static string Literal(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
    public static string Literal(long value) => value.ToString(CultureInfo.InvariantCulture) + "L";
    public static string Literal(int value) => value.ToString(CultureInfo.InvariantCulture);
    public static string Literal(bool value) => value ? "true" : "false";
    public static string Literal(Guid value) => "guid'" + value.ToString("D") + "'";
    public static string Literal(DateTimeOffset value) =>
        "datetime'" + value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture) + "'";

    /// <summary><c>PartitionKey eq '…'</c>.</summary>
    public static string PartitionKeyEquals(string partitionKey) => "PartitionKey eq " + Literal(partitionKey);

    /// <summary><c>PropertyName eq '…'</c> for a string property.</summary>
    public static string Equal(string property, string value) => property + " eq " + Literal(value);

    /// <summary>Joins clauses with <c>and</c>, each in parentheses.</summary>
    public static string And(params string[] clauses) => string.Join(" and ", clauses.Select(c => "(" + c + ")"));
}
