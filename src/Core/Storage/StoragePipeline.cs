using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace KampungKB.Core.Storage;

/// <summary>Builds the one pipeline a client keeps for its lifetime, and sends requests through it.</summary>
internal static class StoragePipeline
{
    public const string StorageScope = "https://storage.azure.com/.default";

    public static HttpPipeline Build(StorageClientOptions options, StorageSharedKeyCredential? sharedKey,
        TokenCredential? tokenCredential, bool table)
    {
        HttpPipelinePolicy auth = (sharedKey, tokenCredential) switch
        {
            ({ } key, _) => new SharedKeyPolicy(key, table),
            (null, { } token) => new BearerTokenAuthenticationPolicy(token, StorageScope),
            _ => throw new ArgumentException("A shared key or a token credential is required."),
        };
        var pipelineOptions = new HttpPipelineOptions(options)
        {
            RequestFailedDetailsParser = StorageErrorDetailsParser.Instance,
        };
        pipelineOptions.PerRetryPolicies.Add(auth);
        return HttpPipelineBuilder.Build(pipelineOptions);
    }

    public static async ValueTask<Response> SendAsync(HttpPipeline pipeline, HttpMessage message, CancellationToken cancellationToken)
    {
        await pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
        return message.Response;
    }

    /// <summary>
    /// Builds the exception for an unexpected status, buffering a streamed body first so the details parser
    /// can read the error code and message from it.
    /// </summary>
    public static async ValueTask<RequestFailedException> FailAsync(Response response, CancellationToken cancellationToken)
    {
        if (response.ContentStream is { } stream and not MemoryStream)
        {
            var buffer = new MemoryStream();
            await stream.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
            buffer.Position = 0;
            response.ContentStream = buffer;
        }
        return new RequestFailedException(response, null, StorageErrorDetailsParser.Instance);
    }

    public static ETag ReadETag(Response response) =>
        response.Headers.TryGetValue("ETag", out var etag) ? new ETag(etag) : default;
}
