namespace Telemetry.Infra.Tests.Metrics;

public sealed class KqlMetricNamesTests
{
    [Fact]
    public void Metric_literals_are_found_and_dimension_keys_and_prefixes_are_not_taken_for_metrics()
    {
        const string query = """
            customMetrics
            | where name in ("kafka.eventbus.handler.errors", "snakepit.request.executed.duration.p95")
            | extend Handler = tostring(customDimensions["handler.name"]), P = tostring(customDimensions["messaging.kafka.partition"])
            | summarize by Quantile = replace_string(name, "snakepit.request.executed.duration.", ""), Status = "failed"
            """;

        Assert.Equal(["kafka.eventbus.handler.errors", "snakepit.request.executed.duration.p95"], KqlMetricNames.In(query).Order());
        Assert.Equal(["handler.name", "messaging.kafka.partition"], KqlMetricNames.DimensionKeysIn(query).Order());
    }
}
