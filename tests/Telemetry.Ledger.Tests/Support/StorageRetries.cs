using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using System.Globalization;
using Azure.Core.Diagnostics;

namespace Telemetry.Ledger.Tests.Support;

/// <summary>
/// Counts the Azure SDK's retries of requests to one storage endpoint, from the SDK's own event source: the positive
/// signal that a call really met the outage and is backing off, rather than a sleep hoping it did. Other tests' clients
/// in the same process talk to other ports, so requests are matched to the endpoint by their URI.
/// </summary>
internal sealed class StorageRetries : IDisposable
{
    private readonly string _authority;
    private readonly ConcurrentDictionary<string, bool> _ours = new(StringComparer.Ordinal);
    private readonly AzureEventSourceListener _listener;
    private int _retries;

    public StorageRetries(int port)
    {
        _authority = "127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture) + "/";
        _listener = new AzureEventSourceListener(OnEvent, EventLevel.Informational);
    }

    /// <summary>Retries the SDK scheduled for requests to the endpoint since this listener started.</summary>
    public int Count => Volatile.Read(ref _retries);

    public void Dispose() => _listener.Dispose();

    private void OnEvent(EventWrittenEventArgs e, string message)
    {
        if (e.Payload is not { Count: > 0 } payload || payload[0] is not string requestId)
        {
            return;
        }

        if (e.EventName == "Request" && payload.Count > 2 && payload[2] is string uri && uri.Contains(_authority, StringComparison.Ordinal))
        {
            _ours[requestId] = true;
        }
        else if (e.EventName == "RequestRetrying" && _ours.ContainsKey(requestId))
        {
            Interlocked.Increment(ref _retries);
        }
    }
}
