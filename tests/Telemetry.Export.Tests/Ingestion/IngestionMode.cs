namespace Telemetry.Export.Tests.Ingestion;

internal enum IngestionMode
{
    /// <summary>200 with itemsReceived = itemsAccepted, as the service answers a good batch.</summary>
    Accept,

    /// <summary>500, which the exporter treats as retriable.</summary>
    ServerError,

    /// <summary>429 with Retry-After, the service's throttling answer.</summary>
    Throttle,

    /// <summary>Holds each request until released, like an endpoint that hangs.</summary>
    Block,
}
