using KampungKB.Core.Links;
using KampungKB.Core.Storage;
using KampungKB.Functions.Invocation;

namespace KampungKB.Functions.Endpoints;

/// <summary>
/// The HTTP-triggered upload page (functions/UploadPage: GET/POST <c>/api/kampung/{token}</c>;
/// functions/UploadPageResult: GET <c>/api/kampung/{token}/hasil/{upload}</c>): decode <c>Data.req</c>,
/// call <see cref="UploadDesk"/>, answer <c>Outputs.res</c>. Storage outages answer a 503 page, not a
/// failed invocation: an HTTP trigger is not retried by the host, the person retries.
/// </summary>
internal static class UploadPageFunctions
{
    public static void Map(WebApplication app)
    {
        app.MapPost("/UploadPage", UploadPage);
        app.MapPost("/UploadPageResult", UploadPageResult);
    }

    private static async Task<IResult> UploadPage(InvocationRequest invocation, UploadDesk desk, CancellationToken ct)
    {
        if (HttpTriggerRequest.From(invocation) is not { } req) return Results.Json(new InvocationResponse { Logs = ["UploadPage: no Data.req"] }, statusCode: 500);
        var token = req.Param("token");
        try
        {
            if (req.Method != "POST") return HttpTriggerResponse.From(await desk.HomeAsync(token, ct));
            var (fileName, content) = await req.ReadFileAsync(desk.MaxUploadBytes, ct);
            var page = await desk.ReceiveAsync(token, fileName, content, req.WantsJson, ct);
            return HttpTriggerResponse.From(page, $"upload page: POST answered {page.StatusCode}");
        }
        catch (Exception e) when (StorageErrors.IsTransient(e))
        {
            return HttpTriggerResponse.From(new PageResponse(503, "Server sedang sibuk. Coba lagi sebentar lagi.", "text/plain; charset=utf-8"), $"storage unavailable ({e.GetType().Name})");
        }
    }

    private static async Task<IResult> UploadPageResult(InvocationRequest invocation, UploadDesk desk, CancellationToken ct)
    {
        if (HttpTriggerRequest.From(invocation) is not { } req) return Results.Json(new InvocationResponse { Logs = ["UploadPageResult: no Data.req"] }, statusCode: 500);
        try
        {
            return HttpTriggerResponse.From(await desk.ResultAsync(req.Param("token"), req.Param("upload"), ct));
        }
        catch (Exception e) when (StorageErrors.IsTransient(e))
        {
            return HttpTriggerResponse.From(new PageResponse(503, "Server sedang sibuk. Coba lagi sebentar lagi.", "text/plain; charset=utf-8"), $"storage unavailable ({e.GetType().Name})");
        }
    }
}
