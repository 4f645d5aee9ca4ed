using System.Text.Json;
using Azure.Data.Tables;
using KampungKB.Core.Outbox.Mail;

namespace KampungKB.Core.Outbox.Notifications;

/// <summary>
/// The message itself, kept in its <c>Notifications</c> row (binary properties <c>Payload0..13</c>, at most
/// 64,000 bytes each, JSON of <see cref="MailMessage"/>) so the outbox sweeper can send it again without
/// its producer. A message over <see cref="MaxBytes"/> (a very large recap attachment) is not kept: its
/// producer's next run (the daily timer) retries it instead.
/// </summary>
internal static class OutboxPayload
{
    private const int ChunkBytes = 64_000;
    private const int MaxChunks = 14;
    public const int MaxBytes = ChunkBytes * MaxChunks;

    /// <summary><c>Channel</c> of a row whose payload is a <see cref="WhatsApp.WhatsAppMessage"/> (absent: a mail).</summary>
    public const string WhatsAppChannel = "whatsapp";

    public static void Write(IDictionary<string, object?> row, MailMessage message) => WriteJson(row, message);

    public static void Write(IDictionary<string, object?> row, WhatsApp.WhatsAppMessage message)
    {
        row["Channel"] = WhatsAppChannel;
        WriteJson(row, message);
    }

    public static bool IsWhatsApp(TableEntity row) => row.GetString("Channel") == WhatsAppChannel;

    private static void WriteJson<T>(IDictionary<string, object?> row, T message)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(message);
        if (bytes.Length > MaxBytes) return;
        for (var (i, offset) = (0, 0); offset < bytes.Length; i++, offset += ChunkBytes)
            row[$"Payload{i}"] = bytes.AsSpan(offset, Math.Min(ChunkBytes, bytes.Length - offset)).ToArray();
        row["PayloadBytes"] = bytes.Length;
    }

    public static MailMessage? Read(TableEntity row) => Read<MailMessage>(row);

    public static T? Read<T>(TableEntity row) where T : class
    {
        if (row.GetInt32("PayloadBytes") is not { } length) return null;
        var bytes = new byte[length];
        for (var (i, offset) = (0, 0); offset < length; i++, offset += ChunkBytes)
        {
            if (row.GetBinary($"Payload{i}") is not { } chunk) return null;
            chunk.CopyTo(bytes, offset);
        }
        return JsonSerializer.Deserialize<T>(bytes);
    }
}
