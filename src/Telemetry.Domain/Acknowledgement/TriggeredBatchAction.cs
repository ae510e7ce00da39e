namespace Telemetry.Domain.Acknowledgement;

/// <summary>What a Kafka-triggered function does at the end of an invocation.</summary>
public enum TriggeredBatchAction
{
    /// <summary>Return normally: the Kafka extension commits the whole batch.</summary>
    Complete = 0,

    /// <summary>Throw: with <c>commitOnFailure: false</c> the extension commits nothing and runs the same batch again.</summary>
    Redeliver = 1,
}
