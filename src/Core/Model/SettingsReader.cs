using System.Globalization;

namespace KampungKB.Core.Model;

/// <summary>One bad app setting: the key as written in app settings (<c>Mail__Sender</c>) and what is wrong with it (English, for the operator's log).</summary>
public sealed record SettingError(string Key, string Message)
{
    /// <summary><c>Key: message</c>, the line start-up refuses to run with.</summary>
    public override string ToString() => $"{Key}: {Message}";
}

/// <summary>
/// The one way app settings are read (conventions 11): every options type has
/// <c>static T FromSettings(SettingsReader settings)</c>, reads its keys through here and reports each value
/// that does not parse, or breaks a rule, under its key; <c>AppSettings.Load</c> hands one reader to all of
/// them and refuses to start while <see cref="Errors"/> is not empty, naming every bad key at once.
/// </summary>
public sealed class SettingsReader(Func<string, string?> get)
{
    private readonly List<SettingError> _errors = [];

    /// <summary>Every bad setting reported so far, in the order read.</summary>
    public IReadOnlyList<SettingError> Errors => _errors;

    /// <summary>The value of <paramref name="key"/> trimmed; null when unset or blank.</summary>
    public string? Text(string key) => get(key) is { } v && !string.IsNullOrWhiteSpace(v) ? v.Trim() : null;

    /// <summary>The value of <paramref name="key"/> as written (a secret is parsed by its owner, never echoed).</summary>
    public string? Raw(string key) => get(key);

    /// <summary>Reports <paramref name="message"/> under <paramref name="key"/>.</summary>
    public void Error(string key, string message) => _errors.Add(new(key, message));

    /// <summary>Reports each of <paramref name="errors"/> (an options type's own rules, <c>Validate()</c>).</summary>
    public void Report(IEnumerable<SettingError> errors) => _errors.AddRange(errors);

    /// <summary>
    /// The whole number of <paramref name="key"/> (digits only) from <paramref name="min"/> to <paramref name="max"/>;
    /// <paramref name="fallback"/> when unset; otherwise reports <c>'value' is not {expected}.</c> and returns the fallback.
    /// </summary>
    public long Whole(string key, long fallback, long min, long max, string expected)
    {
        if (Text(key) is not { } raw) return fallback;
        if (long.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max) return n;
        Error(key, $"'{raw}' is not {expected}.");
        return fallback;
    }

    /// <summary><c>true/false</c> (also <c>1/0</c>, <c>yes/no</c>, <c>ya/tidak</c>); <paramref name="fallback"/> when unset; otherwise reported.</summary>
    public bool Bool(string key, bool fallback)
    {
        if (Text(key) is not { } value) return fallback;
        if (bool.TryParse(value, out var b)) return b;
        if (value is "1" or "yes" or "ya") return true;
        if (value is "0" or "no" or "tidak") return false;
        Error(key, $"'{value}' is not true or false.");
        return fallback;
    }

    /// <summary>An absolute URL without a trailing slash; <paramref name="fallback"/> when unset; otherwise reports <c>'value' is not {expected}.</c>.</summary>
    public Uri Url(string key, Uri fallback, string expected)
    {
        if (Text(key) is not { } url) return fallback;
        if (Uri.TryCreate(url.TrimEnd('/'), UriKind.Absolute, out var u)) return u;
        Error(key, $"'{url}' is not {expected}.");
        return fallback;
    }
}
