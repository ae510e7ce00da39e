namespace Telemetry.Export.Aggregates;

/// <summary>What one exported aggregate metric carries of a series' minute distribution.</summary>
internal enum AggregateStatistic
{
    Count,
    Sum,
    Min,
    Max,
    P50,
    P95,
    P99,
}
