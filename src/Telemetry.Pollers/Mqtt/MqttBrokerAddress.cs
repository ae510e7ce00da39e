namespace Telemetry.Pollers.Mqtt;

/// <summary>One configured broker, <c>host:port</c>; <see cref="Name"/> is the metric attribute value.</summary>
internal readonly record struct MqttBrokerAddress(string Host, int Port)
{
    public string Name => $"{Host}:{Port}";

    public static bool TryParse(string value, out MqttBrokerAddress address)
    {
        address = default;
        var colon = value.LastIndexOf(':');
        if (colon <= 0 || colon == value.Length - 1)
        {
            return false;
        }

        var host = value[..colon].Trim('[', ']');
        if (!int.TryParse(value[(colon + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535 || host.Length == 0)
        {
            return false;
        }

        address = new MqttBrokerAddress(host, port);
        return true;
    }
}
