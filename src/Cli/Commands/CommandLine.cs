using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using KampungKB.Core.Intake;

namespace KampungKB.Cli.Commands;

/// <summary>A `kkb` sub-command. Exit codes: 0 success, 1 the input was rejected, 2 usage error, 3 failure (one line on stderr).</summary>
internal interface ICommand
{
    int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr);
}

internal static class CommandLine
{
    internal const int Ok = 0, Rejected = 1, Usage = 2, Failed = 3;

    internal static Task<int> Sync(ICommand command, string[] args) => Task.FromResult(command.Run(args, Console.Out, Console.Error));

    internal static async Task<int> RunAsync(string[] args, IReadOnlyDictionary<string, Func<string[], Task<int>>> commands)
    {
        Console.OutputEncoding = System.Text.Encoding.UTF8;
        if (args.Length == 0 || !commands.TryGetValue(args[0], out var make))
        {
            Console.Error.WriteLine(args.Length == 0 ? "kkb: perintah belum diberikan." : $"kkb: perintah \"{args[0]}\" tidak dikenal.");
            Console.Error.WriteLine("Perintah yang tersedia: " + string.Join(", ", commands.Keys.Order()));
            return Usage;
        }
        try
        {
            return await make(args[1..]);
        }
        catch (Functions.InvalidSettingsException e)
        {
            Console.Error.WriteLine("kkb: pengaturan aplikasi tidak valid: " + string.Join("; ", e.Errors));
            return Failed;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // One Indonesian line, never a stack trace: the operator's next step is in the message.
            Console.Error.WriteLine("kkb: gagal: " + e.Message.ReplaceLineEndings(" "));
            return Failed;
        }
    }

    internal static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <summary>The templates shipped beside the tool, else the repository's own (KKB_ROOT).</summary>
    internal static IngestionEngine LoadEngine()
    {
        var dir = Path.Combine(AppContext.BaseDirectory, "templates");
        if (!Directory.Exists(Path.Combine(dir, "layouts")) && Environment.GetEnvironmentVariable("KKB_ROOT") is { Length: > 0 } root)
            dir = Path.Combine(root, "templates");
        return IngestionEngine.Load(dir);
    }

    /// <summary>Splits flags from positional arguments; unknown flags are a usage error.</summary>
    internal static bool Parse(IReadOnlyList<string> args, IReadOnlySet<string> flags, out HashSet<string> set, out List<string> positional, out string? error)
    {
        set = new HashSet<string>(StringComparer.Ordinal);
        positional = [];
        error = null;
        foreach (var a in args)
        {
            if (a.StartsWith("--", StringComparison.Ordinal))
            {
                if (!flags.Contains(a)) { error = $"pilihan \"{a}\" tidak dikenal"; return false; }
                set.Add(a);
            }
            else positional.Add(a);
        }
        return true;
    }
}
