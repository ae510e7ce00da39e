using System.Text;
using Microsoft.AspNetCore.Http;
using Telemetry.Pollers.Tests.Infrastructure;
using Telemetry.Pollers.WorkerPools;
using Telemetry.Testing.Azurite;
using Telemetry.Testing.Kafka;

namespace Telemetry.Pollers.Tests.WorkerPools;

/// <summary>
/// A health endpoint answering with a chunked body (no Content-Length) cannot make the poller buffer without limit:
/// past <c>Pollers:WorkerPoolMaxResponseBytes</c> the poll fails with a clear reason. Real Kestrel on 127.0.0.1.
/// </summary>
[Collection(WorkerPoolCollection.Name)]
public sealed class WorkerPoolBodyLimitTests(AzuriteFixture azurite, MockKafkaCluster kafka)
{
    private Dictionary<string, string?> Settings(Uri endpoint, int? maxBytes = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Kafka:BootstrapServers"] = kafka.BootstrapServers,
            ["Pollers:WorkerPoolEndpoints"] = endpoint.ToString(),
            ["Pollers:TimeoutSeconds"] = "5",
            ["Pollers:DeadlineSeconds"] = "10",
            ["Pollers:WorkerPoolRetries"] = "0",
        };
        if (maxBytes is { } max)
        {
            settings["Pollers:WorkerPoolMaxResponseBytes"] = max.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return settings;
    }

    /// <summary>A valid health document followed by <paramref name="padding"/> bytes of JSON whitespace, written in flushed chunks.</summary>
    private static Func<HttpContext, Task> Chunked(int padding) => async context =>
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        var document = Encoding.UTF8.GetBytes(PoolDocument.Json("big_pool", 0, 10, ("w1", "idle", 10, 1)));
        await context.Response.Body.WriteAsync(document.AsMemory(0, document.Length - 1));
        var spaces = Encoding.UTF8.GetBytes(new string(' ', 64 * 1024));
        for (var written = 0; written < padding; written += spaces.Length)
        {
            await context.Response.Body.WriteAsync(spaces.AsMemory(0, Math.Min(spaces.Length, padding - written)));
            await context.Response.Body.FlushAsync();
        }

        await context.Response.Body.WriteAsync(document.AsMemory(document.Length - 1));
    };

    [Fact]
    public async Task A_chunked_body_over_the_default_limit_fails_the_poll_as_too_large()
    {
        await using var endpoint = await PoolEndpoint.StartAsync();
        var chunked = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var respond = Chunked(2 * 1024 * 1024);
        endpoint.Respond = async context =>
        {
            try
            {
                await respond(context);
            }
            finally
            {
                // The poller may hang up once past its limit, before the last chunk (the headers went with the first),
                // and the poll may return before this handler has seen it: the test waits for the answer here.
                chunked.TrySetResult(context.Response.Headers.ContentLength is null && context.Response.Headers.TransferEncoding == "chunked");
            }
        };
        var publisher = new RecordingPublisher();
        await using var host = PollerHost.Create(azurite, Settings(endpoint.Url), publisher);

        var result = await host.Poller(PollerNames.WorkerPool).PollAsync(CancellationToken.None);

        Assert.True(await chunked.Task.WaitAsync(TimeSpan.FromSeconds(30)), "the endpoint should have answered chunked, without Content-Length");
        Assert.Equal(1, result.Failed);
        Assert.Equal($"{endpoint.Url}: {WorkerPoolPoller.TooLarge}", Assert.Single(result.Failures));
        var failed = Assert.Single(publisher.Drain());
        Assert.Equal(WorkerPoolObservation.HealthCheckFailed, failed.Event);
        Assert.Equal("invalid_document: too large", failed.Metadata["reason"]);
    }

    [Fact]
    public async Task The_limit_is_a_setting_and_a_chunked_body_within_it_is_read()
    {
        await using var endpoint = await PoolEndpoint.StartAsync();
        endpoint.Respond = Chunked(200 * 1024);
        var publisher = new RecordingPublisher();

        await using (var roomy = PollerHost.Create(azurite, Settings(endpoint.Url, maxBytes: 512 * 1024), publisher))
        {
            var ok = await roomy.Poller(PollerNames.WorkerPool).PollAsync(CancellationToken.None);
            Assert.True(ok.AllSucceeded, string.Join("; ", ok.Failures));
        }

        await using var tight = PollerHost.Create(azurite, Settings(endpoint.Url, maxBytes: 64 * 1024), publisher);
        var refused = await tight.Poller(PollerNames.WorkerPool).PollAsync(CancellationToken.None);
        Assert.Equal($"{endpoint.Url}: {WorkerPoolPoller.TooLarge}", Assert.Single(refused.Failures));
    }
}
