namespace Telemetry.Domain.Catalog;

/// <summary>The producer families the catalog knows; the family picks the dimension allow-list.</summary>
public enum TelemetryFamily
{
    /// <summary>An event whose name matches no known family prefix.</summary>
    Unknown,

    /// <summary>Seed 000: Kafee, <c>kafee.*</c>.</summary>
    Kafee,

    /// <summary>Seed 001: the Kafka event bus, <c>kafka.eventbus.*</c>.</summary>
    KafkaEventBus,

    /// <summary>Seed 002: EMQTT, <c>emqtt.*</c>.</summary>
    Emqtt,

    /// <summary>Seed 003: Snakepit, <c>snakepit.*</c>.</summary>
    Snakepit,

    /// <summary>Seed 004: Event Pipeline, <c>event_pipeline.*</c>.</summary>
    EventPipeline,
}
