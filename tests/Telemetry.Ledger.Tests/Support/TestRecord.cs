using Telemetry.Domain.Aggregation;

namespace Telemetry.Ledger.Tests.Support;

/// <summary>One measurement as a Kafka record would carry it: its source offset, series, event time and value.</summary>
internal sealed record TestRecord(long Offset, MetricSeries Series, DateTimeOffset Time, double Value);
