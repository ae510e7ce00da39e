namespace Telemetry.Host.Tests.Infrastructure;

/// <summary>One metric data point as Application Insights ingestion received it: a <c>customMetrics</c> row to be.</summary>
internal sealed record TrackedMetric(string Name, double Value, long? Count, IReadOnlyDictionary<string, string> CustomDimensions);
