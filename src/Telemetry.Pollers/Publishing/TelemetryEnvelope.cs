namespace Telemetry.Pollers.Publishing;

/// <summary>
/// One derived event in the shape of the ingested ones (docs/envelope.md, schema 1): a dotted event name, the time it
/// was observed, where it came from, numeric measurements and string metadata. Published to the telemetry topic so it
/// aggregates, lands in the ledger and alerts exactly like an event a pool emitted itself.
/// </summary>
public sealed record TelemetryEnvelope(
    string Event,
    DateTimeOffset Time,
    string Source,
    IReadOnlyDictionary<string, double> Measurements,
    IReadOnlyDictionary<string, string> Metadata)
{
    public const int Schema = 1;
}
