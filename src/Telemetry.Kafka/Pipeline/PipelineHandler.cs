namespace Telemetry.Kafka.Pipeline;

/// <summary>
/// How both hosts name their record handler in seed 001's metrics (<c>handler.name</c>, <c>event.type</c>): one name
/// for the decode-validate-aggregate handler, so the standalone host and the Functions app report the same series and
/// the handler error-rate alert reads one ratio. The event type is the envelope stream, not each event's name, which
/// would multiply the series by the catalog's size for no alert that needs it.
/// </summary>
internal static class PipelineHandler
{
    public const string Name = "telemetry.pipeline";

    public const string EventType = "telemetry";
}
