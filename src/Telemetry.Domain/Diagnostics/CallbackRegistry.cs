namespace Telemetry.Domain.Diagnostics;

/// <summary>
/// Sources of gauge readings that pollers add and remove while the exporter collects on another thread:
/// a copy-on-write array, so collection never takes a lock nor sees a half-updated list.
/// </summary>
internal sealed class CallbackRegistry<T>
{
    private Func<IEnumerable<T>>[] _sources = [];

    public IDisposable Add(Func<IEnumerable<T>> source)
    {
        ArgumentNullException.ThrowIfNull(source);
        Update(current => [.. current, source]);
        return new Registration(this, source);
    }

    public IEnumerable<T> Collect()
    {
        foreach (var source in Volatile.Read(ref _sources))
        {
            foreach (var reading in Read(source))
            {
                yield return reading;
            }
        }
    }

    // One broken poller must not blank the gauge for every other partition or broker.
    private static IReadOnlyList<T> Read(Func<IEnumerable<T>> source)
    {
        try
        {
            return [.. source()];
        }
        catch (Exception)
        {
            return [];
        }
    }

    private void Update(Func<Func<IEnumerable<T>>[], Func<IEnumerable<T>>[]> change)
    {
        while (true)
        {
            var current = Volatile.Read(ref _sources);
            if (Interlocked.CompareExchange(ref _sources, change(current), current) == current)
            {
                return;
            }
        }
    }

    private sealed class Registration(CallbackRegistry<T> owner, Func<IEnumerable<T>> source) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                owner.Update(current => Array.FindAll(current, s => !ReferenceEquals(s, source)));
            }
        }
    }
}
