namespace Telemetry.Kafka.Consuming;

/// <summary>
/// What the standalone host's partition worker lets its batch processor do besides processing: mark offsets safe to commit, wait out a retry backoff without
/// holding an in-flight slot, and notice that the partition is being given up.
/// </summary>
internal sealed class StandaloneBatchContext
{
    private readonly Action<long> _finalise;
    private readonly SemaphoreSlim _inFlight;
    private bool _holdsSlot = true;

    public StandaloneBatchContext(Action<long> finalise, SemaphoreSlim inFlight, CancellationToken stopping, CancellationToken abandon)
    {
        _finalise = finalise;
        _inFlight = inFlight;
        this.Stopping = stopping;
        this.Abandon = abandon;
    }

    /// <summary>Cancelled when the partition is revoked or the host stops: start no new attempt.</summary>
    public CancellationToken Stopping { get; }

    /// <summary>Cancelled when the grace period after <see cref="Stopping"/> is over: give up the attempt in progress.</summary>
    public CancellationToken Abandon { get; }

    /// <summary>Everything up to and including <paramref name="offset"/> is decided and durable; commit past it.</summary>
    public void Finalise(long offset) => _finalise(offset);

    /// <summary>
    /// Waits a retry backoff. The in-flight slot is released meanwhile, so a partition that waits does not hold up
    /// others; throws <see cref="OperationCanceledException"/> when the partition is being given up.
    /// </summary>
    public async Task BackoffAsync(TimeSpan delay)
    {
        this.Release();
        await Task.Delay(delay, this.Stopping).ConfigureAwait(false);
        await _inFlight.WaitAsync(this.Stopping).ConfigureAwait(false);
        _holdsSlot = true;
    }

    internal void Release()
    {
        if (_holdsSlot)
        {
            _holdsSlot = false;
            _inFlight.Release();
        }
    }
}
