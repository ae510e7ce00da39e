using Telemetry.Pollers.Diagnostics;
using Telemetry.Pollers.Publishing;
using Telemetry.Pollers.Tests.Infrastructure;
using Telemetry.Testing.Azurite;
using Telemetry.Testing.Kafka;
using Telemetry.Pollers.WorkerPools;

namespace Telemetry.Pollers.Tests.WorkerPools;

[Collection(WorkerPoolCollection.Name)]
public sealed class WorkerPoolPollerTests(AzuriteFixture azurite, MockKafkaCluster kafka)
{
    // These tests read the derived events off a recording publisher; Kafka is configured as a host would have it.
    private Dictionary<string, string?> Settings(params Uri[] endpoints) => new()
    {
        ["Kafka:BootstrapServers"] = kafka.BootstrapServers,
        ["Pollers:WorkerPoolEndpoints"] = string.Join(',', endpoints.Select(e => e.ToString())),
        ["Pollers:TimeoutSeconds"] = "2",
        ["Pollers:DeadlineSeconds"] = "10",
        ["Pollers:WorkerPoolRetries"] = "1",
    };

    private static KeyValuePair<string, object?> Pool(string name) => new(PollerMetricNames.PoolAttribute, name);

    [Fact]
    public async Task A_failed_poll_logs_and_reports_the_endpoint_without_its_user_info_or_query()
    {
        await using var endpoint = await PoolEndpoint.StartAsync();
        endpoint.Respond = context => { context.Response.StatusCode = 503; return Task.CompletedTask; };
        var secretUrl = new UriBuilder(endpoint.Url) { UserName = "pool-user", Password = "pool-Pa55word", Query = "token=query-T0ken-value" }.Uri;
        var logs = new CapturingLoggerProvider();
        await using var host = PollerHost.Create(azurite, Settings(secretUrl), new RecordingPublisher(), logs: logs);

        var result = await host.Poller(PollerNames.WorkerPool).PollAsync(CancellationToken.None);

        var failure = Assert.Single(result.Failures);
        Assert.Contains($"http://***@{endpoint.Url.Authority}{endpoint.Url.AbsolutePath}?***", failure, StringComparison.Ordinal);
        Assert.Contains(logs.Lines, l => l.Contains("***@", StringComparison.Ordinal));
        foreach (var text in logs.Lines.Append(failure))
        {
            Assert.DoesNotContain("pool-Pa55word", text, StringComparison.Ordinal);
            Assert.DoesNotContain("pool-user", text, StringComparison.Ordinal);
            Assert.DoesNotContain("query-T0ken-value", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Healthy_pool_gives_gauges_and_a_baseline_then_recycled_and_started_workers_from_the_next_poll()
    {
        await using var endpoint = await PoolEndpoint.StartAsync();
        var publisher = new RecordingPublisher();
        await using var host = PollerHost.Create(azurite, Settings(endpoint.Url), publisher);
        var poller = host.Poller(PollerNames.WorkerPool);

        endpoint.ServeJson(PoolDocument.Json("hpc_pool", 0, 100, ("w1", "idle", 300, 10), ("w2", "busy", 200, 5)));
        var first = await poller.PollAsync(CancellationToken.None);
        Assert.True(first.AllSucceeded, string.Join("; ", first.Failures));
        Assert.Empty(publisher.Drain());
        Assert.True(host.Readings.TryGet(PollerMetricNames.WorkerPoolUp, out var up, Pool("hpc_pool")));
        Assert.Equal(1, up);
        Assert.True(host.Readings.TryGet(PollerMetricNames.WorkerPoolWorkers, out var workers, Pool("hpc_pool")));
        Assert.Equal(2, workers);
        Assert.True(host.Readings.TryGet(PollerMetricNames.WorkerPoolBusyWorkers, out var busy, Pool("hpc_pool")));
        Assert.Equal(1, busy);
        Assert.True(host.Readings.TryGet(PollerMetricNames.WorkerPoolQueueCapacity, out var capacity, Pool("hpc_pool")));
        Assert.Equal(100, capacity);

        // w1 restarted in place (uptime went back), w2 was replaced by w3.
        endpoint.ServeJson(PoolDocument.Json("hpc_pool", 0, 100, ("w1", "idle", 5, 0), ("w3", "idle", 4, 0)));
        Assert.True((await poller.PollAsync(CancellationToken.None)).AllSucceeded);
        var events = publisher.Drain();
        Assert.Equal(4, events.Count);
        var recycled = events.Where(e => e.Event == WorkerPoolObservation.WorkerRecycled).OrderBy(e => e.Metadata["worker_id"], StringComparer.Ordinal).ToArray();
        Assert.Equal(["w1", "w2"], recycled.Select(e => e.Metadata["worker_id"]));
        Assert.Equal("uptime_reset", recycled[0].Metadata["reason"]);
        Assert.Equal(300, recycled[0].Measurements["uptime_seconds"]);
        Assert.Equal(10, recycled[0].Measurements["request_count"]);
        Assert.Equal("replaced", recycled[1].Metadata["reason"]);
        var started = events.Where(e => e.Event == WorkerPoolObservation.WorkerStarted).Select(e => e.Metadata["worker_id"]).Order(StringComparer.Ordinal);
        Assert.Equal(["w1", "w3"], started);
        Assert.All(events, e =>
        {
            Assert.Equal(1, e.Measurements["count"]);
            Assert.Equal("hpc_pool", e.Metadata["pool"]);
        });

        // Nothing changed: nothing to say.
        Assert.True((await poller.PollAsync(CancellationToken.None)).AllSucceeded);
        Assert.Empty(publisher.Drain());

        // A worker reporting itself unhealthy is a failed health check of that worker.
        endpoint.ServeJson(PoolDocument.Json("hpc_pool", 0, 100, ("w1", "unhealthy", 7, 0), ("w3", "idle", 6, 0)));
        Assert.True((await poller.PollAsync(CancellationToken.None)).AllSucceeded);
        var unhealthy = Assert.Single(publisher.Drain());
        Assert.Equal(WorkerPoolObservation.HealthCheckFailed, unhealthy.Event);
        Assert.Equal("w1", unhealthy.Metadata["worker_id"]);
        Assert.Equal("worker_unhealthy", unhealthy.Metadata["reason"]);
    }

    [Fact]
    public async Task Saturated_pool_gives_pool_saturated_with_the_queue_size()
    {
        await using var endpoint = await PoolEndpoint.StartAsync();
        var publisher = new RecordingPublisher();
        await using var host = PollerHost.Create(azurite, Settings(endpoint.Url), publisher);
        endpoint.ServeJson(PoolDocument.Json("busy_pool", 42, 50, ("w1", "busy", 30, 3), ("w2", "busy", 30, 4)));

        Assert.True((await host.Poller(PollerNames.WorkerPool).PollAsync(CancellationToken.None)).AllSucceeded);

        var saturated = Assert.Single(publisher.Drain());
        Assert.Equal(WorkerPoolObservation.PoolSaturated, saturated.Event);
        Assert.Equal(42, saturated.Measurements["queue_size"]);
        Assert.Equal(0, saturated.Measurements["available_workers"]);
        Assert.Equal(2, saturated.Measurements["busy_workers"]);
        Assert.True(host.Readings.TryGet(PollerMetricNames.WorkerPoolQueueSize, out var queued, Pool("busy_pool")));
        Assert.Equal(42, queued);

        // A free worker with requests still queued is not saturation.
        endpoint.ServeJson(PoolDocument.Json("busy_pool", 3, 50, ("w1", "busy", 31, 3), ("w2", "idle", 31, 4)));
        Assert.True((await host.Poller(PollerNames.WorkerPool).PollAsync(CancellationToken.None)).AllSucceeded);
        Assert.Empty(publisher.Drain());
    }

    [Fact]
    public async Task Failing_endpoint_is_retried_once_then_gives_health_check_failed_with_the_status()
    {
        await using var endpoint = await PoolEndpoint.StartAsync();
        var publisher = new RecordingPublisher();
        await using var host = PollerHost.Create(azurite, Settings(endpoint.Url), publisher);
        endpoint.ServeJson(PoolDocument.Json("p1", 0, 10, ("w1", "idle", 10, 1)));
        Assert.True((await host.Poller(PollerNames.WorkerPool).PollAsync(CancellationToken.None)).AllSucceeded);
        var before = endpoint.Requests;

        endpoint.Respond = context => { context.Response.StatusCode = 503; return Task.CompletedTask; };
        var result = await host.Poller(PollerNames.WorkerPool).PollAsync(CancellationToken.None);

        Assert.Equal(1, result.Failed);
        Assert.Equal(2, endpoint.Requests - before); // one attempt, one bounded retry
        var failed = Assert.Single(publisher.Drain());
        Assert.Equal(WorkerPoolObservation.HealthCheckFailed, failed.Event);
        Assert.Equal("http_503", failed.Metadata["reason"]);
        Assert.Equal("p1", failed.Metadata["pool"]); // the pool's name is remembered from the last good poll
        Assert.True(host.Readings.TryGet(PollerMetricNames.WorkerPoolUp, out var up, Pool("p1")));
        Assert.Equal(0, up);
        Assert.False(host.Readings.TryGet(PollerMetricNames.WorkerPoolWorkers, out _, Pool("p1")));
    }

    [Fact]
    public async Task Slow_endpoint_times_out_within_its_budget()
    {
        await using var endpoint = await PoolEndpoint.StartAsync();
        var publisher = new RecordingPublisher();
        await using var host = PollerHost.Create(azurite, Settings(endpoint.Url), publisher);
        using var release = new CancellationTokenSource();
        endpoint.Respond = async context =>
        {
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(30), CancellationTokenSource.CreateLinkedTokenSource(release.Token, context.RequestAborted).Token);
            }
            catch (OperationCanceledException)
            {
            }
        };

        var result = await host.Poller(PollerNames.WorkerPool).PollAsync(CancellationToken.None);
        await release.CancelAsync();

        Assert.Equal(1, result.Failed);
        var failed = Assert.Single(publisher.Drain());
        Assert.Equal("timeout", failed.Metadata["reason"]);
        Assert.Equal(endpoint.Url.Authority, failed.Metadata["pool"]); // never seen healthy: named after its address
    }

    [Theory]
    [InlineData("{\"schema\": 1, \"pool\": \"p\", \"workers\": [", "invalid_json")]
    [InlineData("<html>oops</html>", "invalid_json")]
    [InlineData("{\"schema\": 2, \"pool\": \"p\", \"workers\": [], \"queue\": {\"size\": 0, \"capacity\": 1}}", "invalid_document: schema 2 is not 1")]
    [InlineData("{\"schema\": 1, \"workers\": [], \"queue\": {\"size\": 0, \"capacity\": 1}}", "invalid_document: pool missing")]
    [InlineData("{\"schema\": 1, \"pool\": \"p\", \"workers\": [{\"id\": \"w\", \"status\": \"dancing\", \"uptime_seconds\": 1}], \"queue\": {\"size\": 0, \"capacity\": 1}}", "invalid_document: a worker lacks an id, a known status or a non-negative uptime")]
    public async Task Malformed_document_gives_health_check_failed_with_the_reason(string body, string reason)
    {
        await using var endpoint = await PoolEndpoint.StartAsync();
        var publisher = new RecordingPublisher();
        await using var host = PollerHost.Create(azurite, Settings(endpoint.Url), publisher);
        endpoint.ServeJson(body);

        var result = await host.Poller(PollerNames.WorkerPool).PollAsync(CancellationToken.None);

        Assert.Equal(1, result.Failed);
        var failed = Assert.Single(publisher.Drain());
        Assert.Equal(WorkerPoolObservation.HealthCheckFailed, failed.Event);
        Assert.Equal(reason, failed.Metadata["reason"]);
        Assert.Equal(1, endpoint.Requests); // a 200 with a bad body is not retried
    }

    [Fact]
    public async Task State_survives_a_new_instance_so_a_stateless_host_still_sees_recycling()
    {
        await using var endpoint = await PoolEndpoint.StartAsync();
        var prefix = AzuriteFixture.NewTablePrefix();
        endpoint.ServeJson(PoolDocument.Json("p", 0, 10, ("w1", "idle", 100, 1)));
        var firstPublisher = new RecordingPublisher();
        await using (var first = PollerHost.Create(azurite, Settings(endpoint.Url), firstPublisher, prefix))
        {
            Assert.True((await first.Poller(PollerNames.WorkerPool).PollAsync(CancellationToken.None)).AllSucceeded);
        }

        endpoint.ServeJson(PoolDocument.Json("p", 0, 10, ("w1", "idle", 1, 0)));
        var secondPublisher = new RecordingPublisher();
        await using var second = PollerHost.Create(azurite, Settings(endpoint.Url), secondPublisher, prefix);
        Assert.True((await second.Poller(PollerNames.WorkerPool).PollAsync(CancellationToken.None)).AllSucceeded);

        Assert.Empty(firstPublisher.Drain());
        Assert.Equal([WorkerPoolObservation.WorkerRecycled, WorkerPoolObservation.WorkerStarted], secondPublisher.Drain().Select(e => e.Event));
    }

    [Fact]
    public async Task One_endpoint_down_does_not_affect_another()
    {
        await using var healthy = await PoolEndpoint.StartAsync();
        await using var failing = await PoolEndpoint.StartAsync();
        var publisher = new RecordingPublisher();
        healthy.ServeJson(PoolDocument.Json("good", 0, 10, ("w1", "idle", 1, 0)));
        failing.Respond = context => { context.Response.StatusCode = 500; return Task.CompletedTask; };
        var unreachable = new Uri($"http://127.0.0.1:{FreePort()}/health/pool");
        await using var host = PollerHost.Create(azurite, Settings(healthy.Url, failing.Url, unreachable), publisher);

        var result = await host.Poller(PollerNames.WorkerPool).PollAsync(CancellationToken.None);

        Assert.Equal(1, result.Succeeded);
        Assert.Equal(2, result.Failed);
        Assert.True(host.Readings.TryGet(PollerMetricNames.WorkerPoolUp, out var up, Pool("good")));
        Assert.Equal(1, up);
        var reasons = publisher.Drain().Select(e => e.Metadata["reason"]).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal("http_500", reasons[0]);
        Assert.StartsWith("unreachable", reasons[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Envelope_is_schema_1_json_with_event_time_source_measurements_and_metadata()
    {
        var envelope = new TelemetryEnvelope(
            WorkerPoolObservation.PoolSaturated,
            new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero),
            "worker-pool-poller:http://127.0.0.1:1/health",
            new Dictionary<string, double> { ["count"] = 1, ["queue_size"] = 42 },
            new Dictionary<string, string> { ["pool"] = "hpc_pool" });

        using var json = System.Text.Json.JsonDocument.Parse(EnvelopeSerializer.Serialize(envelope));
        var root = json.RootElement;
        Assert.Equal(1, root.GetProperty("schema").GetInt32());
        Assert.Equal("snakepit.pool.saturated", root.GetProperty("event").GetString());
        Assert.Equal("2026-11-23T12:00:00Z", root.GetProperty("time").GetString());
        Assert.Equal(42, root.GetProperty("measurements").GetProperty("queue_size").GetDouble());
        Assert.Equal("hpc_pool", root.GetProperty("metadata").GetProperty("pool").GetString());
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
