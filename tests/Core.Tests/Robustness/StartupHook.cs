// In no namespace: the runtime looks for a type named StartupHook in the assembly DOTNET_STARTUP_HOOKS names.
/// <summary>
/// A .NET startup hook (<c>DOTNET_STARTUP_HOOKS</c>) for the child processes of <c>PeakMemoryTests</c>:
/// when the process exits it copies <c>/proc/self/status</c> (with <c>VmHWM</c>, its peak resident set) to the file
/// named by <c>KKB_TEST_STATUS_FILE</c>. Does nothing when that variable is absent.
/// </summary>
public static class StartupHook
{
    public const string StatusFileVariable = "KKB_TEST_STATUS_FILE";

    public static void Initialize()
    {
        if (Environment.GetEnvironmentVariable(StatusFileVariable) is not { Length: > 0 } target) return;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => File.WriteAllText(target, File.ReadAllText("/proc/self/status"));
    }
}
