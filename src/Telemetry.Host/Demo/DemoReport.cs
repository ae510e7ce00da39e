using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Telemetry.Domain.Aggregation;
using Telemetry.Domain.Diagnostics;
using Telemetry.Host.Commands;
using Telemetry.Ledger.Queries;
using Telemetry.Pollers.Lag;

namespace Telemetry.Host.Demo;

/// <summary>
/// The end of <c>demo</c>: seed 004's questions answered from the ledger by the <c>report</c> command itself (each
/// printed with the command line that asks it), then what the pollers saw: their gauges as an exporter collects them,
/// the events the worker-pool poller published, and the pollers' notable events as the ledger holds them.
/// </summary>
internal static class DemoReport
{
    /// <summary>The questions, as <c>report</c> arguments.</summary>
    public static IReadOnlyList<string[]> Questions { get; } =
    [
        ["metrics", "--metric", "event_pipeline.event.execution.duration", "--by-series"],
        ["failed-events", "--limit", "5"],
        ["slow-events", "--threshold-seconds", "2", "--limit", "5"],
        ["retry-stats"],
        ["failed-network-ops", "--limit", "5"],
        ["slow-network-ops", "--threshold-seconds", "1", "--limit", "5"],
    ];

    public static async Task WriteAnswersAsync(TextWriter output, IServiceProvider services, CancellationToken ct)
    {
        await output.WriteLineAsync();
        await output.WriteLineAsync("Seed 004's questions, answered from the ledger by the report command:");
        var root = new RootCommand { ReportCommand.Create(() => services) };
        foreach (var question in Questions)
        {
            string[] args = ["report", .. question, "--last", "15m"];
            await output.WriteLineAsync();
            await output.WriteLineAsync("$ Telemetry.Host " + string.Join(' ', args));
            var exit = await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = output }, ct);
            if (exit != 0)
            {
                await output.WriteLineAsync($"(report exited with {exit})");
            }
        }
    }

    public static async Task WritePollersAsync(
        TextWriter output, IReadOnlyList<GaugeReading> readings, CountingTelemetryPublisher publisher, LedgerQueries queries, DateTimeOffset since, CancellationToken ct)
    {
        await output.WriteLineAsync();
        await output.WriteLineAsync("Pollers' latest readings (the gauges exported to Azure Monitor):");
        if (readings.Count == 0)
        {
            await output.WriteLineAsync("  (none yet)");
        }

        foreach (var group in readings.Select(r => r.Tag(OwnAttributeKeys.KafkaConsumerGroup)).OfType<string>().Distinct(StringComparer.Ordinal))
        {
            var ofGroup = readings.Where(r => r.Tag(OwnAttributeKeys.KafkaConsumerGroup) == group).ToList();
            var groupStatus = ofGroup.FirstOrDefault(r => r.Name == LagStatusMetric && r.Tag(OwnAttributeKeys.KafkaPartition) is null);
            await output.WriteLineAsync($"  lag of group {group}: status {(groupStatus is null ? "-" : Value(groupStatus))}");
            foreach (var topic in ofGroup.Select(r => r.Tag(OwnAttributeKeys.MessagingDestination)).OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
            {
                var ofTopic = ofGroup.Where(r => r.Tag(OwnAttributeKeys.MessagingDestination) == topic).ToList();
                var sum = ofTopic.FirstOrDefault(r => r.Name == "kafka.eventbus.consumer.lag.sum");
                var partitions = ofTopic
                    .Where(r => r.Name == OwnMetricCatalog.ConsumerLag)
                    .OrderBy(r => int.Parse(r.Tag(OwnAttributeKeys.KafkaPartition) ?? "0", CultureInfo.InvariantCulture))
                    .Select(r =>
                    {
                        var partition = r.Tag(OwnAttributeKeys.KafkaPartition);
                        var status = ofTopic.FirstOrDefault(s => s.Name == LagStatusMetric && s.Tag(OwnAttributeKeys.KafkaPartition) == partition);
                        return string.Create(CultureInfo.InvariantCulture, $"{partition}:{r.Value:0}{(status is null ? string.Empty : "/" + Value(status))}");
                    });
                var seconds = ofTopic.Where(r => r.Name == "kafka.eventbus.consumer.lag.seconds").Select(r => r.Value).DefaultIfEmpty(double.NaN).Max();
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"    {topic}: lag_sum {(sum is null ? "-" : Value(sum))}, max time lag {(double.IsNaN(seconds) ? "-" : $"{seconds:0.###} s")}; partition:lag/status {string.Join(' ', partitions)}"));
            }
        }

        foreach (var (key, what) in new[] { ("mqtt.broker", "broker"), ("snakepit.pool", "worker pool") })
        {
            foreach (var target in readings.Select(r => r.Tag(key)).OfType<string>().Distinct(StringComparer.Ordinal))
            {
                var figures = readings.Where(r => r.Tag(key) == target).Select(r => $"{r.Name[(r.Name.IndexOf('.', r.Name.IndexOf('.') + 1) + 1)..]} {Value(r)}");
                await output.WriteLineAsync($"  {what} {target}: {string.Join(", ", figures)}");
            }
        }

        var published = publisher.ByEvent();
        await output.WriteLineAsync(published.Count == 0
            ? "  worker-pool poller: no events derived"
            : $"  worker-pool poller published {published.Values.Sum()} derived events: {string.Join(", ", published.Select(kv => $"{kv.Key}={kv.Value}"))}");

        var notable = await queries.GetNotableEventsAsync(
            [NotableEventKind.HealthCheckFailed, NotableEventKind.LagStatusChange], since, DateTimeOffset.UtcNow.AddMinutes(1), ct);
        var fromPollers = notable.Where(n => n.EventName is "kafka.consumer.lag.status_changed" or "mqtt.broker.health_check_failed"
            || n.Attributes.Any(a => a.Key == "pool" && a.Value == SimulatedWorkerPool.PoolName)).ToList();
        await output.WriteLineAsync(
            $"  the pollers' notable events in the ledger: {fromPollers.Count} ({string.Join(", ", fromPollers.GroupBy(n => n.EventName).Select(g => $"{g.Key}={g.Count()}"))}); the newest of each:");
        foreach (var n in fromPollers.GroupBy(n => n.EventName).Select(g => g.Last()))
        {
            var attributes = string.Join(",", n.Attributes.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Key}={a.Value}"));
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"    {n.Time:HH:mm:ss}  {n.EventName}  {n.Reason}  {attributes}"));
        }
    }

    private const string LagStatusMetric = "kafka.eventbus.consumer.lag.status";

    private static string Value(GaugeReading reading) =>
        reading.Name == LagStatusMetric
            ? ((LagStatus)(int)reading.Value).ToString().ToUpperInvariant()
            : string.Create(CultureInfo.InvariantCulture, $"{reading.Value:0.###} {reading.Unit.Replace("{", string.Empty, StringComparison.Ordinal).Replace("}", string.Empty, StringComparison.Ordinal)}").TrimEnd();
}
