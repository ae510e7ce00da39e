using System.Diagnostics.Metrics;
using OpenTelemetry.Metrics;

namespace Telemetry.Export.Publishers;

/// <summary>
/// The names our metrics take in OTLP and Prometheus. Our own instruments keep their seed-001 names. The ingested
/// minute aggregates are gauges (one point per minute, exact statistics) and take the prefix <c>ingested.</c>, so
/// that <c>kafka.eventbus.handler.duration.count</c> of an ingested event can never be mistaken for the
/// <c>_count</c> of our own histogram of the same name, nor a per-minute gauge for a counter. The publishers' aggregate
/// meters hold catalog names (their sinks skip Azure Monitor's <see cref="Aggregates.IngestedMetricNames"/> rename), so
/// family 001 takes the prefix once here and reads <c>ingested.kafka.eventbus.*</c>, exactly as in Azure Monitor.
/// </summary>
internal static class PublisherViews
{
    public const string IngestedPrefix = "ingested.";

    /// <summary>
    /// For Prometheus, whose exporter here appends no suffixes (it would turn seed 001's millisecond histograms into
    /// <c>kafka_eventbus_handler_duration_milliseconds_bucket</c>), counters get seed 001's <c>_total</c> by name.
    /// </summary>
    public const string CounterSuffix = ".total";

    public static Func<Instrument, MetricStreamConfiguration?> For(string aggregatesMeterName, int maxSeriesPerMetric, bool counterSuffix) => instrument =>
    {
        var isAggregate = instrument.Meter.Name == aggregatesMeterName;
        var name = isAggregate && !instrument.Name.StartsWith(ExportHealthPrefix, StringComparison.Ordinal)
            ? IngestedPrefix + instrument.Name
            : null;
        if (counterSuffix && IsCounter(instrument))
        {
            name = (name ?? instrument.Name) + CounterSuffix;
        }

        if (name is null && !isAggregate)
        {
            return null;
        }

        var view = new MetricStreamConfiguration { Name = name };
        if (isAggregate)
        {
            view.CardinalityLimit = maxSeriesPerMetric + 1;
        }

        return view;
    };

    /// <summary>The export's own health metrics (<c>telemetry.export.*</c>) keep their names.</summary>
    private const string ExportHealthPrefix = "telemetry.export.";

    private static bool IsCounter(Instrument instrument) =>
        instrument.GetType() is { IsGenericType: true } type
        && (type.GetGenericTypeDefinition() == typeof(Counter<>) || type.GetGenericTypeDefinition() == typeof(ObservableCounter<>));
}
