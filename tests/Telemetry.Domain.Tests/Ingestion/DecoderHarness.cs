using System.Text;
using Telemetry.Domain.Catalog;
using Telemetry.Domain.Ingestion;
using Telemetry.Domain.Processing;

namespace Telemetry.Domain.Tests.Ingestion;

/// <summary>A decoder with its own state, as one partition processor holds it.</summary>
internal sealed class DecoderHarness
{
    public DecoderHarness(IngestionOptions? options = null)
    {
        Options = options ?? new IngestionOptions();
        Pool = new DimensionValuePool();
        Generic = new GenericEventRegistry(TelemetryCatalog.Default, Options.MaxUnknownEvents);
        Decoder = new EnvelopeDecoder(TelemetryCatalog.Default, Options, Pool, Generic);
    }

    public IngestionOptions Options { get; }

    public DimensionValuePool Pool { get; }

    public GenericEventRegistry Generic { get; }

    public EnvelopeDecoder Decoder { get; }

    public DecodedEvent Event { get; } = new();

    public EnvelopeError Decode(string json, long recordTimestampMs = 0, bool capture = false) =>
        Decoder.Decode(Encoding.UTF8.GetBytes(json), recordTimestampMs, Event, capture);

    public string? Dimension(string key)
    {
        var keys = Event.Definition!.DimensionKeys;
        var i = keys.IndexOf(key);
        return i < 0 ? null : Event.Dimensions[i];
    }

    /// <summary>The exact micro-units of a metric's observation (what the aggregates sum).</summary>
    public long? Micros(string metricName)
    {
        for (var i = 0; i < Event.ObservationCount; i++)
        {
            if (Event.Observations[i].Metric.Name == metricName)
            {
                return Event.Observations[i].Micros;
            }
        }

        return null;
    }

    public double? Value(string metricName)
    {
        for (var i = 0; i < Event.ObservationCount; i++)
        {
            if (Event.Observations[i].Metric.Name == metricName)
            {
                return Event.Observations[i].Micros / 1_000_000d;
            }
        }

        return null;
    }
}
