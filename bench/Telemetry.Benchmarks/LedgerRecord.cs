using Telemetry.Domain.Aggregation;

namespace Telemetry.Benchmarks;

/// <summary>One measurement at a source offset, as the benchmark workload produces it.</summary>
internal sealed record LedgerRecord(long Offset, MetricSeries Series, DateTimeOffset Time, double Value);
