namespace Telemetry.Ledger.Queries;

/// <summary>
/// Seed 004's <c>get_retry_stats()</c>, from the ledger: the distribution of retries per executed event
/// (event pipeline), and Kafee's message retries and dead letters.
/// </summary>
/// <param name="EventRetries">Retries per event: Count = events, Sum = total retries, Max, P95, ...</param>
/// <param name="EventsRetried">Events with at least one retry (from the histogram, exact for integer counts).</param>
/// <param name="MessageRetries">Kafee <c>message_retry</c> events.</param>
/// <param name="DeadLetters">Kafee <c>dlq_sent</c> events.</param>
public sealed record RetryStatistics(MetricSummary EventRetries, long EventsRetried, long MessageRetries, long DeadLetters);
