namespace Telemetry.Infra.Tests.Alerts;

/// <summary>
/// One row of seed 001's "Prometheus Alerting Rules", as our rule must express it: the metrics it reads, the
/// comparison, the window that stands for the seed's <c>for:</c> / range, and the Azure Monitor severity
/// (0 critical, 2 warning).
/// </summary>
internal sealed record SeedAlertRow(
    string SeedAlert,
    string[] Metrics,
    string Operator,
    double Threshold,
    string WindowSize,
    int Severity)
{
    public static IReadOnlyList<SeedAlertRow> All { get; } =
    [
        // kafka_eventbus_consumer_lag > 10000, for: 5m, warning
        new("KafkaEventBusConsumerLagHigh", ["kafka.eventbus.consumer.lag"], "GreaterThan", 10_000, "PT5M", 2),
        // kafka_eventbus_consumer_lag > 100000, for: 5m, critical
        new("KafkaEventBusConsumerLagCritical", ["kafka.eventbus.consumer.lag"], "GreaterThan", 100_000, "PT5M", 0),
        // kafka_eventbus_connections_active == 0, for: 1m, critical
        new("KafkaEventBusDisconnected", ["kafka.eventbus.connections.active"], "LessThan", 1, "PT1M", 0),
        // errors / invocations by handler > 0.05, for: 5m, warning (our rule computes percent)
        new("KafkaEventBusHandlerErrorRateHigh", ["kafka.eventbus.handler.errors", "kafka.eventbus.handler.invocations"], "GreaterThan", 5, "PT5M", 2),
        // histogram_quantile(0.95, publish duration) > 1000 ms, for: 5m, warning: read from our p95 metric
        new("KafkaEventBusPublishLatencyHigh", ["kafka.eventbus.publish.duration.p95"], "GreaterThan", 1_000, "PT5M", 2),
        // increase(messages_dlq[1h]) > 100, warning
        new("KafkaEventBusDLQAccumulating", ["kafka.eventbus.messages.dlq"], "GreaterThan", 100, "PT1H", 2),
        // increase(rebalances[1h]) > 10, warning
        new("KafkaEventBusFrequentRebalances", ["kafka.eventbus.rebalances"], "GreaterThan", 10, "PT1H", 2),
    ];
}
