using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Telemetry.Host.Commands;
using Telemetry.Host.Demo;
using Telemetry.Ledger.LagSamples;
using Telemetry.Testing.Azurite;
using Telemetry.Testing.Kafka;
using Xunit;

namespace Telemetry.Host.Tests.Commands;

/// <summary><c>run</c> with the pollers: they run on their schedule against a ledger, and without one the setting is named.</summary>
[Collection(HostCollection.Name)]
public sealed class RunCommandTests(AzuriteFixture azurite, MockKafkaCluster kafka) : IClassFixture<AzuriteFixture>, IClassFixture<MockKafkaCluster>
{
    [Fact]
    public async Task Run_polls_on_schedule_with_a_ledger_and_stops_cleanly()
    {
        var topic = kafka.CreateTopic("run", partitions: 2);
        var group = MockKafkaCluster.UniqueName("run");
        var prefix = AzuriteFixture.NewTablePrefix();
        await using var pool = SimulatedWorkerPool.Start();
        var settings = new Dictionary<string, string?>
        {
            ["Kafka:BootstrapServers"] = kafka.BootstrapServers,
            ["Kafka:Topics"] = topic,
            ["Kafka:ConsumerGroup"] = group,
            ["Kafka:SessionTimeoutMs"] = MockKafkaCluster.FastSessionTimeoutMs.ToString(CultureInfo.InvariantCulture),
            ["Ledger:ConnectionString"] = azurite.ConnectionString,
            ["Ledger:TablePrefix"] = prefix,
            ["Pollers:WorkerPoolEndpoints"] = pool.Url.ToString(),
            ["Pollers:WorkerPoolIntervalSeconds"] = "1",
            ["Pollers:LagIntervalSeconds"] = "1",
        };
        var error = new StringWriter(CultureInfo.InvariantCulture);
        using var stop = new CancellationTokenSource();
        var running = RunCommand.RunAsync(settings, error, stop.Token);

        // The worker-pool poller reads its endpoint on schedule: two reads prove the scheduler loops.
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (pool.Reads < 2 && !running.IsCompleted)
        {
            await Task.Delay(100, wait.Token);
        }

        Assert.False(running.IsCompleted, $"run ended early: {error}");
        await stop.CancelAsync();
        Assert.Equal(0, await running.WaitAsync(TimeSpan.FromSeconds(40)));
        Assert.Equal(string.Empty, error.ToString());

        // The lag poller watched our own group on schedule and wrote its samples to the ledger.
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddLogging().AddTelemetryLedger();
        await using var ledger = services.BuildServiceProvider();
        var samples = await ledger.GetRequiredService<ILagSampleStore>().ReadLatestAsync(group, topic, 0, 5, CancellationToken.None);
        Assert.NotEmpty(samples);
    }

    [Fact]
    public async Task Run_with_pollers_asked_for_but_no_ledger_fails_at_start_naming_the_setting()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Kafka:BootstrapServers"] = kafka.BootstrapServers,
            ["Kafka:Topics"] = kafka.CreateTopic("run", partitions: 1),
            ["Kafka:ConsumerGroup"] = MockKafkaCluster.UniqueName("run"),
            ["Pollers:MqttBrokers"] = "127.0.0.1:1883",
        };
        var error = new StringWriter(CultureInfo.InvariantCulture);

        var exit = await RunCommand.RunAsync(settings, error, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(2, exit);
        var message = error.ToString();
        Assert.Contains("Pollers:MqttBrokers", message, StringComparison.Ordinal);
        Assert.Contains("Ledger:ConnectionString", message, StringComparison.Ordinal);
        Assert.Contains("Ledger:TableServiceUri", message, StringComparison.Ordinal);
    }
}
