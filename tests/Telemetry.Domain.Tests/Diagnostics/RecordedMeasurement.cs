namespace Telemetry.Domain.Tests.Diagnostics;

internal sealed record RecordedMeasurement(string Instrument, double Value, IReadOnlyList<KeyValuePair<string, object?>> Tags)
{
    public IReadOnlyList<string> Keys => [.. Tags.Select(t => t.Key)];

    public object? this[string key] => Tags.Single(t => t.Key == key).Value;
}
