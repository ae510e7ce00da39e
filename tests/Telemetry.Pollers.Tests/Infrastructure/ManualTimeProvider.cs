namespace Telemetry.Pollers.Tests.Infrastructure;

/// <summary>A clock the test moves, so time-based results (time lag, Burrow's STOP) are exact and no test asserts wall-clock time.</summary>
internal sealed class ManualTimeProvider(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}
