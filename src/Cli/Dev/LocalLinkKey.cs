using LinkOptions = KampungKB.Core.Uploads.Links.LinkOptions;

namespace KampungKB.Cli.Dev;

/// <summary>The signing key local runs use: generated once, kept in <c>.kkb/links-signing-key</c>.</summary>
internal static class LocalLinkKey
{
    public static string Load(string root)
    {
        var file = Path.Combine(root, ".kkb", "links-signing-key");
        if (File.Exists(file) && LinkOptions.TryParseKey(File.ReadAllText(file).Trim(), out _, out _)) return File.ReadAllText(file).Trim();
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        var key = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        File.WriteAllText(file, key);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return key;
    }

    /// <summary>App setting first (a real deployment's key), else the local one.</summary>
    public static string Resolve(string root) =>
        Environment.GetEnvironmentVariable("Links__SigningKey") is { Length: > 0 } configured ? configured : Load(root);
}
