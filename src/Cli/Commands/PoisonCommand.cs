using System.Text.Json;
using KampungKB.Cli.Dev;

namespace KampungKB.Cli.Commands;

/// <summary>
/// <c>kkb poison [--json]</c>: uploads the local runner gave up on after 5 failed attempts, with the reason.
/// On Azure the host puts them on the <c>webjobs-blobtrigger-poison</c> queue instead (docs/robustness.md).
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
        var poison = await BlobTriggerRunner.ListPoisonAsync(env.Tables);
        if (flags.Contains("--json")) Console.WriteLine(JsonSerializer.Serialize(poison, CommandLine.Json));
        else if (poison.Count == 0) Console.WriteLine("Tidak ada unggahan yang gagal terus-menerus.");
        else
        {
            Console.WriteLine($"{poison.Count} unggahan gagal {poison[0].Attempts} kali dan tidak dicoba lagi:");
            foreach (var p in poison) Console.WriteLine($"  {p.Function} {p.BlobName} ({p.Attempts} percobaan, {p.At:yyyy-MM-dd HH:mm} UTC): {p.Reason}");
        }
        return poison.Count == 0 ? CommandLine.Ok : CommandLine.Rejected;
    }
}
