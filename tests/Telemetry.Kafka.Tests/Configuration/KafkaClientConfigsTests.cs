using Telemetry.Kafka.Configuration;
using Xunit;

namespace Telemetry.Kafka.Tests.Configuration;

public sealed class KafkaClientConfigsTests
{
    private static KafkaOptions Valid() => new() { BootstrapServers = "127.0.0.1:9092", Topics = "telemetry", ConsumerGroup = "g" };

    [Fact]
    public void The_consumer_postpones_fetches_by_the_configured_backoff_not_librdkafkas_one_second()
    {
        var options = Valid();
        Assert.Equal("100", KafkaClientConfigs.Consumer(options, options.BootstrapServers).Get(KafkaClientConfigs.FetchQueueBackoffKey));

        options.FetchQueueBackoffMs = 250;
        Assert.Equal("250", KafkaClientConfigs.Consumer(options, options.BootstrapServers).Get(KafkaClientConfigs.FetchQueueBackoffKey));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(60_001)]
    public void A_fetch_backoff_out_of_range_fails_validation_naming_the_setting(int value)
    {
        var options = Valid();
        options.FetchQueueBackoffMs = value;

        var result = new KafkaOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.Contains("Kafka:FetchQueueBackoffMs", StringComparison.Ordinal));
        Assert.True(new KafkaOptionsValidator().Validate(null, Valid()).Succeeded, "the same options with the default backoff are valid");
    }
}
