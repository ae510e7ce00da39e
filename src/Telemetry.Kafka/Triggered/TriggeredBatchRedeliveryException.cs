namespace Telemetry.Kafka.Triggered;

/// <summary>
/// Thrown so the Functions Kafka extension re-runs the batch without committing it (<c>commitOnFailure: false</c>):
/// a transient failure with retries left, or a dead letter that was not written.
/// </summary>
public sealed class TriggeredBatchRedeliveryException : Exception
{
    public TriggeredBatchRedeliveryException()
    {
    }

    public TriggeredBatchRedeliveryException(string message)
        : base(message)
    {
    }

    public TriggeredBatchRedeliveryException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public TriggeredBatchRedeliveryException(int attempt, int retries, int failedDeadLetters)
        : base($"The batch must run again (attempt {attempt}): {retries} records to retry, {failedDeadLetters} dead letters not written.")
    {
        Attempt = attempt;
        Retries = retries;
        FailedDeadLetters = failedDeadLetters;
    }

    public int Attempt { get; }

    public int Retries { get; }

    public int FailedDeadLetters { get; }
}
