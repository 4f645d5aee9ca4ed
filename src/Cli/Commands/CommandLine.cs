using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using KampungKB.Core.Ingestion.Intake;

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

    /// <summary>Every command <c>kkb</c> runs itself (<c>test</c> and <c>publish</c> are run by the <c>kkb</c> script).</summary>
    internal static readonly IReadOnlyDictionary<string, Func<string[], Task<int>>> All =
        new Dictionary<string, Func<string[], Task<int>>>(StringComparer.OrdinalIgnoreCase)
        {
            ["ingest"] = async a => await Sync(new IngestCommand(await IngestCommand.StoredRegistryAsync(a)), a),
            ["registry"] = a => a.FirstOrDefault() == "import" ? StorageCommands.RegistryImportAsync(a[1..]) : Sync(new RegistryCommand(), a),
            ["reports"] = StorageCommands.ReportsAsync,
            ["dev"] = StorageCommands.DevAsync,
            ["demo"] = DemoCommand.RunAsync,
            ["recap"] = RecapCommand.RunAsync,
            ["handover"] = HandoverCommand.RunAsync,
            ["quality"] = QualityCommand.RunAsync,
            ["remind"] = RemindCommand.RunAsync,
            ["links"] = LinksCommand.RunAsync,
            ["bench"] = BenchCommand.RunAsync,
            ["poison"] = PoisonCommand.RunAsync,
            ["reprocess"] = ReprocessCommand.RunAsync,
            ["classes"] = ClassesCommand.RunAsync,
            ["upload"] = UploadCommand.RunAsync,
            ["bench-start"] = BenchStartCommand.RunAsync,
            ["drive"] = DriveCommand.RunAsync,
            ["dinas"] = DinasCommand.RunAsync,
            ["help"] = a => Task.FromResult(Help(a.FirstOrDefault(), Console.Out)),
        };

    internal static async Task<int> RunAsync(string[] args, IReadOnlyDictionary<string, Func<string[], Task<int>>> commands)
    {
        Console.OutputEncoding = System.Text.Encoding.UTF8;
        var t = CliTexts.Default;
        if (args.Length > 0 && args[0] is "--help" or "-h") return Help(args.ElementAtOrDefault(1), Console.Out);
        if (args.Length == 0 || !commands.TryGetValue(args[0], out var make))
        {
            Console.Error.WriteLine(args.Length == 0 ? t.T("error.no_command") : t.T("error.unknown_command", ("command", args[0])));
            Help(null, Console.Error);
            return Usage;
        }
        if (args.Skip(1).Any(a => a is "--help" or "-h")) return Help(args[0], Console.Out);
        try
        {
            return await make(args[1..]);
        }
        catch (Functions.InvalidSettingsException e)
        {
            Console.Error.WriteLine(t.T("error.settings", ("error", string.Join("; ", e.Errors))));
            return Failed;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // One Indonesian line, never a stack trace: the operator's next step is in the message.
            Console.Error.WriteLine(t.T("error.failed", ("message", e.Message.ReplaceLineEndings(" "))));
            return Failed;
        }
    }

    /// <summary><c>kkb help</c>: every command with one line each; <c>kkb help X</c> / <c>kkb X --help</c>: X's usage.</summary>
    internal static int Help(string? command, TextWriter output)
    {
        var t = CliTexts.Default;
        if (command is not null && t.Commands.TryGetValue(command, out var one))
        {
            output.WriteLine($"kkb {command}: {one.About}");
            output.WriteLine(t.T("help.usage") + " " + one.Usage);
            return Ok;
        }
        output.WriteLine(t.T("help.title"));
        var width = t.Commands.Keys.Max(k => k.Length);
        foreach (var (name, c) in t.Commands) output.WriteLine($"  {name.PadRight(width)}  {c.About}");
        output.WriteLine(t.T("help.footer"));
        return command is null ? Ok : Usage;
    }

    /// <summary>Writes <paramref name="message"/> and the command's usage to stderr; returns the usage exit code.</summary>
    internal static int UsageError(string command, string message, TextWriter? error = null)
    {
        error ??= Console.Error;
        error.WriteLine(message);
        error.WriteLine(CliTexts.Default.Usage(command));
        return Usage;
    }

    /// <summary>The templates shipped beside the tool, else the repository's own (KKB_ROOT or the working tree).</summary>
    internal static string TemplatesDirectory
    {
        get
        {
            var dir = Path.Combine(AppContext.BaseDirectory, "templates");
            if (Directory.Exists(Path.Combine(dir, "cli"))) return dir;
            if (Environment.GetEnvironmentVariable("KKB_ROOT") is { Length: > 0 } root) return Path.Combine(root, "templates");
            return Dev.LocalEnvironment.TemplatesDirectory;
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
    internal static IngestionEngine LoadEngine() => IngestionEngine.Load(TemplatesDirectory);
}
