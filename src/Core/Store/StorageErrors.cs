using System.Net.Http;
using System.Net.Sockets;
using Azure;

namespace KampungKB.Core.Store;

/// <summary>
/// Classifies storage failures so callers can decide between "let the host retry" (transient) and
/// "record the outcome and return" (permanent). See conventions point 7.
/// </summary>
public static class StorageErrors
{
    /// <summary>
    /// True for 408, 429 and 5xx responses, network failures (status 0, <see cref="IOException"/>,
    /// <see cref="HttpRequestException"/>, <see cref="SocketException"/>) and timeouts. False for other
    /// 4xx (bad request, conflict, precondition failed, not found): retrying cannot change their outcome.
    /// Cancellation requested by the caller is not transient.
    /// </summary>
    public static bool IsTransient(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        switch (exception)
        {
            case RequestFailedException rfe when rfe.Status != 0:
                return rfe.Status is 408 or 429 || rfe.Status >= 500;
            case AggregateException aggregate:
                return aggregate.InnerExceptions.Count > 0 && aggregate.InnerExceptions.All(IsTransient);
            case TimeoutException:
            case IOException:
            case HttpRequestException:
            case SocketException:
                return true;
            case TaskCanceledException tce when tce.InnerException is TimeoutException:
                return true;
            case OperationCanceledException:
                return false;
        }
        return exception.InnerException is { } inner && IsTransient(inner);
    }

    /// <summary>True when the exception is a storage answer with the given HTTP status.</summary>
    public static bool IsStatus(Exception exception, int status) =>
        exception is RequestFailedException rfe && rfe.Status == status;
}
