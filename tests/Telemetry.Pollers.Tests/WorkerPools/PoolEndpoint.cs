using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Telemetry.Pollers.Tests.WorkerPools;

/// <summary>
/// A real Kestrel endpoint on 127.0.0.1 (free port) serving a pool's health document. The test decides, request by
/// request, whether it is healthy, slow, failing, malformed or saturated by swapping <see cref="Respond"/>.
/// </summary>
internal sealed class PoolEndpoint : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _requests;

    private PoolEndpoint(WebApplication app) => _app = app;

    public Func<HttpContext, Task> Respond { get; set; } = context => { context.Response.StatusCode = 404; return Task.CompletedTask; };

    public int Requests => Volatile.Read(ref _requests);

    public Uri Url { get; private set; } = null!;

    public static async Task<PoolEndpoint> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var endpoint = new PoolEndpoint(app);
        app.Map("/health/pool", context =>
        {
            Interlocked.Increment(ref endpoint._requests);
            return endpoint.Respond(context);
        });
        await app.StartAsync();
        var address = app.Services.GetService(typeof(IServer)) is IServer server
            ? server.Features.Get<IServerAddressesFeature>()!.Addresses.Single()
            : throw new InvalidOperationException("Kestrel did not start.");
        endpoint.Url = new Uri(new Uri(address), "/health/pool");
        return endpoint;
    }

    public void ServeJson(string json, int status = 200) => Respond = async context =>
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(json);
    };

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
