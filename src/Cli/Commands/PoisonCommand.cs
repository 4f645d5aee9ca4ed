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
        var options = CommandOptions.Parse("poison", args, new HashSet<string>(), new HashSet<string> { "--json" }, Console.Error);
        if (options is null || !options.NoPositional(Console.Error)) return CommandLine.Usage;
        var t = CliTexts.Default;
        await using var env = await LocalEnvironment.OpenAsync();
        var messages = await PoisonQueue.For(env).PeekAsync();
        var reasons = env.ConnectionString is null ? new Dictionary<(string, string), string>() : await BlobTriggerRunner.PoisonReasonsAsync(env.Tables);
        var poison = messages.Select(m => new PoisonEntry(m.Message.Function, m.Message.ContainerName, m.Message.BlobName, m.Message.ETag, m.InsertedOn,
            reasons.GetValueOrDefault((m.Message.Function, m.Message.BlobName)))).ToList();
        if (options.Has("--json")) Console.WriteLine(JsonSerializer.Serialize(poison, CommandLine.Json));
        else if (poison.Count == 0) Console.WriteLine(t.T("poison.empty", ("queue", PoisonQueue.Name)));
        else
        {
            Console.WriteLine(t.T("poison.title", ("count", poison.Count), ("queue", PoisonQueue.Name)));
            foreach (var p in poison)
                Console.WriteLine($"  {p.Function} {p.ContainerName}/{p.BlobName} ({p.InsertedOn:yyyy-MM-dd HH:mm} UTC){(p.Reason is null ? "" : ": " + p.Reason)}");
        }
        return poison.Count == 0 ? CommandLine.Ok : CommandLine.Rejected;
    }
}
