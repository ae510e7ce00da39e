namespace Telemetry.Export.Tests;

/// <summary>A clock the test moves, for the minute-close rule.</summary>
internal sealed class ManualTimeProvider(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}
