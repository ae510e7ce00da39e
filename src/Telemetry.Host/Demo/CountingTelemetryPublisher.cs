using Microsoft.Extensions.DependencyInjection;
using Telemetry.Pollers.Publishing;

namespace Telemetry.Host.Demo;

/// <summary>
/// Wraps the pollers' publisher and counts, per event name, what was acknowledged: the demo's "produced" total then
/// includes the worker-pool poller's derived events, counted on the producer side, not from what the consumer saw.
/// </summary>
internal sealed class CountingTelemetryPublisher(ITelemetryPublisher inner) : ITelemetryPublisher, IDisposable
{
    private readonly Lock _gate = new();
    private readonly SortedDictionary<string, long> _byEvent = new(StringComparer.Ordinal);
    private int _disposed;

    public long Published
    {
        get
        {
            lock (_gate)
            {
                return _byEvent.Values.Sum();
            }
        }
    }

    public IReadOnlyDictionary<string, long> ByEvent()
    {
        lock (_gate)
        {
            return new SortedDictionary<string, long>(_byEvent, StringComparer.Ordinal);
        }
    }

    public async Task PublishAsync(string key, IReadOnlyList<TelemetryEnvelope> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        await inner.PublishAsync(key, events, cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            foreach (var e in events)
            {
                _byEvent[e.Event] = _byEvent.GetValueOrDefault(e.Event) + 1;
            }
        }
    }

    /// <summary>The container does not own the wrapped publisher (a factory made it), so its producer is flushed here.</summary>
    /// <remarks>Idempotent: the container disposes this instance once for each service type it is registered as.</remarks>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            (inner as IDisposable)?.Dispose();
        }
    }

    /// <summary>Replaces the registered <see cref="ITelemetryPublisher"/> with a counting wrapper around it.</summary>
    public static void Decorate(IServiceCollection services)
    {
        var registered = services.Last(d => d.ServiceType == typeof(ITelemetryPublisher));
        services.Remove(registered);
        services.AddSingleton(sp => new CountingTelemetryPublisher(Create(sp, registered)));
        services.AddSingleton<ITelemetryPublisher>(sp => sp.GetRequiredService<CountingTelemetryPublisher>());
    }

    private static ITelemetryPublisher Create(IServiceProvider services, ServiceDescriptor descriptor) =>
        (ITelemetryPublisher)(descriptor.ImplementationInstance
            ?? descriptor.ImplementationFactory?.Invoke(services)
            ?? ActivatorUtilities.CreateInstance(services, descriptor.ImplementationType!));
}
