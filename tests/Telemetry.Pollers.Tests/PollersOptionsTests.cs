using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Telemetry.Pollers.Tests;

public sealed class PollersOptionsTests
{
    private static OptionsValidationException Invalid(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings.ToDictionary(s => s.Key, s => (string?)s.Value)).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddLogging();
        services.AddTelemetryPollers();
        using var provider = services.BuildServiceProvider();
        return Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<PollersOptions>>().Value);
    }

    [Theory]
    [InlineData("Pollers:MqttBrokers", "localhost", "Pollers:MqttBrokers")]
    [InlineData("Pollers:MqttBrokers", "127.0.0.1:70000", "Pollers:MqttBrokers")]
    [InlineData("Pollers:WorkerPoolEndpoints", "ftp://127.0.0.1/x", "Pollers:WorkerPoolEndpoints")]
    [InlineData("Pollers:WorkerPoolEndpoints", "/health", "Pollers:WorkerPoolEndpoints")]
    [InlineData("Pollers:TimeoutSeconds", "0", "Pollers:TimeoutSeconds")]
    [InlineData("Pollers:TimeoutSeconds", "60", "Pollers:DeadlineSeconds")]
    [InlineData("Pollers:LagSampleCount", "1", "Pollers:LagSampleCount")]
    [InlineData("Pollers:LagWindowSize", "1", "Pollers:LagWindowSize")]
    [InlineData("Pollers:LagConsumerGroups", "g1", "Pollers:LagTopics")]
    [InlineData("Pollers:WorkerPoolRetries", "9", "Pollers:WorkerPoolRetries")]
    [InlineData("Pollers:WorkerPoolMaxResponseBytes", "100", "Pollers:WorkerPoolMaxResponseBytes")]
    [InlineData("Pollers:WorkerPoolMaxResponseBytes", "100000000", "Pollers:WorkerPoolMaxResponseBytes")]
    [InlineData("Pollers:StateTableName", "poller-state", "Pollers:StateTableName")]
    [InlineData("Pollers:MqttPassword", "secret", "Pollers:MqttUsername")]
    [InlineData("Pollers:MqttCaCertificatePath", "/etc/hostname", "Pollers:MqttUseTls")]
    [InlineData("Pollers:LagConsumerGroups", "g1", "Kafka:BootstrapServers")]
    [InlineData("Pollers:WorkerPoolEndpoints", "http://127.0.0.1:1/health", "Kafka:BootstrapServers")]
    public void A_bad_setting_is_refused_naming_its_key(string key, string value, string named)
    {
        var error = Invalid((key, value));
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_worker_pool_url_is_named_without_its_credentials()
    {
        var error = Invalid(("Pollers:WorkerPoolEndpoints", "ftp://pool-user:pool-Pa55word@pool.example/health?token=query-T0ken-value"));

        Assert.Contains("Pollers:WorkerPoolEndpoints entry 'ftp://***@pool.example/health?***'", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("pool-Pa55word", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("query-T0ken-value", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://user:pass@pool.example:8443/health?token=abc#part", "https://***@pool.example:8443/health?***")]
    [InlineData("http://127.0.0.1:8080/health", "http://127.0.0.1:8080/health")]
    [InlineData("http://pool.example/health?", "http://pool.example/health")]
    [InlineData("ftp://user:pass@host/x?token=abc", "ftp://***@host/x?***")]
    [InlineData("user:pass@host/x", "***@host/x")]
    public void Worker_pool_urls_are_redacted_to_scheme_host_port_and_path(string url, string expected)
    {
        Assert.Equal(expected, Telemetry.Pollers.WorkerPools.RedactedUrl.ForText(url));
    }

    [Fact]
    public void Defaults_are_valid_and_switch_every_poller_off()
    {
        // A host with the ledger but no Kafka settings: every poller still resolves (lag needs Kafka only when groups are set).
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Ledger:ConnectionString"] = "UseDevelopmentStorage=true" }).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddLogging();
        services.AddTelemetryLedger();
        services.AddTelemetryPollers();
        using var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<IOptions<PollersOptions>>().Value;
        Assert.Empty(PollersOptions.SplitList(options.MqttBrokers));
        Assert.Empty(PollersOptions.SplitList(options.WorkerPoolEndpoints));
        Assert.Empty(PollersOptions.SplitList(options.LagConsumerGroups));
        Assert.Equal(3, provider.GetServices<IPoller>().Count());
        Assert.Equal(
            ["Pollers:LagSchedule", "Pollers:MqttSchedule", "Pollers:WorkerPoolSchedule"],
            provider.GetServices<IPoller>().Select(p => p.ScheduleKey).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Without_lag_settings_the_lag_poller_watches_our_own_consumer_group_and_topics()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Kafka:BootstrapServers"] = "127.0.0.1:9092",
            ["Kafka:ConsumerGroup"] = "telemetry-functions",
            ["Kafka:Topics"] = "telemetry, telemetry.b",
        }).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddLogging();
        services.AddTelemetryPollers();
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<PollersOptions>>().Value;

        Assert.Equal("telemetry-functions", options.LagConsumerGroups);
        Assert.Equal(["telemetry", "telemetry.b"], PollersOptions.SplitList(options.LagTopics));
        Assert.Equal("telemetry", options.TelemetryTopic);
    }
}
