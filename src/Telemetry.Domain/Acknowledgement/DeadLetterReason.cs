namespace Telemetry.Domain.Acknowledgement;

/// <summary>Why a message went to the dead-letter topic (seed 001's <c>dlq.reason</c>).</summary>
public enum DeadLetterReason
{
    /// <summary>Transient failures outlasted the retry policy: <c>max_retries_exceeded</c>.</summary>
    MaxRetriesExceeded = 0,

    /// <summary>The message cannot be processed at all: <c>malformed</c>.</summary>
    Malformed = 1,
}
