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

    /// <summary>The area code of <paramref name="flag"/> (<c>63.71.04.1005</c>), null when absent; false after saying why when malformed.</summary>
    public bool TryArea(TextWriter error, string flag, out string? area)
    {
        area = null;
        if (Value(flag) is not { } text) return true;
        if (!AreaCode.TryParse(text, out var code)) return Fail(error, CliTexts.Default.T("error.area", ("command", Command), ("value", text)));
        area = code.Value;
        return true;
    }

    /// <summary>The whole number of <paramref name="flag"/> (at least <paramref name="min"/>), null when absent; false after saying why (text <paramref name="errorKey"/>) when malformed.</summary>
    public bool TryWholeNumber(TextWriter error, string flag, string errorKey, int min, out int? number)
    {
        number = null;
        if (Value(flag) is not { } text) return true;
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < min)
            return Fail(error, CliTexts.Default.T(errorKey, ("command", Command), ("value", text)));
        number = n;
        return true;
    }

    /// <summary>The one positional argument, an existing file; false after saying why when there is none, more than one, or it does not exist.</summary>
    public bool TryFile(TextWriter error, out string file)
    {
        file = Positional.Count == 1 ? Positional[0] : "";
        var t = CliTexts.Default;
        if (Positional.Count != 1) return Fail(error, t.T("error.file_count", ("command", Command)));
        return File.Exists(file) || Fail(error, t.T("error.file_missing", ("command", Command), ("file", file)));
    }

    /// <summary>False after saying why when a positional argument was given to a command that takes none.</summary>
    public bool NoPositional(TextWriter error) =>
        Positional.Count == 0 || Fail(error, CliTexts.Default.T("error.unexpected", ("command", Command), ("value", Positional[0])));

    /// <summary>The value of a required <paramref name="flag"/>; false after saying it is missing.</summary>
    public bool TryRequired(TextWriter error, string flag, out string value)
    {
        value = Value(flag) ?? "";
        return value.Length > 0 || Fail(error, CliTexts.Default.T("error.option_missing", ("command", Command), ("option", flag)));
    }

    private bool Fail(TextWriter error, string message)
    {
        CommandLine.UsageError(Command, message, error);
        return false;
    }
}
