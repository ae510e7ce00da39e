using System.Collections.Immutable;

namespace Telemetry.Domain.Catalog;

/// <summary>One metric an event feeds: its name, UCUM unit and the dimension keys its series carry.</summary>
public sealed class MetricDefinition
{
    internal MetricDefinition(int id, string name, string unit, string description, ImmutableArray<string> dimensionKeys)
    {
        Id = id;
        Name = name;
        Unit = unit;
        Description = description;
        DimensionKeys = dimensionKeys;
    }

    /// <summary>The metric name, e.g. <c>kafee.batch.process_end.duration</c> or <c>kafka.eventbus.handler.duration</c>.</summary>
    public string Name { get; }

    /// <summary>UCUM unit: <c>ms</c>, <c>By</c>, <c>{event}</c>, <c>{message}</c>...</summary>
    public string Unit { get; }

    public string Description { get; }

    /// <summary>
    /// The dimension keys its series may carry. Every event feeding the metric binds the same keys, so one
    /// metric name is one set of series whichever event fed it.
    /// </summary>
    public ImmutableArray<string> DimensionKeys { get; }

    /// <summary>Unique within one catalog (and its generic extensions); indexes per-metric state.</summary>
    internal int Id { get; }

    public override string ToString() => $"{Name} [{Unit}]";
}
