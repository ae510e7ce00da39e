using Confluent.Kafka;

namespace Telemetry.Kafka.DeadLetters;

/// <summary>A dead letter was not confirmed by the broker: nothing may be committed past its offset.</summary>
public sealed class DeadLetterWriteException : Exception
{
    public DeadLetterWriteException()
    {
    }

    public DeadLetterWriteException(string message)
        : base(message)
    {
    }

    public DeadLetterWriteException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public DeadLetterWriteException(string topic, int partition, long offset, Error error, Exception? inner)
        : base($"Dead letter for {topic} [{partition}] @{offset} was not written: {error.Code} {error.Reason}", inner)
    {
        this.Topic = topic;
        this.Partition = partition;
        this.Offset = offset;
        this.ErrorCode = error.Code;
    }

    public string Topic { get; } = string.Empty;

    public int Partition { get; }

    /// <summary>The source offset whose dead letter failed.</summary>
    public long Offset { get; }

    public ErrorCode ErrorCode { get; }
}
