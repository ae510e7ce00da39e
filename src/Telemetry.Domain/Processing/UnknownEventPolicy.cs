namespace Telemetry.Domain.Processing;

/// <summary>What to do with a well-formed event the catalog does not know (<c>Ingestion:UnknownEvents</c>).</summary>
public enum UnknownEventPolicy
{
    /// <summary>Aggregate it by the generic rules, so producers can add events without a release.</summary>
    Aggregate,

    /// <summary>Refuse it as <c>UnknownEvent</c> (it goes to the dead-letter topic).</summary>
    Reject,
}
