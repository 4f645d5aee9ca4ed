using KampungKB.Functions;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;

// The isolated worker the Functions host starts: ASP.NET Core integration for the upload page, the
// app's one composition method, settings validated before the worker connects to the host.
var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
try
{
    builder.Services.AddKampungKB(builder.Configuration);
}
catch (InvalidSettingsException e)
{
    await Console.Error.WriteLineAsync("KampungKB.Functions refuses to start; fix these app settings:");
    foreach (var error in e.Errors) await Console.Error.WriteLineAsync("  - " + error);
    return 1;
}
await builder.Build().RunAsync();
return 0;
