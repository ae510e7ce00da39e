namespace Telemetry.Pollers;

/// <summary>Keys of the registered pollers: resolve one with <c>[FromKeyedServices(PollerNames.Lag)] IPoller</c>.</summary>
public static class PollerNames
{
    public const string Lag = Telemetry.Pollers.Lag.ConsumerLagPoller.PollerName;
    public const string Mqtt = Telemetry.Pollers.Mqtt.MqttBrokerPoller.PollerName;
    public const string WorkerPool = Telemetry.Pollers.WorkerPools.WorkerPoolPoller.PollerName;
}
