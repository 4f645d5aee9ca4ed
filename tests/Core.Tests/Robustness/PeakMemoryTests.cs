using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using KampungKB.Cli.Dev;
using KampungKB.Core.Ingestion.Validation;
using Xunit.Abstractions;

namespace KampungKB.Core.Tests.Robustness;

/// <summary>
/// The whole process's memory on hostile files (docs/robustness.md, "Memory of one ingestion"): <c>kkb ingest</c> runs
/// in a child process on each crafted file, as an operator would run it, and its peak resident set is read from
/// the child's <c>/proc/PID/status</c> (<c>VmHWM</c>, the kernel's high-water mark), copied by the child itself as it
/// exits (a startup hook, below), so the whole run's peak is inside it. Asserted under <see cref="PeakCapMiB"/>, the documented cap: an eighth of
/// a 2,048 MB Flex Consumption instance (infra/main.bicep's default), so several uploads fit side by side.
/// Linux only, as the app (Flex Consumption runs Linux). No wall-clock limit.
/// </summary>
public sealed class PeakMemoryTests(ITestOutputHelper output) : IDisposable
{
    /// <summary>The documented cap on one <c>kkb ingest</c>'s peak resident set for any hostile file, in MiB.</summary>
    public const int PeakCapMiB = 256;

    private readonly string _dir = Directory.CreateTempSubdirectory("kkb-peak-").FullName;

    public static TheoryData<string, string> Cases => new()
    {
        { "shared-strings-bomb", ProblemCodes.TooManyStrings },
        { "million-styled-rows", ProblemCodes.TooManyRows },
        { "expanded-part-200mb", ProblemCodes.SuspiciousArchive },
        { "csv-one-50mb-line", ProblemCodes.FileTooLarge },
    };

    /// <summary>The crafted file of <paramref name="kind"/>, written to disk (name and bytes).</summary>
    private string Write(string kind)
    {
        var (name, bytes) = kind switch
        {
            // As POI's poc-shared-strings.xlsx: ≈ 300 KB whose 100,000 cells all name one 30,000-char string (3 G chars).
            "shared-strings-bomb" => ("laporan.xlsx", HostileFiles.Xlsx(
                w => { for (var r = 1; r <= 100_000; r++) w.Write($"<row r=\"{r}\"><c r=\"A{r}\" t=\"s\"><v>0</v></c></row>"); },
                w => w.Write($"<si><t>{new string(' ', 30_000)}</t></si>"), CompressionLevel.SmallestSize)),
            // Excel's whole sheet height of empty rows, each styled.
            "million-styled-rows" => ("laporan.xlsx", HostileFiles.Xlsx(w =>
            {
                w.Write("<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>Tanggal</t></is></c></row>");
                for (var r = 2; r <= 1_048_576; r++) w.Write($"<row r=\"{r}\" s=\"1\" customFormat=\"1\"/>");
            }, level: CompressionLevel.SmallestSize)),
            // ≈ 200 MB of sheet XML deflated to ≈ 1 MB, with honest headers.
            "expanded-part-200mb" => ("laporan.xlsx", HostileFiles.Xlsx(w =>
            {
                w.Write("<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>");
                HostileFiles.Repeat(w, new string('x', 1000), 200_000);
                w.Write("</t></is></c></row>");
            }, level: CompressionLevel.SmallestSize)),
            "csv-one-50mb-line" => ("kegiatan.csv", Encoding.ASCII.GetBytes(new string('x', 50 * 1024 * 1024))),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
        var path = Path.Combine(_dir, kind + "-" + name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void KkbIngest_OnAHostileFile_PeakResidentMemoryUnderTheCap(string kind, string code)
    {
        Assert.True(File.Exists("/proc/self/status"), "no /proc: the peak resident set cannot be read (the app runs on Linux; so do its tests)");
        var file = Write(kind);
        var run = RunIngest(file);
        Assert.True(run.Exit == 1, $"{kind}: exit {run.Exit}\n{run.Stdout}\n{run.Stderr}");
        Assert.DoesNotContain("   at ", run.Stderr, StringComparison.Ordinal); // no stack trace
        using var json = JsonDocument.Parse(run.Stdout);
        var codes = json.RootElement.GetProperty("problems").EnumerateArray().Select(p => p.GetProperty("code").GetString()).ToList();
        Assert.Contains(code, codes);
        Assert.DoesNotContain(ProblemCodes.InternalError, codes);
        Assert.True(run.PeakKiB / 1024 < PeakCapMiB, $"{kind}: peak resident set {run.PeakKiB / 1024} MiB (cap {PeakCapMiB} MiB)");
        // Reported so a run's figures can go into docs/robustness.md.
        output.WriteLine($"peak {kind}: {run.PeakKiB / 1024} MiB");
    }

    private sealed record Run(int Exit, string Stdout, string Stderr, long PeakKiB);

    /// <summary>
    /// <c>dotnet kkb.dll ingest --dry-run --json --registry E06 FILE</c> (the registry file keeps the child off any
    /// storage). The child's <c>/proc/self/status</c> is copied as it exits by <see cref="StartupHook"/> (loaded through
    /// <c>DOTNET_STARTUP_HOOKS</c>, so kkb itself is unchanged); <see cref="Run.PeakKiB"/> is its <c>VmHWM</c>.
    /// </summary>
    private Run RunIngest(string file)
    {
        var root = AzuriteProcess.FindRepositoryRoot()!;
        var registry = Directory.GetFiles(Path.Combine(root, "..", "shared", "examples"), "E06*").Single();
        var status = Path.Combine(_dir, "status-" + Guid.NewGuid().ToString("N"));
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            ArgumentList = { Path.Combine(AppContext.BaseDirectory, "kkb.dll"), "ingest", "--dry-run", "--json", "--registry", registry, file },
        };
        psi.Environment["KKB_ROOT"] = root;
        psi.Environment.Remove("AzureWebJobsStorage");
        psi.Environment["DOTNET_STARTUP_HOOKS"] = typeof(global::StartupHook).Assembly.Location;
        psi.Environment[global::StartupHook.StatusFileVariable] = status;
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        Assert.True(File.Exists(status), $"the child wrote no /proc/self/status copy at exit: {stderr.Result}");
        var line = File.ReadLines(status).Single(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return new Run(process.ExitCode, stdout.Result, stderr.Result, long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0]));
    }

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}

