namespace Telemetry.Domain.Aggregation;

/// <summary>The distribution of one series over one tumbling one-minute window of event time.</summary>
/// <param name="Series">The metric series.</param>
/// <param name="WindowStart">Start of the minute window, UTC, second and below zero.</param>
/// <param name="Distribution">What was recorded in that window.</param>
public sealed record MinuteAggregate(MetricSeries Series, DateTimeOffset WindowStart, Distribution Distribution);
