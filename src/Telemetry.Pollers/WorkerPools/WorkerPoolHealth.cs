using System.Text.Json.Serialization;

namespace Telemetry.Pollers.WorkerPools;

/// <summary>The health document a worker pool serves (docs/worker-pool-contract.md, schema 1).</summary>
internal sealed record WorkerPoolHealth(
    [property: JsonPropertyName("schema")] int Schema,
    [property: JsonPropertyName("pool")] string? Pool,
    [property: JsonPropertyName("workers")] IReadOnlyList<WorkerHealth>? Workers,
    [property: JsonPropertyName("queue")] QueueHealth? Queue);

internal sealed record WorkerHealth(
    [property: JsonPropertyName("id")] string? Id,
    [property: JsonPropertyName("status")] string? Status,
    [property: JsonPropertyName("uptime_seconds")] double UptimeSeconds,
    [property: JsonPropertyName("request_count")] long RequestCount,
    [property: JsonPropertyName("memory_bytes")] long MemoryBytes)
{
    public const string Idle = "idle";
    public const string Busy = "busy";
    public const string Starting = "starting";
    public const string Unhealthy = "unhealthy";
}

internal sealed record QueueHealth(
    [property: JsonPropertyName("size")] int Size,
    [property: JsonPropertyName("capacity")] int Capacity);

[JsonSerializable(typeof(WorkerPoolHealth))]
[JsonSourceGenerationOptions(AllowTrailingCommas = false, NumberHandling = JsonNumberHandling.Strict, ReadCommentHandling = System.Text.Json.JsonCommentHandling.Disallow)]
internal sealed partial class WorkerPoolHealthJsonContext : JsonSerializerContext;
