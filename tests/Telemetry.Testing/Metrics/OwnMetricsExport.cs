using OpenTelemetry;
using OpenTelemetry.Metrics;
using Telemetry.Domain.Diagnostics;

namespace Telemetry.Testing.Metrics;

/// <summary>One exported point of our own meter: counter total, gauge value or histogram sum, and a histogram's count.</summary>
public sealed record OwnPoint(string Name, IReadOnlyDictionary<string, object?> Tags, double Value, long Count)
{
    public string? Tag(string key) => Tags.TryGetValue(key, out var value) ? Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) : null;
}

/// <summary>
/// A real OpenTelemetry <see cref="MeterProvider"/> on our meter with the in-memory exporter (cumulative), as
/// opentelemetry-dotnet tests its own instruments. The SDK subscribes by meter name, which every
/// <see cref="OwnTelemetry"/> of the process shares: tests using this run in a collection without parallelisation, or
/// match points by a tag of their own.
/// </summary>
public sealed class OwnMetricsExport : IDisposable
{
    private readonly List<MetricSnapshot> _exported = [];
    private readonly MeterProvider _provider;

    public OwnMetricsExport()
    {
        _provider = Sdk.CreateMeterProviderBuilder()
            .AddMeter(OwnMetricCatalog.MeterName)
            .AddInMemoryExporter(_exported)
            .Build();
    }

    /// <summary>Collects now (observable gauges included) and returns what this collection exported.</summary>
    public IReadOnlyList<OwnPoint> Collect()
    {
        lock (_exported)
        {
            _exported.Clear();
            _provider.ForceFlush();
            var points = new List<OwnPoint>();
            foreach (var metric in _exported)
            {
                foreach (var point in metric.MetricPoints)
                {
                    var tags = new Dictionary<string, object?>(StringComparer.Ordinal);
                    foreach (var tag in point.Tags)
                    {
                        tags[tag.Key] = tag.Value;
                    }

                    points.Add(metric.MetricType switch
                    {
                        MetricType.LongSum or MetricType.LongSumNonMonotonic => new OwnPoint(metric.Name, tags, point.GetSumLong(), 0),
                        MetricType.DoubleSum or MetricType.DoubleSumNonMonotonic => new OwnPoint(metric.Name, tags, point.GetSumDouble(), 0),
                        MetricType.LongGauge => new OwnPoint(metric.Name, tags, point.GetGaugeLastValueLong(), 0),
                        MetricType.DoubleGauge => new OwnPoint(metric.Name, tags, point.GetGaugeLastValueDouble(), 0),
                        MetricType.Histogram => new OwnPoint(metric.Name, tags, point.GetHistogramSum(), point.GetHistogramCount()),
                        _ => new OwnPoint(metric.Name, tags, double.NaN, 0),
                    });
                }
            }

            return points;
        }
    }

    /// <summary>The points of <paramref name="name"/> in a fresh collection.</summary>
    public IReadOnlyList<OwnPoint> Of(string name) => [.. this.Collect().Where(p => p.Name == name)];

    public void Dispose() => _provider.Dispose();
}
