using System.Globalization;
using System.Text;
using System.Text.Json;
using Azure;

namespace KampungKB.Core.Storage;

/// <summary>Entity group transaction wire format: a multipart/mixed $batch holding one changeset.</summary>
internal static class TableBatch
{
    public static void Validate(IReadOnlyList<TableTransactionAction> actions)
    {
        ArgumentNullException.ThrowIfNull(actions);
        if (actions.Count == 0) throw new ArgumentException("A transaction needs at least one action.", nameof(actions));
        if (actions.Count > TableLimits.MaxBatchOperations)
            throw new ArgumentException($"A transaction holds at most {TableLimits.MaxBatchOperations} actions; got {actions.Count}.", nameof(actions));
        var partition = actions[0].Entity?.PartitionKey;
        var rows = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < actions.Count; i++)
        {
            var entity = actions[i].Entity ?? throw new ArgumentException($"Action {i} has no entity.", nameof(actions));
            if (!string.Equals(entity.PartitionKey, partition, StringComparison.Ordinal))
                throw new ArgumentException($"All actions of a transaction must share one PartitionKey; action {i} differs from action 0.", nameof(actions));
            if (!rows.Add(entity.RowKey))
                throw new ArgumentException($"Action {i} touches RowKey '{entity.RowKey}' a second time; a transaction may touch each entity once.", nameof(actions));
            if (actions[i].ActionType == TableTransactionActionType.Delete)
            {
                TableLimits.ValidateKey(entity.PartitionKey, "PartitionKey");
                TableLimits.ValidateKey(entity.RowKey, "RowKey");
            }
            else
            {
                TableLimits.ValidateEntity(entity);
            }
        }
    }

    public static byte[] Build(Uri serviceUri, string table, IReadOnlyList<TableTransactionAction> actions, string batchBoundary)
    {
        var changeset = "changeset_" + Guid.NewGuid().ToString("D");
        var sb = new StringBuilder();
        sb.Append("--").Append(batchBoundary).Append("\r\n")
          .Append("Content-Type: multipart/mixed; boundary=").Append(changeset).Append("\r\n\r\n");
        for (var i = 0; i < actions.Count; i++)
        {
            var (type, entity, etag) = actions[i];
            var (method, uri, withBody, ifMatch) = type switch
            {
                TableTransactionActionType.Add => ("POST", new Uri(serviceUri, table), true, (string?)null),
                TableTransactionActionType.UpsertMerge => ("MERGE", Entity(serviceUri, table, entity), true, null),
                TableTransactionActionType.UpsertReplace => ("PUT", Entity(serviceUri, table, entity), true, null),
                TableTransactionActionType.UpdateMerge => ("MERGE", Entity(serviceUri, table, entity), true, IfMatch(etag)),
                TableTransactionActionType.UpdateReplace => ("PUT", Entity(serviceUri, table, entity), true, IfMatch(etag)),
                TableTransactionActionType.Delete => ("DELETE", Entity(serviceUri, table, entity), false, IfMatch(etag)),
                _ => throw new ArgumentOutOfRangeException(nameof(actions), $"Unknown action type {type}."),
            };
            sb.Append("--").Append(changeset).Append("\r\n")
              .Append("Content-Type: application/http\r\n")
              .Append("Content-Transfer-Encoding: binary\r\n")
              .Append("Content-ID: ").Append(i.ToString(CultureInfo.InvariantCulture)).Append("\r\n\r\n")
              .Append(method).Append(' ').Append(uri.AbsoluteUri).Append(" HTTP/1.1\r\n")
              .Append("Accept: application/json;odata=minimalmetadata\r\n")
              .Append("DataServiceVersion: 3.0\r\n");
            if (ifMatch is not null) sb.Append("If-Match: ").Append(ifMatch).Append("\r\n");
            if (withBody)
            {
                sb.Append("Content-Type: application/json\r\n");
                if (type == TableTransactionActionType.Add) sb.Append("Prefer: return-no-content\r\n");
                sb.Append("\r\n").Append(Encoding.UTF8.GetString(TableEntityJson.Serialize(entity))).Append("\r\n");
            }
            else
            {
                sb.Append("\r\n");
            }
        }
        sb.Append("--").Append(changeset).Append("--\r\n")
          .Append("--").Append(batchBoundary).Append("--\r\n");
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    private static Uri Entity(Uri serviceUri, string table, TableEntity entity) =>
        new(serviceUri, TableStorageClient.EntityPath(table, entity.PartitionKey, entity.RowKey));

    private static string IfMatch(ETag etag) => etag == default ? "*" : etag.ToString("H");

    /// <summary>
    /// Reads the inner HTTP responses. The $batch itself answers 202 even when the changeset failed; then a
    /// single inner error response names the failing action as "index:message".
    /// </summary>
    public static IReadOnlyList<ETag> ParseResponse(string body, int count)
    {
        var etags = new List<ETag>(count);
        using var reader = new StringReader(body);
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            if (!line.StartsWith("HTTP/1.1 ", StringComparison.Ordinal)) continue;
            var status = int.Parse(line.AsSpan(9, 3), NumberStyles.Integer, CultureInfo.InvariantCulture);
            ETag etag = default;
            string? errorCode = null;
            while ((line = reader.ReadLine()) is { Length: > 0 })
            {
                var colon = line.IndexOf(':');
                if (colon <= 0) continue;
                var name = line[..colon].Trim();
                var value = line[(colon + 1)..].Trim();
                if (name.Equals("ETag", StringComparison.OrdinalIgnoreCase)) etag = new ETag(value);
                else if (name.Equals("x-ms-error-code", StringComparison.OrdinalIgnoreCase)) errorCode = value;
            }
            var content = new StringBuilder();
            while ((line = reader.ReadLine()) is not null && !line.StartsWith("--", StringComparison.Ordinal))
            {
                content.AppendLine(line);
            }
            if (status is >= 200 and < 300)
            {
                etags.Add(etag);
                continue;
            }
            throw Failure(status, errorCode, content.ToString());
        }
        if (etags.Count != count)
            throw new RequestFailedException(0, $"The batch response held {etags.Count} results for {count} actions.", "InvalidBatchResponse", null);
        return etags;
    }

    private static TableTransactionFailedException Failure(int status, string? errorCode, string content)
    {
        string? message = null;
        try
        {
            (var code, message) = StorageErrorDetailsParser.ParseBody(content);
            errorCode ??= code;
        }
        catch (JsonException)
        {
        }
        catch (System.Xml.XmlException)
        {
        }
        int? index = null;
        if (message is not null)
        {
            var colon = message.IndexOf(':');
            if (colon > 0 && int.TryParse(message.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var i)) index = i;
        }
        var text = $"The transaction was refused ({status} {errorCode}); nothing was written. {message}".Trim();
        return new TableTransactionFailedException(status, text, errorCode, index);
    }
}
