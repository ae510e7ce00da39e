using System.Text.Json.Serialization;

namespace Telemetry.Pollers.WorkerPools;

/// <summary>What the previous run saw of one endpoint: the pool's name and each worker's uptime and request count.</summary>
internal sealed record WorkerPoolState(string Pool, DateTimeOffset ObservedAt, bool Healthy, IReadOnlyList<WorkerSeen> Workers);

internal sealed record WorkerSeen(string Id, double UptimeSeconds, long RequestCount);

[JsonSerializable(typeof(WorkerPoolState))]
internal sealed partial class WorkerPoolStateJsonContext : JsonSerializerContext;
