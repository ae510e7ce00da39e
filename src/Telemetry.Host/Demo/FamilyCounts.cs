using System.Collections.Frozen;
using Telemetry.Domain.Aggregation;
using Telemetry.Domain.Catalog;

namespace Telemetry.Host.Demo;

/// <summary>
/// Events per family, read back from aggregates: every catalog event feeds exactly one occurrence counter
/// (<see cref="EventDefinition.CountMetric"/>), so summing those counters per family counts the events.
/// </summary>
internal static class FamilyCounts
{
    public static IReadOnlyList<TelemetryFamily> Families { get; } =
        [TelemetryFamily.Kafee, TelemetryFamily.KafkaEventBus, TelemetryFamily.Emqtt, TelemetryFamily.Snakepit, TelemetryFamily.EventPipeline];

    private static readonly FrozenDictionary<string, TelemetryFamily> ByCountMetric =
        TelemetryCatalog.Default.Events.DistinctBy(e => e.CountMetric.Name, StringComparer.Ordinal).ToFrozenDictionary(e => e.CountMetric.Name, e => e.Family, StringComparer.Ordinal);

    /// <summary>The family whose events <paramref name="metric"/> counts, or null for any other metric.</summary>
    public static TelemetryFamily? OfCountMetric(string metric) => ByCountMetric.TryGetValue(metric, out var family) ? family : null;

    public static Dictionary<TelemetryFamily, long> Of(IEnumerable<MinuteAggregate> aggregates)
    {
        var counts = new Dictionary<TelemetryFamily, long>();
        foreach (var a in aggregates)
        {
            if (OfCountMetric(a.Series.Name) is { } family)
            {
                counts[family] = counts.GetValueOrDefault(family) + a.Distribution.Count;
            }
        }

        return counts;
    }

    /// <summary>The name the families go by in the seeds and in event names.</summary>
    public static string Name(TelemetryFamily family) => family switch
    {
        TelemetryFamily.Kafee => "kafee",
        TelemetryFamily.KafkaEventBus => "kafka.eventbus",
        TelemetryFamily.Emqtt => "emqtt",
        TelemetryFamily.Snakepit => "snakepit",
        TelemetryFamily.EventPipeline => "event_pipeline",
        _ => "unknown",
    };
}
