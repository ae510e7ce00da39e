using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Telemetry.DevServices.Mosquitto;
using Telemetry.Pollers.Diagnostics;
using Telemetry.Pollers.Mqtt;
using Telemetry.Pollers.State;
using Telemetry.Pollers.Tests.Infrastructure;
using Telemetry.Testing.Azurite;

namespace Telemetry.Pollers.Tests.Scheduling;

[Collection(MqttCollection.Name)]
public sealed class PollerSchedulerTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task The_standalone_host_runs_each_configured_poller_again_and_again_until_stopped()
    {
        await using var broker = await MosquittoBroker.StartNewAsync();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Ledger:ConnectionString"] = azurite.ConnectionString,
            ["Ledger:TablePrefix"] = AzuriteFixture.NewTablePrefix(),
            ["Pollers:MqttBrokers"] = broker.Address,
            ["Pollers:MqttIntervalSeconds"] = "1",
            ["Pollers:MqttQuietMs"] = "100",
        });
        builder.Services.AddTelemetryLedger();
        builder.Services.AddPollerScheduler();
        using var host = builder.Build();
        var state = host.Services.GetRequiredService<PollerStateStore>();

        await host.StartAsync();
        var observed = new HashSet<DateTimeOffset>();
        for (var i = 0; i < 100 && observed.Count < 3; i++)
        {
            await Task.Delay(100);
            if (await state.GetAsync(MqttBrokerPoller.PollerName, broker.Address, BrokerStateJsonContext.Default.BrokerState, CancellationToken.None) is { } s)
            {
                observed.Add(s.ObservedAt);
            }
        }

        await host.StopAsync();

        Assert.True(observed.Count >= 3, $"saw {observed.Count} distinct runs");
        Assert.True(host.Services.GetRequiredService<GaugeReadings>().TryGet(
            PollerMetricNames.MqttConnectionsActive, out var health, new KeyValuePair<string, object?>(PollerMetricNames.BrokerAttribute, broker.Address)));
        Assert.Equal(1, health);
    }
}
