using System.Globalization;
using Telemetry.Host.Commands;
using Telemetry.Kafka.Configuration;
using Telemetry.Host.Demo;
using Telemetry.Host.Tests.Commands;
using Confluent.Kafka;
using Telemetry.DevServices.Network;
using Telemetry.Testing.Kafka;
using Xunit;
using Xunit.Abstractions;
using Sample = Telemetry.Host.Tests.Prometheus.PrometheusServer.Sample;
using Series = Telemetry.Host.Tests.Prometheus.PrometheusServer.Series;

namespace Telemetry.Host.Tests.Prometheus;

/// <summary>
/// A real Prometheus scrapes the standalone host's endpoint every second while <c>demo</c> streams through it (mock
/// Kafka cluster, Azurite, mosquitto, the simulated worker pool), then every query of seed 001 and every target of the
/// shipped dashboard is evaluated through <c>/api/v1/query</c>, verbatim, at the host's last scrape. Results are
/// checked against what the demo produced where PromQL allows: totals of raw counters, <c>increase()</c> against the
/// raw samples it extrapolates from, and the lag of a consumer group the test stalls on the demo's topic.
/// </summary>
[Collection(HostCollection.Name)]
public sealed class PrometheusEndpointTests(ITestOutputHelper log)
{
    // 66 s of events at 50 a second: production outlasts a minute, so the minute of the first events ends while the
    // demo still runs, whatever second it starts at, and its ingested aggregates are published to a live endpoint.
    private const int Events = 3300;
    private const int Rate = 50;

    // One partition, so the stalled group's lag is one series that ends at exactly the events produced.
    private const int Partitions = 1;
    private const double Malformed = 0.01;

    // Waits for something the demo does, and the whole test: generous, since the machine is shared; never asserted on.
    private static readonly TimeSpan SignalLimit = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan TestLimit = TimeSpan.FromMinutes(8);

    [Fact]
    public async Task Every_seed_001_query_and_dashboard_panel_answers_in_Prometheus_scraping_the_host_during_a_demo()
    {
        using var timeout = new CancellationTokenSource(TestLimit);
        var ct = timeout.Token;
        var port = LoopbackPort.Free();
        await using var prometheus = await PrometheusServer.StartAsync(port, ct);

        using var cluster = MockKafkaCluster.Start();
        var topic = "prom-" + Guid.NewGuid().ToString("N")[..8];
        cluster.CreateNamedTopic(topic, Partitions);
        cluster.CreateNamedTopic(topic + "-pools", 1);

        // Seed 001's lag queries need lag, and the demo's own group keeps up or not depending on the machine. A group
        // that committed offset 0 before anything was produced and never consumes lags by exactly what is produced:
        // above 1000 once 1000 events are in, rising the whole time (a deriv over many polls), and Events at the end.
        // The lag poller watches only this group (Pollers:LagConsumerGroups), so the demo, which waits for the lag
        // poller to see its own group caught up, holds on for its 20 s settle limit: more scrapes after the last event.
        var stalled = "stalled-" + Guid.NewGuid().ToString("N")[..8];
        using (var consumer = new ConsumerBuilder<byte[], byte[]>(cluster.ConsumerConfig(stalled)).Build())
        {
            consumer.Commit([new TopicPartitionOffset(topic, 0, 0)]);
            consumer.Close();
        }

        Assert.Equal(0, cluster.CommittedOffsets(stalled, topic)[0]);

        // Seed 001 asks about failures too. The dead-letter topic refuses writes from the start, so the first dead
        // letters fail to publish and their batch is retried, until Prometheus has seen the failures rise (a counter
        // appears at its first increment, so a rate needs a second one); then every broker goes down until the host
        // sees itself disconnected, and comes back.
        var deadLetters = topic + ".dlq";
        cluster.CreateNamedTopic(deadLetters, 1);
        cluster.SetTopicError(deadLetters, ErrorCode.TopicAuthorizationFailed);
        var output = new StringWriter(CultureInfo.InvariantCulture);
        var started = DateTimeOffset.UtcNow;
        var demo = DemoCommand.RunAsync(output, new DemoSettings(Events, Rate, Partitions, Malformed, topic, null), ct, new Dictionary<string, string?>
        {
            ["Pollers:LagConsumerGroups"] = stalled,
            ["Kafka:BootstrapServers"] = cluster.BootstrapServers,
            ["Kafka:DeadLetterTopic"] = deadLetters,
            // A refused dead letter fails within a second rather than librdkafka's usual 30 s of retrying.
            ["Kafka:DeadLetterTimeoutMs"] = "1000",
            ["Prometheus:Port"] = port.ToString(CultureInfo.InvariantCulture),
            ["Prometheus:Host"] = "127.0.0.1",
            ["Export:WindowGraceSeconds"] = "0",
        });

        await WaitForAsync(prometheus, "sum(rate(kafka_eventbus_publish_errors_total[5m])) > 0", demo, ct);
        cluster.SetTopicError(deadLetters, ErrorCode.NoError);
        foreach (var broker in cluster.BrokerIds)
        {
            cluster.SetBrokerDown(broker);
        }

        await WaitForAsync(prometheus, "min(kafka_eventbus_connections_active) == 0", demo, ct);
        foreach (var broker in cluster.BrokerIds)
        {
            cluster.SetBrokerUp(broker);
        }

        var exit = await demo;
        var text = output.ToString();
        Assert.True(exit == 0, text);

        // Queries are evaluated at the last scrape that still showed the demo's consumer, as a dashboard open during the
        // run would: the series of its topic, at its final value (scrapes during the host's shutdown see components
        // leave one by one, so the last scrape of all may no longer hold it).
        var demoConsumed = $"sum(kafka_eventbus_messages_consumed_total{{messaging_destination=\"{topic}\"}})";
        var running = await prometheus.QueryRangeAsync(demoConsumed, started, DateTimeOffset.UtcNow, ct);
        var scraped = running.SelectMany(s => s.Points).Select(p => p.Time).ToList();
        if (scraped.Count < 5)
        {
            var up = await prometheus.QueryRangeAsync($"up{{job=\"{PrometheusServer.Job}\"}}", started, DateTimeOffset.UtcNow, ct);
            Assert.Fail($"Prometheus saw the demo's consumer {scraped.Count} times; up: {string.Join(" ", up.SelectMany(u => u.Points).Select(p => p.Value))}\n{prometheus.Log}\n{text}");
        }

        var last = scraped.Max();

        // The lag queries are asked at the stalled group's last reading up to then: a lag poll that fails (the broker
        // outage) withdraws the group's gauges until a poll succeeds again, and the host's shutdown may fall between.
        var stalledLag = await prometheus.QueryRangeAsync($"kafka_eventbus_consumer_lag{{messaging_kafka_consumer_group=\"{stalled}\"}}", started, last, ct);
        Assert.True(stalledLag.Count == 1, $"the stalled group's lag: {stalledLag.Count} series between {started:O} and {last:O}\n{text}");
        var lagAt = stalledLag[0].Points.Max(p => p.Time);

        // What was produced, read raw: the demo topic's consumed messages and dead letters.
        var consumed = await prometheus.QueryAsync(demoConsumed, last, ct);
        Assert.True(consumed.Count == 1, $"at {last:O}: [{Describe(await prometheus.QueryAsync("kafka_eventbus_messages_consumed_total", last, ct))}] scrapes {string.Join(",", scraped.TakeLast(5).Select(t => t.ToString("HH:mm:ss", CultureInfo.InvariantCulture)))}\n{text}");
        // At least once: every event is consumed, and the broker outage may hand a partition's uncommitted records to
        // the consumer again: at most the two batches the host holds per partition (Kafka:BatchSize, 500, each).
        Assert.InRange(consumed[0].Value, Events, Events + (Partitions * 2 * new KafkaOptions().BatchSize));
        var deadLettered = await prometheus.QueryAsync("sum(kafka_eventbus_messages_dlq_total)", last, ct);
        // Each malformed record is dead-lettered once per delivery: a redelivered one may be counted again, never more
        // often than records were consumed twice.
        var expectedMalformed = new DemoGenerator(topic, Partitions, Events, Rate, Malformed).ExpectedMalformed;
        Assert.InRange(Assert.Single(deadLettered).Value, expectedMalformed, expectedMalformed + (consumed[0].Value - Events));

        var failures = new List<string>();
        foreach (var (title, expression) in SeedQueries.Seed001())
        {
            var at = IsLag(expression) ? lagAt : last;
            var result = await prometheus.QueryAsync(expression, at, ct);
            var raw = await prometheus.QueryAsync("kafka_eventbus_consumer_lag", at, ct);
            var consumedRaw = await prometheus.QueryRangeVectorAsync("kafka_eventbus_messages_consumed_total[1m]", at, ct);
            var problem = result.Count == 0 ? "no result" : Check(expression, result, raw, consumedRaw, (long)consumed[0].Value, stalled);
            // Every answer goes to the test log, so a run shows each query working, not only that none failed.
            log.WriteLine($"{title}: {expression.ReplaceLineEndings(" ")} -> [{Describe(result)}]");
            if (problem is not null)
            {
                failures.Add($"{title}: {expression.ReplaceLineEndings(" ")} -> {problem} [{Describe(result)}]");
            }
        }

        foreach (var (panel, type, expression) in SeedQueries.DashboardTargets())
        {
            var result = await prometheus.QueryAsync(expression, IsLag(expression) ? lagAt : last, ct);
            log.WriteLine($"panel '{panel}' ({type}): {expression} -> [{Describe(result)}]");
            if (result.Count == 0 || result.Any(s => !double.IsFinite(s.Value) && type != "table"))
            {
                failures.Add($"dashboard panel '{panel}' ({type}): {expression} -> [{Describe(result)}]");
            }
        }

        // Ingested family 001 (named like our own kafka.eventbus.*) takes the ingested prefix once, as in Azure Monitor.
        if ((await prometheus.QueryAsync("sum(ingested_kafka_eventbus_messages_consumed)", last, ct)).Count == 0)
        {
            failures.Add("no ingested_kafka_eventbus_messages_consumed (docs/prometheus.md, ingested aggregates)");
        }

        var doubled = await prometheus.QueryAsync("count({__name__=~\"ingested_ingested_.+\"})", last, ct);
        if (doubled.Count > 0)
        {
            failures.Add($"ingested aggregates served with the prefix twice: [{Describe(doubled)}]");
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures) + "\n\n" + text);
    }

    private static bool IsLag(string expression) => expression.Contains("kafka_eventbus_consumer_lag", StringComparison.Ordinal);

    /// <summary>The host's names must be exactly seed 001's: a renamed or suffixed metric leaves these empty.</summary>
    private static string? Check(
        string expression, IReadOnlyList<Sample> result, IReadOnlyList<Sample> raw, IReadOnlyList<Series> consumedRaw, long consumedTotal, string stalled)
    {
        // A series with no rise in the window divides 0 by 0 (the pollers' topic publishes only a few times); the
        // demo's own series must give numbers.
        if (result.All(s => double.IsNaN(s.Value)))
        {
            return "only NaN";
        }

        return expression switch
        {
            "sum(increase(kafka_eventbus_messages_consumed_total[1m]))" => IncreaseProblem(result[0].Value, consumedRaw, TimeSpan.FromMinutes(1), consumedTotal),
            "sum(rate(kafka_eventbus_messages_consumed_total[5m])) by (event_type)" =>
                result.All(s => s.Value > 0 && s.Labels.ContainsKey("event_type")) ? null : "a rate of 0 or no event_type",
            "sum(kafka_eventbus_consumer_lag) by (messaging_kafka_consumer_group)" =>
                result.Any(s => s.Labels.GetValueOrDefault("messaging_kafka_consumer_group") == stalled && s.Value == Events && s.Value == raw.Where(r => r.Labels["messaging_kafka_consumer_group"] == stalled).Sum(r => r.Value))
                    ? null : $"group {stalled}'s total is not the sum of its partitions' lag, {Events}: everything produced, as it committed 0",
            "max(kafka_eventbus_consumer_lag) by (messaging_kafka_partition)" =>
                result.All(s => s.Value == raw.Where(r => r.Labels["messaging_kafka_partition"] == s.Labels["messaging_kafka_partition"]).Max(r => r.Value))
                    ? null : "a partition's maximum is not the largest of its raw lags",
            "deriv(kafka_eventbus_consumer_lag[10m])" =>
                result.Any(s => s.Labels.GetValueOrDefault("messaging_kafka_consumer_group") == stalled && s.Value > 0)
                    ? null : $"group {stalled} not falling behind, though it never consumed while the demo produced",
            "kafka_eventbus_consumer_lag > 1000" =>
                result.All(s => s.Value > 1000) && result.Any(s => s.Labels.GetValueOrDefault("messaging_kafka_consumer_group") == stalled)
                    ? null : $"a value not above 1000, or group {stalled} missing",
            "avg_over_time(kafka_eventbus_connections_active[1h]) * 100" =>
                result.Any(s => s.Value is > 0 and < 100) ? null : "no group shows the outage as less than 100 % uptime",
            "changes(kafka_eventbus_connections_active[1h])" =>
                result.Any(s => s.Value >= 2) ? null : "no group shows the disconnection and the reconnection",
            "rate(kafka_eventbus_publish_errors_total[5m])" =>
                result.Any(s => s.Value > 0) ? null : "no publish errors, though the dead-letter topic refused writes",
            _ when expression.StartsWith("rate(kafka_eventbus_messages_dlq_total", StringComparison.Ordinal) =>
                result.All(s => s.Value > 0) ? null : "no dead letters, though the demo produced malformed records",
            _ => null,
        };
    }

    /// <summary>
    /// Prometheus documents that <c>increase()</c> is "extrapolated to cover the full time range as specified in the range
    /// vector selector": per series, it is the rise between the first and last samples in the range, scaled by at most
    /// range / (last sample's time - first sample's time), and never below the rise. So the sum lies between the raw
    /// rises and each rise stretched to the full range, read from the very samples it was computed from. (4215 for 4004
    /// processed was such a stretch: a rise inside the minute extrapolated to its ends.)
    /// </summary>
    private static string? IncreaseProblem(double increase, IReadOnlyList<Series> samples, TimeSpan range, long consumedTotal)
    {
        double rises = 0, stretched = 0;
        foreach (var series in samples.Where(s => s.Points.Count >= 2))
        {
            var rise = 0.0;
            for (var i = 1; i < series.Points.Count; i++)
            {
                // A counter that went down was reset: it rose from zero by its new value (Prometheus's rule too).
                var (before, now) = (series.Points[i - 1].Value, series.Points[i].Value);
                rise += now >= before ? now - before : now;
            }

            var sampled = series.Points[^1].Time - series.Points[0].Time;
            rises += rise;
            stretched += rise * (range / sampled);
        }

        // A relative margin for floating point only: the two sides are computed in different orders.
        var epsilon = 1e-9 * Math.Max(1, stretched);
        if (rises <= 0 || rises > consumedTotal)
        {
            return $"the raw rises in the range add up to {rises}, not within (0, {consumedTotal}] messages consumed in all";
        }

        return increase >= rises - epsilon && increase <= stretched + epsilon
            ? null
            : $"not within [{rises}, {stretched}]: the raw rise in the range and that rise extrapolated to the full {range.TotalSeconds:0} s";
    }

    /// <summary>
    /// Waits until <paramref name="expression"/> has a result in Prometheus (the host was scraped showing it); fails
    /// with what was missing if the demo ends first or <see cref="SignalLimit"/> passes.
    /// </summary>
    private static async Task WaitForAsync(PrometheusServer prometheus, string expression, Task demo, CancellationToken ct)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(SignalLimit);
        while ((await prometheus.QueryAsync(expression, DateTimeOffset.UtcNow, ct)).Count == 0)
        {
            Assert.False(demo.IsCompleted, $"the demo ended before Prometheus saw {expression}");
            Assert.False(limit.IsCancellationRequested, $"Prometheus did not see {expression} within {SignalLimit.TotalSeconds:0} s\n{prometheus.Log}");
            await Task.Delay(200, ct);
        }
    }

    private static string Describe(IReadOnlyList<Sample> result) =>
        string.Join("; ", result.Take(6).Select(s => $"{{{string.Join(",", s.Labels.Select(l => $"{l.Key}={l.Value}"))}}} {s.Value.ToString(CultureInfo.InvariantCulture)}"));
}
