using Microsoft.Extensions.Logging;
using Telemetry.Export.Aggregates;

namespace Telemetry.Export.Publishers;

/// <summary>
/// One publisher's own copy of the core's minute aggregates: its buffer, its aggregates meter (named after the
/// publisher, so only that publisher's MeterProvider observes it) and the sink that fills the buffer. An aggregates
/// meter hands each minute to the first reader that collects, so every publisher needs its own to get them all.
/// </summary>
internal sealed class PublisherAggregates : IDisposable
{
    public PublisherAggregates(string meterName, PendingAggregates pending, int maxSeriesPerMetric, HeldPoints? held, ILogger<AzureMonitorAggregateSink> logger)
    {
        MeterName = meterName;
        Meter = new AggregateMeter(pending, meterName, maxSeriesPerMetric, held);
        // Catalog names: PublisherViews prefixes every aggregate with "ingested.", which is the naming contract here.
        Sink = new AzureMonitorAggregateSink(Meter, pending, enabled: true, logger, namingContract: false);
    }

    public string MeterName { get; }

    public AggregateMeter Meter { get; }

    /// <summary>Copies a batch's aggregates into this publisher's bounded buffer; never blocks or throws.</summary>
    public AzureMonitorAggregateSink Sink { get; }

    public void Dispose() => Meter.Dispose();
}
