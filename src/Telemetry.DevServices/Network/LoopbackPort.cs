using System.Net;
using System.Net.Sockets;

namespace Telemetry.DevServices.Network;

/// <summary>Loopback ports for the local stand-ins (Azurite, mosquitto, the demo's simulated pool): a free one, and whether one accepts connections.</summary>
public static class LoopbackPort
{
    /// <summary>A port free on 127.0.0.1 now; another process may take it before the caller binds it.</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static async Task<bool> AcceptsAsync(int port, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
