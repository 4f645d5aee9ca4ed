using System.Diagnostics;
using System.Text.RegularExpressions;

namespace KampungKB.Integration.Tests.Deploy;

/// <summary>No credential is ever committed. The one key allowed is Azurite's published development key.</summary>
public sealed class NoSecretsTests
{
    // The public development key of the storage emulator (documented by Microsoft for Azurite).
    private const string AzuriteDevelopmentKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    // Patterns are assembled from pieces so that this file does not match itself.
    private static readonly (string Name, Regex Pattern)[] Patterns =
    [
        ("storage account key", new Regex("Account" + @"Key\s*=\s*([A-Za-z0-9+/]{40,}={0,2})", RegexOptions.Compiled)),
        ("PEM block", new Regex("-----" + @"BEGIN [A-Z0-9 ]+-----", RegexOptions.Compiled)),
        ("Entra client secret", new Regex(@"(?<![A-Za-z0-9_~.\-])[A-Za-z0-9_~.\-]{3}\d" + "Q~" + @"[A-Za-z0-9_~.\-]{31,34}", RegexOptions.Compiled)),
        ("client secret value", new Regex("Client" + @"Secret[""']?\s*[:=]\s*[""']([A-Za-z0-9_~.\-+/=]{20,})[""']", RegexOptions.Compiled | RegexOptions.IgnoreCase)),
        ("SAS signature", new Regex("[?&]" + @"sig=[A-Za-z0-9%+/=]{30,}", RegexOptions.Compiled)),
    ];

    [Fact]
    public void Repository_TrackedFiles_ContainNoSecrets()
    {
        var files = TrackedFiles();
        Assert.NotEmpty(files);
        var findings = new List<string>();
        foreach (var relative in files)
        {
            var path = RepositoryFiles.Path(relative);
            if (!File.Exists(path) || new FileInfo(path).Length > 5 * 1024 * 1024) continue;
            var bytes = File.ReadAllBytes(path);
            if (Array.IndexOf(bytes, (byte)0) >= 0) continue; // binary (xlsx, xls): not text a secret is pasted into
            var text = System.Text.Encoding.UTF8.GetString(bytes);
            foreach (var (name, pattern) in Patterns)
                foreach (Match m in pattern.Matches(text))
                {
                    if (name == "storage account key" && m.Groups[1].Value == AzuriteDevelopmentKey) continue;
                    var line = text.AsSpan(0, m.Index).Count('\n') + 1;
                    findings.Add($"{relative}:{line}: {name}");
                }
        }
        Assert.True(findings.Count == 0, "Possible secrets in tracked files (remove them and rotate the credential):\n" + string.Join('\n', findings));
    }

    [Fact]
    public void Patterns_KnownSecretShapes_AreFound()
    {
        var fakeKey = Convert.ToBase64String(Enumerable.Range(0, 64).Select(i => (byte)(i * 7)).ToArray());
        string[] samples =
        [
            "DefaultEndpointsProtocol=https;AccountName=x;Account" + "Key=" + fakeKey,
            "-----" + "BEGIN RSA PRIVATE KEY-----",
            "abc1" + "Q~" + new string('x', 34),
            "\"Client" + "Secret\": \"" + new string('s', 24) + "\"",
        ];
        foreach (var sample in samples)
            Assert.Contains(Patterns, p => p.Pattern.IsMatch(sample));
        // The development key has the shape of a real key: only the allow-list in the scan lets it through.
        Assert.Equal(AzuriteDevelopmentKey, Patterns[0].Pattern.Match("Account" + "Key=" + AzuriteDevelopmentKey).Groups[1].Value);
    }

    private static IReadOnlyList<string> TrackedFiles()
    {
        var psi = new ProcessStartInfo("git", "ls-files -z") { WorkingDirectory = RepositoryFiles.Root, RedirectStandardOutput = true, RedirectStandardError = true };
        Process process;
        try { process = Process.Start(psi)!; }
        catch (System.ComponentModel.Win32Exception)
        {
            // No git: scan the working tree without build output instead.
            return Directory.GetFiles(RepositoryFiles.Root, "*", SearchOption.AllDirectories)
                .Select(f => Path.GetRelativePath(RepositoryFiles.Root, f))
                .Where(f => !Regex.IsMatch(f, @"(^|/)(\.git|bin|obj|\.build|node_modules|\.kkb|\.azurite)(/|$)"))
                .ToList();
        }
        using (process)
        {
            var output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, "git ls-files failed: " + process.StandardError.ReadToEnd());
            return output.Split('\0', StringSplitOptions.RemoveEmptyEntries);
        }
    }
}
