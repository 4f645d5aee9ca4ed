using KampungKB.Core.Model;

namespace KampungKB.Core.Uploads.Drive;

/// <summary>
/// Settings of the Google Drive channel (docs/channels.md), app settings <c>Drive__*</c>. The channel is off
/// while <see cref="ServiceAccountKey"/> is empty: the timer then does nothing.
/// </summary>
public sealed class DriveOptions
{
    /// <summary>The Drive v3 API root; tests point it at a local listener.</summary>
    public static readonly Uri DefaultBaseUrl = new("https://www.googleapis.com/");

    /// <summary>
    /// <c>Drive__ServiceAccountKey</c>: the service account's JSON key (the text itself, e.g. from a Key Vault
    /// reference, or the path of the .json file). Empty: the channel is off.
    /// </summary>
    public string? ServiceAccountKey { get; init; }

    /// <summary><c>Drive__BaseUrl</c>: default <see cref="DefaultBaseUrl"/>.</summary>
    public Uri BaseUrl { get; init; } = DefaultBaseUrl;

    /// <summary><c>Drive__MaxRetryAfter</c> (seconds, 1–300, default 60): a 429/503 asking to wait longer ends the folder's pass for this run instead.</summary>
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How many times one request is retried after 429, 5xx or a rate-limit 403 within a run (then the folder waits for the next run).</summary>
    public int MaxRetries { get; init; } = 3;

    /// <summary>Whether the channel is on.</summary>
    public bool Enabled => !string.IsNullOrWhiteSpace(ServiceAccountKey);

    /// <summary>The setting names, for <c>AppSettings.Keys</c> and the docs.</summary>
    public static readonly IReadOnlyList<string> Keys = ["Drive__ServiceAccountKey", "Drive__BaseUrl", "Drive__MaxRetryAfter"];

    /// <summary>Reads <c>Drive__*</c> through <paramref name="settings"/>, which is told each bad key (a key that is neither JSON nor a readable file, a bad URL or number).</summary>
    public static DriveOptions FromSettings(SettingsReader settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var key = settings.Text("Drive__ServiceAccountKey");
        if (key is not null && ServiceAccountAccessToken.ReadKey(key, out var keyError) is null) settings.Error("Drive__ServiceAccountKey", keyError!);

        var baseUrl = DefaultBaseUrl;
        if (settings.Text("Drive__BaseUrl") is { } url)
        {
            if (Uri.TryCreate(url.EndsWith('/') ? url : url + "/", UriKind.Absolute, out var u) && u.Scheme is "https" or "http" && u.Query.Length == 0) baseUrl = u;
            else settings.Error("Drive__BaseUrl", $"'{url}' is not an absolute http(s) URL without a query.");
        }
        var maxRetryAfter = settings.Whole("Drive__MaxRetryAfter", 60, 1, 300, "a whole number of seconds from 1 to 300");
        return new DriveOptions { ServiceAccountKey = key, BaseUrl = baseUrl, MaxRetryAfter = TimeSpan.FromSeconds(maxRetryAfter) };
    }
}
