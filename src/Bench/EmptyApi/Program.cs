var builder = WebApplication.CreateBuilder(args);
if (builder.Configuration["FUNCTIONS_CUSTOMHANDLER_PORT"] is { Length: > 0 } port) builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
var app = builder.Build();
app.MapPost("/{function}", () => Results.Json(new { Outputs = new { }, Logs = Array.Empty<string>(), ReturnValue = (object?)null }));
app.Run();
