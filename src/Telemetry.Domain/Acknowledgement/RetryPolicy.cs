namespace Telemetry.Domain.Acknowledgement;

/// <summary>
/// How often and how patiently a transiently failing message is retried. Backoff is exponential with a cap and
/// a jitter that is a pure function of (<see cref="JitterSeed"/>, partition, offset, retry number): the same
/// inputs give the same delay, so tests are exact and two replicas with different seeds still spread out.
/// </summary>
public sealed class RetryPolicy
{
    public static RetryPolicy Default { get; } = new();

    /// <summary>Retries after the first attempt; a message that fails <c>1 + MaxRetries</c> times is dead-lettered. 0 dead-letters at the first failure.</summary>
    public int MaxRetries { get; init; } = 3;

    /// <summary>Delay before the first retry.</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>No delay exceeds this.</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Growth factor between consecutive retries (≥ 1).</summary>
    public double Multiplier { get; init; } = 2.0;

    /// <summary>Share of the delay removed at random, in [0, 1]: the delay lies in [(1 − ratio) · d, d].</summary>
    public double JitterRatio { get; init; } = 0.2;

    /// <summary>Seed of the jitter; hosts take it from configuration or the process, tests fix it.</summary>
    public ulong JitterSeed { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the property when the policy cannot be used.</summary>
    public RetryPolicy Validate()
    {
        if (MaxRetries < 0)
        {
            throw new ArgumentException($"{nameof(MaxRetries)} must be 0 or more, not {MaxRetries}.", nameof(MaxRetries));
        }

        if (InitialBackoff < TimeSpan.Zero || MaxBackoff < InitialBackoff)
        {
            throw new ArgumentException($"Backoff needs 0 ≤ {nameof(InitialBackoff)} ≤ {nameof(MaxBackoff)}, not {InitialBackoff} and {MaxBackoff}.", nameof(MaxBackoff));
        }

        if (!(Multiplier >= 1.0) || double.IsInfinity(Multiplier))
        {
            throw new ArgumentException($"{nameof(Multiplier)} must be a finite number ≥ 1, not {Multiplier}.", nameof(Multiplier));
        }

        if (!(JitterRatio is >= 0.0 and <= 1.0))
        {
            throw new ArgumentException($"{nameof(JitterRatio)} must lie in [0, 1], not {JitterRatio}.", nameof(JitterRatio));
        }

        return this;
    }

    /// <summary>The delay before retry number <paramref name="retryNumber"/> (1-based) of the message at <paramref name="partition"/>/<paramref name="offset"/>.</summary>
    public TimeSpan Backoff(int retryNumber, int partition, long offset)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(retryNumber, 1);
        var capped = CappedDelayTicks(retryNumber);
        var unit = Jitter.Unit(JitterSeed, partition, offset, retryNumber);
        return TimeSpan.FromTicks((long)(capped * (1.0 - JitterRatio * unit)));
    }

    /// <summary>The delay without jitter: <c>min(MaxBackoff, InitialBackoff · Multiplier^(retryNumber − 1))</c>, the upper bound of <see cref="Backoff"/>.</summary>
    public TimeSpan CappedBackoff(int retryNumber)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(retryNumber, 1);
        return TimeSpan.FromTicks((long)CappedDelayTicks(retryNumber));
    }

    private double CappedDelayTicks(int retryNumber)
    {
        // Math.Pow overflows to infinity for large retry numbers, which Math.Min then caps: no special case needed.
        var grown = InitialBackoff.Ticks * Math.Pow(Multiplier, retryNumber - 1);
        return Math.Min(MaxBackoff.Ticks, grown);
    }
}
