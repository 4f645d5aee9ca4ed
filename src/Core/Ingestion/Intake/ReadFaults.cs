using System.Diagnostics;

namespace KampungKB.Core.Ingestion.Intake;

/// <summary>
/// Thrown by <see cref="IngestionEngine"/> when reading a file failed because of a bug in OUR code, not
/// because of the file (docs/robustness.md): the caller logs it as a bug under a stable event id and tells
/// the cadre <c>internal-error</c> ("not your file"), never <c>unreadable-file</c>. The inner exception is
/// the original; its message is not shown to anyone.
/// </summary>
internal sealed class IngestionBugException(Exception inner)
    : Exception($"Bug while reading a spreadsheet: {inner.GetType().FullName} in {ReadFaults.Origin(inner)}", inner)
{
    /// <summary>The exception type and the innermost method of ours on its stack, for the bug log.</summary>
    public string Where => ReadFaults.Origin(InnerException!);
}

/// <summary>
/// Sorts an exception raised while reading a workbook: <see cref="Kind.Critical"/> (out of memory and
/// the like: never caught), <see cref="Kind.File"/> (what the reader libraries or the BCL decoders raise
/// on a damaged or hostile file: the file's fault), else <see cref="Kind.Bug"/>. Rule: a file fault is a
/// known data exception type, or one whose innermost non-BCL frame is in a reader library
/// (ExcelDataReader, DocumentFormat.OpenXml). Our own code must never throw on user data (conventions 4),
/// so anything else thrown through it is a bug.
/// </summary>
internal static class ReadFaults
{
    internal enum Kind { Critical, File, Bug }

    private static readonly string[] ReaderAssemblies = ["ExcelDataReader", "DocumentFormat.OpenXml"];

    public static Kind Classify(Exception e)
    {
        if (IsCritical(e)) return Kind.Critical;
        if (e is InvalidDataException or System.Xml.XmlException or System.Text.DecoderFallbackException or EndOfStreamException)
            return Kind.File;
        var ns = e.GetType().Namespace ?? "";
        if (ReaderAssemblies.Any(a => ns.StartsWith(a, StringComparison.Ordinal))) return Kind.File;
        var frame = InnermostNonBcl(e);
        var assembly = frame?.GetMethod()?.DeclaringType?.Assembly.GetName().Name ?? "";
        return ReaderAssemblies.Any(a => assembly.StartsWith(a, StringComparison.Ordinal)) ? Kind.File : Kind.Bug;
    }

    /// <summary>Faults the process cannot recover from: rethrown everywhere, never turned into a problem.</summary>
    public static bool IsCritical(Exception e) =>
        e is OutOfMemoryException or InsufficientExecutionStackException or StackOverflowException or AccessViolationException
            or BadImageFormatException or TypeLoadException or MissingMethodException;

    internal static string Origin(Exception e)
    {
        var method = InnermostNonBcl(e)?.GetMethod();
        return method is null ? "unknown" : $"{method.DeclaringType?.FullName}.{method.Name}";
    }

    private static StackFrame? InnermostNonBcl(Exception e)
    {
        foreach (var frame in new StackTrace(e, fNeedFileInfo: false).GetFrames())
        {
            var name = frame.GetMethod()?.DeclaringType?.Assembly.GetName().Name;
            if (name is null || name == "System.Private.CoreLib" || name.StartsWith("System.", StringComparison.Ordinal) || name == "System") continue;
            return frame;
        }
        return null;
    }
}
