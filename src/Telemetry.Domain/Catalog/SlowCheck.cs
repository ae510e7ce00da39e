namespace Telemetry.Domain.Catalog;

/// <summary>Which slow threshold a duration field is compared with to raise a notable event.</summary>
public enum SlowCheck
{
    /// <summary>Never raises a slow notable event.</summary>
    None,

    /// <summary>Compared with <c>Ingestion:SlowEventThresholdMs</c>.</summary>
    Event,

    /// <summary>Compared with <c>Ingestion:SlowNetworkOperationThresholdMs</c>.</summary>
    NetworkOperation,
}
