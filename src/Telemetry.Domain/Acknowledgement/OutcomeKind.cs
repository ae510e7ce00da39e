namespace Telemetry.Domain.Acknowledgement;

/// <summary>How handling one message ended.</summary>
public enum OutcomeKind
{
    Succeeded = 0,

    /// <summary>A failure that another attempt may cure (a timeout, a throttled store).</summary>
    Failed = 1,

    /// <summary>The message itself is bad (not JSON, wrong schema version, ...): retrying cannot fix it.</summary>
    Malformed = 2,
}
