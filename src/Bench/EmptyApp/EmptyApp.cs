using Azure.Storage.Blobs;
using KampungKB.Bench.EmptyApp;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.Services.AddKampungKB(builder.Configuration);
await builder.Build().RunAsync();

namespace KampungKB.Bench.EmptyApp
{
    /// <summary>Registers nothing: the baseline pays only for the host shape.</summary>
    public static class EmptyComposition
    {
        public static IServiceCollection AddKampungKB(this IServiceCollection services, IConfiguration configuration) => services;
    }

    /// <summary>The triggers of src/Functions (blob, timer, HTTP), each answering at once.</summary>
    public sealed class EmptyFunctions
    {
        [Function("IngestUpload")]
        public Task<string?> IngestUpload([BlobTrigger("uploads/{name}", Source = BlobTriggerSource.EventGrid)] BlobClient blob, string name, CancellationToken cancellationToken) =>
            Task.FromResult<string?>(name);

        [Function("ImportRegistry")]
        public Task<string?> ImportRegistry([BlobTrigger("registry/{name}", Source = BlobTriggerSource.EventGrid)] BlobClient blob, string name, CancellationToken cancellationToken) =>
            Task.FromResult<string?>(name);

        [Function("CompileRecap")]
        public Task CompileRecap([TimerTrigger("%Schedules:CompileRecap%")] TimerInfo timer, CancellationToken cancellationToken) => Task.CompletedTask;

        [Function("SendReminders")]
        public Task SendReminders([TimerTrigger("%Schedules:SendReminders%")] TimerInfo timer, CancellationToken cancellationToken) => Task.CompletedTask;

        [Function("SweepOutbox")]
        public Task SweepOutbox([TimerTrigger("0 */5 * * * *")] TimerInfo timer, CancellationToken cancellationToken) => Task.CompletedTask;

        [Function("ApplyRetention")]
        public Task ApplyRetention([TimerTrigger("0 30 3 * * *")] TimerInfo timer, CancellationToken cancellationToken) => Task.CompletedTask;

        [Function("SyncDriveFolders")]
        public Task SyncDriveFolders([TimerTrigger("%Schedules:SyncDriveFolders%")] TimerInfo timer, CancellationToken cancellationToken) => Task.CompletedTask;

        [Function("UploadPage")]
        public IActionResult UploadPage([HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", Route = "kampung/{token}")] HttpRequest request, string token) =>
            new OkResult();

        [Function("UploadPageResult")]
        public IActionResult UploadPageResult([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "kampung/{token}/hasil/{upload}")] HttpRequest request, string token, string upload) =>
            new OkResult();
    }
}
