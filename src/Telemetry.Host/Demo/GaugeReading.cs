namespace Telemetry.Host.Demo;

/// <summary>One poller gauge series' current value, with its attributes in the order the poller wrote them.</summary>
internal sealed record GaugeReading(string Name, string Unit, IReadOnlyList<KeyValuePair<string, string>> Tags, double Value)
{
    /// <summary><c>key=value</c> pairs, comma-separated.</summary>
    public string Attributes => string.Join(',', Tags.Select(t => $"{t.Key}={t.Value}"));

    public string? Tag(string key) => Tags.FirstOrDefault(t => t.Key == key).Value;
}
