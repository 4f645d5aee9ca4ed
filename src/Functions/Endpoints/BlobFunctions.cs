using KampungKB.Core.Storage;
using KampungKB.Functions.Invocation;
using KampungKB.Core.Uploads;
using KampungKB.Core.Registry;

namespace KampungKB.Functions.Endpoints;

/// <summary>
/// The blob-triggered functions: decode the host's payload, call one Core entry point, answer.
/// User data never fails an invocation; infrastructure faults answer 500 so the host retries.
/// </summary>
internal static class BlobFunctions
{
    public static void Map(WebApplication app)
    {
        app.MapPost("/IngestUpload", IngestUpload);
        app.MapPost("/ImportRegistry", ImportRegistry);
    }

    private static async Task<IResult> IngestUpload(InvocationRequest request, UploadProcessor processor, CancellationToken ct)
    {
        var name = request.MetadataString("name");
        if (string.IsNullOrEmpty(name)) return Fail("IngestUpload: the payload has no blob name (Metadata.name).");
        var properties = request.MetadataObject("Properties");
        var length = InvocationRequest.ReadLong(properties, "ContentLength");
        var lastModified = DateTimeOffset.TryParse(InvocationRequest.ReadString(properties, "LastModified"), out var lm) ? lm : (DateTimeOffset?)null;
        var content = request.DataBytes("upload");
        if (content is null) return Fail("IngestUpload: the payload has no blob content (Data.upload).");
        try
        {
            var outcome = await processor.ProcessAsync(new UploadEvent(name, length, lastModified), content, ct);
            return Results.Json(new InvocationResponse
            {
                Logs = [$"upload {outcome.UploadId}: {outcome.Status}, {outcome.ActivityCount} activities, {outcome.ErrorCount} errors{(outcome.Repeated ? " (repeat)" : "")}"],
                ReturnValue = outcome,
            });
        }
        catch (Exception e) when (StorageErrors.IsTransient(e))
        {
            return Fail($"storage unavailable ({e.GetType().Name}); retry later");
        }
    }

    private static async Task<IResult> ImportRegistry(InvocationRequest request, RegistryImporter importer, CancellationToken ct)
    {
        var name = request.MetadataString("name") ?? "registry.xlsx";
        var content = request.DataBytes("registry");
        if (content is null) return Fail("ImportRegistry: the payload has no blob content (Data.registry).");
        try
        {
            var outcome = await importer.ImportAsync(name, content, ct);
            return Results.Json(new InvocationResponse
            {
                Logs = [$"registry: {(outcome.Accepted ? "accepted" : "rejected")}, {outcome.Kampung} kampung, {outcome.Problems.Count} problems"],
                ReturnValue = outcome,
            });
        }
        catch (Exception e) when (StorageErrors.IsTransient(e))
        {
            return Fail($"storage unavailable ({e.GetType().Name}); retry later");
        }
    }

    private static IResult Fail(string message) =>
        Results.Json(new InvocationResponse { Logs = [message] }, statusCode: StatusCodes.Status500InternalServerError);
}
