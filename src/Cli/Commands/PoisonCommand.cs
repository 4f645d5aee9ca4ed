using System.Text.Json;
using KampungKB.Cli.Dev;

namespace KampungKB.Cli.Commands;

/// <summary>
/// <c>kkb poison [--json]</c>: the blobs the Functions host (or the local runner, which writes the same
/// message) gave up on after <c>poisonBlobThreshold</c> failed attempts: the messages on the storage
/// account's <c>webjobs-blobtrigger-poison</c> queue, with the local runner's last error when it has one.
/// </summary>
internal static class PoisonCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (!CommandLine.Parse(args, new HashSet<string> { "--json" }, out var flags, out var positional, out var error) || positional.Count > 0)
        {
            Console.Error.WriteLine("kkb poison: " + (error ?? "tidak menerima argumen") + ". Pakai: kkb poison [--json]");
            return CommandLine.Usage;
        }
        await using var env = await LocalEnvironment.OpenAsync();
        var messages = await PoisonQueue.For(env).PeekAsync();
        var reasons = env.ConnectionString is null ? new Dictionary<(string, string), string>() : await BlobTriggerRunner.PoisonReasonsAsync(env.Tables);
        var poison = messages.Select(m => new PoisonEntry(m.Message.Function, m.Message.ContainerName, m.Message.BlobName, m.Message.ETag, m.InsertedOn,
            reasons.GetValueOrDefault((m.Message.Function, m.Message.BlobName)))).ToList();
        if (flags.Contains("--json")) Console.WriteLine(JsonSerializer.Serialize(poison, CommandLine.Json));
        else if (poison.Count == 0) Console.WriteLine($"Antrean {PoisonQueue.Name} kosong: tidak ada berkas yang gagal terus-menerus.");
        else
        {
            Console.WriteLine($"{poison.Count} berkas gagal diproses berulang kali dan tidak dicoba lagi (antrean {PoisonQueue.Name}):");
            foreach (var p in poison)
                Console.WriteLine($"  {p.Function} {p.ContainerName}/{p.BlobName} ({p.InsertedOn:yyyy-MM-dd HH:mm} UTC){(p.Reason is null ? "" : ": " + p.Reason)}");
        }
        return poison.Count == 0 ? CommandLine.Ok : CommandLine.Rejected;
    }
}
