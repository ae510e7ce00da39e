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

    [Fact]
    public void The_dead_letter_producer_signs_in_with_its_own_credential_and_the_consumer_with_the_main_one()
    {
        var options = Valid();
        options.SecurityProtocol = "sasl_ssl";
        options.SaslMechanism = "PLAIN";
        options.SaslUsername = "$ConnectionString";
        options.SaslPassword = "Endpoint=sb://ns/;SharedAccessKeyName=telemetry-functions;EntityPath=telemetry";
        options.DeadLetterSaslPassword = "Endpoint=sb://ns/;SharedAccessKeyName=telemetry-functions-dlq;EntityPath=telemetry.dlq";

        var producer = KafkaClientConfigs.DeadLetterProducer(options, options.BootstrapServers);
        var consumer = KafkaClientConfigs.Consumer(options, options.BootstrapServers);

        Assert.Equal(options.DeadLetterSaslPassword, producer.SaslPassword);
        Assert.Equal("$ConnectionString", producer.SaslUsername);
        Assert.Equal(options.SaslPassword, consumer.SaslPassword);
        Assert.True(new KafkaOptionsValidator().Validate(null, options).Succeeded);
    }

    [Fact]
    public void Without_a_dead_letter_credential_the_producer_uses_the_main_one()
    {
        var options = Valid();
        options.SecurityProtocol = "sasl_ssl";
        options.SaslMechanism = "PLAIN";
        options.SaslUsername = "api-key";
        options.SaslPassword = "api-secret";

        Assert.Equal("api-secret", KafkaClientConfigs.DeadLetterProducer(options, options.BootstrapServers).SaslPassword);
    }

    [Fact]
    public void A_dead_letter_credential_without_sasl_fails_validation_naming_the_setting()
    {
        var options = Valid();
        options.DeadLetterSaslPassword = "secret";

        var result = new KafkaOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.Contains("Kafka:DeadLetterSaslPassword", StringComparison.Ordinal));
        Assert.DoesNotContain(result.Failures!, f => f.Contains("secret", StringComparison.Ordinal) && !f.Contains("Sasl", StringComparison.Ordinal));
    }
}
