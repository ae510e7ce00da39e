using System.Globalization;
using System.Text.RegularExpressions;
using Telemetry.Host.Commands;
using Telemetry.Host.Demo;
using Telemetry.Host.Tests.Commands;
using Confluent.Kafka;
using Telemetry.Ledger.Local;
using Telemetry.Testing.Kafka;
using Xunit;
using Sample = Telemetry.Host.Tests.Prometheus.PrometheusServer.Sample;

namespace Telemetry.Host.Tests.Prometheus;

/// <summary>
/// A real Prometheus scrapes the standalone host's endpoint every second while <c>demo</c> streams through it (mock
/// Kafka cluster, Azurite, mosquitto, the simulated worker pool), then every query of seed 001 and every target of the
/// shipped dashboard is evaluated through <c>/api/v1/query</c>, verbatim, at the host's last scrape. Results are
/// checked against what the demo produced where PromQL allows: totals of raw counters, the lag it built and drained.
/// </summary>
[Collection(HostCollection.Name)]
public sealed class PrometheusEndpointTests
{
    private const int Events = 4000;

    // One partition, so the lag the demo builds while its group joins stays on one series, well above seed 001's 1000.
    private const int Partitions = 1;
    private const double Malformed = 0.01;

    [Fact]
    public async Task Every_seed_001_query_and_dashboard_panel_answers_in_Prometheus_scraping_the_host_during_a_demo()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var ct = timeout.Token;
        var port = LoopbackPort.Free();
        await using var prometheus = await PrometheusServer.StartAsync(port, ct);

        // The ingested aggregates are per-minute statistics, published once their minute has closed: start the demo
        // a few seconds before a minute ends, so a minute closes (Export:WindowGraceSeconds 0) while the host serves.
        // The demo runs for at least about 10 s (its group alone takes ~6 s to join the mock cluster), so starting
        // between second 52 and 56 puts the minute's end inside it with scrapes to spare. (Started at second 47, an
        // 11 s demo ended at second 58 with every event in a minute that closed only after the host had stopped, and
        // every ingested panel read empty.) A longer demo only moves the end further into the next minute.
        await Task.Delay(UntilSecondOfMinute(52, 56), ct);
        using var cluster = MockKafkaCluster.Start();
        var topic = "prom-" + Guid.NewGuid().ToString("N")[..8];
        cluster.CreateNamedTopic(topic, Partitions);
        cluster.CreateNamedTopic(topic + "-pools", 1);

        // Seed 001 asks about failures too. The dead-letter topic refuses writes from the start, so the first dead
        // letters fail to publish and their batch is retried, until Prometheus has seen the failures rise (a counter
        // appears at its first increment, so a rate needs a second one); then every broker goes down until the host
        // sees itself disconnected, and comes back.
        var deadLetters = topic + ".dlq";
        cluster.CreateNamedTopic(deadLetters, 1);
        cluster.SetTopicError(deadLetters, ErrorCode.TopicAuthorizationFailed);
        var output = new StringWriter(CultureInfo.InvariantCulture);
        var started = DateTimeOffset.UtcNow;
        var demo = DemoCommand.RunAsync(output, new DemoSettings(Events, 5000, Partitions, Malformed, topic, null), ct, new Dictionary<string, string?>
        {
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
        var processed = long.Parse(Regex.Match(text, @"Summary: \d+ produced .*?, (\d+) processed").Groups[1].Value, CultureInfo.InvariantCulture);
        var group = Regex.Match(text, @"consuming as group (\S+)\.").Groups[1].Value;

        // The instant the host was last scraped with its consumer running: queries are evaluated there, as a dashboard
        // open during the run would. (Scrapes during the host's shutdown see its components leave one by one.)
        var running = await prometheus.QueryRangeAsync("count(kafka_eventbus_messages_consumed_total)", started, DateTimeOffset.UtcNow, ct);
        var scraped = running.SelectMany(s => s.Points).Select(p => p.Time).ToList();
        var up = await prometheus.QueryRangeAsync($"up{{job=\"{PrometheusServer.Job}\"}}", started, DateTimeOffset.UtcNow, ct);
        Assert.True(scraped.Count >= 5, $"Prometheus saw the running host {scraped.Count} times; up: {string.Join(" ", up.SelectMany(u => u.Points).Select(p => p.Value))}\n{prometheus.Log}\n{text}");
        var last = scraped.Max();

        // What was produced, read raw: the demo topic's consumed messages and dead letters.
        var consumed = await prometheus.QueryAsync($"sum(kafka_eventbus_messages_consumed_total{{messaging_destination=\"{topic}\"}})", last, ct);
        Assert.True(consumed.Count == 1, $"at {last:O}: [{Describe(await prometheus.QueryAsync("kafka_eventbus_messages_consumed_total", last, ct))}] scrapes {string.Join(",", scraped.TakeLast(5).Select(t => t.ToString("HH:mm:ss", CultureInfo.InvariantCulture)))}\n{text}");
        Assert.Equal(Events, consumed[0].Value);
        var deadLettered = await prometheus.QueryAsync("sum(kafka_eventbus_messages_dlq_total)", last, ct);
        Assert.Equal(new DemoGenerator(topic, Partitions, Events, 5000, Malformed).ExpectedMalformed, Assert.Single(deadLettered).Value);

        var failures = new List<string>();
        foreach (var (title, expression) in SeedQueries.Seed001())
        {
            // Seed 001's high-lag query is asked when the lag was highest, since the demo drains it by the end.
            var at = expression.Contains("> 1000", StringComparison.Ordinal) ? await HighestLagAsync(prometheus, group, started, last, ct) : last;
            var result = await prometheus.QueryAsync(expression, at, ct);
            var raw = await prometheus.QueryAsync("kafka_eventbus_consumer_lag", at, ct);
            var problem = result.Count == 0 ? "no result" : Check(expression, result, raw, processed, group);
            if (problem is not null)
            {
                failures.Add($"{title}: {expression.ReplaceLineEndings(" ")} -> {problem} [{Describe(result)}]");
            }
        }

        foreach (var (panel, type, expression) in SeedQueries.DashboardTargets())
        {
            var result = await prometheus.QueryAsync(expression, last, ct);
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

    /// <summary>The host's names must be exactly seed 001's: a renamed or suffixed metric leaves these empty.</summary>
    private static string? Check(string expression, IReadOnlyList<Sample> result, IReadOnlyList<Sample> raw, long processed, string group)
    {
        // A series with no rise in the window divides 0 by 0 (the pollers' topic publishes only a few times); the
        // demo's own series must give numbers.
        if (result.All(s => double.IsNaN(s.Value)))
        {
            return "only NaN";
        }

        return expression switch
        {
            "sum(increase(kafka_eventbus_messages_consumed_total[1m]))" =>
                result[0].Value is > 0 && result[0].Value <= processed ? null : $"not within (0, {processed}] messages processed",
            "sum(rate(kafka_eventbus_messages_consumed_total[5m])) by (event_type)" =>
                result.All(s => s.Value > 0 && s.Labels.ContainsKey("event_type")) ? null : "a rate of 0 or no event_type",
            "sum(kafka_eventbus_consumer_lag) by (messaging_kafka_consumer_group)" =>
                result.Any(s => s.Labels.GetValueOrDefault("messaging_kafka_consumer_group") == group && s.Value == raw.Where(r => r.Labels["messaging_kafka_consumer_group"] == group).Sum(r => r.Value))
                    ? null : $"group {group}'s total is not the sum of its partitions' lag",
            "max(kafka_eventbus_consumer_lag) by (messaging_kafka_partition)" =>
                result.All(s => s.Value == raw.Where(r => r.Labels["messaging_kafka_partition"] == s.Labels["messaging_kafka_partition"]).Max(r => r.Value))
                    ? null : "a partition's maximum is not the largest of its raw lags",
            "deriv(kafka_eventbus_consumer_lag[10m])" =>
                result.Any(s => s.Value < 0) ? null : "no partition catching up, though the demo drained its lag",
            "kafka_eventbus_consumer_lag > 1000" =>
                result.All(s => s.Value > 1000) ? null : "a value not above 1000",
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

    /// <summary>Waits until <paramref name="expression"/> has a result in Prometheus (the host was scraped showing it).</summary>
    private static async Task WaitForAsync(PrometheusServer prometheus, string expression, Task demo, CancellationToken ct)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(TimeSpan.FromSeconds(30));
        while ((await prometheus.QueryAsync(expression, DateTimeOffset.UtcNow, ct)).Count == 0)
        {
            Assert.False(demo.IsCompleted, $"the demo ended before Prometheus saw {expression}");
            Assert.False(limit.IsCancellationRequested, $"Prometheus did not see {expression} within 30 s");
            await Task.Delay(200, ct);
        }
    }

    /// <summary>When the demo's lag on one partition was highest (it produces faster than the group joins).</summary>
    private static async Task<DateTimeOffset> HighestLagAsync(PrometheusServer prometheus, string group, DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        var lag = await prometheus.QueryRangeAsync($"max(kafka_eventbus_consumer_lag{{messaging_kafka_consumer_group=\"{group}\"}})", from, to, ct);
        var highest = Assert.Single(lag).Points.MaxBy(p => p.Value);
        return highest.Time;
    }

    private static TimeSpan UntilSecondOfMinute(int earliest, int latest)
    {
        var now = DateTimeOffset.UtcNow;
        var second = now.Second + (now.Millisecond / 1000.0);
        return second >= earliest && second <= latest
            ? TimeSpan.Zero
            : TimeSpan.FromSeconds(((earliest - second) + 60) % 60);
    }

    private static string Describe(IReadOnlyList<Sample> result) =>
        string.Join("; ", result.Take(6).Select(s => $"{{{string.Join(",", s.Labels.Select(l => $"{l.Key}={l.Value}"))}}} {s.Value.ToString(CultureInfo.InvariantCulture)}"));
}
