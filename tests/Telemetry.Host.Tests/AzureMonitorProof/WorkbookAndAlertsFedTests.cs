using System.Globalization;
using Azure.Monitor.OpenTelemetry.Exporter;
using Confluent.Kafka;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using Telemetry.DevServices.Mosquitto;
using Telemetry.Domain.Ingestion;
using Telemetry.Host.Commands;
using Telemetry.Host.Demo;
using Telemetry.Host.Tests.Commands;
using Telemetry.Host.Tests.Infrastructure;
using Telemetry.Kafka.Triggered;
using Telemetry.Pollers;
using Telemetry.Testing.Azurite;
using Telemetry.Testing.Kafka;
using Telemetry.Testing.Time;
using Xunit;

namespace Telemetry.Host.Tests.AzureMonitorProof;

/// <summary>
/// The proof that the deployed workbook and alerts are fed: a sample of all five families and every poller's activity
/// run through (a) the Functions app's code path, built with the DI of src/Functions/Program.cs
/// (<c>AddTelemetryFunctionsApp</c> and the exporter's own <c>UseAzureMonitorExporter()</c>), the trigger's
/// processor fed as the extension feeds it and the timer functions' pollers called as their triggers call them, and
/// (b) the standalone host's <c>run</c>. The real Azure Monitor exporter posts to a loopback <c>/v2.1/track</c>, and
/// every metric name, customDimensions key and filtered dimension value that a workbook query or an alert rule
/// reads (parsed from the real JSON and Bicep) must have arrived with data.
/// </summary>
[Collection(HostCollection.Name)]
public sealed class WorkbookAndAlertsFedTests(AzuriteFixture azurite, MockKafkaCluster kafka) : IClassFixture<AzuriteFixture>, IClassFixture<MockKafkaCluster>
{
    static WorkbookAndAlertsFedTests()
    {
        // The exporter's self-telemetry goes to Microsoft's endpoints; tests talk to loopback only.
        Environment.SetEnvironmentVariable("APPLICATIONINSIGHTS_STATSBEAT_DISABLED", "true");
        Environment.SetEnvironmentVariable("APPLICATIONINSIGHTS_SDKSTATS_DISABLED", "true");
    }

    [Fact]
    public void The_deployed_queries_are_found_and_parsed()
    {
        var queries = DeployedQueries.All();

        // Every workbook query item and all seven seed-001 alert rules, each reading at least one metric name.
        Assert.Equal(DeployedQueries.Workbook().Count(), queries.Count(q => q.Source == "workbook"));
        Assert.True(queries.Count(q => q.Source == "workbook") > 40, "the workbook's query items were not found");
        Assert.Equal(
            ["KafkaEventBusConsumerLagCritical", "KafkaEventBusConsumerLagHigh", "KafkaEventBusDLQAccumulating", "KafkaEventBusDisconnected",
             "KafkaEventBusFrequentRebalances", "KafkaEventBusHandlerErrorRateHigh", "KafkaEventBusPublishLatencyHigh"],
            queries.Where(q => q.Source == "alert").Select(q => q.Title).Order(StringComparer.Ordinal));
        Assert.All(queries, q => Assert.True(q.Names.Count + q.Prefixes.Count > 0, $"{q.Title} reads no metric name"));
    }

    [Fact]
    public async Task Every_panel_and_alert_is_fed_by_the_functions_app_code_path()
    {
        var topic = kafka.CreateTopic("fed-fn", partitions: 1);
        kafka.CreateNamedTopic(topic + ".dlq", 1);
        var group = MockKafkaCluster.UniqueName("fed-fn");
        using var ingestion = new LoopbackIngestion();
        await using var mosquitto = await MosquittoBroker.StartNewAsync();
        await using var traffic = await MqttTraffic.StartAsync(mosquitto.Host, mosquitto.Port, CancellationToken.None);
        await using var pool = SimulatedWorkerPool.Start();
        var clock = new ManualTimeProvider(DateTimeOffset.UtcNow);
        var settings = Settings(topic, group, ingestion, mosquitto, pool);

        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddSingleton<TimeProvider>(clock);
        builder.Services.AddLogging();
        // src/Functions/Program.cs: the app's registration, then the exporter's own UseAzureMonitorExporter().
        builder.Services.AddTelemetryFunctionsApp(builder.Configuration);
        builder.Services.AddOpenTelemetry().UseAzureMonitorExporter(o =>
        {
            o.ConnectionString = ingestion.ConnectionString;
            o.StorageDirectory = settings["Export:StorageDirectory"];
            o.EnableLiveMetrics = false;
        });
        using var host = builder.Build();
        await host.StartAsync();
        var meters = host.Services.GetRequiredService<MeterProvider>();

        // The trigger: batches of records as the extension hands them over. The second batch meets a dead-letter
        // topic that refuses writes: the processor asks for the batch again, and the extension's retry runs it again.
        var values = SampleTraffic.Values(clock.GetUtcNow());
        await SampleTraffic.ProduceAsync(kafka, topic, values);
        var processor = host.Services.GetRequiredService<FunctionsBatchProcessor>();
        var records = kafka.ReadAll(topic)
            .Select(r => new ConsumedRecord(r.Topic, r.Partition.Value, r.Offset.Value, r.Message.Key ?? [], r.Message.Value, ConsumedRecord.NoHeaders, DateTimeOffset.UtcNow))
            .ToList();
        var batches = records.Chunk(500).ToList();
        Assert.Contains(batches[1], r => !r.Value.Span.StartsWith("{"u8));
        for (var i = 0; i < batches.Count; i++)
        {
            if (i == 1)
            {
                kafka.PushRequestErrors(MockApiKey.Produce, Enumerable.Repeat(ErrorCode.TopicAuthorizationFailed, 200).ToArray());
                await Assert.ThrowsAsync<TriggeredBatchRedeliveryException>(() => processor.ProcessAsync(batches[i], attempt: 0, CancellationToken.None));
                kafka.ClearRequestErrors(MockApiKey.Produce);
                await RunAgainAsTheRetryPolicyDoesAsync(processor, batches[i]);
                continue;
            }

            await processor.ProcessAsync(batches[i], attempt: 0, CancellationToken.None);
        }

        // The extension commits what the function returned for; then 200 more records arrive, unprocessed: lag.
        CommitForGroup(group, topic, records.Count);

        // The timer functions: each poller as its trigger calls it, a poll interval apart (rates and lag in time need
        // two readings). The broker is down for the second MQTT poll and back for the third: a reconnection.
        var lag = host.Services.GetRequiredKeyedService<IPoller>(PollerNames.Lag);
        var mqtt = host.Services.GetRequiredKeyedService<IPoller>(PollerNames.Mqtt);
        var pools = host.Services.GetRequiredKeyedService<IPoller>(PollerNames.WorkerPool);
        await PollAsync(lag, mqtt, pools);
        await SampleTraffic.ProduceAsync(kafka, topic, SampleTraffic.Values(clock.GetUtcNow()).Take(200).ToList());
        clock.Advance(TimeSpan.FromSeconds(30));
        await SysRefreshes.WaitAsync(mosquitto, 1);
        await PollAsync(lag, mqtt, pools);

        mosquitto.Kill();
        Assert.False((await mqtt.PollAsync(CancellationToken.None)).AllSucceeded, "the MQTT poll succeeded with the broker down");
        await mosquitto.StartAsync();
        await SysRefreshes.WaitAsync(mosquitto, 1);
        await PollAsync(lag, mqtt, pools);

        // Rates from the broker's counters need two of its $SYS refreshes (one a second) between polls.
        await SysRefreshes.WaitAsync(mosquitto, 2);
        await PollAsync(mqtt);

        // The minutes close, and the exporter's reader sends what it has (as its 60 s timer would).
        clock.Advance(TimeSpan.FromMinutes(3));
        Assert.True(meters.ForceFlush(30_000), "the meter provider did not flush");
        Assert.True(meters.ForceFlush(30_000), "the meter provider did not flush");
        await host.StopAsync();

        AssertFed(ingestion, NotFedInTheFunctionsSample);
    }

    [Fact]
    public async Task Every_panel_and_alert_is_fed_by_the_standalone_host()
    {
        var topic = kafka.CreateTopic("fed-run", partitions: 1);
        kafka.CreateNamedTopic(topic + ".dlq", 1);
        // A second topic whose dead-letter topic refuses every write (its metadata answers an authorization error):
        // its malformed record's dead letter fails until the host stops and abandons that batch.
        var refused = kafka.CreateTopic("fed-run-refused", partitions: 1);
        kafka.CreateNamedTopic(refused + ".dlq", 1);
        kafka.SetTopicError(refused + ".dlq", ErrorCode.TopicAuthorizationFailed);
        var group = MockKafkaCluster.UniqueName("fed-run");
        using var ingestion = new LoopbackIngestion();
        await using var mosquitto = await MosquittoBroker.StartNewAsync();
        await using var traffic = await MqttTraffic.StartAsync(mosquitto.Host, mosquitto.Port, CancellationToken.None);
        await using var pool = SimulatedWorkerPool.Start();
        var settings = Settings(topic, group, ingestion, mosquitto, pool);
        settings["Kafka:Topics"] = topic + "," + refused;
        settings["Kafka:DeadLetterTimeoutMs"] = "1500";
        settings["Export:IntervalSeconds"] = "1";
        settings["Export:WindowGraceSeconds"] = "0";
        settings["Kafka:SessionTimeoutMs"] = MockKafkaCluster.FastSessionTimeoutMs.ToString(CultureInfo.InvariantCulture);
        settings["Pollers:LagIntervalSeconds"] = "1";
        settings["Pollers:MqttIntervalSeconds"] = "1";
        settings["Pollers:WorkerPoolIntervalSeconds"] = "1";

        // Event time three minutes back: every minute of the sample is closed when it is consumed, so it is sent at once.
        await SampleTraffic.ProduceAsync(kafka, topic, SampleTraffic.Values(DateTimeOffset.UtcNow.AddMinutes(-3)));
        await SampleTraffic.ProduceAsync(kafka, refused, ["not json"u8.ToArray()]);
        var error = new StringWriter(CultureInfo.InvariantCulture);
        using var stop = new CancellationTokenSource();
        var running = RunCommand.RunAsync(settings, error, stop.Token);

        // The sample settles and is exported (all but what only the outages below and the stop feed); then an MQTT
        // outage of a few polls; then the host stops, abandoning the batch whose dead letter is refused.
        string[] outageOnly = ["kafee.batch.process_error", "mqtt.broker.reconnections", "kafka.eventbus.connection.errors", "kafka.eventbus.reconnections"];
        await UntilFedAsync(ingestion, running, gap => outageOnly.Any(o => gap.Contains(o, StringComparison.Ordinal)));
        mosquitto.Kill();
        // Down until our consumer's connection errors reach the ingestion endpoint (at most 30 s): how soon librdkafka
        // reports a dead connection depends on what it was doing, so a fixed outage fed them on some runs only.
        KafkaOutage(() =>
        {
            var until = DateTime.UtcNow.AddSeconds(30);
            while (!ingestion.Points.Any(p => p.Name == "kafka.eventbus.connection.errors" && p.Value > 0) && DateTime.UtcNow < until)
            {
                Thread.Sleep(200);
            }
        });
        await mosquitto.StartAsync();
        await UntilFedAsync(ingestion, running, gap => gap.Contains("kafee.batch.process_error", StringComparison.Ordinal));
        Assert.False(running.IsCompleted, $"run ended early: {error}");
        await stop.CancelAsync();
        Assert.Equal(0, await running.WaitAsync(TimeSpan.FromSeconds(60)));

        AssertFed(ingestion);
    }

    /// <summary>Waits (at most 90 s) until every gap left is one <paramref name="allowed"/> accepts, or the host ended.</summary>
    private static async Task UntilFedAsync(LoopbackIngestion ingestion, Task running, Func<string, bool> allowed)
    {
        var queries = DeployedQueries.All();
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (!FeedCheck.Gaps(queries, ingestion.Points).All(allowed) && DateTime.UtcNow < deadline && !running.IsCompleted)
        {
            await Task.Delay(500);
        }
    }

    /// <summary>Every broker of the cluster down while <paramref name="during"/> runs, then up again.</summary>
    private void KafkaOutage(Action during)
    {
        foreach (var broker in kafka.BrokerIds)
        {
            kafka.SetBrokerDown(broker);
        }

        try
        {
            during();
        }
        finally
        {
            foreach (var broker in kafka.BrokerIds)
            {
                kafka.SetBrokerUp(broker);
            }
        }
    }

    private static async Task PollAsync(params IPoller[] pollers)
    {
        foreach (var poller in pollers)
        {
            var result = await poller.PollAsync(CancellationToken.None);
            Assert.True(result.AllSucceeded, $"{poller.Name}: {string.Join("; ", result.Failures)}");
        }
    }

    /// <summary>
    /// What this sample of the Functions path cannot feed, each for a stated reason: the rebalances of the group are the
    /// Kafka extension's, in the Functions host process, which the worker cannot observe; a Kafka outage is what feeds
    /// the lag poller's connection errors and reconnections there, tested against a broker taken down in
    /// LagPollerConnectionTests (the shared cluster of this test does not recover its admin clients within a bounded
    /// wait).
    /// </summary>
    private static readonly string[] NotFedInTheFunctionsSample =
        ["'kafka.eventbus.rebalances'", "'kafka.eventbus.connection.errors'", "'kafka.eventbus.reconnections'"];

    private static void AssertFed(LoopbackIngestion ingestion, string[]? known = null)
    {
        Assert.True(ingestion.Points.Count > 0, $"nothing reached ingestion ({ingestion.Requests} requests, {ingestion.Errors} unreadable: {ingestion.LastError})");
        var gaps = FeedCheck.Gaps(DeployedQueries.All(), ingestion.Points)
            .Where(gap => known is null || !known.Any(k => gap.EndsWith("no data under metric name " + k, StringComparison.Ordinal)))
            .ToList();

        Assert.True(gaps.Count == 0, $"{gaps.Count} reads of the deployed workbook and alerts have no data:\n" + string.Join('\n', gaps));
    }

    private Dictionary<string, string?> Settings(string topic, string group, LoopbackIngestion ingestion, MosquittoBroker mosquitto, SimulatedWorkerPool pool) => new()
    {
        ["APPLICATIONINSIGHTS_CONNECTION_STRING"] = ingestion.ConnectionString,
        ["Export:StorageDirectory"] = Path.Combine(AppContext.BaseDirectory, "exporter-storage", Guid.NewGuid().ToString("N")),
        ["Kafka:BootstrapServers"] = kafka.BootstrapServers,
        ["Kafka:Topics"] = topic,
        ["Kafka:ConsumerGroup"] = group,
        ["Kafka:AckStrategy"] = "best_effort",
        ["Ledger:ConnectionString"] = azurite.ConnectionString,
        ["Ledger:TablePrefix"] = AzuriteFixture.NewTablePrefix(),
        ["Pollers:MqttBrokers"] = mosquitto.Address,
        ["Pollers:WorkerPoolEndpoints"] = pool.Url.ToString(),
        ["Pollers:TimeoutSeconds"] = "5",
    };

    /// <summary>
    /// src/Functions' <c>[ExponentialBackoffRetry(3, "00:00:02", "00:01:00")]</c>: the host waits 2 s, 4 s, ... and runs
    /// the batch again with the next <c>RetryCount</c>, until it returns. Running it again at once is not what the host
    /// does, and the idempotent dead-letter producer that has just been refused may still be re-establishing its
    /// producer id then, so a retry without the delay failed some runs.
    /// </summary>
    private static async Task RunAgainAsTheRetryPolicyDoesAsync(FunctionsBatchProcessor processor, IReadOnlyList<ConsumedRecord> batch)
    {
        const int NonFinalRetries = 2;
        for (var attempt = 1; ; attempt++)
        {
            await Task.Delay(TimeSpan.FromSeconds(2 << (attempt - 1)));
            try
            {
                await processor.ProcessAsync(batch, attempt, CancellationToken.None);
                return;
            }
            catch (TriggeredBatchRedeliveryException) when (attempt < NonFinalRetries)
            {
                // The policy's next retry.
            }
        }
    }

    private void CommitForGroup(string group, string topic, long next)
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>(kafka.ConsumerConfig(group)).Build();
        consumer.Commit([new TopicPartitionOffset(topic, 0, next)]);
    }
}
