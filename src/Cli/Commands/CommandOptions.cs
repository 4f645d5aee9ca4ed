using System.Globalization;
using KampungKB.Core.Model;

namespace KampungKB.Cli.Commands;

/// <summary>
/// The options of one command: flags with a value (<c>--period 2025-10</c>) and bare flags. Unknown
/// options, missing values and malformed periods, dates or codes are refused with a message that says
/// what was wrong and shows an example (texts from <see cref="CliTexts"/>), never ignored.
/// </summary>
internal sealed class CommandOptions
{
    private readonly Dictionary<string, string?> _map;

    private CommandOptions(string command, Dictionary<string, string?> map, List<string> positional)
    {
        Command = command;
        _map = map;
        Positional = positional;
    }

    public string Command { get; }
    public IReadOnlyList<string> Positional { get; }

    /// <summary>Null (after writing why to <paramref name="error"/>) on an unknown option or a valued option without its value.</summary>
    public static CommandOptions? Parse(string command, IReadOnlyList<string> args, IReadOnlySet<string> valued, IReadOnlySet<string> bare, TextWriter error)
    {
        var map = new Dictionary<string, string?>(StringComparer.Ordinal);
        var positional = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var a = args[i];
            if (valued.Contains(a) && i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal)) map[a] = args[++i];
            else if (bare.Contains(a)) map[a] = null;
            else if (!a.StartsWith("--", StringComparison.Ordinal)) positional.Add(a);
            else
            {
                CommandLine.UsageError(command, CliTexts.Default.T("error.unknown_option", ("command", command), ("option", a)), error);
                return null;
            }
        }
        return new CommandOptions(command, map, positional);
    }

    public bool Has(string flag) => _map.ContainsKey(flag);
    public string? Value(string flag) => _map.GetValueOrDefault(flag);

    /// <summary>The period of <c>--period</c>; false (after saying why, with an example) when missing and required, or malformed.</summary>
    public bool TryPeriod(TextWriter error, bool required, out ReportingPeriod? period)
    {
        period = null;
        var t = CliTexts.Default;
        if (Value("--period") is not { } text)
            return !required || Fail(error, t.T("error.period_missing", ("command", Command)));
        if (!ReportingPeriod.TryParse(text, out var p)) return Fail(error, t.T("error.period", ("command", Command), ("value", text)));
        period = p;
        return true;
    }

    /// <summary>The local day of <c>--date</c> (YYYY-MM-DD); false after saying why when malformed.</summary>
    public bool TryDate(TextWriter error, out DateOnly? date)
    {
        date = null;
        if (Value("--date") is not { } text) return true;
        if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
            return Fail(error, CliTexts.Default.T("error.date", ("command", Command), ("value", text)));
        date = d;
        return true;
    }

    /// <summary>The kabupaten/kota code of <c>--regency</c> (<c>63.71</c>); false after saying why when missing and required, or malformed.</summary>
    public bool TryRegency(TextWriter error, bool required, out string? regency)
    {
        regency = null;
        var t = CliTexts.Default;
        if (Value("--regency") is not { } text)
            return !required || Fail(error, t.T("error.regency_missing", ("command", Command)));
        var code = text.Trim();
        if (code.Length == 4 && code.All(char.IsAsciiDigit)) code = code[..2] + "." + code[2..];
        if (code.Length != 5 || code[2] != '.' || !code.Remove(2, 1).All(char.IsAsciiDigit))
            return Fail(error, t.T("error.regency", ("command", Command), ("value", text)));
        regency = code;
        return true;
    }

    private bool Fail(TextWriter error, string message)
    {
        CommandLine.UsageError(Command, message, error);
        return false;
    }
}
