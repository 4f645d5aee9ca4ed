using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace KampungKB.Cli.Dev;

/// <summary>
/// Starts the Azurite emulator (pinned in package.json, installed by scripts/setup.sh) on free loopback
/// ports, for local runs and tests. Runs node on azurite.js directly so the PID held is the server's own.
/// </summary>
internal sealed class AzuriteProcess : IAsyncDisposable
{
    public const string AccountName = "devstoreaccount1";
    public const string AccountKey =
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private const string ScriptPath = "node_modules/azurite/dist/src/azurite.js";

    private readonly Process _process;
    private readonly StringBuilder _output;

    private AzuriteProcess(Process process, StringBuilder output, int blobPort, int queuePort, int tablePort)
    {
        _process = process;
        _output = output;
        BlobPort = blobPort;
        QueuePort = queuePort;
        TablePort = tablePort;
    }

    public int BlobPort { get; }
    public int QueuePort { get; }
    public int TablePort { get; }
    public int ProcessId => _process.Id;

    public Uri BlobEndpoint => new($"http://127.0.0.1:{BlobPort}/{AccountName}");
    public Uri QueueEndpoint => new($"http://127.0.0.1:{QueuePort}/{AccountName}");
    public Uri TableEndpoint => new($"http://127.0.0.1:{TablePort}/{AccountName}");

    /// <summary>A connection string with explicit endpoints for the dev account (ports are not the defaults).</summary>
    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};" +
        $"BlobEndpoint={BlobEndpoint};QueueEndpoint={QueueEndpoint};TableEndpoint={TableEndpoint};";

    /// <summary>The directory holding package.json and node_modules/azurite, searched upwards from <paramref name="start"/>.</summary>
    public static string? FindRepositoryRoot(string? start = null)
    {
        var dir = new DirectoryInfo(start ?? AppContext.BaseDirectory);
        for (; dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "package.json")) && File.Exists(Path.Combine(dir.FullName, "KampungKB.Functions.sln")))
                return dir.FullName;
        }
        return null;
    }

    public static bool IsInstalled(string repositoryRoot) => File.Exists(Path.Combine(repositoryRoot, ScriptPath));

    /// <summary>
    /// Starts Azurite in memory (<paramref name="location"/> null) or persisting to <paramref name="location"/>,
    /// and waits until its three ports answer. Retries with new ports if a port was taken meanwhile.
    /// </summary>
    /// <param name="startTimeout">How long Azurite may take to listen (default 30 s) once it has had the CPU to
    /// start: on a machine so loaded that node got less than a third of that in CPU time, the wait goes on, up to
    /// four times the timeout (<see cref="StartDeadline"/>). An early exit is reported at once either way.</param>
    /// <param name="ports">Fixed blob/queue/table ports (no retry when taken); null picks free ones.</param>
    public static async Task<AzuriteProcess> StartAsync(string repositoryRoot, string? location = null,
        TimeSpan? startTimeout = null, (int Blob, int Queue, int Table)? ports = null, CancellationToken cancellationToken = default)
    {
        if (!IsInstalled(repositoryRoot))
            throw new InvalidOperationException(KampungKB.Cli.Commands.CliTexts.Default.T("storage.azurite_missing_at", ("root", repositoryRoot)));
        InvalidOperationException? last = null;
        for (var attempt = 0; attempt < (ports is null ? 3 : 1); attempt++)
        {
            try
            {
                var chosen = ports ?? (FreePort(), FreePort(), FreePort());
                return await StartOnceAsync(repositoryRoot, location, chosen, startTimeout ?? TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
            }
            catch (AzuriteStartException ex) when (ex.PortInUse)
            {
                last = ex;
            }
        }
        throw last!;
    }

    private static async Task<AzuriteProcess> StartOnceAsync(string root, string? location, (int, int, int) ports,
        TimeSpan timeout, CancellationToken cancellationToken)
    {
        var (blob, queue, table) = ports;
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
        {
            ScriptPath,
            "--blobHost", "127.0.0.1", "--blobPort", blob.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--queueHost", "127.0.0.1", "--queuePort", queue.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--tableHost", "127.0.0.1", "--tablePort", table.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--silent", "--disableTelemetry",
            // Azure.Storage.Blobs/Queues 12.30 send x-ms-version 2026-10-06, newer than Azurite 3.37 knows (docs/storage.md).
            "--skipApiVersionCheck",
        })
        {
            start.ArgumentList.Add(arg);
        }
        if (location is null)
        {
            start.ArgumentList.Add("--inMemoryPersistence");
        }
        else
        {
            Directory.CreateDirectory(location);
            start.ArgumentList.Add("--location");
            start.ArgumentList.Add(location);
        }

        var output = new StringBuilder();
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        DataReceivedEventHandler collect = (_, e) =>
        {
            if (e.Data is null) return;
            lock (output)
            {
                if (output.Length < 64 * 1024) output.AppendLine(e.Data);
            }
        };
        process.OutputDataReceived += collect;
        process.ErrorDataReceived += collect;
        if (!process.Start()) throw new InvalidOperationException("Could not start node.");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var azurite = new AzuriteProcess(process, output, blob, queue, table);

        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
            {
                await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
                var text = azurite.Output;
                var exitCode = process.ExitCode;
                process.Dispose();
                throw new AzuriteStartException(
                    $"Azurite exited with code {exitCode} before listening: {text.Trim()}",
                    text.Contains("EADDRINUSE", StringComparison.Ordinal));
            }
            if (await AnswersAsync(blob).ConfigureAwait(false) && await AnswersAsync(queue).ConfigureAwait(false) && await AnswersAsync(table).ConfigureAwait(false))
                return azurite;
            var cpu = CpuTime(process);
            if (StartDeadline.Passed(timeout, deadline.Elapsed, cpu) || cancellationToken.IsCancellationRequested)
            {
                await azurite.StopAsync().ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
                throw new AzuriteStartException(
                    $"Azurite did not listen within {deadline.Elapsed.TotalSeconds:0} s (timeout {timeout.TotalSeconds:0} s; node used {cpu.TotalSeconds:0.0} s of CPU): {azurite.Output.Trim()}", false);
            }
            await Task.Delay(100, CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>The CPU time node has used so far; zero when it cannot be read (then only the hard cap extends the wait).</summary>
    private static TimeSpan CpuTime(Process process)
    {
        try { return process.TotalProcessorTime; }
        catch (Exception e) when (e is InvalidOperationException or NotSupportedException or System.ComponentModel.Win32Exception) { return TimeSpan.Zero; }
    }

    /// <summary>What Azurite printed so far (errors only, as it runs with --silent).</summary>
    public string Output
    {
        get
        {
            lock (_output) return _output.ToString();
        }
    }

    public bool HasExited => _process.HasExited;

    /// <summary>
    /// Asks Azurite to stop (SIGTERM, so a --location store flushes its metadata), then kills the process tree
    /// if it has not exited within a few seconds, and waits for it to exit.
    /// </summary>
    public async Task StopAsync()
    {
        if (HasExitedSafe()) return;
        if (!OperatingSystem.IsWindows() && SendTerminate(_process.Id) == 0)
        {
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await _process.WaitForExitAsync(grace.Token).ConfigureAwait(false);
                return;
            }
            catch (OperationCanceledException)
            {
                // Did not stop in time: kill below.
            }
        }
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await _process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Gave up waiting; nothing more we can do.
        }
    }

    private bool HasExitedSafe()
    {
        try
        {
            return _process.HasExited;
        }
        catch (InvalidOperationException)
        {
            return true;
        }
    }

    private static int SendTerminate(int pid)
    {
        // The kill(1) command avoids P/Invoke (which would need unsafe code enabled in this project).
        try
        {
            using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", pid.ToString(System.Globalization.CultureInfo.InvariantCulture) }, UseShellExecute = false });
            if (kill is null) return -1;
            kill.WaitForExit(5000);
            return kill.HasExited ? kill.ExitCode : -1;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return -1;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _process.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<bool> AnswersAsync(int port)
    {
        using var client = new TcpClient();
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
            await client.ConnectAsync(IPAddress.Loopback, port, cts.Token).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            return false;
        }
    }
}

/// <summary>
/// When waiting for Azurite to listen stops: a start that hangs while node runs fails after the timeout, but
/// one merely starved of CPU on a loaded machine (CI with parallel builds) is not reported as a failure until
/// node has had a third of the timeout in CPU time, or four times the timeout has passed whatever happened.
/// </summary>
internal static class StartDeadline
{
    public const int HardCapFactor = 4;

    public static bool Passed(TimeSpan timeout, TimeSpan elapsed, TimeSpan cpuUsed) =>
        elapsed > timeout * HardCapFactor || elapsed > timeout && cpuUsed >= timeout / 3;
}

internal sealed class AzuriteStartException(string message, bool portInUse) : InvalidOperationException(message)
{
    public bool PortInUse { get; } = portInUse;
}
