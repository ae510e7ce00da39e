using System.Text.Json.Serialization;

namespace Telemetry.Pollers.Lag;

/// <summary>What a partition's row keeps between runs: the (latest offset, time) samples, Burrow's window, and the results.</summary>
internal sealed record PartitionLagState(
    string Topic,
    int Partition,
    IReadOnlyList<OffsetTimePoint> Samples,
    IReadOnlyList<OffsetObservation> Window,
    long Lag,
    double? LagSeconds,
    LagStatus Status);

[JsonSerializable(typeof(IReadOnlyList<OffsetTimePoint>))]
[JsonSerializable(typeof(IReadOnlyList<OffsetObservation>))]
internal sealed partial class LagJsonContext : JsonSerializerContext;
